/*! leadgate.js: guards a lead form with Leadgate's checks (wasm), a bot check and the edge.
 * <script src=".../leadgate.js" data-site="SITE_KEY" data-endpoint="https://edge.example.com" async></script>
 * A site that takes only US and Canadian phone numbers adds data-phone-regions="us-ca": the page
 * then loads the smaller checks build and leaves other regions' numbers to the edge.
 * No dependencies, no eval, no inline styles: works under a strict Content-Security-Policy.
 * Without JavaScript the form still posts (form-encoded) to its action, the edge's /v1/leads.
 */
(() => {
  'use strict';
  const script = document.currentScript;
  if (!script || window.Leadgate) return; // loaded twice: the first copy does the work
  mark('leadgate:start');

  const SITE = script.getAttribute('data-site') || '';
  const ENDPOINT = (script.getAttribute('data-endpoint') || '').replace(/\/+$/, '');
  const BASE = new URL('.', script.src).href; // pkg/, the worker and the CSS live next to us
  // The checks build: every phone region, or (data-phone-regions="us-ca") US and Canada only.
  const WASM_NAME = script.getAttribute('data-phone-regions') === 'us-ca' ? 'leadgate_wasm_nanp' : 'leadgate_wasm';
  const BOOK_PREFIX = new URL(`${ENDPOINT}/v1/book/`, location.href); // the edge may live under a path

  const MAX_FIELD_CHARS = 1024; // a pasted megabyte is cut here before any check or request
  const CONFIG_TIMEOUT_MS = 4000;
  const SUBMIT_TIMEOUT_MS = Number(script.getAttribute('data-timeout-ms')) || 12000; // per attempt
  const RETRY_DELAY_MS = 800;
  const WASM_WAIT_MS = 3000;
  const BOT_TIMEOUT_MS = 30000;
  const STILL_SENDING_MS = 4000;

  const FIELDS = ['email', 'phone', 'first_name', 'last_name', 'full_name', 'street', 'city',
    'state', 'zip', 'country', 'consent'];
  /** Reasons that mean "nothing typed yet": only shown once the person tries to send. */
  const MISSING = new Set(['SYN07', 'PHN03', 'NAM02', 'CONS01']);
  const ADDRESS_FIELDS = ['street', 'city', 'state', 'zip'];
  /** Advice that does not make a field invalid. */
  const ADVICE = new Set(['SYN03', 'SYN04', 'SYN08']);

  const MESSAGES = {
    SYN01: 'Please enter a valid email address, like name@example.com.',
    SYN02: 'This looks like a disposable inbox: please use a permanent email address.',
    SYN04: 'Shared inboxes like info@ or sales@ often go unread. A personal address works best.',
    SYN05: 'Please use your work email address.',
    SYN06: 'Addresses at this domain can’t be accepted. Please use another one.',
    SYN07: 'Please enter your email address.',
    SYN08: 'This email domain doesn’t seem to receive mail. Please check it.',
    PHN01: 'Please enter a valid phone number, including the area code.',
    PHN02: 'This looks like a placeholder number. Please enter one where we can reach you.',
    PHN03: 'Please enter your phone number.',
    PHN04: 'We can’t accept phone numbers from this country here.',
    ADR01: 'Please check this address: it looks incomplete.',
    ADR02: 'This ZIP code doesn’t match the state.',
    NAM01: 'Please enter your real name.',
    NAM02: 'Please enter your name.',
    CONS01: 'Please tick the box to agree before sending.',
    did_you_mean: 'Did you mean',
    field_fallback: 'Please check this field.',
    suggestion_applied: 'Email changed to {value}.',
    fix_fields: 'Please fix the highlighted fields and send again.',
    sending: 'Sending…',
    still_sending: 'Still sending, thanks for waiting…',
    bot_progress: 'Checking this isn’t a robot… {percent}%',
    blocked: 'We couldn’t accept this yet. Please check the highlighted fields.',
    thanks: 'Thank you! We’ve got your details and will be in touch soon.',
    fast_track: 'Thank you! You can book a time with us right away.',
    book: 'Book your call',
    rejected: 'This form couldn’t be sent as it is. Please check your details and try again.',
    rate_limited: 'Too many attempts from here. Please wait a minute and try again.',
    network_error: 'We couldn’t reach our server. Everything you typed is still here: please try again in a moment.',
  };

  const attached = new WeakSet();
  const contexts = [];
  let config = { bot: { type: 'none' } };
  let policyJson = '';
  let seq = 0;
  let resolveReady;
  const ready = new Promise((r) => { resolveReady = r; });

  window.Leadgate = { ready, site: SITE, endpoint: ENDPOINT, forms: contexts };

  const wasmReady = loadWasm();
  const configReady = loadConfig();
  injectCss();

  Promise.all([configReady, domReady()]).then(() => {
    scan();
    new MutationObserver(scheduleScan).observe(document.documentElement, { childList: true, subtree: true });
    return wasmReady;
  }).then((wasm) => {
    mark('leadgate:ready');
    resolveReady({ wasm: Boolean(wasm), forms: contexts.length });
  });

  // ---------------------------------------------------------------- loading

  function mark(name) {
    try { performance.mark(name); } catch (_) { /* old browsers */ }
  }

  function domReady() {
    if (document.readyState !== 'loading') return Promise.resolve();
    return new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }));
  }

  async function loadWasm() {
    try {
      const mod = await import(`${BASE}pkg/${WASM_NAME}.js`);
      await mod.default({ module_or_path: `${BASE}pkg/${WASM_NAME}_bg.wasm` });
      warmUp(mod);
      return mod;
    } catch (err) {
      // Old browser, or a CSP without 'wasm-unsafe-eval': the edge still checks everything.
      console.warn('[leadgate] in-page checks unavailable; the server will check instead:', err && err.message);
      return null;
    }
  }

  // The browser compiles each wasm function on its first call (lazy compilation), so the
  // first check compiles the whole check path: 3-4 ms on a slow machine, more on a slow
  // phone. A check of a made-up lead that reaches every check (email with a typo, phone,
  // names, address, consent), run when the page is idle after load, pays that before the
  // person's first blur. Its answer is thrown away; nothing is sent.
  const WARM_LEAD = JSON.stringify({
    email: 'jane.doe@gmial.com', phone: '(202) 555-0143', first_name: 'Jane', last_name: 'Doe',
    street: '1600 Pennsylvania Ave NW', city: 'Washington', state: 'DC', zip: '20500',
    consent: true, consent_text: 'I agree to be contacted about my quote.',
  });

  function warmUp(mod) {
    const run = () => {
      try { mod.assess(WARM_LEAD, ''); } catch (err) {
        console.warn('[leadgate] warm-up check failed:', err && err.message);
      }
      mark('leadgate:warm');
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
    else setTimeout(run, 0);
  }

  async function loadConfig() {
    if (!SITE) return;
    try {
      const r = await fetchWithTimeout(`${ENDPOINT}/v1/config/${encodeURIComponent(SITE)}`,
        { headers: { accept: 'application/json' }, credentials: 'omit' }, CONFIG_TIMEOUT_MS);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const body = await r.json();
      if (body && typeof body === 'object') config = Object.assign({ bot: { type: 'none' } }, body);
    } catch (err) {
      console.warn('[leadgate] site config unavailable, using defaults:', err && err.message);
    }
    if (config.policy && typeof config.policy === 'object') policyJson = JSON.stringify(config.policy);
  }

  function injectCss() {
    if (script.getAttribute('data-css') === 'off') return;
    const href = BASE + 'leadgate.css';
    for (const l of document.querySelectorAll('link[rel="stylesheet"]')) if (l.href === href) return;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    document.head.appendChild(link);
  }

  function fetchWithTimeout(url, init, ms) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), ms);
    return fetch(url, Object.assign({ signal: ctl.signal }, init)).finally(() => clearTimeout(timer));
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const withTimeout = (p, ms, fallback) => Promise.race([p, sleep(ms).then(() => fallback)]);

  function msg(key, vars) {
    const custom = config.messages && config.messages[key];
    let text = typeof custom === 'string' ? custom : MESSAGES[key];
    if (text === undefined) return undefined;
    for (const [k, v] of Object.entries(vars || {})) text = text.split(`{${k}}`).join(String(v));
    return text;
  }

  // ---------------------------------------------------------------- forms

  let scanQueued = false;
  function scheduleScan() {
    if (scanQueued) return;
    scanQueued = true;
    queueMicrotask(() => { scanQueued = false; scan(); });
  }

  function scan() {
    const selector = typeof config.form_selector === 'string' && config.form_selector
      ? config.form_selector : 'form[data-leadgate]';
    let forms;
    try { forms = document.querySelectorAll(selector); } catch (_) { forms = document.querySelectorAll('form[data-leadgate]'); }
    for (const f of forms) if (f instanceof HTMLFormElement) attach(f);
  }

  function attach(form) {
    if (attached.has(form)) return;
    attached.add(form);
    const ctx = {
      form, id: ++seq, touched: new Set(), submitted: false, busy: false, done: false,
      shown: {}, timers: {}, bot: null, submissionId: null,
      action: form.getAttribute('data-leadgate-action') || (config.bot && config.bot.action) || 'lead_form',
    };
    ctx.status = document.createElement('div');
    ctx.status.className = 'leadgate-status';
    ctx.status.setAttribute('role', 'status');
    ctx.status.setAttribute('aria-live', 'polite');
    ctx.status.tabIndex = -1;
    ctx.sr = document.createElement('div');
    ctx.sr.className = 'leadgate-sr-only';
    ctx.sr.setAttribute('aria-live', 'polite');
    form.appendChild(ctx.status);
    form.appendChild(ctx.sr);
    ctx.map = mapFields(form);
    for (const f of Object.keys(ctx.map)) messageSlot(ctx, f); // reserve space now: no jank later
    ctx.bot = makeBot(ctx);

    form.addEventListener('focusout', (e) => onBlur(ctx, e));
    form.addEventListener('input', (e) => onInput(ctx, e));
    form.addEventListener('click', (e) => onClick(ctx, e));
    form.addEventListener('submit', (e) => onSubmit(ctx, e));
    form.addEventListener('focusin', () => ctx.bot.warm(), { once: true });
    form.setAttribute('data-leadgate-ready', '');
    contexts.push(ctx);
  }

  const AUTOCOMPLETE = {
    email: 'email', tel: 'phone', 'tel-national': 'phone', 'given-name': 'first_name',
    'family-name': 'last_name', name: 'full_name', 'street-address': 'street',
    'address-line1': 'street', 'address-level2': 'city', 'address-level1': 'state',
    'postal-code': 'zip', country: 'country', 'country-name': 'country',
  };
  const NAME_PATTERNS = [
    [/e[-_ ]?mail/i, 'email'], [/phone|mobile|^tel|cell/i, 'phone'],
    [/first|fname|given/i, 'first_name'], [/last|lname|surname|family/i, 'last_name'],
    [/^(full[-_ ]?)?name$/i, 'full_name'], [/street|address[-_ ]?(line)?[-_ ]?1$|^address$/i, 'street'],
    [/city|town|locality/i, 'city'], [/^state$|province|^region$/i, 'state'],
    [/zip|postal|postcode/i, 'zip'], [/country/i, 'country'],
  ];

  /** Which lead field an element holds, if any. */
  function fieldOf(el) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) return null;
    const explicit = el.getAttribute('data-leadgate-field');
    if (explicit) return FIELDS.includes(explicit) ? explicit : null;
    const type = (el.type || '').toLowerCase();
    if (type === 'checkbox') return /consent|tcpa|agree|opt[-_ ]?in/i.test(`${el.name} ${el.id}`) ? 'consent' : null;
    if (['hidden', 'submit', 'button', 'reset', 'image', 'file', 'password', 'radio'].includes(type)) return null;
    const tokens = (el.getAttribute('autocomplete') || '').toLowerCase().split(/\s+/)
      .filter((t) => t && !/^(section-|shipping$|billing$|home$|work$|mobile$|fax$|pager$|webauthn$)/.test(t));
    const ac = tokens[tokens.length - 1];
    if (ac && AUTOCOMPLETE[ac]) return AUTOCOMPLETE[ac];
    if (type === 'email') return 'email';
    if (type === 'tel') return 'phone';
    const key = el.name || el.id || '';
    for (const [re, f] of NAME_PATTERNS) if (re.test(key)) return f;
    return null;
  }

  function isHidden(el) {
    return Boolean(el.closest('[hidden]')) || el.getClientRects().length === 0;
  }

  /** Field name to element. Duplicate names: the first visible, enabled one wins. */
  function mapFields(form) {
    const map = {};
    const usable = {};
    for (const el of form.elements) {
      const f = fieldOf(el);
      if (!f) continue;
      const ok = !el.disabled && !isHidden(el);
      if (!map[f] || (!usable[f] && ok)) { map[f] = el; usable[f] = ok; }
    }
    return map;
  }

  /** Trimmed, capped at the edge's limit for `field` (a pasted megabyte stops here), well-formed. */
  function clean(value, field) {
    let v = String(value == null ? '' : value);
    const hard = field === 'consent_text' ? 4 * MAX_FIELD_CHARS : MAX_FIELD_CHARS;
    const limit = Math.min(hard, Number(config.fields && config.fields[field]) || hard);
    if (v.length > limit) {
      v = v.slice(0, limit);
      const last = v.charCodeAt(v.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) v = v.slice(0, -1); // don't cut an emoji in half
    }
    if (typeof v.toWellFormed === 'function') v = v.toWellFormed();
    return v.trim();
  }

  function consentText(ctx, el) {
    const ref = ctx.form.querySelector('[data-leadgate-consent-text]');
    const node = ref || (el && el.labels && el.labels[0]);
    return node ? clean(node.textContent.replace(/\s+/g, ' '), 'consent_text') : '';
  }

  /** The lead as `LeadInput` JSON fields. */
  function gather(ctx) {
    const lead = {};
    for (const [f, el] of Object.entries(ctx.map)) {
      if (f === 'consent') { lead.consent = Boolean(el.checked); continue; }
      const v = clean(el.value, f === 'full_name' ? 'first_name' : f);
      if (!v) continue;
      if (f === 'full_name') {
        const parts = v.split(/\s+/);
        if (!ctx.map.first_name) lead.first_name = parts[0];
        if (!ctx.map.last_name && parts.length > 1) lead.last_name = parts.slice(1).join(' ');
      } else {
        lead[f] = v;
      }
    }
    const text = consentText(ctx, ctx.map.consent);
    if (text) lead.consent_text = text;
    const tf = ctx.form.querySelector('[name="xxTrustedFormCertUrl"]') || document.querySelector('[name="xxTrustedFormCertUrl"]');
    if (tf && tf.value) lead.trustedform_cert_url = clean(tf.value, 'trustedform_cert_url');
    if (typeof config.default_region === 'string') lead.default_region = config.default_region;
    return lead;
  }

  function assessLocal(wasm, lead) {
    if (!wasm) return null;
    try { return JSON.parse(wasm.assess(JSON.stringify(lead), policyJson)); } catch (err) {
      console.warn('[leadgate] check failed:', err && err.message);
      return null;
    }
  }

  /** The wasm if it has loaded (blur never waits for it). */
  let wasmNow = null;
  wasmReady.then((w) => { wasmNow = w; });

  // ---------------------------------------------------------------- messages

  function fieldForCode(code, map) {
    const first = (...names) => names.find((n) => map[n]) || null;
    if (code.startsWith('SYN')) return first('email');
    if (code.startsWith('PHN')) return first('phone');
    if (code === 'ADR02') return first('zip', 'state', 'street');
    if (code.startsWith('ADR')) return first('street', 'zip', 'city');
    if (code.startsWith('NAM')) return first('first_name', 'full_name', 'last_name');
    if (code === 'CONS01') return first('consent');
    return null;
  }

  /** Reasons as `[{code, message?}]` from an assessment (codes) or the edge (objects). */
  function normaliseReasons(list) {
    return (Array.isArray(list) ? list : []).map((r) => (typeof r === 'string' ? { code: r } : r))
      .filter((r) => r && typeof r.code === 'string');
  }

  function messageSlot(ctx, field) {
    const el = ctx.map[field];
    const id = `leadgate-${ctx.id}-${field}-msg`;
    let slot = document.getElementById(id) || ctx.form.querySelector(`[data-leadgate-message-for="${field}"]`);
    if (!slot) {
      slot = document.createElement('div');
      slot.className = 'leadgate-msg';
      // A checkbox's message goes after its label (wrapping or following it), not between them.
      const anchor = el.type === 'checkbox' ? (el.closest('label') || (el.labels && el.labels[0]) || el) : el;
      anchor.insertAdjacentElement('afterend', slot);
    }
    if (!slot.id) slot.id = id;
    if (!slot.classList.contains('leadgate-msg')) slot.classList.add('leadgate-msg');
    return slot;
  }

  function describe(el, id, on) {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
    if (on) ids.push(id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' ')); else el.removeAttribute('aria-describedby');
  }

  function announce(ctx, text) {
    ctx.sr.textContent = '';
    if (text) setTimeout(() => { ctx.sr.textContent = text; }, 50);
  }

  /** Shows (or clears) the message for one field; returns its text. */
  function showField(ctx, field, reason, assessment) {
    const el = ctx.map[field];
    const slot = messageSlot(ctx, field);
    const key = reason ? `${reason.code}|${reason.message || ''}|${suggestionOf(reason, assessment, ctx) || ''}` : '';
    if (ctx.shown[field] === key) return null;
    ctx.shown[field] = key;
    slot.textContent = '';
    slot.classList.remove('leadgate-msg--error', 'leadgate-msg--advice');
    if (!reason) {
      el.removeAttribute('aria-invalid');
      describe(el, slot.id, false);
      return null;
    }
    const advice = ADVICE.has(reason.code);
    slot.classList.add(advice ? 'leadgate-msg--advice' : 'leadgate-msg--error');
    if (advice) el.removeAttribute('aria-invalid'); else el.setAttribute('aria-invalid', 'true');
    describe(el, slot.id, true);
    const suggestion = suggestionOf(reason, assessment, ctx);
    let text;
    if (reason.code === 'SYN03' && suggestion) {
      const lead = msg('did_you_mean');
      slot.append(`${lead} `);
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'leadgate-suggest';
      btn.setAttribute('data-leadgate-suggestion', suggestion);
      btn.textContent = `${suggestion}?`;
      slot.append(btn);
      text = `${lead} ${suggestion}?`;
    } else {
      text = msg(reason.code) || reason.message || msg('field_fallback');
      slot.textContent = text;
    }
    return text;
  }

  function suggestionOf(reason, assessment, ctx) {
    if (reason.code !== 'SYN03') return null;
    const s = (reason.suggestion) || (assessment && assessment.email && assessment.email.suggestion);
    if (typeof s !== 'string' || !s) return null;
    if (s.includes('@')) return s;
    const typed = ctx.map.email ? clean(ctx.map.email.value, 'email') : '';
    const at = typed.lastIndexOf('@');
    return at > 0 ? `${typed.slice(0, at)}@${s}` : null;
  }

  /**
   * Renders reasons onto fields. `fields`: which fields may change (blur: the touched
   * ones; submit: all). Missing-value reasons only once the person has tried to send.
   */
  function render(ctx, reasons, assessment, fields) {
    const byField = {};
    const general = [];
    const address = ADDRESS_FIELDS.filter((f) => ctx.map[f]);
    const addressDone = address.every((f) => ctx.touched.has(f));
    for (const r of reasons) {
      if (!ctx.submitted && MISSING.has(r.code)) continue;
      // An address is judged as a whole: only once every part has been filled in.
      if (!ctx.submitted && r.code.startsWith('ADR') && !addressDone) continue;
      const f = fieldForCode(r.code, ctx.map);
      if (f) { if (!byField[f]) byField[f] = r; } else general.push(r);
    }
    const announced = [];
    for (const f of Object.keys(ctx.map)) {
      if (!fields.has(f)) continue;
      const t = showField(ctx, f, byField[f] || null, assessment);
      if (t) announced.push(t);
    }
    return { announced, general, invalid: Object.keys(byField).filter((f) => fields.has(f)) };
  }

  function setStatus(ctx, text, kind) {
    ctx.status.textContent = '';
    ctx.status.className = `leadgate-status${kind ? ` leadgate-status--${kind}` : ''}`;
    if (text) ctx.status.append(text);
  }

  // ---------------------------------------------------------------- events

  function onBlur(ctx, e) {
    ctx.map = mapFields(ctx.form);
    const field = Object.keys(ctx.map).find((f) => ctx.map[f] === e.target);
    if (!field || ctx.done) return;
    const value = field === 'consent' ? '' : clean(e.target.value, field);
    if (value || field === 'consent') ctx.touched.add(field);
    if (!wasmNow) return;
    const assessment = assessLocal(wasmNow, gather(ctx));
    if (!assessment) return;
    if (field === 'phone') formatPhone(ctx.map.phone, assessment);
    const { announced } = render(ctx, normaliseReasons(assessment.reasons), assessment, ctx.touched);
    if (announced.length) announce(ctx, announced.join(' '));
  }

  /** Reward early: a field showing a message re-checks while the person fixes it. */
  function onInput(ctx, e) {
    const field = Object.keys(ctx.map).find((f) => ctx.map[f] === e.target);
    if (!field || !ctx.shown[field] || !wasmNow) return;
    clearTimeout(ctx.timers[field]);
    ctx.timers[field] = setTimeout(() => {
      const assessment = assessLocal(wasmNow, gather(ctx));
      if (!assessment) return;
      const reasons = normaliseReasons(assessment.reasons);
      const still = reasons.some((r) => fieldForCode(r.code, ctx.map) === field && (ctx.submitted || !MISSING.has(r.code)));
      if (!still) showField(ctx, field, null, assessment);
    }, 300);
  }

  function onClick(ctx, e) {
    const btn = e.target instanceof Element && e.target.closest('.leadgate-suggest');
    if (btn && ctx.form.contains(btn)) {
      const value = btn.getAttribute('data-leadgate-suggestion');
      const el = ctx.map.email;
      if (!el || !value) return;
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      el.focus();
      const assessment = assessLocal(wasmNow, gather(ctx));
      if (assessment) render(ctx, normaliseReasons(assessment.reasons), assessment, new Set(['email']));
      else showField(ctx, 'email', null, null);
      announce(ctx, msg('suggestion_applied', { value }));
      return;
    }
    const book = e.target instanceof Element && e.target.closest('.leadgate-book');
    if (book && ctx.form.contains(book)) emit(ctx, 'leadgate:booked', { booking_url: book.href });
  }

  /** US numbers get (AAA) BBB-CCCC, only on blur, so the caret is never moved under the person. */
  function formatPhone(el, assessment) {
    if (!el || el.getAttribute('data-leadgate-format') === 'off' || document.activeElement === el) return;
    const p = assessment.phone;
    const m = p && p.valid && typeof p.e164 === 'string' && /^\+1(\d{3})(\d{3})(\d{4})$/.exec(p.e164);
    if (!m) return;
    const formatted = `(${m[1]}) ${m[2]}-${m[3]}`;
    if (el.value !== formatted && !/^\s*\+/.test(el.value)) el.value = formatted;
  }

  function emit(ctx, name, detail) {
    ctx.form.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
  }

  function publishVerdict(ctx, lane, reasons, source, bookingUrl) {
    const codes = reasons.map((r) => r.code);
    emit(ctx, 'leadgate:verdict', { lane, reasons: codes, source, booking_url: bookingUrl || null });
    if (lane === 'block') emit(ctx, 'leadgate:blocked', { reasons: codes, source });
    if (config.data_layer !== false && Array.isArray(window.dataLayer)) {
      window.dataLayer.push({ event: 'leadgate_verdict', leadgate_lane: lane, leadgate_reasons: codes.join(','), leadgate_source: source });
    }
  }

  function focusFirstInvalid(ctx, fields) {
    const el = Object.keys(ctx.map).filter((f) => fields.includes(f)).map((f) => ctx.map[f])[0];
    if (el) el.focus();
  }

  async function onSubmit(ctx, e) {
    e.preventDefault(); // with JavaScript we send JSON; without it the browser posts the form
    if (ctx.busy || ctx.done) return; // a double click sends once
    ctx.busy = true;
    ctx.form.setAttribute('aria-busy', 'true');
    ctx.submitted = true;
    let slow;
    try {
      ctx.map = mapFields(ctx.form);
      for (const f of Object.keys(ctx.map)) ctx.touched.add(f);
      const lead = gather(ctx);
      const wasm = await withTimeout(wasmReady, WASM_WAIT_MS, null);
      const local = assessLocal(wasm, lead);
      if (local) {
        const reasons = normaliseReasons(local.reasons);
        const view = render(ctx, reasons, local, new Set(Object.keys(ctx.map)));
        if (local.lane === 'block') {
          // Fixable in the page: nothing is sent (the edge would block it too).
          setStatus(ctx, msg('fix_fields'), 'error');
          publishVerdict(ctx, 'block', reasons, 'browser');
          focusFirstInvalid(ctx, view.invalid);
          return;
        }
      }
      setStatus(ctx, msg('sending'), 'busy');
      const token = await ctx.bot.token((fraction) => {
        setStatus(ctx, msg('bot_progress', { percent: Math.floor(fraction * 100) }), 'busy');
      });
      setStatus(ctx, msg('sending'), 'busy');
      slow = setTimeout(() => setStatus(ctx, msg('still_sending'), 'busy'), STILL_SENDING_MS);
      if (!ctx.submissionId) ctx.submissionId = randomId();
      // The edge's flat body (worker/src/submission.rs); unknown keys are ignored there.
      const body = await postLead(Object.assign({}, lead, {
        site: SITE,
        bot_token: token || null,
        page_url: clean(location.href, 'page_url'),
        surface: ctx.action,
        submission_id: ctx.submissionId,
      }));
      clearTimeout(slow);
      showResult(ctx, body);
    } catch (err) {
      clearTimeout(slow);
      console.warn('[leadgate] submission failed:', err && err.message);
      setStatus(ctx, msg(err && err.rejected ? (err.status === 429 ? 'rate_limited' : 'rejected') : 'network_error'), 'error');
    } finally {
      ctx.busy = false;
      ctx.form.removeAttribute('aria-busy');
    }
  }

  function randomId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  /** POST once, retry once on a network error, a timeout, a 5xx or a non-JSON answer. */
  async function postLead(payload) {
    let last;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt) await sleep(RETRY_DELAY_MS);
      try {
        const r = await fetchWithTimeout(`${ENDPOINT}/v1/leads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(payload),
          credentials: 'omit',
        }, SUBMIT_TIMEOUT_MS);
        const type = r.headers.get('content-type') || '';
        const body = type.includes('json') ? await r.json().catch(() => null) : null;
        if (body && typeof body.lane === 'string') return body;
        last = new Error(`unexpected answer: HTTP ${r.status} ${type}`);
        if (body && typeof body.error === 'string' && r.status >= 400 && r.status < 500) {
          // The edge refused the request itself (`{error, message}`): retrying won't help.
          last = Object.assign(new Error(`${body.error}: ${body.message}`), { rejected: true, status: r.status });
          throw last;
        }
      } catch (err) {
        if (err && err.rejected) throw err;
        last = err;
      }
    }
    throw last;
  }

  function bookingUrl(raw) {
    if (typeof raw !== 'string' || !raw) return null;
    try {
      const u = new URL(raw, ENDPOINT ? `${ENDPOINT}/` : location.href);
      // Only the edge's single-lead gate is ever shown, never a calendar URL.
      if (u.origin !== BOOK_PREFIX.origin || !u.pathname.startsWith(BOOK_PREFIX.pathname)) return null;
      return u.href;
    } catch (_) { return null; }
  }

  function showResult(ctx, body) {
    const reasons = normaliseReasons(body.reasons);
    if (body.lane === 'block') {
      const view = render(ctx, reasons, null, new Set(Object.keys(ctx.map)));
      const general = view.general.map((r) => msg(r.code) || r.message).filter(Boolean);
      setStatus(ctx, [msg('blocked'), ...general].join(' '), 'error');
      publishVerdict(ctx, 'block', reasons, 'edge');
      focusFirstInvalid(ctx, view.invalid);
      ctx.submissionId = null; // a corrected lead is a new submission
      return;
    }
    ctx.done = true;
    const url = body.lane === 'fast_track' ? bookingUrl(body.booking_url) : null;
    setStatus(ctx, url ? msg('fast_track') : msg('thanks'), 'done');
    if (url) {
      const a = document.createElement('a');
      a.className = 'leadgate-book';
      a.href = url;
      a.textContent = msg('book');
      ctx.status.append(' ', a);
    }
    if (config.hide_form_on_success !== false) ctx.form.classList.add('leadgate-done');
    ctx.status.focus();
    publishVerdict(ctx, body.lane, reasons, 'edge', url);
  }

  // ---------------------------------------------------------------- bot defense

  function makeBot(ctx) {
    const bot = config.bot || {};
    const kind = bot.type || 'none';
    if (kind === 'pow') return powBot();
    if (kind === 'turnstile') return turnstileBot(ctx, bot);
    if (kind === 'recaptcha_v3') return recaptchaBot(ctx, bot, false);
    if (kind === 'recaptcha_enterprise') return recaptchaBot(ctx, bot, true);
    return { warm() {}, token: async () => null };
  }

  function loadScriptOnce(src) {
    loadScriptOnce.cache = loadScriptOnce.cache || {};
    if (!loadScriptOnce.cache[src]) {
      loadScriptOnce.cache[src] = new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = src;
        s.async = true;
        s.onload = resolve;
        s.onerror = () => reject(new Error(`could not load ${src}`));
        document.head.appendChild(s);
      });
    }
    return loadScriptOnce.cache[src];
  }

  /** Leadgate's own proof-of-work: challenge from the edge, solved in a Web Worker. */
  function powBot() {
    let pending = null;
    let listener = null;
    const solve = async () => {
      const r = await fetchWithTimeout(`${ENDPOINT}/v1/challenge?site=${encodeURIComponent(SITE)}`,
        { headers: { accept: 'application/json' }, credentials: 'omit' }, CONFIG_TIMEOUT_MS);
      const c = await r.json();
      if (!c || typeof c.challenge !== 'string') throw new Error('no challenge');
      const nonce = await solvePow(c.challenge, Number(c.difficulty) || 0, (f) => listener && listener(f));
      const exp = Number(c.expires_at) || 0;
      return { token: `pow:${c.challenge}:${nonce}`, expiresMs: exp < 1e12 ? exp * 1000 : exp };
    };
    const warm = () => { if (!pending) pending = solve().catch(() => null); return pending; };
    return {
      warm,
      async token(onProgress) {
        listener = onProgress;
        let t = await withTimeout(warm(), BOT_TIMEOUT_MS, null);
        pending = null;
        if (t && t.expiresMs && t.expiresMs - 5000 < Date.now()) t = await withTimeout(warm(), BOT_TIMEOUT_MS, null);
        pending = null; // a challenge is single-use: the next submission gets a fresh one
        listener = null;
        return t ? t.token : null;
      },
    };
  }

  function solvePow(challenge, difficulty, onProgress) {
    return new Promise((resolve, reject) => {
      let worker;
      const fallback = () => { if (worker) worker.terminate(); solvePowHere(challenge, difficulty, onProgress).then(resolve, reject); };
      try {
        worker = new Worker(`${BASE}leadgate-pow.js`, { type: 'module' }); // same origin only
      } catch (_) {
        fallback();
        return;
      }
      worker.onmessage = (e) => {
        const m = e.data || {};
        if (m.type === 'progress') onProgress(m.fraction);
        else if (m.type === 'done') { worker.terminate(); resolve(m.nonce); } else if (m.type === 'error') fallback();
      };
      worker.onerror = (e) => { e.preventDefault(); fallback(); };
      worker.postMessage({ challenge, difficulty });
    });
  }

  /** Cross-origin snippet (no same-origin worker): solve on this thread in short slices. */
  async function solvePowHere(challenge, difficulty, onProgress) {
    const pow = await loadPow();
    const slice = 16384; // a few ms of hashing, so typing stays smooth
    const expected = 2 ** difficulty;
    for (let start = 0; start < Number.MAX_SAFE_INTEGER; start += slice) {
      const n = pow.powSolve(challenge, difficulty, start, slice);
      if (n !== undefined) return n;
      onProgress(1 - Math.exp(-(start + slice) / expected));
      await sleep(0);
    }
    throw new Error('no nonce');
  }

  /**
   * The proof-of-work module (pkg/leadgate_pow*, not part of the checks build), loaded the
   * first time this thread has to solve: pages that never solve here never download it.
   */
  let powModule = null;
  function loadPow() {
    if (!powModule) {
      powModule = import(`${BASE}pkg/leadgate_pow.js`).then(async (mod) => {
        await mod.default({ module_or_path: `${BASE}pkg/leadgate_pow_bg.wasm` });
        return mod;
      });
      powModule.catch(() => { powModule = null; }); // the next challenge tries again
    }
    return powModule;
  }

  /** Cloudflare Turnstile, explicit render, executed on submit. */
  function turnstileBot(ctx, bot) {
    const src = bot.script_url || 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
    let widget = null;
    let waiting = null;
    const box = document.createElement('div');
    box.className = 'leadgate-turnstile';
    ctx.form.insertBefore(box, ctx.status);
    const warm = () => loadScriptOnce(src).then(() => {
      if (widget === null && window.turnstile) {
        widget = window.turnstile.render(box, {
          sitekey: bot.site_key, action: ctx.action, execution: 'execute',
          appearance: bot.appearance || 'interaction-only', size: bot.size || 'flexible',
          callback: (t) => waiting && waiting(t),
          'error-callback': () => waiting && waiting(null),
          'expired-callback': () => widget !== null && window.turnstile.reset(widget),
        });
      }
    }).catch(() => null);
    return {
      warm,
      async token() {
        await withTimeout(warm(), BOT_TIMEOUT_MS, null);
        if (widget === null) return null;
        const t = await withTimeout(new Promise((r) => { waiting = r; window.turnstile.execute(box); }), BOT_TIMEOUT_MS, null);
        waiting = null;
        window.turnstile.reset(widget); // single-use tokens: be ready for a corrected resubmit
        return t;
      },
    };
  }

  /** reCAPTCHA v3 (or Enterprise): `execute` with an action per surface (data-leadgate-action). */
  function recaptchaBot(ctx, bot, enterprise) {
    const key = bot.site_key || '';
    const src = bot.script_url || `https://www.google.com/recaptcha/${enterprise ? 'enterprise' : 'api'}.js?render=${encodeURIComponent(key)}`;
    const warm = () => loadScriptOnce(src).catch(() => null);
    return {
      warm,
      async token() {
        await withTimeout(warm(), BOT_TIMEOUT_MS, null);
        const g = window.grecaptcha && (enterprise ? window.grecaptcha.enterprise : window.grecaptcha);
        if (!g) return null;
        const run = new Promise((r) => g.ready(r)).then(() => g.execute(key, { action: ctx.action.replace(/[^A-Za-z0-9/_]/g, '_') }));
        return withTimeout(run.catch(() => null), BOT_TIMEOUT_MS, null);
      },
    };
  }
})();
