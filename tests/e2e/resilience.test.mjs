// Failures across tiers: the backend killed while leads arrive (the edge's outbox keeps them
// until it is back), and a provider outage (the sandbox's fault injection) that trips the
// provider's circuit breaker while leads keep finishing by their campaign's fail-open or
// fail-closed rule. Run with: ./scripts/test-e2e.sh
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, goodLead, until } from './harness.mjs';

let stack;
let n = 1000;

before(async () => {
  stack = await startStack({
    backendEnv: {
      // A claim by a killed backend is taken over after 2 s instead of the sample's 60 s.
      LEADGATE_QUEUE__LEASE_SECS: '2',
      // Judge a provider's error rate after 4 calls instead of the sample's 20.
      LEADGATE_BREAKER__MIN_CALLS: '4',
      LEADGATE_BREAKER__OPEN_SECS: '600',
    },
  });
});

after(async () => {
  await stack?.close();
});

/** A home-solar lead through the edge, with a solved proof-of-work, as the form sends it. */
async function submitHomeLead(extra = {}, token = null) {
  const bot_token = token ?? await stack.edge.powToken('demo-pow');
  const reply = await stack.edge.postLead({ site: 'demo-pow', ...goodLead(++n, extra), bot_token });
  assert.equal(reply.status, 200);
  assert.equal(reply.body.lane, 'fast_track', JSON.stringify(reply.body));
  return reply.body.lead_id;
}

test('the backend killed during submissions loses nothing: the edge re-delivers once it is back', async () => {
  const { backend, edge, sandbox } = stack;
  const ids = [];
  for (let i = 0; i < 2; i++) ids.push(await submitHomeLead());
  // A burst of six at once; the backend is SIGKILLed as soon as the first is answered, while
  // the others are being judged, forwarded or processed.
  const tokens = await Promise.all(Array.from({ length: 6 }, () => edge.powToken('demo-pow')));
  let killed = null;
  const burst = tokens.map((t) => submitHomeLead({}, t).then((id) => {
    killed ??= backend.stop('SIGKILL');
    return id;
  }));
  ids.push(...await Promise.all(burst));
  assert.equal((await killed).signal, 'SIGKILL');
  // The edge still answers, and keeps what it cannot deliver.
  for (let i = 0; i < 2; i++) ids.push(await submitHomeLead());
  const held = await until('the edge outbox to hold the undelivered leads', async () => {
    const o = await edge.outbox();
    return o.pending >= 2 ? o : null;
  });
  assert.equal(held.rejected, 0);

  await backend.start();
  const views = [];
  for (const id of ids) views.push(await backend.finished(id, `lead ${id} after the restart`));
  assert.equal(new Set(ids).size, 10);
  for (const view of views) {
    assert.equal(view.status, 'accepted', JSON.stringify(view));
    assert.deepEqual(view.calls.map((c) => c.provider), ['dnc_litigator', 'ipqs_phone', 'trestle'], 'one verdict, one set of calls');
  }
  await until('the edge outbox to drain', async () => (await edge.outbox()).pending === 0);
  const postbacks = await until('a postback for every lead', async () => {
    const got = await sandbox.postbacks();
    return ids.every((id) => got.some((p) => p.query?.lead_id === id)) ? got : null;
  });
  for (const id of ids) {
    const mine = postbacks.filter((p) => p.query?.lead_id === id);
    assert.ok(mine.every((p) => p.query.status === 'accepted'), JSON.stringify(mine));
  }
  assert.equal(backend.starts, 2);
});

test('a fail-open provider outage trips its breaker and leads still finish accepted without it', async () => {
  const { backend, sandbox } = stack;
  await sandbox.fault({ provider: 'trestle', fault: '503' });
  try {
    const seen = [];
    await until('the trestle breaker to open', async () => {
      const view = await backend.finished(await submitHomeLead());
      seen.push(view);
      return view.calls.some((c) => c.provider === 'trestle' && c.outcome === 'circuit_open');
    }, { tries: 10, every: 0 });
    for (const view of seen) {
      assert.equal(view.status, 'accepted', `fail open: ${JSON.stringify(view)}`);
      assert.deepEqual(view.reasons, []);
      const trestle = view.calls.filter((c) => c.provider === 'trestle').at(-1);
      assert.ok(['error', 'circuit_open'].includes(trestle.outcome), JSON.stringify(trestle));
      assert.equal(Math.round(view.cost_usd * 1e6) / 1e6, 0.006, 'a failed call is not paid');
    }
    assert.equal(seen[0].calls.find((c) => c.provider === 'trestle').outcome, 'error', 'the first failures were real calls');
    assert.equal(await backend.metric('leadgate_breaker_state', 'provider="trestle"'), 2, 'open');

    // While open, the provider is not called at all.
    const callsBefore = (await sandbox.calls()).trestle;
    const view = await backend.finished(await submitHomeLead());
    assert.equal(view.status, 'accepted');
    assert.equal(view.calls.find((c) => c.provider === 'trestle').outcome, 'circuit_open');
    assert.equal((await sandbox.calls()).trestle, callsBefore);
  } finally {
    await sandbox.clearFaults();
  }
});

test('a fail-closed provider outage sends leads to review (PIP02, then PIP03 once its breaker is open)', async () => {
  const { backend, sandbox } = stack;
  await sandbox.fault({ provider: 'dncscrub', fault: '503' });
  try {
    const seen = [];
    await until('the litigator scrub breaker to open', async () => {
      const view = await backend.finished(await submitHomeLead());
      seen.push(view);
      return view.primary_reason === 'PIP03';
    }, { tries: 10, every: 0 });
    for (const view of seen) {
      assert.equal(view.status, 'review', `fail closed: ${JSON.stringify(view)}`);
      assert.ok(['PIP02', 'PIP03'].includes(view.primary_reason), view.primary_reason);
      assert.deepEqual([...new Set(view.calls.map((c) => c.provider))], ['dnc_litigator'], 'the sequence stops at a compliance failure');
      assert.equal(view.cost_usd, 0);
    }
    assert.equal(seen[0].primary_reason, 'PIP02');
    // A transient failure of an idempotent call is retried once, then the lead fails closed.
    assert.deepEqual(seen[0].calls.map((c) => [c.outcome, c.attempt]), [['error', 1], ['error', 2]]);
    // The breaker opened: possibly between one lead's first attempt and its retry.
    assert.equal(seen.at(-1).calls.at(-1).outcome, 'circuit_open');

    // While open, the scrub is not called at all, and the lead still goes to review.
    const callsBefore = (await sandbox.calls()).dncscrub;
    const view = await backend.finished(await submitHomeLead());
    assert.equal(view.status, 'review');
    assert.equal(view.primary_reason, 'PIP03');
    assert.deepEqual(view.calls.map((c) => [c.provider, c.outcome]), [['dnc_litigator', 'circuit_open']]);
    assert.equal((await sandbox.calls()).dncscrub, callsBefore);
    const postback = await until('the review postback', async () =>
      (await sandbox.postbacks()).find((p) => p.query?.lead_id === view.lead_id));
    assert.equal(postback.query.status, 'review');
    assert.equal(postback.query.reason, 'PIP03');
  } finally {
    await sandbox.clearFaults();
  }
});
