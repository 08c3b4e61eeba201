// The Worker's module entry: a WorkerEntrypoint whose fetch calls the Rust `fetch`,
// plus the Durable Object classes exported by wasm-bindgen. Copied into worker/build/
// by scripts/build-worker.sh next to the generated glue.
import { WorkerEntrypoint } from "cloudflare:workers";
import * as glue from "./leadgate_worker.js";

export { Gate, Limiter, Outbox } from "./leadgate_worker.js";

export default class extends WorkerEntrypoint {
  async fetch(request) {
    return glue.fetch(request, this.env, this.ctx);
  }
}
