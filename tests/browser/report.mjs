#!/usr/bin/env node
// Size and speed of the snippet: bytes on the wire (JS + CSS + wasm, raw / gzip / brotli; the
// proof-of-work's worker and module apart, as only PoW sites download them, on first focus),
// time from script start to ready (config + wasm loaded, forms attached) and from blur to
// message, in headless Chromium on the demo page against the edge stand-in.
// Run with: ./scripts/build-wasm.sh && node tests/browser/report.mjs [--runs 5]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { cpus } from 'node:os';
import { transformSync } from 'esbuild';
import { startStack, ROOT } from './harness.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

const FILES = [
  ['leadgate.js', 'snippet'],
  ['leadgate.css', 'styles'],
  ['pkg/leadgate_wasm.js', 'wasm-bindgen glue'],
  ['pkg/leadgate_wasm_bg.wasm', 'checks (wasm)'],
  ['pkg/leadgate_wasm_nanp.js', 'glue, US/CA build (data-phone-regions="us-ca")'],
  ['pkg/leadgate_wasm_nanp_bg.wasm', 'checks, US/CA build'],
  ['leadgate-pow.js', 'PoW worker (PoW sites only)'],
  ['pkg/leadgate_pow.js', 'PoW module glue (PoW sites only)'],
  ['pkg/leadgate_pow_bg.wasm', 'PoW module (wasm, PoW sites only)'],
];

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => `${x.toFixed(1)} ms`;

function sizes() {
  const rows = FILES.map(([file, what]) => {
    const buf = readFileSync(`${ROOT}www/${file}`);
    return {
      file, what, raw: buf.length,
      gzip: gzipSync(buf, { level: 9 }).length,
      brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  // For reference: the snippet minified (esbuild), as a CDN would serve it.
  const min = Buffer.from(transformSync(readFileSync(`${ROOT}www/leadgate.js`, 'utf8'), { minify: true, loader: 'js' }).code);
  rows.push({ file: 'leadgate.js minified', what: 'reference (esbuild --minify)', raw: min.length,
    gzip: gzipSync(min, { level: 9 }).length,
    brotli: brotliCompressSync(min, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length });
  const sum = (file, what, names) => {
    const list = names.map((n) => rows.find((r) => r.file === n));
    const total = (key) => list.reduce((a, r) => a + r[key], 0);
    rows.push({ file, what, raw: total('raw'), gzip: total('gzip'), brotli: total('brotli') });
  };
  const page = ['leadgate.js', 'leadgate.css', 'pkg/leadgate_wasm.js', 'pkg/leadgate_wasm_bg.wasm'];
  sum('total (page load)', 'snippet, styles, checks', page);
  sum('total, US/CA page', 'the same with the US/CA build', [page[0], page[1], 'pkg/leadgate_wasm_nanp.js', 'pkg/leadgate_wasm_nanp_bg.wasm']);
  sum('PoW, on first focus', 'worker + PoW module (PoW sites only)', ['leadgate-pow.js', 'pkg/leadgate_pow.js', 'pkg/leadgate_pow_bg.wasm']);
  return rows;
}

async function timings(stack) {
  const ready = [];
  const navToReady = [];
  const coldBlur = [];
  const warmBlur = [];
  const wire = [];
  for (let i = 0; i < runs; i++) {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    await page.goto(`${stack.siteUrl}/demo/`);
    await page.evaluate(() => window.Leadgate.ready);
    const marks = await page.evaluate(() => {
      const get = (n) => performance.getEntriesByName(n)[0].startTime;
      return { start: get('leadgate:start'), ready: get('leadgate:ready') };
    });
    ready.push(marks.ready - marks.start);
    navToReady.push(marks.ready);
    // Blur to message: the handler runs the checks synchronously and writes the message.
    const blur = (value) => page.evaluate((v) => {
      const el = document.getElementById('email');
      el.focus();
      el.value = v;
      const slot = document.querySelector('[data-leadgate-message-for="email"]');
      const before = slot.textContent;
      const t0 = performance.now();
      el.blur();
      const t1 = performance.now();
      if (slot.textContent === before) throw new Error('no message change');
      return t1 - t0;
    }, value);
    // The person's first blur comes seconds after load: by then the snippet's idle warm-up
    // (one check of a made-up lead, so the browser has compiled the check path) has run.
    await page.waitForFunction(() => performance.getEntriesByName('leadgate:warm').length > 0);
    coldBlur.push(await blur('jane@gmial.com'));
    for (let k = 0; k < 10; k++) warmBlur.push(await blur(k % 2 ? 'jane@gmial.com' : `bad${k}@`));
    wire.push(bytes);
    await context.close();
  }
  return { ready, navToReady, coldBlur, warmBlur, wire };
}

const stack = await startStack();
try {
  const s = sizes();
  const t = await timings(stack);
  const out = [];
  out.push(`Machine: ${cpus().length} × ${cpus()[0].model.trim()}, Chromium headless, ${runs} fresh page loads, loopback (no throttling).`);
  out.push('');
  out.push('| file | what | raw | gzip | brotli |');
  out.push('|---|---|---:|---:|---:|');
  for (const r of s) out.push(`| ${r.file} | ${r.what} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`);
  out.push('');
  out.push('| measure | median | min | max |');
  out.push('|---|---:|---:|---:|');
  const row = (name, xs, f = ms) => out.push(`| ${name} | ${f(median(xs))} | ${f(Math.min(...xs))} | ${f(Math.max(...xs))} |`);
  row('script start → ready (config + wasm + forms)', t.ready);
  row('navigation start → ready', t.navToReady);
  row('blur → message, first check after load (after the idle warm-up)', t.coldBlur);
  row('blur → message, warm', t.warmBlur);
  row('bytes transferred per page load (uncompressed server)', t.wire, kb);
  console.log(out.join('\n'));
  mkdirSync(`${ROOT}target-browser`, { recursive: true });
  writeFileSync(`${ROOT}target-browser/report.json`, JSON.stringify({ sizes: s, timings: t }, null, 2));
} finally {
  await stack.close();
}
