// The page's checks build (www/pkg) called as the snippet calls it, with what a stranger
// could put in a lead or a site's policy: every answer is an assessment or a readable
// error naming what was wrong; nothing traps the wasm (a trap would leave the page's
// instance unusable). Run with: ./scripts/test-browser.sh (after scripts/build-wasm.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const VALUES = [null, true, false, 0, 1, -1, 1.5, 1e308, '', 'x', 'jane@gmial.com', '+44 20 7946 0958',
  '555-555-5555', '\u0000', 'é'.repeat(5000), '𝒳'.repeat(300), [], ['SYN01'], ['NOPE1'], [1], {}, { a: 1 }];
const LEAD_KEYS = ['email', 'phone', 'first_name', 'last_name', 'street', 'city', 'state', 'zip', 'country',
  'consent', 'consent_text', 'default_region', '__proto__', 'constructor'];
const POLICY_KEYS = ['version', 'block', 'review', 'advise', 'allow_domains', 'deny_domains', 'deny_phones',
  'business_email_only', 'default_region', 'allowed_regions', 'require_email', 'require_phone', 'require_name',
  'require_consent', 'check_address', 'address_min_confidence', 'fast_track_min_score'];

for (const name of ['leadgate_wasm', 'leadgate_wasm_nanp']) {
  test(`${name}: 5,000 hostile leads and policies get an assessment or a named error, never a trap`, async () => {
    const mod = await import(`${ROOT}www/pkg/${name}.js`);
    mod.initSync({ module: readFileSync(`${ROOT}www/pkg/${name}_bg.wasm`) });
    let seed = 7;
    const pick = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    let answered = 0;
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const lead = {};
      for (const k of LEAD_KEYS) if (pick(2)) lead[k] = VALUES[pick(VALUES.length)];
      const policy = {};
      for (const k of POLICY_KEYS) if (pick(4) === 0) policy[k] = VALUES[pick(VALUES.length)];
      try {
        const a = JSON.parse(mod.assess(JSON.stringify(lead), pick(3) ? JSON.stringify(policy) : ''));
        assert.ok(['block', 'review', 'fast_track'].includes(a.lane), JSON.stringify(a));
        assert.ok(Array.isArray(a.reasons));
        answered++;
      } catch (err) {
        assert.ok(err instanceof Error && !(err instanceof WebAssembly.RuntimeError), String(err));
        assert.match(err.message, /^(lead|policy) is not valid/, err.message);
        refused++;
      }
    }
    for (const raw of ['null', '[]', '"x"', '{', '1']) {
      assert.throws(() => mod.assess(raw, ''), /lead is not valid/);
    }
    assert.ok(answered > 1000 && refused > 1000, `${answered} answered, ${refused} refused`);
    // Still healthy after all that.
    assert.equal(JSON.parse(mod.assess('{"email":"jane@gmial.com"}', '')).email.suggestion, 'jane@gmail.com');
  });
}
