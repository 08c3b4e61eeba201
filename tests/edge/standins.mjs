// Local stand-ins for the edge tests: Turnstile, reCAPTCHA v3 and reCAPTCHA Enterprise
// speaking their documented wire formats (driven by the token text), and a backend that
// checks the HMAC signature exactly as the contract says and can be taken down.
import http from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";

export const SECRETS = {
  turnstile: "ts-secret-0123",
  recaptcha: "rc-secret-0123",
  enterpriseKey: "ent-api-key",
  edge: "edge-secret-for-tests-0123456789",
  booking: "booking-secret-for-tests-0123456789",
  pow: "pow-secret-for-tests-0123456789",
};

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

/** The verifiers on one port: /turnstile/v0/siteverify, /recaptcha/api/siteverify, /recaptcha-enterprise/... */
export async function startVerifiers() {
  const calls = [];
  const firstIdempotency = new Map();
  const server = http.createServer(async (req, res) => {
    const raw = (await readBody(req)).toString();
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/turnstile/v0/siteverify") {
      const form = Object.fromEntries(new URLSearchParams(raw));
      calls.push({ kind: "turnstile", form });
      const token = form.response ?? "";
      if (!form.secret) return send(res, 200, { success: false, "error-codes": ["missing-input-secret"] });
      if (form.secret !== SECRETS.turnstile) return send(res, 200, { success: false, "error-codes": ["invalid-input-secret"] });
      if (!token) return send(res, 200, { success: false, "error-codes": ["missing-input-response"] });
      if (token === "slow") { await sleep(1500); return send(res, 200, { success: true, hostname: "acme.test", action: "lead" }); }
      if (token === "http500") return send(res, 500, "oops");
      if (token === "garbage") return send(res, 200, "<html>not json</html>");
      if (token.startsWith("err:")) return send(res, 200, { success: false, "error-codes": [token.slice(4)] });
      if (token === "internal-once") {
        // First call fails with internal-error; a retry with the same idempotency key passes.
        if (!firstIdempotency.has(token)) {
          firstIdempotency.set(token, form.idempotency_key);
          return send(res, 200, { success: false, "error-codes": ["internal-error"] });
        }
        const same = firstIdempotency.get(token) === form.idempotency_key;
        firstIdempotency.delete(token);
        return same
          ? send(res, 200, { success: true, hostname: "acme.test", action: "lead", "error-codes": [] })
          : send(res, 200, { success: false, "error-codes": ["timeout-or-duplicate"] });
      }
      if (token === "wrong-host") return send(res, 200, { success: true, hostname: "evil.test", action: "lead", "error-codes": [] });
      if (token === "wrong-action") return send(res, 200, { success: true, hostname: "acme.test", action: "login", "error-codes": [] });
      if (token === "ok") return send(res, 200, { success: true, challenge_ts: new Date().toISOString(), hostname: "acme.test", "error-codes": [], action: "lead", cdata: "" });
      return send(res, 200, { success: false, "error-codes": ["invalid-input-response"] });
    }
    if (url.pathname === "/recaptcha/api/siteverify") {
      const form = Object.fromEntries(new URLSearchParams(raw));
      calls.push({ kind: "recaptcha", form });
      const token = form.response ?? "";
      if (form.secret !== SECRETS.recaptcha) return send(res, 200, { success: false, "error-codes": ["invalid-input-secret"] });
      if (!token) return send(res, 200, { success: false, "error-codes": ["missing-input-response"] });
      if (token === "slow") { await sleep(1500); return send(res, 200, { success: true, score: 0.9, action: "lead", hostname: "acme.test" }); }
      if (token === "http500") return send(res, 503, "unavailable");
      if (token.startsWith("err:")) return send(res, 200, { success: false, "error-codes": [token.slice(4)] });
      if (token === "v2") return send(res, 200, { success: true, challenge_ts: "2026-01-01T00:00:00Z", hostname: "acme.test" });
      const m = /^score:([0-9.]+)(?::(\w+))?$/.exec(token);
      if (m) return send(res, 200, { success: true, score: Number(m[1]), action: m[2] ?? "lead", challenge_ts: "2026-01-01T00:00:00Z", hostname: "acme.test", "error-codes": [] });
      return send(res, 200, { success: false, "error-codes": ["invalid-input-response"] });
    }
    const ent = /^\/recaptcha-enterprise\/v1\/projects\/([^/]+)\/assessments$/.exec(url.pathname);
    if (ent && req.method === "POST") {
      const body = JSON.parse(raw);
      calls.push({ kind: "enterprise", project: ent[1], key: url.searchParams.get("key"), body });
      if (url.searchParams.get("key") !== SECRETS.enterpriseKey) return send(res, 403, { error: { code: 403, status: "PERMISSION_DENIED" } });
      const token = body.event?.token ?? "";
      if (token === "http503") return send(res, 503, { error: { code: 503 } });
      const name = `projects/${ent[1]}/assessments/1`;
      const inv = /^invalid:(\w+)$/.exec(token);
      if (inv) return send(res, 200, { name, event: body.event, riskAnalysis: { reasons: [] }, tokenProperties: { valid: false, invalidReason: inv[1] } });
      const m = /^ent:([0-9.]+)$/.exec(token);
      if (m) return send(res, 200, { name, event: body.event, riskAnalysis: { score: Number(m[1]), reasons: [] }, tokenProperties: { valid: true, invalidReason: "INVALID_REASON_UNSPECIFIED", hostname: "acme.test", action: "lead", createTime: "2026-01-01T00:00:00Z" } });
      return send(res, 200, { name, event: body.event, riskAnalysis: { reasons: [] }, tokenProperties: { valid: false, invalidReason: "MALFORMED" } });
    }
    send(res, 404, { error: "not found" });
  });
  const port = await listen(server);
  return { port, url: `http://127.0.0.1:${port}`, calls, close: () => server.close() };
}

