// POST /v1/leads: lanes, reply shape, no-JS posts, public config, CORS, malformed bodies,
// size limits and rate limits, against the built Worker in workerd.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEdge, GOOD, ORIGIN, EDGE } from "./harness.mjs";
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

test("a clean lead is fast-tracked with a booking link and forwarded signed", async () => {
  const res = await edge.postLead({ site: "open", ...GOOD }, { ip: "203.0.113.7" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), ORIGIN);
  const reply = await res.json();
  assert.equal(reply.lane, "fast_track", JSON.stringify(reply));
  assert.deepEqual(reply.reasons, []);
  assert.match(reply.lead_id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.ok(reply.booking_url.startsWith(`${EDGE}/v1/book/`), reply.booking_url);
  assert.ok(!reply.booking_url.includes("calendly"), "never the raw calendar URL");
  await eventually(() => backend.state.stored.has(reply.lead_id), 10000, "delivery");
  const env = backend.state.stored.get(reply.lead_id);
  assert.equal(env.site, "open");
  assert.equal(env.campaign, "spring");
  assert.equal(env.edge.lane, "fast_track");
  assert.equal(env.lead.email, GOOD.email);
  assert.equal(env.lead.ip, "203.0.113.7");
  assert.equal(env.page_url, GOOD.page_url);
  assert.ok(env.edge.fingerprint.length > 0);
  assert.ok(env.edge.rule_version.length > 0);
  assert.equal(typeof env.received_at, "number");
  assert.equal(backend.state.refused.length, 0);
});

test("a role address goes to review with its reason and is forwarded without a booking link", async () => {
  const res = await edge.postLead({ site: "open", ...GOOD, email: "info@analytical-engines.com" });
  const reply = await res.json();
  assert.equal(reply.lane, "review", JSON.stringify(reply));
  assert.ok(reply.reasons.some((r) => r.code === "SYN04"));
  assert.equal(reply.booking_url, undefined);
  await eventually(() => backend.state.stored.has(reply.lead_id), 10000, "delivery");
  assert.equal(backend.state.stored.get(reply.lead_id).edge.lane, "review");
});

test("an invalid email is blocked with a message and never forwarded", async () => {
  const res = await edge.postLead({ site: "open", ...GOOD, email: "not-an-email" });
  assert.equal(res.status, 200);
  const reply = await res.json();
  assert.equal(reply.lane, "block");
  assert.equal(reply.reasons[0].code, "SYN01");
  assert.equal(reply.reasons[0].message, "Please enter a valid email address.");
  // A later forwarded lead proves the queue moved on without the blocked one.
  const later = await (await edge.postLead({ site: "open", ...GOOD })).json();
  await eventually(() => backend.state.stored.has(later.lead_id), 10000, "delivery");
  assert.equal(backend.state.stored.has(reply.lead_id), false);
});

test("the edge's disposable list is exact: listed domains block, first and last entries included", async () => {
  // The page knows only the best-known disposable services; the edge's front-coded list
  // decides. The entries at the list's ends and inside a bucket exercise the search.
  for (const email of ["jane@mailinator.com", "jane@0-180.com", "jane@guerrillamail.com", "jane@zzzz1717.com"]) {
    const reply = await (await edge.postLead({ site: "open", ...GOOD, email })).json();
    assert.equal(reply.lane, "block", `${email}: ${JSON.stringify(reply)}`);
    assert.equal(reply.reasons[0].code, "SYN02", email);
    assert.match(reply.reasons[0].message, /disposable/);
  }
  for (const email of ["jane@mailinator.co", "jane@0-18.com", "jane.doe@gmail.com"]) {
    const reply = await (await edge.postLead({ site: "open", ...GOOD, email })).json();
    assert.ok(!reply.reasons.some((r) => r.code === "SYN02"), `${email}: ${JSON.stringify(reply)}`);
  }
});

test("form-encoded posts work for JavaScript clients and without JavaScript", async () => {
  const form = new URLSearchParams({ site: "open", ...GOOD, consent: "on" }).toString();
  const headers = { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, "cf-connecting-ip": "192.0.2.10" };
  const asJson = await edge.fetch("/v1/leads", { method: "POST", headers: { ...headers, accept: "application/json" }, body: form });
  assert.equal((await asJson.json()).lane, "fast_track");

  const page = await edge.fetch("/v1/leads", { method: "POST", headers: { ...headers, accept: "text/html,*/*" }, body: form });
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type"), /text\/html/);
  const html = await page.text();
  assert.match(html, /Book your meeting/);
  assert.match(html, /href="http:\/\/edge\.test\/v1\/book\//);

  const bad = new URLSearchParams({ site: "open", ...GOOD, consent: "on", email: "nope" }).toString();
  const blocked = await edge.fetch("/v1/leads", { method: "POST", headers: { ...headers, accept: "text/html" }, body: bad });
  assert.equal(blocked.status, 422);
  assert.match(await blocked.text(), /Please enter a valid email address\./);

  const nojs = new URLSearchParams({ site: "nojs", ...GOOD, consent: "on" }).toString();
  const redirect = await edge.fetch("/v1/leads", { method: "POST", headers: { ...headers, accept: "text/html" }, body: nojs });
  assert.equal(redirect.status, 303);
  const location = new URL(redirect.headers.get("location"));
  assert.equal(location.origin + location.pathname, "https://acme.test/thanks");
  assert.equal(location.searchParams.get("lane"), "fast_track");
  assert.ok(location.searchParams.get("booking_url").startsWith(`${EDGE}/v1/book/`));
});

test("GET /v1/config/<site> gives the public config and never a secret", async () => {
  const res = await edge.fetch("/v1/config/ts");
  assert.equal(res.status, 200);
  const text = await res.text();
  const cfg = JSON.parse(text);
  assert.equal(cfg.site, "ts");
  assert.equal(cfg.bot.type, "turnstile");
  assert.equal(cfg.bot.site_key, "1x00000000000000000000AA");
  assert.equal(cfg.messages.INT05.length > 0, true);
  assert.ok(cfg.fields.email > 0);
  for (const secretish of ["TS_SECRET", "ts-secret", "secret"]) assert.ok(!text.includes(secretish), secretish);
  const ent = await (await edge.fetch("/v1/config/ent")).text();
  assert.ok(!ent.includes("ENT_KEY") && !ent.includes("api_key"), ent);
  const missing = await edge.fetch("/v1/config/nope");
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error, "unknown_site");
});

test("CORS: only the site's origins may post; preflights follow the allow-list", async () => {
  const denied = await edge.postLead({ site: "open", ...GOOD }, { origin: "https://evil.test" });
  assert.equal(denied.status, 403);
  assert.equal((await denied.json()).error, "origin_not_allowed");
  assert.equal(denied.headers.get("access-control-allow-origin"), null);

  const ok = await edge.fetch("/v1/leads?site=open", { method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "POST" } });
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(ok.headers.get("access-control-allow-methods"), /POST/);
  const bad = await edge.fetch("/v1/leads", { method: "OPTIONS", headers: { origin: "https://evil.test" } });
  assert.equal(bad.status, 403);
});

