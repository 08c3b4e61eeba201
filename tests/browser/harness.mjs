// Shared set-up for the browser tests: the edge stand-in, the static server (www/ with the
// strict CSP), headless Chromium via playwright-core, screenshots, and small page helpers.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startEdge } from './edge-standin.mjs';
import { createStaticServer, strictCsp } from '../../www/serve.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHOTS = `${ROOT}target-browser/screenshots`;

/** The flags toolchain.md lists for a closed network. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium() {
  // playwright's launch() gives every browser a fresh temporary --user-data-dir.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Starts edge stand-in + static site + browser. Returns everything plus `close()`; `served`
 * lists the paths the site served.
 */
export async function startStack(edgeOptions) {
  const edge = await startEdge(edgeOptions);
  const statics = createStaticServer({ root: `${ROOT}www`, edge: edge.url });
  const serveStatic = statics.listeners('request')[0];
  // Test pages of our own (`/fixture/<n>.html`), served over the network from the site's origin
  // with the strict CSP (a page fulfilled by playwright itself would count as a public page,
  // and Chromium's local-network rules would then refuse its requests to 127.0.0.1).
  const fixtures = new Map();
  // Every path the site served, in order (the pages', their workers' and their modules'
  // requests alike), so tests can say what a page downloaded.
  const served = [];
  const site = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    served.push(path);
    const f = fixtures.get(path);
    if (!f) return serveStatic(req, res);
    const type = f.type || 'text/html; charset=utf-8';
    res.writeHead(200, { 'content-type': type, 'content-security-policy': f.csp || strictCsp(edge.url) });
    res.end(f.html.split('EDGE_URL').join(edge.url));
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  const siteUrl = `http://127.0.0.1:${site.address().port}`;
  const browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
  return {
    edge, siteUrl, browser, fixtures, served,
    async close() {
      await browser.close();
      site.closeAllConnections();
      await new Promise((r) => site.close(r));
      await edge.close();
    },
  };
}

/**
 * A fresh page. Records console CSP errors, page errors and the snippet's DOM events
 * (via a binding: works under the strict CSP, no inline script).
 */
export async function openPage(stack, { path = '/demo/', javaScriptEnabled = true, fixture = null, csp = null } = {}) {
  const context = await stack.browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  if (fixture) {
    path = `/fixture/${stack.fixtures.size + 1}.html`;
    stack.fixtures.set(path, { html: fixture, csp });
  }
  const log = { csp: [], errors: [], events: [], console: [] };
  page.on('console', (m) => {
    log.console.push(m.text());
    if (/Content.Security.Policy/i.test(m.text())) log.csp.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  if (javaScriptEnabled) {
    await page.exposeBinding('__leadgateRecord', (_src, type, detail) => log.events.push({ type, detail }));
    await page.addInitScript(() => {
      for (const type of ['leadgate:verdict', 'leadgate:blocked', 'leadgate:booked']) {
        document.addEventListener(type, (e) => window.__leadgateRecord(type, e.detail));
      }
      document.addEventListener('securitypolicyviolation', (e) => window.__leadgateRecord('csp', `${e.violatedDirective} ${e.blockedURI}`));
    });
  }
  await page.goto(stack.siteUrl + path);
  if (javaScriptEnabled) await page.waitForFunction((form) => window.Leadgate && (!form || document.querySelector('form[data-leadgate-ready]')), !fixture || fixture.includes('<form'));
  return { page, context, log };
}

export async function waitReady(page) {
  return page.evaluate(() => window.Leadgate.ready);
}

export async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** A lead that passes every check (sandbox-safe: example.com addresses are never mailed). */
export const GOOD = {
  first_name: 'Jane', last_name: 'Doe', email: 'jane.doe@gmail.com', phone: '(650) 253-4172',
  street: '1600 Amphitheatre Pkwy', city: 'Mountain View', state: 'CA', zip: '94043',
};

export async function fillLead(page, lead = GOOD, { consent = true } = {}) {
  for (const [name, value] of Object.entries(lead)) {
    const sel = `form [name="${name}"]`;
    if (name === 'state') await page.selectOption(sel, value);
    else await page.fill(sel, value);
  }
  if (consent) await page.check('form [name="consent"]');
}

export async function values(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('form input, form select')]
    .filter((el) => el.name && el.type !== 'hidden')
    .map((el) => [el.name, el.type === 'checkbox' ? el.checked : el.value])));
}
