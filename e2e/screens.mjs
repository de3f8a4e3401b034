// Screenshots of the demo for a person to look at: signs in as a demo user and
// captures the main pages at desktop and phone sizes.
//
// Usage: start `stoa serve --demo`, then
//   STOA_URL=http://127.0.0.1:8080 node screens.mjs [username]
// Screenshots go to $STOA_ARTIFACTS (default ./artifacts/screens). STOA_EXTRA
// adds paths (comma-separated); STOA_PAGES keeps only the paths containing
// one of its comma-separated parts.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const base = process.env.STOA_URL || 'http://127.0.0.1:8080';
const out = process.env.STOA_ARTIFACTS || 'artifacts/screens';
const user = process.argv[2] || 'priya';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.STOA_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const [name, viewport, scheme] of [['desktop', { width: 1280, height: 800 }, 'light'], ['phone', { width: 390, height: 844 }, 'light'], ['dark', { width: 1280, height: 800 }, 'dark']]) {
  const context = await browser.newContext({ viewport, colorScheme: scheme });
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.fill('#login', user);
  await page.fill('#password', 'stoa-demo-pass');
  await page.click('form.form button[type=submit]');
  await page.waitForURL(`${base}/`);
  const pages = ['/', '/spaces', '/s/platform-guild', '/s/customer-commons'];
  await page.goto(`${base}/s/customer-commons`);
  const first = await page.locator('.thread-list a').first().getAttribute('href');
  if (first) pages.push(first);
  pages.push('/s/platform-guild/members', '/u/priya', '/settings', '/api/docs',
    '/s/platform-guild/wiki', '/s/platform-guild/wiki/runbooks', '/s/platform-guild/wiki/deploying-a-service',
    '/s/platform-guild/wiki/deploying-a-service/history', '/s/platform-guild/wiki/deploying-a-service/diff?from=1&to=4',
    '/s/platform-guild/library', '/s/platform-guild/changes', '/search?q=deploy', '/s/customer-commons/wiki/webhooks-guide',
    '/s/platform-guild?filter=questions', '/s/platform-guild/facilitate', '/s/platform-guild/health',
    '/s/platform-guild/teams', '/s/platform-guild/assignments', '/s/platform-guild/quests',
    '/s/platform-guild/events', '/calendar');
  // The first question, assignment and quest, wherever their ids are.
  for (const [list, selector] of [['/s/platform-guild?filter=questions', '.thread-list a'],
    ['/s/platform-guild/assignments', '.thread-list a'], ['/s/platform-guild/quests', '.thread-list a'],
    ['/s/platform-guild/events', '.event-list a'], ['/s/platform-guild/events?past=1', 'section:last-of-type .event-list a']]) {
    await page.goto(`${base}${list}`);
    const href = await page.locator(selector).first().getAttribute('href');
    if (href) pages.push(href);
  }
  if (process.env.STOA_EXTRA) pages.push(...process.env.STOA_EXTRA.split(','));
  const only = process.env.STOA_PAGES;
  if (only) pages.splice(0, pages.length, ...pages.filter((p) => only.split(',').some((o) => p.includes(o))));
  for (const p of pages) {
    await page.goto(`${base}${p}`);
    const file = path.join(out, `${name}${p.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await page.screenshot({ path: file, fullPage: name !== 'desktop' || p !== '/api/docs' });
  }
  await context.close();
}
await browser.close();
console.log(`screenshots in ${out}`);
