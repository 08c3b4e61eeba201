// A lead's whole journey, asserted at every hop: headless Chromium on the demo form ─▶ the
// edge Worker in workerd ─▶ the backend (SQLite) ─▶ the sandbox's providers ─▶ the partner's
// postback receiver, and back to the booking gate. Run with: ./scripts/test-e2e.sh
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchChromium, fillForm, goodLead, until } from './harness.mjs';

/** A TrustedForm certificate the sandbox matches to whatever phone and email are sent. */
const CERT = 'https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567';

let stack; let browser;
let n = 0;
const next = () => ++n;

before(async () => {
  stack = await startStack();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

/** The demo form in a fresh browser context, with every request to the edge recorded. */
async function openForm() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const edgeHits = [];
  page.on('request', (r) => { if (r.url().startsWith(stack.edge.url)) edgeHits.push(`${r.method()} ${new URL(r.url()).pathname}`); });
  await page.goto(`${stack.site.url}/demo/`);
  assert.deepEqual(await page.evaluate(() => window.Leadgate.ready), { wasm: true, forms: 1 });
  return { page, context, edgeHits };
}

const formFields = ({ consent, consent_text, ...fields }) => ({ ...fields, phone: fields.phone.replace('+1 ', '') });

/** The partner's postback for `leadId`, once it has arrived. */
const postbackFor = (leadId) => until(`the postback of ${leadId}`, async () =>
  (await stack.sandbox.postbacks()).find((p) => p.query?.lead_id === leadId));

const rounded = (x) => Math.round(x * 1e6) / 1e6;
const steps = (view) => view.calls.map((c) => [c.provider, c.outcome, c.reason ?? null, rounded(c.cost_usd)]);

test('a junk lead is blocked in the page and never reaches the edge', async () => {
  const intakeBefore = await stack.backend.metric('leadgate_intake_total');
  const { page, context, edgeHits } = await openForm();
  await fillForm(page, formFields(goodLead(next(), { phone: '555-555-5555' })));
  await page.click('button[type="submit"]');
  await page.waitForSelector('#phone[aria-invalid="true"]');
  assert.equal(await page.inputValue('#phone'), '555-555-5555', 'what was typed stays');

  await page.fill('#phone', '(650) 253-0000');
  await page.fill('#email', 'maria.garcia@@gmail');
  await page.click('button[type="submit"]');
  await page.waitForSelector('#email[aria-invalid="true"]');

  assert.ok(edgeHits.includes('GET /v1/config/demo-pow'), 'the page did load its site config from the edge');
  assert.ok(!edgeHits.includes('POST /v1/leads'), `no lead was posted: ${edgeHits.join(', ')}`);
  assert.equal(await stack.backend.metric('leadgate_intake_total'), intakeBefore, 'nothing reached the backend');
  await context.close();
});

test('a bad bot token fails at the edge and never reaches the backend', async () => {
  const { edge, backend, sandbox } = stack;
  const intakeBefore = await backend.metric('leadgate_intake_total', 'source="edge"');
  const turnstileBefore = (await sandbox.calls()).turnstile ?? 0;

  // The business site (Turnstile, block mode): the sandbox's siteverify refuses the token.
  const refused = await edge.postLead({ site: 'brightside-business', ...goodLead(next(), { email: `dana.${n}@northwind-logistics.com` }), bot_token: 'fail:invalid-input-response' });
  assert.equal(refused.status, 200);
  assert.equal(refused.body.lane, 'block', JSON.stringify(refused.body));
  assert.deepEqual(refused.body.reasons.map((r) => r.code), ['INT01']);
  assert.equal(refused.body.booking_url, undefined);
  assert.equal((await sandbox.calls()).turnstile, turnstileBefore + 1, 'the edge asked the verifier');

  // The form's site (proof-of-work, shadow mode): a forged proof looks accepted to the bot.
  const shadowed = await edge.postLead({ site: 'demo-pow', ...goodLead(next()), bot_token: 'pow:forged.challenge:1' });
  assert.equal(shadowed.status, 200);
  assert.equal(shadowed.body.lane, 'review');
  assert.deepEqual(shadowed.body.reasons, [], 'shadow mode tells a bot nothing');

  // A good lead afterwards: once it is stored, the edge has had every chance to forward.
  const good = await edge.postLead({ site: 'brightside-business', ...goodLead(next(), { email: `dana.${n}@northwind-logistics.com`, trustedform_cert_url: CERT }), bot_token: `pass:lead:127.0.0.1:${n}` });
  assert.equal(good.body.lane, 'fast_track', JSON.stringify(good.body));
  await backend.finished(good.body.lead_id);

  for (const id of [refused.body.lead_id, shadowed.body.lead_id]) {
    assert.ok(id, 'the edge names every lead it answers');
    assert.equal((await backend.lead(id)).status, 404, `${id} never reached the backend`);
  }
  assert.equal(await backend.metric('leadgate_intake_total', 'source="edge"'), intakeBefore + 1, 'only the good lead was forwarded');
});

test('a good lead from the form: stored, its campaign sequence, postback, and a booking link that works once', async () => {
  const { page, context, edgeHits } = await openForm();
  const lead = goodLead(next());
  await fillForm(page, formFields(lead));
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${stack.edge.url}/v1/leads` && r.request().method() === 'POST'),
    page.click('button[type="submit"]'),
  ]);
  const reply = await response.json();
  assert.equal(reply.lane, 'fast_track', JSON.stringify(reply));
  assert.ok(edgeHits.includes('GET /v1/challenge'), 'the page solved the proof-of-work');
  const link = page.locator('a.leadgate-book');
  await link.waitFor();
  const href = await link.getAttribute('href');
  assert.ok(href.startsWith(`${stack.edge.url}/v1/book/`), href);

  // Backend: stored once, run through home-solar's sequence, accepted, priced.
  const view = await stack.backend.finished(reply.lead_id);
  assert.equal(view.status, 'accepted', stack.logs());
  assert.equal(view.campaign, 'home-solar');
  assert.equal(view.rule_version, 'home-solar-1');
  assert.deepEqual(view.reasons, []);
  assert.equal(view.primary_reason, null);
  assert.deepEqual(steps(view), [
    ['dnc_litigator', 'ok', null, 0.002],
    ['ipqs_phone', 'ok', null, 0.004],
    ['trestle', 'ok', null, 0.04],
  ]);
  assert.equal(rounded(view.cost_usd), 0.046);

  // The partner's postback, with the verdict.
  const postback = await postbackFor(reply.lead_id);
  assert.equal(postback.query.status, 'accepted');
  assert.equal(postback.query.reason, '');
  assert.equal(postback.query.campaign, 'home-solar');
  assert.equal(postback.query.score, String(view.score));

  // The booking link: once to the calendar with the lead prefilled, then refused.
  await Promise.all([page.waitForURL(/\/calendar\/brightside\/home-consult/), link.click()]);
  const calendar = new URL(page.url());
  assert.equal(calendar.origin, stack.sandbox.url);
  assert.equal(calendar.searchParams.get('email'), lead.email);
  assert.match(await page.locator('body').textContent(), /Sandbox calendar/i);
  const again = await fetch(href, { redirect: 'manual' });
  assert.equal(again.status, 409, 'a booking link opens once');
  await context.close();
});

test('the second site runs its own campaign: four providers, consent proof first, $0.096', async () => {
  const { edge, backend } = stack;
  const id = next();
  const reply = await edge.postLead({
    site: 'brightside-business',
    ...goodLead(id, { email: `dana.whitfield.${id}@northwind-logistics.com`, trustedform_cert_url: CERT }),
    bot_token: `pass:lead:127.0.0.1:${id}`,
  });
  assert.equal(reply.body.lane, 'fast_track', JSON.stringify(reply.body));
  assert.match(reply.body.booking_url, /\/v1\/book\//);
  const view = await backend.finished(reply.body.lead_id);
  assert.equal(view.status, 'accepted', stack.logs());
  assert.equal(view.campaign, 'commercial-solar');
  assert.deepEqual(steps(view), [
    ['dnc_litigator', 'ok', null, 0.002],
    ['trustedform', 'ok', null, 0.05],
    ['trestle', 'ok', null, 0.04],
    ['ipqs_phone', 'ok', null, 0.004],
  ]);
  assert.equal(rounded(view.cost_usd), 0.096);
  assert.equal((await postbackFor(reply.body.lead_id)).query.campaign, 'commercial-solar');

  // The business site only takes business addresses: free mail is refused at the edge.
  const freeMail = await edge.postLead({ site: 'brightside-business', ...goodLead(next()), bot_token: `pass:lead:127.0.0.1:${n}` });
  assert.equal(freeMail.body.lane, 'block');
  assert.ok(freeMail.body.reasons.some((r) => r.code === 'SYN05'), JSON.stringify(freeMail.body));
});

test('reason codes travel to the partner: a litigator is rejected at the first, cheapest call; elevated fraud goes to review', async () => {
  const { edge, backend, sandbox } = stack;
  const before = await sandbox.calls();

  const litigator = await edge.postLead({ site: 'demo-pow', ...goodLead(next(), { phone: '+1 512 201 0001' }), bot_token: await edge.powToken('demo-pow') });
  assert.equal(litigator.body.lane, 'fast_track', 'the edge cannot know; the backend finds out');
  const rejected = await backend.finished(litigator.body.lead_id);
  assert.equal(rejected.status, 'rejected');
  assert.equal(rejected.primary_reason, 'CMP01');
  assert.deepEqual(steps(rejected), [['dnc_litigator', 'ok', 'CMP01', 0.002]]);
  assert.equal(rounded(rejected.cost_usd), 0.002);
  const after = await sandbox.calls();
  assert.equal(after.ipqs ?? 0, before.ipqs ?? 0, 'nothing after the litigator scrub was paid for');
  const pb = await postbackFor(litigator.body.lead_id);
  assert.equal(pb.query.status, 'rejected');
  assert.equal(pb.query.reason, 'CMP01');

  const id = next();
  const risky = await edge.postLead({
    site: 'brightside-business',
    ...goodLead(id, { email: `lee.${id}@northwind-logistics.com`, phone: '+1 737 201 0008', trustedform_cert_url: CERT }),
    bot_token: `pass:lead:127.0.0.1:${id}`,
  });
  const review = await backend.finished(risky.body.lead_id);
  assert.equal(review.status, 'review', JSON.stringify(review));
  assert.equal(review.primary_reason, 'FRD02');
  assert.ok(review.calls.some((c) => c.provider === 'ipqs_phone' && c.outcome === 'ok'));
  const pb2 = await postbackFor(risky.body.lead_id);
  assert.equal(pb2.query.status, 'review');
  assert.equal(pb2.query.reason, 'FRD02');
  assert.match(pb2.query.reasons, /FRD02/);
});
