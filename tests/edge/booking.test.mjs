// GET /v1/book/<token>: HMAC-verified, single-use booking links that redirect to the
// campaign's calendar with name and email prefilled; friendly pages otherwise.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startEdge, GOOD, EDGE } from "./harness.mjs";
import { SECRETS } from "./standins.mjs";

let edge;
before(async () => {
  edge = await startEdge({});
});
after(async () => edge.dispose());

/** Mints a token exactly as the protocol crate documents it (proves the format). */
function mint(claims, secret = SECRETS.booking) {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const mac = createHmac("sha256", secret).update("leadgate-booking-v1.").update(payload).digest("base64url");
  return `${payload}.${mac}`;
}
const claims = (extra = {}) => ({
  lead_id: "01HZY0000000000000000000AA", campaign: "spring", site: "open",
  exp: Math.floor(Date.now() / 1000) + 3600, name: "Ada Lovelace", email: "ada@example.com", ...extra,
});

async function bookingUrl(site = "open") {
  const reply = await (await edge.postLead({ site, ...GOOD })).json();
  assert.equal(reply.lane, "fast_track");
  return reply.booking_url;
}

test("a fast-track booking link redirects once to the prefilled calendar, then says it was used", async () => {
  const url = await bookingUrl();
  const path = url.slice(EDGE.length);
  const first = await edge.fetch(path);
  assert.equal(first.status, 302);
  const location = new URL(first.headers.get("location"));
  assert.equal(location.origin + location.pathname, "https://calendly.com/acme/30min");
  assert.equal(location.searchParams.get("name"), "Ada Lovelace");
  assert.equal(location.searchParams.get("email"), GOOD.email);
  const again = await edge.fetch(path);
  assert.equal(again.status, 409);
  assert.match(again.headers.get("content-type"), /text\/html/);
  assert.match(await again.text(), /already used/);
});

test("Cal.com URLs are prefilled the same way", async () => {
  const res = await edge.fetch(`/v1/book/${mint(claims({ site: "ts", lead_id: "01HZY0000000000000000000CC" }))}`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://cal.com/acme/intro?name=Ada+Lovelace&email=ada%40example.com");
});

test("forged, tampered and malformed tokens get a friendly 400 page", async () => {
  const url = await bookingUrl();
  const token = url.split("/v1/book/")[1];
  const [payload, mac] = token.split(".");
  const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url")), email: "evil@example.com" })).toString("base64url");
  for (const bad of [`${other}.${mac}`, mint(claims(), "wrong-secret"), "garbage", "a.b", `${payload}.`]) {
    const res = await edge.fetch(`/v1/book/${bad}`);
    assert.equal(res.status, 400, bad);
    const html = await res.text();
    assert.match(html, /not valid/);
    assert.doesNotMatch(html, /panic|RuntimeError|at .*\.rs/);
  }
  // The genuine link still works after all that.
  assert.equal((await edge.fetch(`/v1/book/${token}`)).status, 302);
});

test("an expired token gets a friendly 410 page", async () => {
  const res = await edge.fetch(`/v1/book/${mint(claims({ exp: Math.floor(Date.now() / 1000) - 1, lead_id: "01HZY0000000000000000000DD" }))}`);
  assert.equal(res.status, 410);
  assert.match(await res.text(), /expired/);
});

test("a campaign without a calendar gets a 503 page, not a crash", async () => {
  const res = await edge.fetch(`/v1/book/${mint(claims({ site: "nocal", lead_id: "01HZY0000000000000000000EE" }))}`);
  assert.equal(res.status, 503);
  assert.match(await res.text(), /not available/);
  const wrongCampaign = await edge.fetch(`/v1/book/${mint(claims({ campaign: "other", lead_id: "01HZY0000000000000000000FF" }))}`);
  assert.equal(wrongCampaign.status, 503);
});
