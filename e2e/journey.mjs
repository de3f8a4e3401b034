// The newcomer's journey in a real headless Chromium:
// sign up, create a community, start a thread, a second person joins and
// replies, the first sees the reply. Along the way, hostile input is typed
// into every field a person controls and must never run, and axe-core checks
// each page for serious or critical accessibility violations.
//
// Usage: STOA_URL=http://127.0.0.1:8080 node journey.mjs
// (the Rust test `browser::a_newcomer_journey_in_a_real_browser` starts a
// server and runs this). Screenshots go to $STOA_ARTIFACTS.

import { chromium } from 'playwright-core';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const base = process.env.STOA_URL;
if (!base) throw new Error('set STOA_URL');
const artifacts = process.env.STOA_ARTIFACTS || 'artifacts';
mkdirSync(artifacts, { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const PASSWORD = 'a long enough password';
// Each payload would set window.__pwned or open a dialog if it ever ran.
const XSS = {
  script: '<script>window.__pwned = "script"</script>',
  img: '<img src=x onerror="window.__pwned = \'img\'">',
  link: '[click me](javascript:window.__pwned="link")',
  handler: '<b onmouseover="window.__pwned=\'handler\'">hover me</b>',
};
const hostile = Object.values(XSS).join(' ');

const browser = await chromium.launch({
  executablePath: process.env.STOA_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const failures = [];
const checked = new Set();

// CSP is bypassed on purpose: the sanitizer alone must stop the payloads,
// and axe-core needs to be evaluated in the page.
async function newPerson(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ bypassCSP: true, viewport });
  const page = await context.newPage();
  page.on('dialog', async (dialog) => {
    if (dialog.type() === 'confirm') { await dialog.accept(); return; }
    failures.push(`a dialog opened (${dialog.type()}: ${dialog.message()}) on ${page.url()}`);
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => failures.push(`script error on ${page.url()}: ${error.message}`));
  return page;
}

async function check(page, label) {
  const pwned = await page.evaluate(() => window.__pwned);
  if (pwned) failures.push(`hostile input ran (${pwned}) on ${label}`);
  // Hover every bold element, where an onmouseover payload would fire.
  for (const b of await page.locator('.prose b, .prose strong').all()) {
    await b.hover({ timeout: 1000 }).catch(() => {});
  }
  const after = await page.evaluate(() => window.__pwned);
  if (after && !pwned) failures.push(`hostile input ran on hover (${after}) on ${label}`);
  const key = label.replace(/\s*\(.*\)$/, '');
  if (!checked.has(key)) {
    checked.add(key);
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
      failures.push(`axe ${v.impact} on ${label}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }
  }
  await page.screenshot({ path: path.join(artifacts, `${label.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
}

async function signUp(page, username, displayName) {
  await page.goto(`${base}/signup`);
  await check(page, 'sign up');
  await page.fill('#username', username);
  await page.fill('#display_name', displayName);
  await page.fill('#password', PASSWORD);
  await page.click('form.form button[type=submit]');
  await page.waitForURL(`${base}/`);
}

function expect(condition, message) {
  if (!condition) failures.push(message);
}

try {
  // Ana arrives, signs up and sets a hostile display name and bio.
  const ana = await newPerson();
  await ana.goto(base);
  await check(ana, 'home signed out');
  await signUp(ana, 'ana', `Ana ${XSS.img}`);
  await check(ana, 'home signed in');
  await ana.goto(`${base}/settings`);
  await ana.fill('#bio', hostile);
  await ana.click('form[action="/settings/profile"] button[type=submit]');
  await ana.waitForURL(`${base}/settings`);
  await check(ana, 'settings');

  // She creates a community, with hostile text in its name and description.
  await ana.goto(`${base}/spaces/new`);
  await check(ana, 'new space');
  await ana.fill('#name', `Rust Guild ${XSS.script}`);
  await ana.fill('#slug', 'rust-guild');
  await ana.fill('#description', `We learn Rust together. ${hostile}`);
  await ana.check('input[name=visibility][value=public]');
  await ana.check('input[name=join_policy][value=open]');
  await ana.click('form[action="/spaces"] button[type=submit]');
  await ana.waitForURL(`${base}/s/rust-guild`);
  await check(ana, 'space');

  // She starts a thread with a hostile title and body.
  await ana.click('a[href="/s/rust-guild/new"]');
  await check(ana, 'new thread');
  await ana.fill('#title', `Where should we start? ${XSS.img}`);
  await ana.fill('#body', `Book or **course**? ${hostile}`);
  await ana.click('form[action="/s/rust-guild/threads"] button[type=submit]');
  await ana.waitForURL(/\/s\/rust-guild\/t\//);
  const threadUrl = ana.url();
  expect(await ana.locator('h1').innerText().then((t) => t.startsWith('Where should we start?')), 'the thread title shows as text');
  await check(ana, 'thread');

  // Bob signs up in his own browser, joins, and replies.
  const bob = await newPerson();
  await signUp(bob, 'bob', 'Bob Marsh');
  await bob.goto(`${base}/spaces`);
  await check(bob, 'directory');
  await bob.click('a[href="/s/rust-guild"]');
  await bob.click('form[action="/s/rust-guild/join"] button');
  await bob.waitForURL(`${base}/s/rust-guild`);
  // Ana keeps the thread open while Bob replies: it tells her live.
  await ana.goto(threadUrl);
  await bob.goto(threadUrl);
  await bob.fill('#body', `Start with the book, Ana. ${XSS.handler}`);
  await bob.click('form[action$="/reply"] button[type=submit]');
  await bob.waitForURL(/#post-2$/);
  const live = await ana.waitForSelector('.live-notice a', { timeout: 10000 }).then(() => true, () => false);
  expect(live, 'an open thread says live that a reply arrived');
  await check(bob, 'thread after reply');
  await bob.goto(`${base}/u/ana`);
  await check(bob, 'profile');

  // The space's chat: both are in the room; Bob types (Ana sees it), sends
  // with Enter, and his hostile message arrives on Ana's page as text.
  await ana.goto(`${base}/s/rust-guild/chat`);
  await bob.goto(`${base}/s/rust-guild/chat`);
  const together = await ana.waitForFunction(
    () => document.querySelectorAll('[data-chat-presence] li').length === 2, null, { timeout: 10000 }
  ).then(() => true, () => false);
  expect(together, 'the chat shows who is here');
  await bob.locator('#body').pressSequentially('Hello');
  const typing = await ana.waitForFunction(
    () => (document.querySelector('[data-chat-typing]') || {}).textContent.includes('Bob'), null, { timeout: 10000 }
  ).then(() => true, () => false);
  expect(typing, 'the chat says who is typing');
  await bob.locator('#body').pressSequentially(` Ana, shall we pair on chapter 2? ${XSS.img}`);
  await bob.locator('#body').press('Enter');
  const arrived = await ana.waitForFunction(
    () => [...document.querySelectorAll('.chat-message .chat-text')].some((e) => e.textContent.includes('shall we pair')),
    null, { timeout: 10000 }
  ).then(() => true, () => false);
  expect(arrived, 'a chat message arrives live');
  // Bob's box clears when the server has answered him (the message may
  // reach Ana first).
  const cleared = await bob.waitForFunction(() => document.querySelector('#body').value === '', null, { timeout: 10000 })
    .then(() => true, () => false);
  expect(cleared, 'sending clears the box');
  await check(ana, 'chat');

  // Ana sees Bob's reply, marked as new.
  await ana.goto(threadUrl);
  const reply = ana.locator('#post-2');
  expect(await reply.innerText().then((t) => t.includes('Start with the book, Ana.')), 'Ana sees the reply');
  expect(await ana.locator('.new-since').count() === 1, 'the thread says what is new since the last visit');
  await check(ana, 'thread seen again');

  // Ana thanks Bob with a reaction: "+🙂" opens the choices under the post
  // (without scripts it opens a page of its own); the count shows, pressed,
  // and opening the picker again offers to take it back.
  await reply.locator('a[data-reaction-picker]').click();
  const picker = reply.locator('form.reaction-popover');
  expect(await picker.locator('button[value="thanks:on"]').count() === 1, 'the reaction picker opens under the post');
  await check(ana, 'reaction picker');
  await picker.locator('button[value="thanks:on"]').click();
  await ana.waitForURL((url) => url.hash === '#post-2');
  const given = ana.locator('#post-2 .reactions button[value="thanks:off"][aria-pressed="true"]');
  expect(await given.count() === 1 && (await given.innerText()).includes('1'), 'the reaction shows, pressed, with its count');
  await ana.locator('#post-2 a[data-reaction-picker]').click();
  expect(await ana.locator('#post-2 form.reaction-popover button[value="thanks:off"][aria-pressed="true"]').count() === 1,
    'the picker offers to take back a reaction given');
  await ana.keyboard.press('Escape');
  expect(await ana.locator('form.reaction-popover').count() === 0, 'Escape closes the picker');

  // Ana starts the wiki: a page with a hostile text and a picture uploaded
  // from the editor (the upload inserts its Markdown at the cursor).
  await ana.goto(`${base}/s/rust-guild/wiki`);
  await check(ana, 'wiki index');
  await ana.click('a[href="/s/rust-guild/new-page"]');
  await ana.fill('#title', 'Getting started');
  await ana.fill('#body', `Read [[The Book]] first. ${hostile}\n\n`);
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  await ana.setInputFiles('#upload-body', { name: 'pixel.png', mimeType: 'image/png', buffer: png });
  await ana.click('form.uploader button[type=submit]');
  await ana.waitForFunction(() => document.querySelector('#body').value.includes('![pixel.png](/files/'));
  await ana.click('form[action="/s/rust-guild/wiki"] button[type=submit]');
  await ana.waitForURL(`${base}/s/rust-guild/wiki/getting-started`);
  expect(await ana.locator('.prose img[src^="/files/"]').count() === 1, 'the uploaded picture shows in the page');
  expect(await ana.locator('.prose a.wiki-missing').count() === 1, 'a link to a missing page reads as "create this page"');
  await check(ana, 'wiki page');

  // Bob opens the editor from the same revision; Ana saves first; Bob's
  // overlapping edit comes back with both texts and his own kept.
  await bob.goto(`${base}/s/rust-guild/wiki/getting-started/edit`);
  await ana.goto(`${base}/s/rust-guild/wiki/getting-started/edit`);
  await ana.fill('#body', 'Read the Rust Book, chapters 1 to 4.');
  await ana.click('form[action$="/edit"] button[type=submit]');
  await ana.waitForURL(`${base}/s/rust-guild/wiki/getting-started`);
  await bob.fill('#body', 'Start with Rustlings instead.');
  await bob.click('form[action$="/edit"] button[type=submit]');
  await bob.waitForSelector('#theirs');
  expect(await bob.inputValue('#body') === 'Start with Rustlings instead.', 'Bob\'s text is kept after a conflict');
  expect((await bob.inputValue('#theirs')).includes('chapters 1 to 4'), 'the saved text is shown beside it');
  await check(bob, 'wiki conflict');
  await bob.goto(`${base}/s/rust-guild/wiki/getting-started/diff?from=1&to=2`);
  await check(bob, 'wiki diff');

  // Bob edits the page live in the browser while a Node Yjs client (as
  // Ana) edits it too, goes offline, writes, and comes back: all converge.
  await bob.goto(`${base}/s/rust-guild/wiki/getting-started/live`);
  const editorUp = await bob.waitForSelector('.cm-content', { timeout: 10000 }).then(() => true, () => false);
  expect(editorUp, 'the live editor opens');
  const pageId = await bob.getAttribute('[data-coedit]', 'data-page-id');
  const session = (await ana.context().cookies()).find((c) => c.name === 'stoa_session').value;
  const ydoc = new Y.Doc();
  const ytext = ydoc.getText('body');
  const provider = new WebsocketProvider(base.replace(/^http/, 'ws') + '/yjs', `wiki-${pageId}`, ydoc, {
    WebSocketPolyfill: class extends WebSocket {
      constructor(url, protocols) { super(url, protocols, { headers: { cookie: `stoa_session=${session}`, origin: base } }); }
    },
    disableBc: true,
  });
  provider.awareness.setLocalStateField('user', { name: 'Ana in Node', color: '#047857' });
  const waitFor = async (condition, ms = 10000) => {
    for (const start = Date.now(); Date.now() - start < ms;) {
      if (await condition()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  };
  const browserText = () => bob.locator('.cm-content').innerText();
  expect(await waitFor(() => provider.synced), 'the Node client syncs');
  await bob.click('.cm-content');
  await bob.keyboard.press('Control+End');
  await bob.keyboard.type(' Bob types in the browser.');
  ytext.insert(0, 'Node writes first. ');
  expect(await waitFor(async () => ytext.toString().includes('Bob types in the browser.') &&
    (await browserText()).includes('Node writes first.')), 'browser and Node see each other\'s edits');
  expect(await waitFor(async () => (await bob.locator('[data-coedit-people]').innerText()).includes('Ana in Node')),
    'the browser shows who else is editing (awareness)');
  provider.disconnect();
  ytext.insert(ytext.length, ' Written offline in Node.');
  await bob.keyboard.type(' And more from Bob.');
  provider.connect();
  const liveText = () => bob.evaluate((id) => fetch(`/api/v1/wiki-pages/${id}/live`).then((r) => r.json()).then((j) => j.text), pageId);
  expect(await waitFor(async () => {
    const server = await liveText();
    return server === ytext.toString() && server.includes('Written offline in Node.') && server.includes('And more from Bob.') &&
      (await browserText()).includes('Written offline in Node.');
  }), 'the offline edit merges and every replica converges');
  await check(bob, 'live editor');
  provider.destroy();

  // Search finds the thread (the index follows within a second), and a new
  // thread's title brings up what may already answer it.
  let found = 0;
  for (let i = 0; i < 20 && found === 0; i++) {
    await bob.goto(`${base}/search?q=${encodeURIComponent('where start')}`);
    found = await bob.locator('.search-results li').count();
    if (found === 0) await bob.waitForTimeout(250);
  }
  expect(found >= 1, 'search finds the thread');
  await check(bob, 'search');
  await bob.goto(`${base}/s/rust-guild/new`);
  await bob.locator('#title').pressSequentially('Where to start', { delay: 20 });
  await bob.waitForSelector('#similar a', { timeout: 5000 }).catch(() => failures.push('no duplicate suggestions appeared'));
  await check(bob, 'new thread with suggestions');

  // Ana facilitates: she lets members post anonymously to peers; Bob asks a
  // question anonymously, Ana answers, Bob accepts; then her health page and
  // the other facilitation pages.
  await ana.goto(`${base}/s/rust-guild/facilitate`);
  await check(ana, 'facilitate');
  await ana.check('input[name=allow_anonymous]');
  await ana.click('form[action$="/facilitate"] button[type=submit]');
  await ana.waitForURL(/\/facilitate$/);
  await bob.goto(`${base}/s/rust-guild/new`);
  await bob.check('input[name=kind][value=question]');
  await bob.fill('#title', 'Is unsafe ever fine?');
  await bob.fill('#body', `Asking for a friend. ${hostile}`);
  await bob.check('input[name=anonymous]');
  await bob.click('form[action$="/threads"] button[type=submit]');
  await bob.waitForURL(/\/t\//);
  const questionUrl = bob.url();
  await check(bob, 'question');
  await ana.goto(questionUrl);
  expect(await ana.locator('.post .badge', { hasText: 'Anonymous to peers' }).count() === 1, 'the facilitator sees who asked');
  await ana.fill('#body', 'Sometimes: behind a safe API, with the invariants written down.');
  await ana.click('form[action$="/reply"] button[type=submit]');
  await bob.goto(questionUrl);
  await bob.click('form[action$="/accept"] button[type=submit]');
  await bob.waitForSelector('.post.is-accepted');
  await check(bob, 'question answered');
  for (const [path, label] of [['health', 'health'], ['assignments', 'assignments'], ['quests', 'quests'], ['teams', 'teams']]) {
    await ana.goto(`${base}/s/rust-guild/${path}`);
    await check(ana, label);
  }

  // Events: Ana schedules a session (a hostile title and description), Bob
  // says he comes, writes in the shared notes in the live room, and Ana
  // turns the notes into a wiki page.
  await ana.goto(`${base}/s/rust-guild/events`);
  await check(ana, 'events');
  await ana.fill('#e-title', `Pairing session ${XSS.img}`);
  const soon = await ana.evaluate(() => {
    const at = new Date(Date.now() + 10 * 60000);
    const pad = (n) => String(n).padStart(2, '0');
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
  });
  await ana.fill('#e-starts', soon);
  await ana.fill('#e-description', `Bring code. ${hostile}`);
  await ana.click('form[action$="/events"] button[type=submit]');
  await ana.waitForURL(/\/events\/[0-9A-Za-z]+$/);
  const eventUrl = ana.url();
  const eventId = eventUrl.split('/').pop();
  expect(await ana.locator('.badge-event-live').count() >= 1, 'an event starting in ten minutes is live');
  await check(ana, 'event');
  await bob.goto(eventUrl);
  await bob.click('.rsvp-form button[value=yes]');
  await bob.waitForURL(eventUrl);
  expect(await bob.locator('.rsvp-form button[value=yes][aria-pressed=true]').count() === 1, 'his answer shows');
  await bob.click('a[href$="/live"]');
  await bob.waitForSelector('.coedit-editor.is-live .cm-content', { timeout: 10000 });
  await bob.click('.coedit-editor .cm-content');
  await bob.keyboard.type('Bob: we paired on the borrow checker.');
  const notes = () => bob.evaluate((id) => fetch(`/api/v1/events/${id}/notes`).then((r) => r.json()).then((j) => j.text), eventId);
  expect(await waitFor(async () => (await notes()).includes('Bob: we paired on the borrow checker.')), 'the notes typed in the live room reach the server');
  expect(await bob.locator('.live-chat .chat-log').count() === 1, 'the live room has the chat');
  await check(bob, 'live room');
  await ana.goto(eventUrl);
  expect(await ana.locator('.prose', { hasText: 'Bob: we paired' }).count() === 1, 'the notes stay on the event');
  await ana.click('form[action$="/publish"] button[type=submit]');
  await ana.waitForURL(/\/wiki\//);
  expect(await ana.locator('.prose', { hasText: 'Bob: we paired on the borrow checker.' }).count() >= 1, 'the notes became a wiki page');
  await ana.goto(`${base}/calendar`);
  await check(ana, 'calendar');

  // Moderation: Bob flags Ana's opening post with a hostile note; Ana,
  // who runs the guild, dismisses it from the queue, then hides Bob's reply
  // from the thread; the admin's audit log shows both.
  await bob.goto(threadUrl);
  await bob.click('#post-1 a[href$="/flag"]');
  await bob.check('input[name="reason"][value="other"]');
  await bob.click('form[action$="/flag"] button[type=submit]');
  expect(await bob.locator('.field-error', { hasText: 'Say what is wrong' }).count() === 1, 'a flag of "something else" asks for a note');
  expect(await bob.locator('input[name="reason"][value="other"]').isChecked(), 'the refused flag keeps its reason');
  await check(bob, 'flag form');
  await bob.fill('#note', `Not about Rust. ${hostile}`);
  await bob.click('form[action$="/flag"] button[type=submit]');
  await bob.waitForURL(/#post-1$/);
  await ana.goto(`${base}/moderation?space=rust-guild`);
  expect(await ana.locator('.moderation-item').count() === 1, 'the queue shows the flagged post');
  expect(await ana.locator('.flags', { hasText: 'flagged by Bob Marsh' }).count() === 1, 'the queue names who flagged');
  await check(ana, 'moderation queue');
  await ana.click('.moderation-item form:has(input[value="dismiss"]) button');
  await ana.waitForURL(/\/moderation\?space=rust-guild$/);
  expect(await ana.locator('.moderation-item').count() === 0, 'dismissed flags leave the queue');
  await ana.goto(threadUrl);
  await ana.click('#post-2 form[action$="/moderate"] button');
  await ana.waitForURL(/#post-2$/);
  await bob.goto(threadUrl);
  expect(await bob.locator('#post-2 .badge-hidden').count() === 1, 'the author sees their post is hidden');
  const outsider = await newPerson();
  await outsider.goto(threadUrl);
  expect(await outsider.locator('#post-2 .deleted-note', { hasText: 'A moderator hid this post.' }).count() === 1, 'readers see where it was');
  await ana.goto(`${base}/admin/audit`);
  expect(await ana.locator('.audit-entry', { hasText: 'hid a post' }).count() === 1, 'the audit log has the hiding');
  expect(await ana.locator('.audit-entry', { hasText: 'dismissed the flags' }).count() === 1, 'the audit log has the dismissal');
  await check(ana, 'audit log');

  // The same pages under their real Content-Security-Policy (everything
  // above bypasses it, for the sanitizer's sake): not one violation, the
  // live editors included, with someone else's cursor in the text.
  const strict = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await strict.addCookies(await ana.context().cookies());
  await strict.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const strictPage = await strict.newPage();
  strictPage.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) failures.push(`CSP on ${strictPage.url()}: ${m.text()}`);
  });
  let strictPages = 0;
  const strictVisit = async (url, ready) => {
    await strictPage.goto(url);
    if (ready) await ready();
    await strictPage.waitForTimeout(200);
    for (const v of await strictPage.evaluate(() => window.__csp)) failures.push(`CSP violation on ${url}: ${v}`);
    strictPages += 1;
  };
  const cursorSession = (await ana.context().cookies()).find((c) => c.name === 'stoa_session').value;
  const collaborator = (room) => {
    const doc = new Y.Doc();
    const text = doc.getText('body');
    const p = new WebsocketProvider(base.replace(/^http/, 'ws') + '/yjs', room, doc, {
      WebSocketPolyfill: class extends WebSocket {
        constructor(url, protocols) { super(url, protocols, { headers: { cookie: `stoa_session=${cursorSession}`, origin: base } }); }
      },
      disableBc: true,
    });
    p.awareness.setLocalStateField('user', { name: 'Cursor in Node', color: '#7c3aed' });
    p.on('sync', () => {
      p.awareness.setLocalStateField('cursor', {
        anchor: Y.createRelativePositionFromTypeIndex(text, 0),
        head: Y.createRelativePositionFromTypeIndex(text, Math.min(4, text.length)),
      });
    });
    return p;
  };
  for (const url of [base, `${base}/spaces`, `${base}/s/rust-guild`, threadUrl, questionUrl, `${base}/s/rust-guild/wiki`,
    `${base}/s/rust-guild/wiki/getting-started`, `${base}/s/rust-guild/wiki/getting-started/diff?from=1&to=2`,
    `${base}/s/rust-guild/chat`, eventUrl, `${base}/calendar`, `${base}/search?q=start`, `${base}/settings`,
    `${base}/moderation?space=rust-guild`, `${base}/admin/audit`, `${base}/admin`, `${base}/u/ana`]) {
    await strictVisit(url);
  }
  const pageCursor = collaborator(`wiki-${pageId}`);
  await strictVisit(`${base}/s/rust-guild/wiki/getting-started/live`, async () => {
    await strictPage.waitForSelector('.cm-content', { timeout: 10000 });
    expect(await waitFor(async () => (await strictPage.locator('.cm-ySelectionCaret').count()) > 0),
      'a collaborator\'s cursor shows in the live editor under its real CSP');
    await strictPage.click('.cm-content');
    await strictPage.keyboard.type(' Typed under the strict policy.');
    await strictPage.screenshot({ path: path.join(artifacts, 'strict-csp-live-editor.png') });
  });
  pageCursor.destroy();
  const notesCursor = collaborator(`event-${eventId}`);
  await strictVisit(`${eventUrl}/live`, async () => {
    await strictPage.waitForSelector('.coedit-editor.is-live .cm-content', { timeout: 10000 });
    expect(await waitFor(async () => (await strictPage.locator('.cm-ySelectionCaret').count()) > 0),
      'a collaborator\'s cursor shows in the live room under its real CSP');
  });
  notesCursor.destroy();
  expect(strictPages >= 19, `only ${strictPages} pages were visited under the real CSP`);

  // The same pages on a phone.
  const phone = await newPerson({ width: 390, height: 844 });
  await phone.goto(threadUrl);
  await check(phone, 'phone thread');
  await phone.goto(eventUrl);
  await check(phone, 'phone event');
  await phone.goto(base);
  await check(phone, 'phone home');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `the phone home page scrolls sideways by ${overflow}px`);
} catch (error) {
  failures.push(`the journey broke: ${error.stack || error}`);
} finally {
  await browser.close();
}

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`journey passed; axe found no serious or critical violations on ${checked.size} pages, and no page broke its CSP`);
// A closed Yjs connection may leave a socket lingering; nothing is left to wait for.
process.exit(0);
