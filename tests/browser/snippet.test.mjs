// The snippet in headless Chromium on the demo page (strict CSP), against the edge stand-in.
// Run with: ./scripts/test-browser.sh
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack, openPage, waitReady, shot, fillLead, values, GOOD, ROOT } from './harness.mjs';

let stack;
const pages = [];
before(async () => { stack = await startStack(); });
after(async () => { for (const p of pages) await p.context.close(); await stack.close(); });
beforeEach(() => {
  stack.served.length = 0;
  stack.edge.requests.length = 0;
  Object.assign(stack.edge.behaviour, { lane: null, reasons: null, delayMs: 0, fault: null });
});

async function open(opts) {
  const p = await openPage(stack, opts);
  pages.push(p);
  return p;
}

test('the wasm loads and the form is attached under the strict CSP', async () => {
  const { page, log } = await open();
  const ready = await waitReady(page);
  assert.deepEqual(ready, { wasm: true, forms: 1 });
  assert.deepEqual(log.csp, []);
  await shot(page, '01-ready');
});

test('the idle warm-up checks a made-up lead once: nothing sent, nothing shown, no error', async () => {
  const { page, log } = await open();
  await waitReady(page);
  await page.waitForFunction(() => performance.getEntriesByName('leadgate:warm').length === 1);
  assert.equal(stack.edge.leadPosts().length, 0, 'the warm-up sends nothing');
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 0, 'no field is marked');
  const shown = await page.$$eval('[data-leadgate-message-for]', (els) => els.map((e) => e.textContent).join(''));
  assert.equal(shown, '', 'no message is shown');
  assert.deepEqual(log.errors, [], 'no page error');
  assert.deepEqual(log.console.filter((m) => /leadgate/i.test(m)), [], 'the check did not fail');
  assert.equal(log.events.filter((e) => e.type === 'leadgate:verdict').length, 0, 'no verdict event');
});

test('a typo\'d email domain gets a suggestion that one click accepts', async () => {
  const { page } = await open();
  await waitReady(page);
  await page.fill('#email', 'jane@gmial.com');
  await page.press('#email', 'Tab');
  const button = page.locator('.leadgate-suggest');
  await button.waitFor();
  assert.equal(await button.textContent(), 'jane@gmail.com?');
  await shot(page, '02-typo-suggestion');
  await button.click();
  assert.equal(await page.inputValue('#email'), 'jane@gmail.com');
  assert.equal(await page.locator('.leadgate-suggest').count(), 0, 'the suggestion is gone once taken');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email', 'focus returns to the field');
  await shot(page, '03-typo-accepted');
});

test('a best-known disposable address is blocked in the page, with no request and what was typed kept', async () => {
  const { page, log } = await open();
  await waitReady(page);
  await fillLead(page, { ...GOOD, email: 'jane@mailinator.com' });
  await page.press('#email', 'Tab');
  await page.waitForFunction(() => /disposable/i.test(document.querySelector('form').textContent));
  await page.click('button[type="submit"]');
  await page.waitForSelector('#email[aria-invalid="true"]');
  const describedBy = (await page.getAttribute('#email', 'aria-describedby')).split(' ');
  const message = await page.locator(`[id="${describedBy[describedBy.length - 1]}"]`).textContent();
  assert.match(message, /disposable/i);
  assert.equal(stack.edge.leadPosts().length, 0, 'the page is sure of it: nothing was sent');
  const verdict = log.events.find((e) => e.type === 'leadgate:verdict');
  assert.equal(verdict.detail.lane, 'block');
  assert.equal(verdict.detail.source, 'browser');
  assert.ok(verdict.detail.reasons.includes('SYN02'));
  assert.equal((await values(page)).email, 'jane@mailinator.com', 'what was typed is kept');
  await shot(page, '04-disposable-blocked');
});

test('a disposable domain outside the page\'s short list passes the page; the edge blocks it', async () => {
  const { page, log } = await open();
  await waitReady(page);
  await fillLead(page, { ...GOOD, email: 'jane@0815.ru' });
  await page.press('#email', 'Tab');
  await page.click('button[type="submit"]');
  await page.waitForSelector('#email[aria-invalid="true"]');
  assert.equal(stack.edge.leadPosts().length, 1, 'the authoritative check ran at the edge');
  assert.equal(stack.edge.decisions.at(-1).lane, 'block');
  const verdict = log.events.find((e) => e.type === 'leadgate:verdict');
  assert.equal(verdict.detail.source, 'edge');
  assert.ok(verdict.detail.reasons.includes('SYN02'));
  assert.equal((await values(page)).email, 'jane@0815.ru', 'what was typed is kept');
});

