// Hostile pages and a misbehaving edge: double submits, network faults, HTML answers, no
// answer, forms injected later, duplicate field names, pasted megabytes, emoji and RTL text,
// and the third-party bot widgets (stand-ins served in place of the vendors' scripts).
// Run with: ./scripts/test-browser.sh
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openPage, waitReady, shot, fillLead, values, GOOD } from './harness.mjs';
import { strictCsp } from '../../www/serve.mjs';

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

const CONSENT = 'I agree that Brightside Solar may call and text me about solar products at the number I gave, '
  + 'including by autodialer, even if it is on a Do-Not-Call list. Consent is not a condition of purchase.';

/** A bare page with the snippet; `form` is the form's inner HTML (null: no form yet). */
function fixture({ site = 'plain', form = null, extra = '', action = '', timeoutMs = 8000, phoneRegions = null } = {}) {
  const fields = form ?? `
    <label for="n">Full name</label><input id="n" name="name" autocomplete="name">
    <label for="e">Email</label><input id="e" name="email" type="email">
    <label for="p">Phone</label><input id="p" name="phone" type="tel">
    <input id="c" name="consent" type="checkbox"><label for="c">${CONSENT}</label>
    <button type="submit">Send</button>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fixture</title>
    <script src="/leadgate.js" data-site="${site}" data-endpoint="EDGE_URL" data-timeout-ms="${timeoutMs}"${phoneRegions ? ` data-phone-regions="${phoneRegions}"` : ''} async></script></head>
    <body><main>${form === false ? '' : `<form data-leadgate ${action} action="EDGE_URL/v1/leads" method="post">${fields}</form>`}${extra}</main></body></html>`;
}

/** What the site served of the proof-of-work (its worker and its wasm module). */
const powFiles = () => stack.served.filter((path) => /leadgate[-_]pow/.test(path));

async function fillBare(page, email = 'jane.doe@gmail.com') {
  await page.fill('[name="name"]', 'Jane Doe');
  await page.fill('[name="email"]', email);
  await page.fill('[name="phone"]', '(650) 253-4172');
  await page.check('[name="consent"]');
}

test('a US/CA page loads the smaller checks build: US junk is blocked there, a UK number is left to the edge', async () => {
  const { page } = await open({ fixture: fixture({ phoneRegions: 'us-ca' }) });
  assert.deepEqual(await waitReady(page), { wasm: true, forms: 1 });
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.ok(fetched.includes('/pkg/leadgate_wasm_nanp_bg.wasm'), fetched.join(', '));
  assert.ok(!fetched.includes('/pkg/leadgate_wasm_bg.wasm'), 'one build, not two');
  await fillBare(page);
  await page.fill('[name="phone"]', '555-555-5555');
  await page.click('button[type="submit"]');
  await page.waitForSelector('[name="phone"][aria-invalid="true"]');
  assert.equal(stack.edge.leadPosts().length, 0, 'a fake US number never leaves the page');
  await page.fill('[name="phone"]', '+44 20 7946 0958');
  await page.press('[name="phone"]', 'Tab');
  await page.waitForFunction(() => !document.querySelector('[name="phone"]').hasAttribute('aria-invalid'));
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  assert.equal(stack.edge.leadPosts().length, 1, 'the edge, with every region, judged it');
  assert.match(stack.edge.leadPosts()[0].body, /\+44 20 7946 0958/);
});

test('a double click and a resubmit after success send the lead once', async () => {
  const { page } = await open({ fixture: fixture() });
  await waitReady(page);
  stack.edge.behaviour.delayMs = 300;
  await fillBare(page);
  await page.click('button[type="submit"]');
  await page.evaluate(() => { const f = document.querySelector('form'); f.requestSubmit(); f.requestSubmit(); });
  await page.locator('.leadgate-status--done').waitFor();
  await page.evaluate(() => document.querySelector('form').requestSubmit()); // e.g. Enter again
  await page.waitForTimeout(100);
  assert.equal(stack.edge.leadPosts().length, 1);
});

