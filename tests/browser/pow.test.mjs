// The proof-of-work module (www/pkg/leadgate_pow*) called as the worker calls it: its
// answers are the first nonces node's own SHA-256 says meet the difficulty (the definition
// the edge verifies, crates/pow), for challenges of every length and odd characters, and
// arguments JavaScript might pass by mistake never trap it.
// Run with: ./scripts/test-browser.sh (after scripts/build-wasm.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pow = await import(`${ROOT}www/pkg/leadgate_pow.js`);
pow.initSync({ module: readFileSync(`${ROOT}www/pkg/leadgate_pow_bg.wasm`) });

function zeroBits(digest) {
  let n = 0;
  for (const byte of digest) {
    if (byte === 0) { n += 8; continue; }
    return n + Math.clz32(byte) - 24;
  }
  return n;
}
const work = (challenge, nonce) => zeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest());
const firstBy = (challenge, difficulty, start = 0) => { let n = start; while (work(challenge, n) < difficulty) n++; return n; };

test('leadgate_pow: the first nonce node\'s SHA-256 agrees with, for challenges of every length', () => {
  const challenges = ['', 'abc.def', 'é€𝒳 and a space', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'y'.repeat(1000)];
  for (let i = 0; i < 20; i++) challenges.push(createHash('sha256').update(String(i)).digest('base64url').repeat(1 + (i % 5)));
  for (const challenge of challenges) {
    for (const difficulty of [0, 3, 8, 11]) {
      const want = firstBy(challenge, difficulty);
      assert.equal(pow.powSolve(challenge, difficulty, 0, 1 << 16), want, `${challenge}/${difficulty}`);
      assert.equal(pow.powSolve(challenge, difficulty, want + 1, 1 << 16), firstBy(challenge, difficulty, want + 1));
    }
  }
});

test('leadgate_pow: slices as the worker runs them find the same nonce', () => {
  const challenge = 'eyJzaXRlIjoiZGVtby1wb3ciLCJleHAiOjE3NjQ2NzgwMDB9.c2lnbmF0dXJl';
  const want = firstBy(challenge, 14);
  let found;
  for (let start = 0; found === undefined; start += 4096) found = pow.powSolve(challenge, 14, start, 4096);
  assert.equal(found, want);
});

test('leadgate_pow: odd arguments get an answer or undefined, never a trap', () => {
  const odd = [undefined, null, NaN, -1, -0, 0.5, 1e300, Infinity, -Infinity, '7', true];
  for (const start of odd) {
    const got = pow.powSolve('abc.def', 8, start, 1000);
    assert.ok(got === undefined || got === 125, `start ${start}: ${got}`);
  }
  for (const difficulty of [undefined, null, NaN, -1, 2 ** 32 + 8, 1e300, 300]) {
    const got = pow.powSolve('abc.def', difficulty, 0, 1000);
    assert.ok(got === undefined || Number.isInteger(got), `difficulty ${difficulty}: ${got}`);
  }
  for (const steps of [undefined, null, NaN, 0, 0.5]) assert.equal(pow.powSolve('abc.def', 8, 0, steps), undefined, `steps ${steps}`);
  assert.equal(pow.powSolve('a'.repeat(1 << 20), 0, 3, 1), 3, 'a megabyte challenge');
  assert.equal(pow.powSolve('abc.def', 8, 0, 1000), 125, 'still healthy');
});
