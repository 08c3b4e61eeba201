// A local stand-in for the Leadgate edge (worker/), for browser tests until the real Worker
// runs in workerd. It speaks the edge's contract (worker/src/config.rs, submission.rs and
// crates/protocol): GET /v1/config/<site>, GET /v1/challenge?site=, POST /v1/leads (JSON or
// form-encoded) -> {lane, reasons: [{code, message}], booking_url}, GET /v1/book/<token>.
// The lane comes from the real checks (the same wasm the page runs) plus the PoW result, so
// browser and "edge" judge alike; tests may force a lane or a fault through `behaviour`.
import { createServer } from 'node:http';
import { createHmac, randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initSync, assess } from '../../www/pkg/leadgate_wasm.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
initSync({ module: readFileSync(`${ROOT}www/pkg/leadgate_wasm_bg.wasm`) });

// The page's build knows only the best-known disposable services; the edge checks the whole
// list (crates/checks/data/disposable_domains.txt), as this stand-in does: domain or parent.
const DISPOSABLE = new Set(readFileSync(`${ROOT}crates/checks/data/disposable_domains.txt`, 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#')));
function disposable(email) {
  let d = String(email || '').split('@').pop().toLowerCase();
  while (d.includes('.')) {
    if (DISPOSABLE.has(d)) return true;
    d = d.slice(d.indexOf('.') + 1);
  }
  return false;
}

const POW_SECRET = randomBytes(32);
const BOOKING_SECRET = randomBytes(32);

// worker/src/submission.rs FIELD_LIMITS, MAX_BODY_BYTES.
export const FIELD_LIMITS = {
  site: 64, email: 254, phone: 32, first_name: 100, last_name: 100, street: 200, city: 100,
  state: 64, zip: 16, country: 64, consent: 8, consent_text: 4000, trustedform_cert_url: 512,
  default_region: 8, page_url: 2048, surface: 64, bot_token: 4096,
  'cf-turnstile-response': 4096, 'g-recaptcha-response': 4096,
};
const MAX_BODY_BYTES = 16 * 1024;
const LEAD_KEYS = ['email', 'phone', 'first_name', 'last_name', 'street', 'city', 'state', 'zip',
  'country', 'consent', 'consent_text', 'trustedform_cert_url', 'default_region'];

const MESSAGES = {
  INT02: 'Thanks! We will review your details shortly.',
  SYN01: 'Please enter a valid email address.',
  SYN02: 'Please use a permanent email address, not a disposable one.',
  PHN01: 'Please enter a valid phone number.',
  PHN02: 'Please enter a real phone number where we can reach you.',
  CONS01: 'Please agree to be contacted before sending.',
  INT03: 'We could not confirm this request came from a person. Please try again.',
};

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const hmac = (secret, domain, payload) => createHmac('sha256', secret).update(domain).update(payload).digest();

/** crates/protocol/src/pow.rs `mint`. */
function mintChallenge(site, difficulty, expiresAt) {
  const payload = b64url(JSON.stringify({ site, exp: expiresAt, difficulty, salt: b64url(randomBytes(16)) }));
  return `${payload}.${b64url(hmac(POW_SECRET, 'leadgate-pow-v1.', payload))}`;
}

function leadingZeroBits(buf) {
  let bits = 0;
  for (const byte of buf) {
    if (byte === 0) { bits += 8; continue; }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** crates/protocol/src/pow.rs `verify` (+ accept-once, the edge's job). */
function verifyPow(token, site, now, used) {
  if (typeof token !== 'string' || !token.startsWith('pow:')) return 'missing';
  const rest = token.slice(4);
  const i = rest.lastIndexOf(':');
  if (i < 0) return 'malformed';
  const challenge = rest.slice(0, i);
  const nonce = rest.slice(i + 1);
  if (!/^\d+$/.test(nonce)) return 'malformed';
  const [payload, tag] = challenge.split('.');
  if (!payload || !tag) return 'malformed';
  const want = hmac(POW_SECRET, 'leadgate-pow-v1.', payload);
  const got = Buffer.from(tag, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return 'forged';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (claims.site !== site) return 'wrong_site';
  if (now >= claims.exp) return 'expired';
  const digest = createHash('sha256').update(`${challenge}:${nonce}`).digest();
  if (leadingZeroBits(digest) < claims.difficulty) return 'insufficient_work';
  if (used.has(challenge)) return 'replayed';
  used.add(challenge);
  return null;
}

/** crates/protocol/src/booking.rs mint/verify. */
function mintBooking(claims) {
  const payload = b64url(JSON.stringify(claims));
  return `${payload}.${b64url(hmac(BOOKING_SECRET, 'leadgate-booking-v1.', payload))}`;
}
function verifyBooking(token, now) {
  const [payload, tag] = String(token).split('.');
  if (!payload || !tag) return null;
  const want = hmac(BOOKING_SECRET, 'leadgate-booking-v1.', payload);
  const got = Buffer.from(tag, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return now < claims.exp ? claims : null;
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Starts the stand-in on 127.0.0.1 (port 0 = any). `sites`: id -> {bot, origins}.
 * Returns {url, requests, behaviour, close}. `behaviour` is live: set `lane` to force a lane,
 * `reasons` to force reason codes, `delayMs`, or `fault` = 'html' | 'drop' | 'fail_once' | 'down'.
 * `decisions` lists every verdict it gave ({lane, reasons, pow: null or why the PoW failed}).
 */
export const DEFAULT_SITES = {
  'demo-pow': { bot: { type: 'pow', difficulty: 8 } },
  plain: { bot: { type: 'none' } },
  ts: { bot: { type: 'turnstile', site_key: '1x00000000000000000000AA', action: 'quote' } },
  rc: { bot: { type: 'recaptcha_v3', site_key: 'rc-site-key', action: 'quote' } },
  fr: { bot: { type: 'none' }, messages: { SYN01: 'Adresse e-mail invalide.', did_you_mean: 'Vouliez-vous dire', fast_track: 'Merci ! Réservez un créneau :', book: 'Réserver' } },
};

export async function startEdge({ port = 0, sites = DEFAULT_SITES } = {}) {
  const requests = [];
  const behaviour = { lane: null, reasons: null, delayMs: 0, fault: null };
  const decisions = [];
  const usedChallenges = new Set();
  let failedOnce = false;
  let url = '';

  const server = createServer(async (req, res) => {
    const chunks = [];
    let size = 0;
    for await (const c of req) { size += c.length; if (size <= MAX_BODY_BYTES + 1) chunks.push(c); }
    const raw = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: u.pathname, query: u.search, headers: req.headers, body: raw, size });

    const origin = req.headers.origin;
    // No keep-alive: Chromium silently re-sends a request whose *reused* socket was reset,
    // which would blur the fault tests' count of attempts.
    res.shouldKeepAlive = false;
    const cors = origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
    const json = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' }).end();
      return;
    }
    if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    const isLeads = u.pathname === '/v1/leads';
    if (isLeads && behaviour.fault === 'down') { req.socket.destroy(); return; }
    if (isLeads && behaviour.fault === 'fail_once' && !failedOnce) { failedOnce = true; req.socket.destroy(); return; }
    if (isLeads && behaviour.fault === 'html') {
      res.writeHead(502, { 'content-type': 'text/html', ...cors }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    if (isLeads && behaviour.fault === 'drop') return; // never answers

    const now = Math.floor(Date.now() / 1000);
    const m = /^\/v1\/config\/([^/]+)$/.exec(u.pathname);
    if (m && req.method === 'GET') {
      const site = sites[decodeURIComponent(m[1])];
      if (!site) return json(404, { error: 'unknown_site', message: 'no site with that id' });
      return json(200, {
        site: decodeURIComponent(m[1]), campaign: 'spring', bot: site.bot, thresholds: {},
        fields: FIELD_LIMITS, messages: { ...MESSAGES, ...(site.messages || {}) }, policy: site.policy || {},
      });
    }
    if (u.pathname === '/v1/challenge' && req.method === 'GET') {
      const id = u.searchParams.get('site');
      const site = sites[id];
      if (!site || site.bot.type !== 'pow') return json(404, { error: 'unknown_site', message: 'no site with that id' });
      const exp = now + 300;
      return json(200, { challenge: mintChallenge(id, site.bot.difficulty, exp), difficulty: site.bot.difficulty, expires_at: exp });
    }
    if (isLeads && req.method === 'POST') {
      if (size > MAX_BODY_BYTES) return json(413, { error: 'body_too_large', message: 'too large' });
      const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
      let fields;
      if (type === 'application/json') {
        try { fields = JSON.parse(raw); } catch { return json(400, { error: 'malformed_body', message: 'the body is not valid JSON' }); }
        if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return json(400, { error: 'malformed_body', message: 'the body must be a JSON object' });
      } else if (type === 'application/x-www-form-urlencoded') {
        fields = Object.fromEntries(new URLSearchParams(raw));
      } else {
        return json(415, { error: 'unsupported_media_type', message: 'send application/json or application/x-www-form-urlencoded' });
      }
      for (const [k, v] of Object.entries(fields)) {
        if (FIELD_LIMITS[k] && typeof v === 'string' && [...v].length > FIELD_LIMITS[k]) {
          return json(422, { error: 'field_too_long', message: `field \`${k}\` is longer than ${FIELD_LIMITS[k]} characters` });
        }
      }
      const siteId = fields.site;
      const site = sites[siteId];
      if (!site) return json(siteId ? 404 : 400, { error: siteId ? 'unknown_site' : 'missing_site', message: 'site' });
      const lead = {};
      for (const k of LEAD_KEYS) {
        const v = fields[k];
        if (v === undefined || v === null || v === '') continue;
        lead[k] = k === 'consent' ? (v === true || ['true', 'yes', '1', 'on'].includes(String(v).toLowerCase())) : String(v).trim();
      }
      const a = JSON.parse(assess(JSON.stringify(lead), JSON.stringify(site.policy || {})));
      const reasons = [...a.reasons];
      let lane = a.lane;
      // The edge's list is the whole one: it also blocks what the page's short list misses.
      if (!reasons.includes('SYN02') && a.email.valid && disposable(lead.email)) reasons.unshift('SYN02');
      if (reasons.includes('SYN02')) lane = 'block';
      const token = fields.bot_token || fields['cf-turnstile-response'] || fields['g-recaptcha-response'];
      let pow = null;
      if (site.bot.type === 'pow') {
        pow = verifyPow(token, siteId, now, usedChallenges);
        if (pow === 'missing' && type !== 'application/json') {
          // A form posted without JavaScript cannot carry a proof: like the edge, treat the
          // verifier as unavailable and fail open (Review, no booking link).
          reasons.push('INT02');
          if (lane === 'fast_track') lane = 'review';
        } else if (pow) {
          reasons.unshift('INT03');
          lane = 'block';
        }
      }
      if (behaviour.lane) lane = behaviour.lane;
      if (behaviour.reasons) reasons.splice(0, reasons.length, ...behaviour.reasons);
      decisions.push({ lane, reasons: [...reasons], pow, kind: type });
      const leadId = randomBytes(13).toString('hex').toUpperCase().slice(0, 26);
      let booking_url = null;
      if (lane === 'fast_track') {
        const t = mintBooking({ lead_id: leadId, campaign: 'spring', site: siteId, exp: now + 3600,
          name: [lead.first_name, lead.last_name].filter(Boolean).join(' '), email: lead.email || '' });
        booking_url = `${url}/v1/book/${t}`;
      }
      const body = { lead_id: leadId, lane, reasons: reasons.map((code) => ({ code, message: MESSAGES[code] || code })), booking_url };
      if (type === 'application/json') return json(200, body);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Thank you</title><h1>${lane === 'block' ? 'Please go back and check your details' : 'Thank you'}</h1>`
        + `<p id="lane">${escapeHtml(lane)}</p>${booking_url ? `<p><a href="${escapeHtml(booking_url)}">Book your call</a></p>` : ''}`);
      return;
    }
    const b = /^\/v1\/book\/([^/]+)$/.exec(u.pathname);
    if (b && req.method === 'GET') {
      const claims = verifyBooking(decodeURIComponent(b[1]), now);
      if (!claims) {
        res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Link not valid</title><h1>This booking link is not valid</h1>');
        return;
      }
      // The real edge redirects to the site's calendar (Cal.com / Calendly) with prefill.
      const cal = new URL(`${url}/calendar/intro`);
      cal.searchParams.set('name', claims.name);
      cal.searchParams.set('email', claims.email);
      res.writeHead(302, { location: cal.href }).end();
      return;
    }
    if (u.pathname === '/calendar/intro') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Pick a time</title><h1>Pick a time, ${escapeHtml(u.searchParams.get('name') || '')}</h1>`);
      return;
    }
    json(404, { error: 'not_found', message: 'no such route' });
  });

  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  url = `http://127.0.0.1:${server.address().port}`;
  return {
    url, requests, behaviour, decisions,
    leadPosts: () => requests.filter((r) => r.path === '/v1/leads' && r.method === 'POST'),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.argv[2] || 8787);
  startEdge({ port }).then((e) => console.log(`edge stand-in on ${e.url}`));
}
