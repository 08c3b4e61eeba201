// Rotating the edge → backend envelope key as README.md's "first hour" tells an ops engineer:
// add the new key to the backend (both verify), switch the edge to it, then retire the old
// key. No lead is refused during the switch; a lead signed with a retired key is kept aside
// by the edge (its outbox's `rejected`), never stored and never silently dropped.
// Run with: ./scripts/test-e2e.sh
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, startEdge, goodLead, until } from './harness.mjs';

const NEW_SECRET = 'rotated-edge-secret-0123456789abcdef';
const NEW_KEY = `\n[[edge_keys]]\nid = "edge-2"\nsecret = "${NEW_SECRET}"\n`;
let stack; let newEdge;
let n = 5000;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await newEdge?.close();
  await stack?.close();
});

async function submit(edge) {
  const reply = await edge.postLead({ site: 'demo-pow', ...goodLead(++n), bot_token: await edge.powToken('demo-pow') });
  assert.equal(reply.body.lane, 'fast_track', JSON.stringify(reply.body));
  return reply.body.lead_id;
}

async function restartBackend(edit) {
  stack.backend.reconfigure(edit);
  await stack.backend.stop('SIGTERM');
  await stack.backend.start();
}

test('the envelope key rotates without refusing a lead', async () => {
  const { backend, edge: oldEdge } = stack;
  assert.equal((await backend.finished(await submit(oldEdge))).status, 'accepted');

  // 1. The backend learns the new key next to the old one: the old edge still delivers.
  await restartBackend((toml) => toml.replace('\n# ----', `${NEW_KEY}\n# ----`));
  assert.equal((await backend.finished(await submit(oldEdge))).status, 'accepted');

  // 2. The edge switches to the new key (a deploy with the new secret and key id).
  newEdge = await startEdge({
    sandboxUrl: stack.sandbox.url, backendUrl: backend.url, origin: stack.site.url,
    vars: { LEADGATE_EDGE_KEY_ID: 'edge-2', LEADGATE_EDGE_KEY: NEW_SECRET },
  });
  assert.equal((await backend.finished(await submit(newEdge))).status, 'accepted');

  // 3. The old key is retired: the new edge delivers, an edge still on the old key is refused
  //    and keeps the lead aside instead of losing it.
  await restartBackend((toml) => toml
    .replace(/\[\[edge_keys\]\]\nid = "edge-1"\nsecret = "[^"]*"[^\n]*\n/, '')
    .replace('\n# ----', `${NEW_KEY}\n# ----`));
  assert.equal((await backend.finished(await submit(newEdge))).status, 'accepted');
  const stale = await submit(oldEdge);
  await until('the old edge to set the refused lead aside', async () => (await oldEdge.outbox()).rejected === 1);
  assert.equal((await backend.lead(stale)).status, 404, 'never stored');
});
