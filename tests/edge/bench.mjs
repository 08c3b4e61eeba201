// Edge benchmark. Run with `node tests/edge/bench.mjs` from the repository root after
// scripts/build-worker.sh. Prints warm p50/p99 per request for several routes (measured
// at the caller, through Miniflare's local HTTP hop into workerd), the first request in
// a fresh isolate, and the upload size (raw, gzip, brotli). Not a test: no assertions.
import { performance } from "node:perf_hooks";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync, brotliCompressSync } from "node:zlib";
import { join } from "node:path";
import os from "node:os";
import { startEdge, GOOD } from "./harness.mjs";
import { startBackend, startVerifiers } from "./standins.mjs";

const N = Number(process.env.BENCH_N ?? 400);
const COLD = Number(process.env.BENCH_COLD ?? 5);

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (ms) => `${ms.toFixed(2)} ms`;

async function measure(name, fn) {
  for (let i = 0; i < 30; i++) await fn(i); // warm-up
  const times = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, n: N, p50: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1] };
}

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const backend = await startBackend();
const verifiers = await startVerifiers();
const results = [];

// Cold: a fresh Miniflare (fresh workerd process and isolate) per sample.
const cold = [];
const coldHealth = [];
const ready = [];
for (let i = 0; i < COLD; i++) {
  for (const first of ["lead", "health"]) {
    const t0 = performance.now();
    const edge = await startEdge({ backend, verifiers });
    const t1 = performance.now();
    const res = first === "lead" ? await edge.postLead({ site: "open", ...GOOD }) : await edge.fetch("/healthz");
    await res.arrayBuffer();
    (first === "lead" ? cold : coldHealth).push(performance.now() - t1);
    ready.push(t1 - t0);
    await edge.dispose();
  }
}
for (const a of [cold, coldHealth, ready]) a.sort((x, y) => x - y);

const edge = await startEdge({ backend, verifiers, vars: { LEADGATE_RATE_PER_IP: "1000000", LEADGATE_RATE_PER_SITE: "1000000" } });
const drain = async (res) => { await res.arrayBuffer(); if (res.status !== 200) throw new Error(`status ${res.status}`); };
results.push(await measure("GET /healthz", async () => drain(await edge.fetch("/healthz"))));
results.push(await measure("GET /v1/config/<site>", async () => drain(await edge.fetch("/v1/config/open"))));
results.push(await measure("POST /v1/leads blocked (SYN01, no bot)", async () => drain(await edge.postLead({ site: "open", ...GOOD, email: "nope" }))));
results.push(await measure("POST /v1/leads fast_track (no bot; limiter DO + booking token + forward)", async () => drain(await edge.postLead({ site: "open", ...GOOD }))));
results.push(await measure("POST /v1/leads fast_track + Turnstile siteverify (local stand-in)", async () => drain(await edge.postLead({ site: "ts", ...GOOD, bot_token: "ok" }))));
await edge.dispose();
backend.close();
verifiers.close();

const build = "worker/build";
const wasm = readFileSync(join(build, "leadgate_worker_bg.wasm"));
const all = Buffer.concat(files(build).filter((f) => !f.endsWith(".sha256")).map((f) => readFileSync(f)));
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

console.log(`# Edge benchmark (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs ${os.cpus()[0]?.model ?? ""}, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")})`);
console.log(`\n| request (warm, n=${N}) | p50 | p99 | max |\n|---|---|---|---|`);
for (const r of results) console.log(`| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} |`);
console.log(`\nFirst request in a fresh isolate (n=${COLD} each): POST /v1/leads median ${fmt(pct(cold, 50))} (max ${fmt(cold[cold.length - 1])}); GET /healthz median ${fmt(pct(coldHealth, 50))}; Miniflare start to ready: median ${fmt(pct(ready, 50))}`);
console.log(`\n| upload | raw | gzip -9 | brotli |\n|---|---|---|---|`);
console.log(`| wasm | ${kb(wasm.length)} | ${kb(gzipSync(wasm, { level: 9 }).length)} | ${kb(brotliCompressSync(wasm).length)} |`);
console.log(`| all files (wasm + glue + shim) | ${kb(all.length)} | ${kb(gzipSync(all, { level: 9 }).length)} | ${kb(brotliCompressSync(all).length)} |`);