test('the edge down: one retry, then the person is told and keeps what they typed', async () => {
  const { page } = await open({ fixture: fixture() });
  await waitReady(page);
  stack.edge.behaviour.fault = 'down';
  await fillBare(page);
  const before = await values(page);
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--error').waitFor();
  assert.match(await page.locator('.leadgate-status').textContent(), /couldn.t reach our server/);
  assert.equal(stack.edge.leadPosts().length, 2, 'sent, then retried once');
  assert.deepEqual(await values(page), before);
  await shot(page, '11-network-error');
  stack.edge.behaviour.fault = null; // back up: sending again works
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  assert.equal(stack.edge.leadPosts().length, 3);
});

test('one dropped connection is retried with the same submission id', async () => {
  const { page } = await open({ fixture: fixture() });
  await waitReady(page);
  stack.edge.behaviour.fault = 'fail_once';
  await fillBare(page);
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  const posts = stack.edge.leadPosts();
  assert.equal(posts.length, 2);
  assert.equal(JSON.parse(posts[1].body).submission_id.length > 8, true);
});

test('an edge answering HTML, or not at all, is retried once and reported', async () => {
  for (const fault of ['html', 'drop']) {
    stack.edge.requests.length = 0;
    const { page } = await open({ fixture: fixture({ timeoutMs: 1500 }) });
    await waitReady(page);
    stack.edge.behaviour.fault = fault;
    await fillBare(page);
    await page.click('button[type="submit"]');
    await page.locator('.leadgate-status--error').waitFor({ timeout: 15000 });
    assert.equal(stack.edge.leadPosts().length, 2, fault);
    assert.equal(await page.inputValue('[name="email"]'), 'jane.doe@gmail.com');
  }
});

test('a slow edge shows that it is still working, then the answer', async () => {
  const { page } = await open({ fixture: fixture({ timeoutMs: 20000 }) });
  await waitReady(page);
  stack.edge.behaviour.delayMs = 4600;
  await fillBare(page);
  await page.click('button[type="submit"]');
  await page.waitForFunction(() => /Still sending/.test(document.querySelector('.leadgate-status').textContent));
  assert.equal(await page.getAttribute('form', 'aria-busy'), 'true');
  await page.locator('.leadgate-status--done').waitFor({ timeout: 15000 });
  assert.equal(stack.edge.leadPosts().length, 1);
});

test('a form injected after load (single-page app) is guarded too', async () => {
  const { page } = await open({ fixture: fixture({ form: false }) });
  await waitReady(page);
  await page.evaluate(() => {
    const form = document.createElement('form');
    form.setAttribute('data-leadgate', '');
    form.innerHTML = '<label for="e2">Work email</label><input id="e2" name="email" type="email"><button>Go</button>';
    document.querySelector('main').append(form);
  });
  await page.waitForSelector('form[data-leadgate-ready]');
  await page.fill('#e2', 'not-an-email');
  await page.press('#e2', 'Tab');
  await page.waitForSelector('#e2[aria-invalid="true"]');
  const id = (await page.getAttribute('#e2', 'aria-describedby')).split(' ').pop();
  assert.ok((await page.locator(`[id="${id}"]`).textContent()).length > 5);
  await shot(page, '12-injected-form');
});

test('duplicate field names: the visible field is checked and sent, not the hidden twin', async () => {
  const form = `
    <input name="email" hidden value="twin@mailinator.com">
    <label for="n">Full name</label><input id="n" name="name" autocomplete="name">
    <label for="e">Email</label><input id="e" name="email" type="email">
    <label for="p">Phone</label><input id="p" name="phone" type="tel">
    <input id="c" name="consent" type="checkbox"><label for="c">${CONSENT}</label>
    <button type="submit">Send</button>`;
  const { page } = await open({ fixture: fixture({ form }) });
  await waitReady(page);
  await page.fill('#n', 'Jane Doe');
  await page.fill('#e', 'jane.doe@gmail.com');
  await page.fill('#p', '(650) 253-4172');
  await page.check('#c');
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  const body = JSON.parse(stack.edge.leadPosts()[0].body);
  assert.equal(body.email, 'jane.doe@gmail.com');
  assert.equal(body.first_name, 'Jane');
  assert.equal(body.last_name, 'Doe');
});

