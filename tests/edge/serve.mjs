// Serves the built Worker (worker/build/) from workerd through Miniflare's Node API on a
// fixed port, with no wrangler dev proxy in front, so a client outside node (the Rust
// edgebench) can time the Worker alone. Not a test.
//
// Run with (after scripts/build-worker.sh):
//   node tests/edge/serve.mjs [port] [build dir]      # default 8788, worker/build
//
// Sites are the test harness's plus `demo-pow` as wrangler.toml configures it (origin
// http://127.0.0.1:8000), so `edgebench` runs unchanged against it. The per-site limit is
// raised (LEADGATE_RATE_PER_SITE, default 1000000) so a long run is not capped by it; the
// Limiter Durable Object is still called for every lead. Ctrl-C (SIGINT/SIGTERM) stops it.
import { startEdge, SITES } from "./harness.mjs";
import { startBackend, startVerifiers } from "./standins.mjs";

const port = Number(process.argv[2] ?? 8788);
const build = process.argv[3] ?? "worker/build";
const backend = await startBackend();
const verifiers = await startVerifiers();
const sites = {
  ...SITES,
  "demo-pow": {
    origins: ["http://127.0.0.1:8000", "http://localhost:8000"],
    campaign: "home-solar",
    bot: { type: "pow", difficulty: 14 },
    mode: "shadow",
    fail: "open",
  },
};
const edge = await startEdge({
  backend,
  verifiers,
  sites,
  port,
  scriptPath: `${build}/shim.mjs`,
  vars: {
    LEADGATE_RATE_PER_IP: process.env.LEADGATE_RATE_PER_IP ?? "120",
    LEADGATE_RATE_PER_SITE: process.env.LEADGATE_RATE_PER_SITE ?? "1000000",
  },
});
console.log(`serve: ${build} on http://127.0.0.1:${port}`);
const stop = async () => {
  await edge.dispose();
  backend.close();
  verifiers.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
