// End to end with the real edge: the built Worker (worker/build/, scripts/build-worker.sh)
// runs in workerd through Miniflare on a local port; the demo page and the snippet talk to
// it exactly as in production. A small backend stub records what the edge forwards and a
// calendar stub stands in for Cal.com. Run with: ./scripts/test-browser.sh
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Miniflare } from 'miniflare';
import { readFileSync } from 'node:fs';
import { createStaticServer, strictCsp } from '../../www/serve.mjs';
import { launchChromium, shot, fillLead, values, GOOD, ROOT } from './harness.mjs';

const SECRETS = { LEADGATE_EDGE_KEY: 'e2e-edge-secret-0123456789abcdef', LEADGATE_BOOKING_KEY: 'e2e-booking-secret-0123456789abc', LEADGATE_POW_KEY: 'e2e-pow-secret-0123456789abcdefg' };
let mf; let site; let stubs; let browser; let siteUrl; let edgeUrl; let stubUrl;
const intake = [];
const edgeHits = [];

const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`)));

before(async () => {
  // Backend + calendar stub: 200 for every intake, a page for the calendar.
  stubs = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url.startsWith('/v1/intake')) {
        intake.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
      } else if (req.url.startsWith('/cal/intro')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Calendar</title><h1>Calendar: pick a time</h1>');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  stubUrl = await listen(stubs);
  // The site first (its origin goes into the edge's config), its handler once the edge is up.
  let handler = (_req, res) => res.writeHead(503).end();
  site = createServer((req, res) => handler(req, res));
  siteUrl = await listen(site);
  mf = new Miniflare({
    modules: true,
    scriptPath: 'worker/build/shim.mjs',
    rootPath: ROOT,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2026-04-20',
    cf: false,
    host: '127.0.0.1',
    port: 0,
    durableObjects: { GATE: 'Gate', LIMITER: 'Limiter', OUTBOX: 'Outbox' },
    bindings: {
      LEADGATE_SITES: JSON.stringify({
        'demo-pow': { origins: [siteUrl], campaign: 'demo', bot: { type: 'pow', difficulty: 8 }, calendar_url: `${stubUrl}/cal/intro` },
        // Proof-of-work needs JavaScript, so the no-JS post is shown on a site without a bot check.
        'demo-open': { origins: [siteUrl], campaign: 'demo', bot: { type: 'none' }, calendar_url: `${stubUrl}/cal/intro` },
      }),
      LEADGATE_BACKEND_URL: stubUrl,
      LEADGATE_EDGE_KEY_ID: 'edge-1',
      LEADGATE_RATE_PER_IP: '1000',
      LEADGATE_RATE_PER_SITE: '100000',
      ...SECRETS,
    },
  });
  edgeUrl = (await mf.ready).origin;
  const statics = createStaticServer({ root: `${ROOT}www`, edge: edgeUrl });
  const serve = statics.listeners('request')[0];
  // /nojs/: the demo page for the `demo-open` site.
  const demo = readFileSync(`${ROOT}www/demo/index.html`, 'utf8').split('http://127.0.0.1:8787').join(edgeUrl).split('demo-pow').join('demo-open');
  handler = (req, res) => {
    if (req.url !== '/nojs/') return serve(req, res);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': strictCsp(edgeUrl) }).end(demo);
  };
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await mf?.dispose();
  for (const s of [site, stubs]) { s?.closeAllConnections(); await new Promise((r) => (s ? s.close(r) : r())); }
});

async function open() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on('request', (r) => { if (r.url().startsWith(edgeUrl)) edgeHits.push(`${r.method()} ${new URL(r.url()).pathname}`); });
  await page.goto(`${siteUrl}/demo/`);
  const ready = await page.evaluate(() => window.Leadgate.ready);
  assert.deepEqual(ready, { wasm: true, forms: 1 });
  return { page, context };
}

test('real edge: config, PoW, a clean lead reaches Fast-Track, the booking link opens the calendar', async () => {
  const { page, context } = await open();
  await fillLead(page);
  await page.click('button[type="submit"]');
  const link = page.locator('a.leadgate-book');
  await link.waitFor({ timeout: 20000 });
  const href = await link.getAttribute('href');
  assert.ok(href.startsWith(`${edgeUrl}/v1/book/`), href);
  assert.ok(edgeHits.includes('GET /v1/config/demo-pow') && edgeHits.includes('GET /v1/challenge'), edgeHits.join(', '));
  await shot(page, '20-e2e-fast-track');
  await Promise.all([page.waitForURL(/\/cal\/intro/), link.click()]);
  assert.equal(await page.locator('h1').textContent(), 'Calendar: pick a time');
  // The edge forwarded the lead, signed, to the backend.
  for (let i = 0; i < 50 && !intake.length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(intake.length, 1);
  assert.equal(intake[0].body.lead.email, GOOD.email);
  assert.match(intake[0].headers['x-leadgate-signature'], /^v1=[0-9a-f]{64}$/);
  await context.close();
});

test('real edge: a disposable address the page does not know is blocked by the edge, what was typed stays; fixing it goes through', async () => {
  const { page, context } = await open();
  edgeHits.length = 0;
  await fillLead(page, { ...GOOD, email: 'jane@0815.ru' });
  await page.click('button[type="submit"]');
  await page.waitForSelector('#email[aria-invalid="true"]', { timeout: 20000 });
  assert.ok(edgeHits.includes('POST /v1/leads'), 'the page\'s short list misses it; the edge decides');
  const before = await values(page);
  assert.equal(before.email, 'jane@0815.ru');
  await page.fill('#email', 'jane.doe@gmail.com');
  await page.click('button[type="submit"]');
  await page.locator('.leadgate-status--done').waitFor({ timeout: 20000 });
  await context.close();
});

test('real edge: a best-known disposable address never leaves the page', async () => {
  const { page, context } = await open();
  edgeHits.length = 0;
  await fillLead(page, { ...GOOD, email: 'jane@mailinator.com' });
  await page.click('button[type="submit"]');
  await page.waitForSelector('#email[aria-invalid="true"]');
  assert.ok(!edgeHits.includes('POST /v1/leads'), edgeHits.join(', '));
  await context.close();
});

test('real edge: a look-alike internationalised domain the page cannot judge is blocked by the edge', async () => {
  const { page, context } = await open();
  edgeHits.length = 0;
  // "apple" spelled in Cyrillic: the page has no IDN tables and leaves it to the edge.
  await fillLead(page, { ...GOOD, email: 'jane@\u0430\u0440\u0440\u04cf\u0435.com' });
  await page.click('button[type="submit"]');
  await page.waitForSelector('#email[aria-invalid="true"]', { timeout: 20000 });
  assert.ok(edgeHits.includes('POST /v1/leads'), edgeHits.join(', '));
  await context.close();
});

test('real edge: a fake phone never leaves the page', async () => {
  const { page, context } = await open();
  edgeHits.length = 0;
  await fillLead(page, { ...GOOD, phone: '555-555-5555' });
  await page.click('button[type="submit"]');
  await page.waitForSelector('#phone[aria-invalid="true"]');
  assert.ok(!edgeHits.includes('POST /v1/leads'), edgeHits.join(', '));
  assert.equal((await values(page)).phone, '555-555-5555');
  await context.close();
});

test('real edge: without JavaScript the form posts form-encoded and the lead is taken', async () => {
  intake.length = 0;
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${siteUrl}/nojs/`);
  await fillLead(page);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  assert.equal(response.url(), `${edgeUrl}/v1/leads`);
  assert.equal(response.status(), 200);
  const text = await page.locator('body').textContent();
  assert.doesNotMatch(text, /check your details/i, text);
  for (let i = 0; i < 50 && !intake.length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(intake.length, 1, 'the edge forwarded the form-encoded lead');
  assert.equal(intake[0].body.site, 'demo-open');
  assert.equal(intake[0].body.lead.consent, true);
  assert.match(intake[0].body.lead.consent_text, /Do-Not-Call/);
  await shot(page, '21-e2e-no-js');
  await context.close();
});

test('real edge: on a proof-of-work site a no-JavaScript post gets a readable page and no booking link', async () => {
  // No proof is possible without JavaScript: the edge's fail mode for the site decides
  // (fail open by default: Review). Either way the person gets a page, never a booking link.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${siteUrl}/demo/`);
  await fillLead(page);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  assert.equal(response.url(), `${edgeUrl}/v1/leads`);
  assert.ok(response.status() < 500, `status ${response.status()}`);
  assert.ok((await page.locator('h1').textContent()).length > 3);
  assert.equal(await page.locator('a[href*="/v1/book/"]').count(), 0);
  await shot(page, '22-e2e-no-js-pow');
  await context.close();
});
