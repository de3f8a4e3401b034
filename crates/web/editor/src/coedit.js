// The live editor: CodeMirror bound to a shared Yjs text (a wiki page's, or
// an event's notes), connected to Stoa's y-websocket endpoint, with the
// others' cursors and names (awareness). Built into ../static/coedit.js
// (see package.json). Without JavaScript a page shows the text in a form.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { yCollab } from 'y-codemirror.next';
import { remoteSelections } from './selections.js';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, drawSelection, highlightActiveLine, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';

const COLORS = ['#b42318', '#1d4ed8', '#047857', '#7c3aed', '#b45309', '#be185d', '#0e7490', '#4d7c0f'];

function colorFor(name) {
  let h = 0;
  for (const c of name) h = (h * 31 + c.codePointAt(0)) >>> 0;
  return COLORS[h % COLORS.length];
}

// The class of a colour of the palette (see stoa.css), or of any other.
function colorClass(color) {
  const i = COLORS.indexOf(color);
  return i < 0 ? 'coedit-cx' : 'coedit-c' + i;
}

function start(mount) {
  const say = (key) => mount.getAttribute('data-' + key) || '';
  const pageId = mount.getAttribute('data-page-id');
  // The document: `wiki-{page id}` unless the mount names another.
  const room = mount.getAttribute('data-room') || 'wiki-' + pageId;
  const name = mount.getAttribute('data-name') || 'Someone';
  const status = document.querySelector('[data-coedit-status]');
  const people = document.querySelector('[data-coedit-people]');
  const form = document.querySelector('[data-coedit-save]');
  const outcome = document.querySelector('[data-coedit-outcome]');

  const doc = new Y.Doc();
  const text = doc.getText('body');
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/yjs';
  const provider = new WebsocketProvider(url, room, doc);
  const color = colorFor(name);
  provider.awareness.setLocalStateField('user', { name, color, colorLight: color + '33' });

  const showStatus = (connected) => {
    if (status) status.textContent = say(connected ? 'online' : 'offline');
    mount.classList.toggle('is-offline', !connected);
  };
  provider.on('status', (event) => showStatus(event.status === 'connected'));
  showStatus(false);

  const showPeople = () => {
    if (!people) return;
    people.textContent = '';
    const seen = new Set();
    provider.awareness.getStates().forEach((state) => {
      if (!state.user || seen.has(state.user.name)) return;
      seen.add(state.user.name);
      const li = document.createElement('li');
      const dot = document.createElement('span');
      dot.className = 'coedit-dot ' + colorClass(state.user.color);
      li.appendChild(dot);
      li.appendChild(document.createTextNode(state.user.name));
      people.appendChild(li);
    });
  };
  provider.awareness.on('change', showPeople);
  showPeople();

  // The editor replaces the read-only copy (or the form used without
  // JavaScript) once the text has arrived.
  const fallback = mount.querySelector('[data-coedit-fallback]') || mount.querySelector('textarea');
  const label = mount.querySelector('[data-coedit-fallback]') ? null : mount.querySelector('label');
  provider.once('sync', () => {
    const view = new EditorView({
      parent: mount,
      state: EditorState.create({
        doc: text.toString(),
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': say('label') }),
          // CodeMirror's own styles, where a browser needs a style element
          // for them, carry the page's nonce (its CSP allows no other).
          EditorView.cspNonce.of(say('nonce')),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          // Without the awareness, yCollab leaves the cursors out: ours
          // draws them with classes (see selections.js).
          yCollab(text, null),
          remoteSelections(text, provider.awareness, colorClass),
        ],
      }),
    });
    if (fallback) fallback.remove();
    if (label) label.remove();
    mount.classList.add('is-live');
    view.focus();
  });

  if (form) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const summary = form.querySelector('[name=summary]');
      outcome.textContent = '…';
      fetch('/api/v1/wiki-pages/' + pageId + '/live', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': say('csrf') },
        body: JSON.stringify({ summary: summary ? summary.value : '' }),
      })
        .then((response) => response.json().then((body) => ({ status: response.status, body })))
        .then(({ status, body }) => {
          if (status === 200) {
            outcome.textContent = say('saved');
            if (summary) summary.value = '';
          } else if (status === 409) {
            outcome.textContent = say('conflict');
          } else {
            outcome.textContent = body && body.error ? body.error.message : String(status);
          }
        })
        .catch((error) => { outcome.textContent = error.message; });
    });
  }
}

const mount = document.querySelector('[data-coedit]');
if (mount) start(mount);