test('a pasted megabyte is capped, emoji and RTL text survive, nothing is lost', async () => {
  const { page, log } = await open();
  await waitReady(page);
  const huge = 'A'.repeat(1 << 20);
  await fillLead(page, { ...GOOD, email: `${huge}@gmail.com` });
  await page.press('#email', 'Tab');
  await page.waitForSelector('#email[aria-invalid="true"]');
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--error').waitFor();
  assert.equal(stack.edge.leadPosts().length, 0, 'an over-long email is refused in the page');
  assert.equal((await page.inputValue('#email')).length, huge.length + 10, 'the page keeps what was pasted');

  // Emoji at the cut: the cap never splits a character; RTL names pass untouched.
  const city = `Mountain View${'🌞'.repeat(1 << 19)}`;
  await fillLead(page, { ...GOOD, first_name: 'Zoë', last_name: 'الحربي', city }, { consent: false });
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  const posts = stack.edge.leadPosts();
  assert.equal(posts.length, 1);
  assert.ok(posts[0].size < 16 * 1024, `request body is ${posts[0].size} bytes`);
  const body = JSON.parse(posts[0].body);
  assert.equal(body.first_name, 'Zoë');
  assert.equal(body.last_name, 'الحربي');
  assert.ok(body.city.startsWith('Mountain View🌞') && body.city.length <= 100, body.city.length);
  assert.ok(body.city.isWellFormed(), 'no half emoji');
  assert.deepEqual(log.errors, []);
  await shot(page, '13-megabyte-emoji-rtl');
});

test('Turnstile: explicit render, executed on submit, token and action ride along', async () => {
  const fake = `window.turnstile = {
    render(el, o) { window.__ts = o; el.setAttribute('data-fake-turnstile', o.sitekey); return 'w1'; },
    execute() { setTimeout(() => window.__ts.callback('ts-token-' + window.__ts.action), 20); },
    reset() { window.__tsResets = (window.__tsResets || 0) + 1; } };`;
  const csp = strictCsp(stack.edge.url).replace("script-src 'self'", "script-src 'self' https://challenges.cloudflare.com");
  const p = await openPage(stack, { fixture: fixture({ site: 'ts', action: 'data-leadgate-action="quote"' }), csp });
  pages.push(p);
  await p.page.route('https://challenges.cloudflare.com/**', (r) => r.fulfill({ contentType: 'text/javascript', body: fake }));
  const { page } = p;
  await waitReady(page);
  await fillBare(page);
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  const body = JSON.parse(stack.edge.leadPosts()[0].body);
  assert.equal(body.bot_token, 'ts-token-quote');
  assert.equal(body.surface, 'quote');
  assert.equal(await page.getAttribute('.leadgate-turnstile', 'data-fake-turnstile'), '1x00000000000000000000AA');
  assert.equal(await page.evaluate(() => window.__tsResets), 1, 'the single-use widget is reset');
  assert.deepEqual(powFiles(), [], 'a Turnstile page never downloads the proof-of-work');
});

test('reCAPTCHA v3: execute with the action of this surface', async () => {
  const fake = `window.grecaptcha = { ready(cb) { cb(); },
    execute(key, o) { return Promise.resolve('rc-' + key + '-' + o.action); } };`;
  const csp = strictCsp(stack.edge.url).replace("script-src 'self'", "script-src 'self' https://www.google.com");
  const p = await openPage(stack, { fixture: fixture({ site: 'rc', action: 'data-leadgate-action="pricing/quote"' }), csp });
  pages.push(p);
  await p.page.route('https://www.google.com/recaptcha/**', (r) => r.fulfill({ contentType: 'text/javascript', body: fake }));
  const { page } = p;
  await waitReady(page);
  await fillBare(page);
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  assert.equal(JSON.parse(stack.edge.leadPosts()[0].body).bot_token, 'rc-rc-site-key-pricing/quote');
  assert.deepEqual(powFiles(), [], 'a reCAPTCHA page never downloads the proof-of-work');
});

