// The whole stack for the end-to-end tests, every part a real process or runtime on
// 127.0.0.1, on free ports, with its state in a temporary directory:
//
//   headless Chromium ─▶ the demo form (www/, served by www/serve.mjs's server)
//                     ─▶ the edge Worker (worker/build/, workerd via Miniflare)
//                     ─▶ the backend (target/debug/leadgate, SQLite in the temp dir)
//                     ─▶ the vendor sandbox (target/debug/leadgate-sandbox): every provider,
//                        the Turnstile verifier, the partner's postback receiver, the calendar
//
// The backend runs the repository's own leadgate.toml and the edge the sites in
// wrangler.toml [vars] with worker/dev.vars.example's secrets, with only the addresses (and
// a few timings, through the documented overrides) changed, so the tests exercise the sample
// configuration the demo runs. Build first: cargo build -p leadgate-server -p
// leadgate-sandbox, scripts/build-worker.sh, scripts/build-wasm.sh (scripts/test-e2e.sh does).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, createWriteStream, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare, Log, LogLevel } from 'miniflare';
import { chromium } from 'playwright-core';
import { createStaticServer } from '../../www/serve.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.LEADGATE_E2E_BIN_DIR || join(ROOT, 'target', 'debug');
/** The sample partner's API key (its SHA-256 is in leadgate.toml). */
export const PARTNER_KEY = 'dev-partner-key-sunrise';
const SANDBOX_IN_SAMPLES = 'http://127.0.0.1:8090';

// ---- small utilities ------------------------------------------------------------------

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An error `until` does not retry (a process that died will not come back). */
export class Fatal extends Error {}

/**
 * Polls `fn` until it returns a truthy value; fails with `what` after `tries` attempts.
 * Errors `fn` throws count as "not yet", except `Fatal` ones, which end the wait at once.
 */
export async function until(what, fn, { tries = 300, every = 100 } = {}) {
  let last;
  for (let i = 0; i < tries; i++) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`gave up waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** A port nobody listens on right now. */
export async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

export async function getJson(url, headers = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, body };
}

/** Leading zero bits of a digest. */
function zeroBits(buf) {
  let n = 0;
  for (const byte of buf) {
    if (byte === 0) { n += 8; continue; }
    return n + Math.clz32(byte) - 24;
  }
  return n;
}

/** Solves a proof-of-work challenge as the browser does: SHA-256(challenge ":" nonce). */
export function solvePow({ challenge, difficulty }) {
  for (let nonce = 0; ; nonce++) {
    if (zeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest()) >= difficulty) return nonce;
  }
}

// ---- child processes ------------------------------------------------------------------

// Every child still running when the test process exits (a crash, a cancelled run) is killed.
const children = new Set();
process.on('exit', () => { for (const c of children) if (c.running) c.proc.kill('SIGKILL'); });

/** A child process whose output goes to a log file (shown by `tail()` when a test fails). */
class Child {
  constructor(name, cmd, args, { env = {}, logFile }) {
    this.name = name;
    this.logFile = logFile;
    const log = createWriteStream(logFile, { flags: 'a' });
    this.proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(this);
    this.proc.on('exit', () => children.delete(this));
    this.proc.stdout.pipe(log, { end: false });
    this.proc.stderr.pipe(log, { end: false });
    this.exited = new Promise((r) => this.proc.on('exit', (code, signal) => r({ code, signal })));
  }

  get running() { return this.proc.exitCode === null && this.proc.signalCode === null; }

  /** Sends `signal` and waits for the exit (SIGKILL after 15 s). */
  async stop(signal = 'SIGTERM') {
    if (!this.running) return this.exited;
    this.proc.kill(signal);
    const timer = setTimeout(() => this.running && this.proc.kill('SIGKILL'), 15000);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  tail(lines = 40) {
    try { return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
  }
}

async function waitHttp(child, url) {
  await until(`${child.name} at ${url}`, async () => {
    if (!child.running) throw new Fatal(`${child.name} exited:\n${child.tail()}`);
    const res = await fetch(url).catch(() => null);
    return res && res.status < 500;
  }, { tries: 600, every: 100 });
}

function requireBinary(name) {
  const path = join(BIN, name);
  if (!existsSync(path)) throw new Error(`${path} missing: cargo build -p leadgate-server -p leadgate-sandbox`);
  return path;
}

/** The vendor sandbox on a free port. */
export async function startSandbox(dir) {
  const port = await freePort();
  const child = new Child('sandbox', requireBinary('leadgate-sandbox'), ['--port', String(port), '--no-dns'],
    { logFile: join(dir, 'sandbox.log') });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(child, `${url}/_admin/health`);
  return {
    url, child,
    /** Requests per vendor prefix so far, e.g. `{ trestle: 3 }`. */
    calls: async () => (await getJson(`${url}/_admin/calls`)).body,
    /** Every postback the partner's receiver got. */
    postbacks: async () => (await getJson(`${url}/partner/received`)).body,
    async fault(spec) {
      const res = await fetch(`${url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
      if (!res.ok) throw new Error(`fault ${JSON.stringify(spec)}: ${res.status}`);
    },
    clearFaults: () => fetch(`${url}/_admin/faults`, { method: 'DELETE' }),
    stop: () => child.stop('SIGINT'),
  };
}

