// Co-editing a document with Stoa from Node (a wiki page, or an event's
// shared notes), with the real npm `yjs` and `y-websocket` packages: two
// clients (on one node, or one on each of two nodes) write at once, see
// each other's names (awareness), and converge, also after one of them
// edits offline and reconnects.
//
// Environment: STOA_URL (and STOA_URL_B for the second client's node),
// STOA_ROOM (the document: `wiki-{page id}` or `event-{event id}`),
// STOA_COOKIE_A and STOA_COOKIE_B (session cookies), STOA_INITIAL (the
// text before). Prints the final text as JSON; exits non-zero with a
// message when something does not hold.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';

const env = (name) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const room = env('STOA_ROOM');
const initial = env('STOA_INITIAL');

// A WebSocket that carries the person's session cookie and this site's
// Origin, as a browser tab of the site would.
function socketFor(origin, cookie) {
  return class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { headers: { cookie: `stoa_session=${cookie}`, origin } });
    }
  };
}

function client(name, base, cookie) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(base.replace(/^http/, 'ws') + '/yjs', room, doc, {
    WebSocketPolyfill: socketFor(base, cookie),
    disableBc: true,
  });
  provider.awareness.setLocalStateField('user', { name });
  return { name, doc, provider, text: doc.getText('body') };
}

async function until(condition, what, ms = 15000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const names = (c) => [...c.provider.awareness.getStates().values()].map((s) => s.user && s.user.name).filter(Boolean);

const a = client('Ana (Node)', env('STOA_URL'), env('STOA_COOKIE_A'));
const b = client('Boris (Node)', process.env.STOA_URL_B || env('STOA_URL'), env('STOA_COOKIE_B'));
try {
  await until(() => a.provider.synced && b.provider.synced, 'both clients are synced');
  await until(() => a.text.toString() === initial && b.text.toString() === initial, 'both see the page as it was');

  // Both write at once.
  a.text.insert(0, 'Ana was here. ');
  b.text.insert(b.text.length, ' Boris too.');
  await until(() => a.text.toString() === b.text.toString() && a.text.toString().includes('Boris too.') &&
    a.text.toString().includes('Ana was here.'), 'both edits reach both clients');

  // Each sees who else is here.
  await until(() => names(a).includes('Boris (Node)') && names(b).includes('Ana (Node)'), 'each sees the other (awareness)');

  // Boris goes offline and keeps writing; Ana writes meanwhile; he comes back.
  b.provider.disconnect();
  b.text.insert(b.text.length, ' Written offline.');
  a.text.insert(0, 'Meanwhile online. ');
  await new Promise((resolve) => setTimeout(resolve, 200));
  b.provider.connect();
  await until(() => a.text.toString() === b.text.toString() && a.text.toString().includes('Written offline.') &&
    a.text.toString().includes('Meanwhile online.'), 'the offline edit merges after reconnecting');

  // Single-character edits, like fast typing (enough for the server to fold
  // its updates into a snapshot on the way), in bursts that stay under the
  // server's 1,000 messages a second per connection.
  for (let burst = 0; burst < 12; burst++) {
    for (const ch of ' typing fast'.repeat(8)) {
      a.text.insert(a.text.length, ch);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  // What Boris has seen, the server stored before sending it on.
  await until(() => b.text.toString() === a.text.toString(), 'typing converges');
  console.log(JSON.stringify({ text: a.text.toString() }));
} catch (error) {
  console.error(`${error.message}\nAna sees: ${JSON.stringify(a.text.toString())}\nBoris sees: ${JSON.stringify(b.text.toString())}`);
  process.exitCode = 1;
} finally {
  a.provider.destroy();
  b.provider.destroy();
  // Closing sockets may linger; nothing is left to wait for.
  setTimeout(() => process.exit(), 100);
}
