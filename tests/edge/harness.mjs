// Runs the built Worker (worker/build/) in workerd through Miniflare, with every outbound
// URL pointed at the local stand-ins from standins.mjs.
import { Miniflare, Log, LogLevel } from "miniflare";
import { SECRETS } from "./standins.mjs";

export const ORIGIN = "https://acme.test";
export const EDGE = "http://edge.test";

const turnstile = (extra = {}) => ({
  origins: [ORIGIN], campaign: "spring", calendar_url: "https://cal.com/acme/intro",
  bot: { type: "turnstile", site_key: "1x00000000000000000000AA", secret: "TS_SECRET", action: "lead", hostnames: ["acme.test"] },
  ...extra,
});

export const SITES = {
  ts: turnstile(),
  "ts-closed": turnstile({ fail: "closed" }),
  "ts-shadow": turnstile({ mode: "shadow" }),
  "ts-shadow-closed": turnstile({ mode: "shadow", fail: "closed" }),
  "ts-badsecret": turnstile({ bot: { type: "turnstile", site_key: "k", secret: "TS_WRONG_SECRET", action: "lead" } }),
  rc: {
    origins: [ORIGIN], campaign: "spring",
    bot: { type: "recaptcha_v3", site_key: "rc-site", secret: "RC_SECRET", action: "lead", hostnames: ["acme.test"] },
    thresholds: { default: 0.5, demo_request: 0.8 },
  },
  ent: {
    origins: [ORIGIN], campaign: "spring",
    bot: { type: "recaptcha_enterprise", site_key: "ent-site", project_id: "P", api_key: "ENT_KEY", action: "lead", hostnames: ["acme.test"] },
    thresholds: { default: 0.5 },
  },
  pow: { origins: [ORIGIN], campaign: "spring", bot: { type: "pow", difficulty: 8 }, calendar_url: "https://calendly.com/acme/30min" },
  open: { origins: [ORIGIN], campaign: "spring", bot: { type: "none" }, calendar_url: "https://calendly.com/acme/30min" },
  nojs: { origins: [ORIGIN], campaign: "spring", bot: { type: "none" }, thanks_url: "https://acme.test/thanks" },
  nocal: { origins: [ORIGIN], campaign: "spring", bot: { type: "none" } },
};

/** Starts a Miniflare instance for the built worker. `vars` override the defaults; `port`
 * fixes the listening port (else any free one); `scriptPath` picks another build;
 * `options` are extra Miniflare options (e.g. `ratelimits`, `durableObjectsPersist`). */
export async function startEdge({ verifiers, backend, vars = {}, sites = SITES, port, scriptPath = "worker/build/shim.mjs", options = {} } = {}) {
  const mf = new Miniflare({
    ...options,
    ...(port ? { host: "127.0.0.1", port } : {}),
    // EDGE_LOG=1 shows the Worker's console output while debugging a test.
    ...(process.env.EDGE_LOG ? { log: new Log(LogLevel.DEBUG) } : {}),
    modules: true,
    scriptPath,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-20",
    cf: false, // no download of the Request.cf placeholder
    durableObjects: { GATE: "Gate", LIMITER: "Limiter", OUTBOX: "Outbox" },
    bindings: {
      LEADGATE_SITES: JSON.stringify(sites),
      LEADGATE_BACKEND_URL: backend?.url ?? "http://127.0.0.1:9",
      LEADGATE_TURNSTILE_URL: `${verifiers?.url ?? "http://127.0.0.1:9"}/turnstile/v0/siteverify`,
      LEADGATE_RECAPTCHA_URL: `${verifiers?.url ?? "http://127.0.0.1:9"}/recaptcha/api/siteverify`,
      LEADGATE_RECAPTCHA_ENTERPRISE_URL: `${verifiers?.url ?? "http://127.0.0.1:9"}/recaptcha-enterprise`,
      LEADGATE_EDGE_KEY_ID: "edge-1",
      LEADGATE_VERIFY_TIMEOUT_MS: "400",
      LEADGATE_BACKEND_TIMEOUT_MS: "500",
      LEADGATE_OUTBOX_BASE_MS: "100",
      LEADGATE_OUTBOX_MAX_MS: "400",
      LEADGATE_RATE_PER_IP: "1000",
      LEADGATE_RATE_PER_SITE: "100000",
      LEADGATE_EDGE_KEY: SECRETS.edge,
      LEADGATE_BOOKING_KEY: SECRETS.booking,
      LEADGATE_POW_KEY: SECRETS.pow,
      TS_SECRET: SECRETS.turnstile,
      TS_WRONG_SECRET: "not-the-secret",
      RC_SECRET: SECRETS.recaptcha,
      ENT_KEY: SECRETS.enterpriseKey,
      ...vars,
    },
  });
  await mf.ready;
  let ipCounter = 1;
  const nextIp = () => `198.51.100.${(ipCounter++ % 250) + 1}`;
  return {
    mf,
    /** Raw dispatch. */
    fetch: (path, init = {}) => mf.dispatchFetch(`${EDGE}${path}`, { redirect: "manual", ...init }),
    /** POST /v1/leads as JSON from the site's origin with a fresh IP unless given. */
    postLead: (body, { origin = ORIGIN, ip = nextIp(), headers = {} } = {}) =>
      mf.dispatchFetch(`${EDGE}/v1/leads`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/json", origin, "cf-connecting-ip": ip, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    dispose: () => mf.dispose(),
  };
}

/** A lead every check passes. */
export const GOOD = {
  email: "ada.lovelace@analytical-engines.com",
  phone: "+1 212 736 5000",
  first_name: "Ada",
  last_name: "Lovelace",
  consent: true,
  consent_text: "I agree to be contacted by Acme about my request.",
  page_url: "https://acme.test/demo",
};
