// Forwarding that never loses a lead: the backend is down, drops connections or is slow,
// then comes back; every accepted lead is stored exactly once, blocked and shadowed never.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEdge, GOOD } from "./harness.mjs";
import { startBackend, eventually, SECRETS } from "./standins.mjs";

let edge, backend;
before(async () => {
  backend = await startBackend();
  edge = await startEdge({ backend, vars: { LEADGATE_ADMIN_TOKEN: "admin-token-for-tests" } });
});
after(async () => {
  await edge.dispose();
  backend.close();
});

const countOf = (id) => backend.state.deliveries.filter((d) => d === id).length;

async function submitMany(n, extra = {}) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const res = await edge.postLead({ site: "open", ...GOOD, ...extra });
    assert.equal(res.status, 200, "the visitor never waits on the backend");
    const reply = await res.json();
    ids.push(reply.lead_id);
  }
  return ids;
}

async function outbox() {
  const res = await edge.fetch("/v1/outbox", { headers: { authorization: "Bearer admin-token-for-tests" } });
  assert.equal(res.status, 200);
  return res.json();
}

for (const mode of ["down", "reset"]) {
  test(`backend ${mode} then up: every accepted lead is delivered exactly once`, async () => {
    backend.state.mode = mode;
    const accepted = [...(await submitMany(4)), ...(await submitMany(2, { email: "info@analytical-engines.com" }))];
    const blocked = await submitMany(1, { email: "not-an-email" });
    await eventually(async () => (await outbox()).pending === accepted.length, 10000, "leads parked in the outbox");
    assert.equal(accepted.some((id) => backend.state.stored.has(id)), false);
    backend.state.mode = "up";
    await eventually(() => accepted.every((id) => backend.state.stored.has(id)), 15000, "outbox drained");
    await eventually(async () => (await outbox()).pending === 0, 10000, "outbox empty");
    for (const id of accepted) assert.equal(countOf(id), 1, id);
    assert.equal(backend.state.stored.has(blocked[0]), false);
    assert.equal(backend.state.refused.length, 0, "every delivery carried a valid signature");
  });
}

test("a slow backend (past the edge's timeout) still ends with each lead stored once", async () => {
  backend.state.mode = "slow";
  const ids = await submitMany(2);
  await eventually(() => ids.every((id) => backend.state.stored.has(id)), 15000, "slow deliveries");
  backend.state.mode = "up";
  await eventually(async () => (await outbox()).pending === 0, 15000, "outbox empty");
  for (const id of ids) assert.equal([...backend.state.stored.keys()].filter((k) => k === id).length, 1);
});

test("a backend that refuses the signature keeps the lead aside instead of dropping it", async () => {
  const strict = await startBackend({ secret: "a-different-secret" });
  const other = await startEdge({ backend: strict, vars: { LEADGATE_ADMIN_TOKEN: "t" } });
  try {
    await other.postLead({ site: "open", ...GOOD });
    await eventually(async () => {
      const res = await other.fetch("/v1/outbox", { headers: { authorization: "Bearer t" } });
      return (await res.json()).rejected === 1;
    }, 10000, "lead kept as rejected");
    assert.equal(strict.state.stored.size, 0);
    assert.equal(strict.state.refused.length >= 1, true);
  } finally {
    await other.dispose();
    strict.close();
  }
  assert.ok(SECRETS.edge.length > 0);
});

test("the outbox stats need the admin token", async () => {
  assert.equal((await edge.fetch("/v1/outbox")).status, 401);
  assert.equal((await edge.fetch("/v1/outbox", { headers: { authorization: "Bearer wrong" } })).status, 401);
});
