#!/usr/bin/env node
// A tiny static server for the snippet and the demo page, with the right wasm MIME type and a
// strict Content-Security-Policy (no 'unsafe-inline', no 'unsafe-eval'; wasm needs only
// 'wasm-unsafe-eval'). Run with: node www/serve.mjs --port 8000 --edge http://127.0.0.1:8787
// `--edge` replaces the demo's default edge address (http://127.0.0.1:8787) in HTML pages.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_EDGE = 'http://127.0.0.1:8787';
const HERE = fileURLToPath(new URL('.', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The CSP every HTML page gets: scripts, styles and workers from this origin only. */
export function strictCsp(edge) {
  const e = new URL(edge).origin;
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${e}`,
    `form-action 'self' ${e}`,
    "worker-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Creates (does not start) the server. `root`: folder served; `edge`: the edge's base URL. */
export function createStaticServer({ root = HERE, edge = DEFAULT_EDGE, log = false } = {}) {
  const base = resolve(root);
  const csp = strictCsp(edge);
  return createServer(async (req, res) => {
    const started = Date.now();
    let status = 200;
    try {
      const url = new URL(req.url, 'http://localhost');
      let path = normalize(join(base, decodeURIComponent(url.pathname)));
      if (path !== base && !path.startsWith(base + sep)) { status = 403; throw new Error('outside root'); }
      let info = await stat(path).catch(() => null);
      if (info && info.isDirectory()) {
        if (!url.pathname.endsWith('/')) {
          res.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
          return;
        }
        path = join(path, 'index.html');
        info = await stat(path).catch(() => null);
      }
      if (!info || !info.isFile()) { status = 404; throw new Error('not found'); }
      const type = TYPES[extname(path)] || 'application/octet-stream';
      let body = await readFile(path);
      const headers = {
        'content-type': type,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'access-control-allow-origin': '*', // the snippet, its worker and wasm may be embedded anywhere
        'cross-origin-resource-policy': 'cross-origin',
      };
      if (type.startsWith('text/html')) {
        if (edge !== DEFAULT_EDGE) body = Buffer.from(body.toString('utf8').split(DEFAULT_EDGE).join(edge));
        headers['content-security-policy'] = csp;
        headers['referrer-policy'] = 'strict-origin-when-cross-origin';
      }
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      if (status === 200) status = 500;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${status}\n`);
    } finally {
      if (log) console.log(`${req.method} ${req.url} ${status} ${Date.now() - started}ms`);
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
  };
  const port = Number(arg('port', process.env.PORT || 8000));
  const host = arg('host', '127.0.0.1');
  const edge = arg('edge', process.env.LEADGATE_EDGE || DEFAULT_EDGE);
  createStaticServer({ root: arg('root', HERE), edge, log: true }).listen(port, host, () => {
    console.log(`leadgate demo: http://${host}:${port}/demo/ (edge ${edge})`);
  });
}