/**
 * The backend: the repository's leadgate.toml with the sandbox's address swapped in, its
 * SQLite file in `dir`, and `env` overrides (LEADGATE_<SECTION>__<KEY>). `stop()` then
 * `start()` runs it again on the same port and data (as after a crash or a deploy);
 * `reconfigure(edit)` rewrites its config file for the next start.
 */
export async function startBackend(dir, sandboxUrl, env = {}) {
  const port = await freePort();
  const config = join(dir, 'leadgate.toml');
  const sample = readFileSync(join(ROOT, 'leadgate.toml'), 'utf8').split(SANDBOX_IN_SAMPLES).join(sandboxUrl);
  writeFileSync(config, sample);
  const fullEnv = {
    LEADGATE_SERVER__LISTEN: `127.0.0.1:${port}`,
    LEADGATE_SERVER__DATA_DIR: join(dir, 'data'),
    LEADGATE_DATABASE__URL: '',
    LEADGATE_QUEUE__POLL_MS: '50',
    LEADGATE_POSTBACKS__POLL_MS: '50',
    LEADGATE_POSTBACKS__RETRY_BASE_MS: '200',
    LEADGATE_LOG: 'info,sqlx=warn',
    ...env,
  };
  const url = `http://127.0.0.1:${port}`;
  const backend = {
    url, port, child: null, starts: 0,
    async start() {
      backend.starts += 1;
      backend.child = new Child('backend', requireBinary('leadgate'), ['serve', '--config', config],
        { env: fullEnv, logFile: join(dir, 'backend.log') });
      await waitHttp(backend.child, `${url}/readyz`);
    },
    /** A lead's status as the partner sees it: `{status, body}`. */
    lead: (id) => getJson(`${url}/v1/leads/${id}`, { 'x-api-key': PARTNER_KEY }),
    /** Polls until the lead is decided; returns the status view. */
    async finished(id, what = `lead ${id} to be decided`) {
      return until(what, async () => {
        const r = await backend.lead(id);
        return r.status === 200 && r.body.state === 'done' ? r.body : null;
      });
    },
    /** The sum of a Prometheus metric's samples whose labels contain `labels` (a substring). */
    async metric(name, labels = '') {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const head = line.split(' ')[0];
        if ((head === name || head.startsWith(`${name}{`)) && head.includes(labels)) sum += Number(line.split(' ').pop());
      }
      return sum;
    },
    stop: (signal) => backend.child?.stop(signal),
    reconfigure: (edit) => writeFileSync(config, edit(sample)),
  };
  await backend.start();
  return backend;
}

// ---- the edge ---------------------------------------------------------------------------