test('an internationalised domain is not judged in the page (no IDN tables there); the edge judges it', async () => {
  const { page } = await open();
  await waitReady(page);
  await fillLead(page, { ...GOOD, email: 'joerg@bücher.de' });
  await page.press('#email', 'Tab');
  await page.click('button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('.leadgate-status--done, [aria-invalid="true"]'));
  assert.equal(await page.getAttribute('#email', 'aria-invalid'), null, 'no email error in the page');
  assert.equal(stack.edge.leadPosts().length, 1, 'the lead went to the edge');
  // Chromium hands an <input type=email> IDN to scripts in punycode: the page leaves those
  // `xn--` labels to the edge too.
  assert.match(stack.edge.leadPosts()[0].body, /"joerg@(bücher|xn--bcher-kva)\.de"/);
});

test('junk the page can be sure of (a fake phone) is blocked without any request to the edge', async () => {
  const { page, log } = await open();
  await waitReady(page);
  await fillLead(page, { ...GOOD, phone: '555-555-5555' });
  await page.click('button[type="submit"]');
  await page.waitForSelector('#phone[aria-invalid="true"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'phone', 'focus moves to the field to fix');
  assert.equal(stack.edge.leadPosts().length, 0, 'nothing was sent to the edge');
  const verdict = log.events.find((e) => e.type === 'leadgate:verdict');
  assert.equal(verdict.detail.lane, 'block');
  assert.equal(verdict.detail.source, 'browser');
  assert.ok(verdict.detail.reasons.includes('PHN02'), verdict.detail.reasons.join(','));
});

test('keyboard only: fields, suggestion and submit are reachable; ARIA is set; axe finds nothing serious', async () => {
  const { page } = await open();
  await waitReady(page);
  await page.focus('#first_name');
  await page.keyboard.type('Jane');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Doe');
  await page.keyboard.press('Tab');
  await page.keyboard.type('jane@gmial.com');
  await page.keyboard.press('Tab'); // leaves the email field: the suggestion appears after it
  await page.locator('.leadgate-suggest').waitFor();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'leadgate-suggest');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#email'), 'jane@gmail.com');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
  await page.keyboard.press('Tab');
  await page.keyboard.type('12');
  await page.keyboard.press('Tab'); // an invalid phone
  await page.waitForSelector('#phone[aria-invalid="true"]');
  const ids = (await page.getAttribute('#phone', 'aria-describedby')).split(' ');
  const text = await page.locator(`[id="${ids[ids.length - 1]}"]`).textContent();
  assert.ok(text.length > 5, 'the phone message is linked by aria-describedby');
  const live = await page.$$eval('form [aria-live="polite"]', (els) => els.length);
  assert.ok(live >= 1, 'a polite live region exists');
  await page.waitForFunction(() => [...document.querySelectorAll('form [aria-live="polite"]')].some((el) => el.textContent.trim()));
  await shot(page, '05-keyboard-invalid-phone');

  await page.evaluate(readFileSync(`${ROOT}node_modules/axe-core/axe.min.js`, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), []);
});

test('Fast-Track reveals a booking link on the edge that works, never the calendar URL', async () => {
  const { page, log } = await open();
  await waitReady(page);
  await fillLead(page); // a clean lead: the checks themselves give Fast-Track
  await page.click('button[type="submit"]');
  const link = page.locator('a.leadgate-book');
  await link.waitFor();
  const href = await link.getAttribute('href');
  assert.ok(href.startsWith(`${stack.edge.url}/v1/book/`), href);
  assert.equal(await page.evaluate(() => document.body.innerHTML.includes('/calendar/')), false);
  const posts = stack.edge.leadPosts();
  assert.equal(posts.length, 1);
  const body = JSON.parse(posts[0].body);
  assert.match(body.bot_token, /^pow:[\w-]+\.[\w-]+:\d+$/, 'the PoW token rides along');
  assert.deepEqual(stack.edge.decisions.at(-1), { lane: 'fast_track', reasons: [], pow: null, kind: 'application/json' },
    'the edge accepted the proof-of-work and the lead');
  // The worker solved it with the PoW module alone; the checks build was downloaded once.
  const pow = stack.served.filter((path) => /leadgate[-_]pow/.test(path));
  assert.deepEqual(pow, ['/leadgate-pow.js', '/pkg/leadgate_pow.js', '/pkg/leadgate_pow_bg.wasm']);
  assert.equal(stack.served.filter((path) => path === '/pkg/leadgate_wasm_bg.wasm').length, 1, stack.served.join(', '));
  assert.equal(body.site, 'demo-pow');
  assert.equal(body.email, GOOD.email);
  assert.equal(body.consent, true);
  assert.match(body.consent_text, /Do-Not-Call/);
  assert.ok(body.page_url.startsWith(stack.siteUrl));
  assert.equal(log.events.find((e) => e.type === 'leadgate:verdict').detail.lane, 'fast_track');
  await shot(page, '06-fast-track');
  await Promise.all([page.waitForURL(/\/calendar\/intro/), link.click()]);
  assert.equal(await page.locator('h1').textContent(), 'Pick a time, Jane Doe');
  assert.ok(log.events.some((e) => e.type === 'leadgate:booked'));
  await shot(page, '07-booking-page');
});

test('an edge Block shows its reasons on the fields and keeps every typed value', async () => {
  const { page, log } = await open();
  await waitReady(page);
  stack.edge.behaviour.lane = 'block';
  stack.edge.behaviour.reasons = ['PHN02'];
  await fillLead(page);
  const before = await values(page);
  await page.click('button[type="submit"]');
  await page.waitForSelector('#phone[aria-invalid="true"]');
  assert.deepEqual(await values(page), before, 'nothing typed was lost');
  assert.match(await page.locator('.leadgate-status').textContent(), /couldn.t accept/i);
  assert.ok(log.events.some((e) => e.type === 'leadgate:blocked' && e.detail.source === 'edge'));
  await shot(page, '08-edge-block');
  // Fixing and sending again is a new submission, and a Review answer thanks the person.
  stack.edge.behaviour.lane = 'review';
  stack.edge.behaviour.reasons = null;
  await page.fill('#phone', '(650) 253-4173');
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  assert.equal(stack.edge.leadPosts().length, 2);
  assert.match(await page.locator('.leadgate-status').textContent(), /thank you/i);
  await shot(page, '09-review-thanks');
});

test('the strict CSP page runs the whole flow with no violation', async () => {
  const { page, log } = await open();
  const res = await page.request.get(`${stack.siteUrl}/demo/`);
  const csp = res.headers()['content-security-policy'];
  assert.ok(csp.includes("script-src 'self' 'wasm-unsafe-eval'"), csp);
  assert.ok(!/unsafe-inline|'unsafe-eval'/.test(csp), csp);
  await waitReady(page);
  await fillLead(page);
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  assert.deepEqual(log.csp, []);
  assert.deepEqual(log.events.filter((e) => e.type === 'csp'), []);
  assert.deepEqual(log.errors, []);
});

test('without JavaScript the form posts form-encoded to the edge', async () => {
  const { page } = await open({ javaScriptEnabled: false });
  await fillLead(page);
  await Promise.all([page.waitForURL(`${stack.edge.url}/v1/leads`), page.click('button[type="submit"]')]);
  const posts = stack.edge.leadPosts();
  assert.equal(posts.length, 1);
  assert.equal(posts[0].headers['content-type'], 'application/x-www-form-urlencoded');
  const form = new URLSearchParams(posts[0].body);
  assert.equal(form.get('site'), 'demo-pow');
  assert.equal(form.get('email'), GOOD.email);
  assert.equal(form.get('consent'), 'yes');
  assert.match(form.get('consent_text'), /Do-Not-Call/);
  assert.equal(await page.locator('h1').textContent(), 'Thank you');
  assert.deepEqual(stack.edge.decisions.at(-1).reasons, ['INT02'], 'no proof without JS: Review, fail open');
  await shot(page, '10-no-js-post');
});