/** The backend's /v1/intake, checking the signature, the window, replays and idempotency. */
export async function startBackend({ keyId = "edge-1", secret = SECRETS.edge } = {}) {
  const state = {
    mode: "up", // "up" | "down" (503) | "reset" (connection dropped) | "slow"
    deliveries: [], // every accepted POST, including idempotent re-deliveries
    stored: new Map(), // lead_id -> envelope
    refused: [],
    seenSignatures: new Set(),
  };
  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    if (req.method !== "POST" || req.url !== "/v1/intake") return send(res, 404, { error: "not found" });
    if (state.mode === "down") return send(res, 503, { error: "down" });
    if (state.mode === "reset") return req.socket.destroy();
    if (state.mode === "slow") await sleep(2000);
    const kid = req.headers["x-leadgate-key-id"];
    const ts = Number(req.headers["x-leadgate-timestamp"]);
    const sig = String(req.headers["x-leadgate-signature"] ?? "");
    const expected = "v1=" + createHmac("sha256", secret).update(`${req.headers["x-leadgate-timestamp"]}.`).update(raw).digest("hex");
    const okSig = sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
    if (kid !== keyId || !okSig || Math.abs(Date.now() / 1000 - ts) > 300) {
      state.refused.push({ kid, ts, sig });
      return send(res, 401, { error: "bad signature" });
    }
    if (state.seenSignatures.has(sig)) return send(res, 409, { error: "replayed signature" });
    state.seenSignatures.add(sig);
    const envelope = JSON.parse(raw.toString());
    if (req.headers["idempotency-key"] !== envelope.lead_id) return send(res, 400, { error: "Idempotency-Key must equal lead_id" });
    state.deliveries.push(envelope.lead_id);
    if (state.stored.has(envelope.lead_id)) return send(res, 200, { lead_id: envelope.lead_id, status: "queued" });
    state.stored.set(envelope.lead_id, envelope);
    return send(res, 202, { lead_id: envelope.lead_id, status: "queued" });
  });
  const port = await listen(server);
  return { port, url: `http://127.0.0.1:${port}`, state, close: () => server.close() };
}

/** Polls `predicate` until it is true (or throws after `ms`). No wall-clock assertions. */
export async function eventually(predicate, ms = 15000, what = "condition") {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await predicate()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