test('no bot check: the page downloads the checks build and no proof-of-work', async () => {
  const { page } = await open({ fixture: fixture() });
  await waitReady(page);
  await fillBare(page);
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  assert.equal(JSON.parse(stack.edge.leadPosts()[0].body).bot_token, null);
  assert.ok(stack.served.includes('/pkg/leadgate_wasm_bg.wasm'), stack.served.join(', '));
  assert.deepEqual(powFiles(), []);
});

test('proof-of-work where no worker may run: solved on the main thread, the PoW module loaded only then', async () => {
  // A CSP that refuses workers stands in for a snippet served from another origin.
  const csp = strictCsp(stack.edge.url).replace("worker-src 'self'", "worker-src 'none'");
  const { page } = await open({ fixture: fixture({ site: 'demo-pow' }), csp });
  await waitReady(page);
  assert.deepEqual(powFiles(), [], 'nothing of the proof-of-work before it is needed');
  await fillBare(page);
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  const body = JSON.parse(stack.edge.leadPosts()[0].body);
  assert.match(body.bot_token, /^pow:[\w-]+\.[\w-]+:\d+$/);
  assert.equal(stack.edge.decisions.at(-1).pow, null, 'the edge accepted the proof-of-work');
  assert.deepEqual(powFiles(), ['/pkg/leadgate_pow.js', '/pkg/leadgate_pow_bg.wasm'], 'the module, not the worker');
  assert.equal(stack.served.filter((path) => path === '/pkg/leadgate_wasm_bg.wasm').length, 1, 'the checks build once');
});

test('messages come from the site config (another language) and outcomes reach the dataLayer', async () => {
  // The page's own tag-manager set-up, as an external script (the CSP forbids inline ones).
  stack.fixtures.set('/fixture/datalayer.js', { html: 'window.dataLayer = [];', type: 'text/javascript' });
  const page0 = fixture({ site: 'fr' }).replace('<script src="/leadgate.js"', '<script src="/fixture/datalayer.js"></script><script src="/leadgate.js"');
  const { page } = await open({ fixture: page0 });
  await waitReady(page);
  await page.fill('[name="email"]', 'jane@');
  await page.press('[name="email"]', 'Tab');
  await page.waitForSelector('[name="email"][aria-invalid="true"]');
  const id = (await page.getAttribute('[name="email"]', 'aria-describedby')).split(' ').pop();
  assert.equal(await page.locator(`[id="${id}"]`).textContent(), 'Adresse e-mail invalide.');
  await page.fill('[name="email"]', 'jane@gmial.com');
  await page.press('[name="email"]', 'Tab');
  await page.locator('.leadgate-suggest').waitFor();
  assert.match(await page.locator(`[id="${id}"]`).textContent(), /^Vouliez-vous dire jane@gmail\.com\?$/);
  await page.click('.leadgate-suggest');
  await page.fill('[name="name"]', 'Jane Doe');
  await page.fill('[name="phone"]', '(650) 253-4172');
  await page.check('[name="consent"]');
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor();
  assert.equal(await page.locator('.leadgate-status').textContent(), 'Merci ! Réservez un créneau : Réserver');
  const pushed = await page.evaluate(() => window.dataLayer);
  assert.deepEqual(pushed.map((e) => [e.event, e.leadgate_lane, e.leadgate_source]), [['leadgate_verdict', 'fast_track', 'edge']]);
  assert.ok(!JSON.stringify(pushed).includes('jane'), 'no personal data in the dataLayer');
});

test('the phone is formatted on blur only, never under the cursor while typing', async () => {
  const { page } = await open({ fixture: fixture() });
  await waitReady(page);
  await page.click('[name="phone"]');
  await page.keyboard.type('6502534172', { delay: 5 });
  assert.equal(await page.inputValue('[name="phone"]'), '6502534172', 'untouched while typing');
  await page.keyboard.press('Home');
  await page.keyboard.type('1');
  assert.equal(await page.inputValue('[name="phone"]'), '16502534172', 'the caret stayed where the person put it');
  await page.press('[name="phone"]', 'Tab');
  assert.equal(await page.inputValue('[name="phone"]'), '(650) 253-4172');
  assert.equal(await page.getAttribute('[name="phone"]', 'aria-invalid'), null);
});