/** `[vars]` of wrangler.toml: `NAME = "value"` lines and the `LEADGATE_SITES = '''…'''` block. */
export function wranglerVars() {
  const text = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const start = text.indexOf('\n[vars]\n');
  const end = text.indexOf('\n[', start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  const vars = {};
  for (const m of section.matchAll(/^([A-Z0-9_]+) = "([^"]*)"$/gm)) vars[m[1]] = m[2];
  const sites = section.match(/^LEADGATE_SITES = '''([\s\S]*?)'''$/m);
  if (!sites) throw new Error('wrangler.toml [vars] has no LEADGATE_SITES');
  vars.LEADGATE_SITES = sites[1];
  return vars;
}

/** `NAME=value` lines of worker/dev.vars.example (the local secrets). */
export function devSecrets() {
  const out = {};
  for (const line of readFileSync(join(ROOT, 'worker', 'dev.vars.example'), 'utf8').split('\n')) {
    const m = line.match(/^([A-Z0-9_]+)=(.*)$/);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * The built Worker in workerd (Miniflare) on a free port, configured from wrangler.toml's
 * `[vars]`: the sandbox's and backend's addresses swapped in, and `origin` added to every
 * site's allowed origins. The outbox retries quickly so a restarted backend is reached soon.
 */
export async function startEdge({ sandboxUrl, backendUrl, origin, vars = {} }) {
  const base = wranglerVars();
  const swap = (s) => s.split(SANDBOX_IN_SAMPLES).join(sandboxUrl);
  const sites = JSON.parse(swap(base.LEADGATE_SITES));
  for (const site of Object.values(sites)) site.origins = [...(site.origins || []), origin];
  const bindings = {};
  for (const [k, v] of Object.entries(base)) bindings[k] = swap(v);
  const secrets = devSecrets();
  const mf = new Miniflare({
    ...(process.env.EDGE_LOG ? { log: new Log(LogLevel.DEBUG) } : {}),
    modules: true,
    scriptPath: 'worker/build/shim.mjs',
    rootPath: ROOT,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: readFileSync(join(ROOT, 'wrangler.toml'), 'utf8').match(/^compatibility_date = "([^"]+)"/m)[1],
    cf: false,
    host: '127.0.0.1',
    port: 0,
    durableObjects: { GATE: 'Gate', LIMITER: 'Limiter', OUTBOX: 'Outbox' },
    bindings: {
      ...bindings,
      ...secrets,
      LEADGATE_SITES: JSON.stringify(sites),
      LEADGATE_BACKEND_URL: backendUrl,
      LEADGATE_BACKEND_TIMEOUT_MS: '1500',
      LEADGATE_OUTBOX_BASE_MS: '200',
      LEADGATE_OUTBOX_MAX_MS: '1000',
      LEADGATE_RATE_PER_IP: '1000',
      ...vars,
    },
  });
  const url = (await mf.ready).origin;
  return {
    url, mf, sites, secrets,
    /** POST /v1/leads as JSON from the form's origin; returns `{status, body}`. */
    async postLead(lead) {
      const res = await fetch(`${url}/v1/leads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, accept: 'application/json' },
        body: JSON.stringify(lead),
      });
      return { status: res.status, body: await res.json() };
    },
    /** A solved proof-of-work token for `site`, as the snippet would send. */
    async powToken(site) {
      const c = (await getJson(`${url}/v1/challenge?site=${site}`)).body;
      return `pow:${c.challenge}:${solvePow(c)}`;
    },
    outbox: async () => (await getJson(`${url}/v1/outbox`, { authorization: `Bearer ${secrets.LEADGATE_ADMIN_TOKEN}` })).body,
    close: () => mf.dispose(),
  };
}

// ---- the form and the browser -----------------------------------------------------------

/**
 * The demo site (www/ with its strict CSP) on a free port. Created before the edge (whose
 * config needs the site's origin); `serveWith(edgeUrl)` then points its pages at the edge.
 */
export async function startSite() {
  let handler = (_req, res) => res.writeHead(503).end();
  const server = createHttpServer((req, res) => handler(req, res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    serveWith(edgeUrl) {
      handler = createStaticServer({ root: join(ROOT, 'www'), edge: edgeUrl }).listeners('request')[0];
    },
    close() {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

/** The flags toolchain.md lists for Chromium on a closed network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Fills the demo form. */
export async function fillForm(page, lead) {
  for (const [name, value] of Object.entries(lead)) {
    if (name === 'state') await page.selectOption(`form [name="${name}"]`, value);
    else await page.fill(`form [name="${name}"]`, value);
  }
  await page.check('form [name="consent"]');
}

// ---- the whole stack -------------------------------------------------------------------

/**
 * Sandbox, backend, edge and form, each on a free port, state in a fresh temp dir.
 * `backendEnv` adds backend overrides. `close()` stops everything and removes the dir
 * (kept, with the logs, when LEADGATE_E2E_KEEP=1).
 */
export async function startStack({ backendEnv = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'leadgate-e2e-'));
  const parts = {};
  try {
    parts.sandbox = await startSandbox(dir);
    parts.backend = await startBackend(dir, parts.sandbox.url, backendEnv);
    parts.site = await startSite();
    parts.edge = await startEdge({ sandboxUrl: parts.sandbox.url, backendUrl: parts.backend.url, origin: parts.site.url });
    parts.site.serveWith(parts.edge.url);
  } catch (e) {
    await closeParts(parts);
    throw e;
  }
  return {
    dir, ...parts,
    /** The last log lines of the backend and the sandbox (for failure messages). */
    logs: () => `--- backend\n${parts.backend.child.tail()}\n--- sandbox\n${parts.sandbox.child.tail(10)}`,
    async close() {
      await closeParts(parts);
      if (!process.env.LEADGATE_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
      else console.log(`kept ${dir}`);
    },
  };
}

async function closeParts({ edge, site, backend, sandbox }) {
  await edge?.close().catch(() => {});
  await site?.close().catch(() => {});
  await backend?.stop('SIGTERM');
  await sandbox?.stop();
}

/** Lead fields every check passes; `n` makes the email and phone unique (dedup is on). */
export function goodLead(n, extra = {}) {
  return {
    first_name: 'Maria', last_name: 'Garcia',
    email: `maria.garcia.${n}@gmail.com`,
    // Any number that is not 201-00NN is the sandbox's clean profile 00.
    phone: `+1 650 253 ${String(4100 + (n % 900)).padStart(4, '0')}`,
    street: '1600 Amphitheatre Pkwy', city: 'Mountain View', state: 'CA', zip: '94043',
    consent: true,
    consent_text: 'I agree that Brightside Solar may contact me about solar products at the number and email I provided.',
    ...extra,
  };
}
