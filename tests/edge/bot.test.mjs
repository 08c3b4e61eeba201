// Bot verification in workerd against local Turnstile / reCAPTCHA / Enterprise stand-ins:
// every documented error code, hostname/action checks, thresholds, slowness, outages,
// fail-open vs fail-closed, shadow mode and proof-of-work (incl. replay).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startEdge, GOOD } from "./harness.mjs";
import { startBackend, startVerifiers, eventually } from "./standins.mjs";

let edge, backend, verifiers;
before(async () => {
  backend = await startBackend();
  verifiers = await startVerifiers();
  edge = await startEdge({ backend, verifiers });
});
after(async () => {
  await edge.dispose();
  backend.close();
  verifiers.close();
});

async function submit(site, token, extra = {}) {
  const body = { site, ...GOOD, ...extra };
  if (token !== undefined) body.bot_token = token;
  const res = await edge.postLead(body);
  assert.equal(res.status, 200);
  return res.json();
}
const codes = (reply) => reply.reasons.map((r) => r.code);

test("Turnstile: a valid token passes and the request carries secret, remoteip and idempotency_key", async () => {
  const before = verifiers.calls.length;
  const res = await edge.postLead({ site: "ts", ...GOOD, bot_token: "ok" }, { ip: "203.0.113.99" });
  const reply = await res.json();
  assert.equal(reply.lane, "fast_track", JSON.stringify(reply));
  const call = verifiers.calls.slice(before).find((c) => c.kind === "turnstile");
  assert.equal(call.form.secret, "ts-secret-0123");
  assert.equal(call.form.response, "ok");
  assert.equal(call.form.remoteip, "203.0.113.99");
  assert.match(call.form.idempotency_key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("Turnstile: every documented error code maps to its reason", async () => {
  const table = {
    "invalid-input-response": ["block", "INT01"],
    "timeout-or-duplicate": ["block", "INT01"],
    "missing-input-response": ["block", "INT01"],
    "bad-request": ["review", "INT02"], // our request was wrong: the visitor is not at fault
    "missing-input-secret": ["review", "INT02"],
    "invalid-input-secret": ["review", "INT02"],
    "internal-error": ["review", "INT02"],
  };
  for (const [code, [lane, reason]] of Object.entries(table)) {
    const reply = await submit("ts", `err:${code}`);
    assert.equal(reply.lane, lane, code);
    assert.equal(codes(reply)[0], reason, code);
  }
  // No token at all, and a secret the verifier does not know.
  assert.deepEqual(codes(await submit("ts", undefined)), ["INT01"]);
  const badSecret = await submit("ts-badsecret", "ok");
  assert.equal(badSecret.lane, "review");
  assert.deepEqual(codes(badSecret), ["INT02"]);
});

test("Turnstile: internal-error is retried once with the same idempotency key", async () => {
  const before = verifiers.calls.length;
  const reply = await submit("ts", "internal-once");
  assert.equal(reply.lane, "fast_track", JSON.stringify(reply));
  const calls = verifiers.calls.slice(before).filter((c) => c.kind === "turnstile");
  assert.equal(calls.length, 2);
  assert.equal(calls[0].form.idempotency_key, calls[1].form.idempotency_key);
});

test("Turnstile: hostname or action mismatch is INT07", async () => {
  for (const token of ["wrong-host", "wrong-action"]) {
    const reply = await submit("ts", token);
    assert.equal(reply.lane, "block");
    assert.deepEqual(codes(reply), ["INT07"], token);
  }
});

test("slow, failing or unreadable verifiers: fail open gives INT02 review, fail closed blocks", async () => {
  for (const token of ["slow", "http500", "garbage"]) {
    const open = await submit("ts", token);
    assert.equal(open.lane, "review", token);
    assert.deepEqual(codes(open), ["INT02"], token);
    const closed = await submit("ts-closed", token);
    assert.equal(closed.lane, "block", token);
    assert.deepEqual(codes(closed), ["INT01"], token);
  }
  // Fail-open leads are forwarded with the outcome recorded.
  const open = await submit("ts", "slow");
  await eventually(() => backend.state.stored.has(open.lead_id), 10000, "delivery");
  const bot = backend.state.stored.get(open.lead_id).edge.bot;
  assert.equal(bot.defense, "turnstile");
  assert.equal(bot.failed_open, true);
  assert.equal(bot.reason, "INT02");
  assert.deepEqual(bot.error_codes, ["timeout"]);
});

test("shadow mode gives bots a fake success and forwards nothing", async () => {
  const shadow = await submit("ts-shadow", "err:invalid-input-response");
  assert.equal(shadow.lane, "review");
  assert.deepEqual(shadow.reasons, []);
  const honest = await submit("ts", "err:invalid-input-response");
  assert.equal(honest.lane, "block");
  // A forwarded lead submitted afterwards arrives; the shadowed one never does.
  const later = await submit("ts-shadow", "ok");
  assert.equal(later.lane, "fast_track");
  await eventually(() => backend.state.stored.has(later.lead_id), 10000, "delivery");
  assert.equal(backend.state.stored.has(shadow.lead_id), false);
  // Syntax problems are still reported honestly in shadow mode.
  const typo = await submit("ts-shadow", "ok", { email: "not-an-email" });
  assert.equal(typo.lane, "block");
  assert.equal(codes(typo)[0], "SYN01");
});

test("shadow mode never hides a fail-closed outage: the visitor is told honestly", async () => {
  const down = await submit("ts-shadow-closed", "slow");
  assert.equal(down.lane, "block");
  assert.deepEqual(codes(down), ["INT01"]);
  const bot = await submit("ts-shadow-closed", "err:invalid-input-response");
  assert.equal(bot.lane, "review", "a rejected token is still shadowed");
  assert.deepEqual(bot.reasons, []);
});

test("a form posted without JavaScript (no token) follows the site's fail mode, never the shadow", async () => {
  const post = (site) => {
    const form = new URLSearchParams({ site, ...GOOD, consent: "on" }).toString();
    return edge.fetch("/v1/leads", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", origin: "https://acme.test", "cf-connecting-ip": "192.0.2.200" },
      body: form,
    });
  };
  const open = await post("pow"); // fail open: review, forwarded for a human
  assert.equal(open.status, 200);
  assert.match(await open.text(), /we have your details/);
  const closed = await post("ts-shadow-closed"); // fail closed: an honest block page
  assert.equal(closed.status, 422);
  assert.match(await closed.text(), /could not verify/);
});

test("reCAPTCHA v3: score against per-surface thresholds, action, v2 tokens and error codes", async () => {
  assert.equal((await submit("rc", "score:0.9")).lane, "fast_track");
  const low = await submit("rc", "score:0.3");
  assert.equal(low.lane, "block");
  assert.deepEqual(codes(low), ["INT05"]);
  assert.equal((await submit("rc", "score:0.7")).lane, "fast_track", "default threshold 0.5");
  assert.deepEqual(codes(await submit("rc", "score:0.7", { surface: "demo_request" })), ["INT05"], "demo_request needs 0.8");
  assert.deepEqual(codes(await submit("rc", "score:0.9:login")), ["INT07"]);
  assert.deepEqual(codes(await submit("rc", "v2")), ["INT01"]);
  const table = {
    "missing-input-secret": "INT02",
    "invalid-input-secret": "INT02",
    "bad-request": "INT02",
    "missing-input-response": "INT01",
    "invalid-input-response": "INT01",
    "timeout-or-duplicate": "INT01",
  };
  for (const [code, reason] of Object.entries(table)) {
    assert.deepEqual(codes(await submit("rc", `err:${code}`)), [reason], code);
  }
  assert.deepEqual(codes(await submit("rc", "http500")), ["INT02"]);
  assert.deepEqual(codes(await submit("rc", "slow")), ["INT02"]);
  const forwarded = await submit("rc", "score:0.9");
  await eventually(() => backend.state.stored.has(forwarded.lead_id), 10000, "delivery");
  assert.equal(backend.state.stored.get(forwarded.lead_id).edge.bot.score, 0.9);
});

test("reCAPTCHA Enterprise: assessments, invalid reasons, low scores and outages", async () => {
  const before = verifiers.calls.length;
  assert.equal((await submit("ent", "ent:0.9")).lane, "fast_track");
  const call = verifiers.calls.slice(before).find((c) => c.kind === "enterprise");
  assert.equal(call.project, "P");
  assert.equal(call.key, "ent-api-key");
  assert.equal(call.body.event.token, "ent:0.9");
  assert.equal(call.body.event.siteKey, "ent-site");
  assert.equal(call.body.event.expectedAction, "lead");
  assert.deepEqual(codes(await submit("ent", "ent:0.2")), ["INT05"]);
  for (const why of ["MALFORMED", "EXPIRED", "DUPE", "MISSING", "BROWSER_ERROR", "UNKNOWN_INVALID_REASON"]) {
    assert.deepEqual(codes(await submit("ent", `invalid:${why}`)), ["INT01"], why);
  }
  assert.deepEqual(codes(await submit("ent", "http503")), ["INT02"]);
});

function leadingZeroBits(buf) {
  let bits = 0;
  for (const byte of buf) {
    if (byte === 0) { bits += 8; continue; }
    bits += Math.clz32(byte) - 24;
    break;
  }
  return bits;
}
function solve(challenge, difficulty) {
  for (let nonce = 0; ; nonce++) {
    if (leadingZeroBits(createHash("sha256").update(`${challenge}:${nonce}`).digest()) >= difficulty) return nonce;
  }
}
async function challenge(e = edge) {
  const res = await e.fetch("/v1/challenge?site=pow", { headers: { origin: "https://acme.test" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "https://acme.test");
  return res.json();
}

test("proof-of-work: a solved challenge passes once; replay, forgery and lazy nonces are INT03", async () => {
  const c = await challenge();
  assert.equal(c.difficulty, 8);
  assert.ok(c.expires_at > Date.now() / 1000);
  const nonce = solve(c.challenge, c.difficulty);
  const token = `pow:${c.challenge}:${nonce}`;
  assert.equal((await submit("pow", token)).lane, "fast_track");
  const replay = await submit("pow", token);
  assert.equal(replay.lane, "block");
  assert.deepEqual(codes(replay), ["INT03"]);

  const c2 = await challenge();
  let lazy = 0;
  while (leadingZeroBits(createHash("sha256").update(`${c2.challenge}:${lazy}`).digest()) >= c2.difficulty) lazy++;
  assert.deepEqual(codes(await submit("pow", `pow:${c2.challenge}:${lazy}`)), ["INT03"]);
  const [payload, mac] = c2.challenge.split(".");
  const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url")), difficulty: 0 })).toString("base64url");
  assert.deepEqual(codes(await submit("pow", `pow:${forgedPayload}.${mac}:0`)), ["INT03"]);
  assert.deepEqual(codes(await submit("pow", "pow:nonsense")), ["INT03"]);
  assert.deepEqual(codes(await submit("pow", undefined)), ["INT03"]);
  // The challenge route exists only for PoW sites.
  assert.equal((await edge.fetch("/v1/challenge?site=ts")).status, 409);
  assert.equal((await edge.fetch("/v1/challenge?site=nope")).status, 404);
  assert.equal((await edge.fetch("/v1/challenge")).status, 400);
});

test("proof-of-work: an expired challenge is INT03", async () => {
  const expiring = await startEdge({ backend, verifiers, vars: { LEADGATE_POW_TTL_SECS: "0" } });
  try {
    const c = await challenge(expiring);
    const nonce = solve(c.challenge, c.difficulty);
    const res = await expiring.postLead({ site: "pow", ...GOOD, bot_token: `pow:${c.challenge}:${nonce}` });
    assert.deepEqual(codes(await res.json()), ["INT03"]);
  } finally {
    await expiring.dispose();
  }
});