test("every malformed request gets a clear 4xx JSON error", async () => {
  const cases = [
    [{ body: "{not json" }, 400, "malformed_body"],
    [{ body: "[1,2,3]" }, 400, "malformed_body"],
    [{ body: JSON.stringify({ email: "a@b.co" }) }, 400, "missing_site"],
    [{ body: JSON.stringify({ site: "nope", ...GOOD }) }, 404, "unknown_site"],
    [{ body: JSON.stringify({ site: "open", ...GOOD, first_name: "x".repeat(101) }) }, 422, "field_too_long"],
    [{ body: JSON.stringify({ site: "open", ...GOOD, email: ["a"] }) }, 422, "invalid_field"],
    [{ body: JSON.stringify({ site: "open", ...GOOD, consent: "perhaps" }) }, 422, "invalid_field"],
    [{ body: "x".repeat(20 * 1024) }, 413, "body_too_large"],
    [{ body: JSON.stringify({ site: "open", ...GOOD, consent_text: "y".repeat(17 * 1024) }) }, 413, "body_too_large"],
    [{ body: "site=open", headers: { "content-type": "text/plain" } }, 415, "unsupported_media_type"],
  ];
  for (const [{ body, headers = {} }, status, code] of cases) {
    const res = await edge.postLead(body, { headers });
    assert.equal(res.status, status, `${code}: ${body.slice(0, 40)}`);
    const json = await res.json();
    assert.equal(json.error, code);
    assert.ok(json.message.length > 0);
  }
  // Errors found before the site is known still carry CORS headers for allowed origins,
  // so the snippet can read them.
  const early = await edge.postLead("{not json");
  assert.equal(early.headers.get("access-control-allow-origin"), ORIGIN);
  const wrongMethod = await edge.fetch("/v1/leads");
  assert.equal(wrongMethod.status, 405);
  assert.equal((await wrongMethod.json()).error, "method_not_allowed");
  const nowhere = await edge.fetch("/v2/whatever");
  assert.equal(nowhere.status, 404);
  assert.equal((await nowhere.json()).error, "not_found");
});

test("rate limits per IP and per site answer 429 with INT04", async () => {
  const limited = await startEdge({ backend, verifiers, vars: { LEADGATE_RATE_PER_IP: "3", LEADGATE_RATE_PER_SITE: "5" } });
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal((await limited.postLead({ site: "open", ...GOOD }, { ip: "192.0.2.1" })).status, 200);
    }
    const over = await limited.postLead({ site: "open", ...GOOD }, { ip: "192.0.2.1" });
    assert.equal(over.status, 429);
    const body = await over.json();
    assert.equal(body.error, "rate_limited");
    assert.match(body.message, /INT04/);
    // Another IP is fine until the site's own limit (5) is reached.
    assert.equal((await limited.postLead({ site: "open", ...GOOD }, { ip: "192.0.2.2" })).status, 200);
    const siteOver = await limited.postLead({ site: "open", ...GOOD }, { ip: "192.0.2.3" });
    assert.equal(siteOver.status, 429);
    assert.match((await siteOver.json()).message, /site/);
    // Other sites have their own counters.
    assert.equal((await limited.postLead({ site: "nojs", ...GOOD }, { ip: "192.0.2.4" })).status, 200);
  } finally {
    await limited.dispose();
  }
});
