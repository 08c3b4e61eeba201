/*! leadgate-pow.js: Leadgate's proof-of-work, solved off the main thread (module Web Worker).
 * Message in: {challenge, difficulty}. Out: {type: 'progress', fraction} (the chance a
 * solver would have finished by now, so the bar moves honestly), then {type: 'done', nonce}
 * or {type: 'error', message}. It loads pkg/leadgate_pow*, the proof-of-work module alone
 * (a few KB), whichever checks build the page runs. Snippets from before that module named
 * their checks build in this worker's URL (`?wasm=leadgate_wasm_nanp`); the parameter is
 * ignored, so a page still running such a cached leadgate.js gets a worker that works.
 */
let pow = null;

// ~7-10 ms of hashing between progress reports on a laptop (3-5 million nonces a second in
// V8), a few times that on a slow phone.
const SLICE = 32768;

self.onmessage = async (event) => {
  const { challenge, difficulty } = event.data || {};
  try {
    if (!pow) {
      const mod = await import('./pkg/leadgate_pow.js');
      await mod.default({ module_or_path: new URL('./pkg/leadgate_pow_bg.wasm', import.meta.url) });
      pow = mod;
    }
    const expected = 2 ** Math.max(0, Number(difficulty) || 0);
    for (let start = 0; start < Number.MAX_SAFE_INTEGER; start += SLICE) {
      const nonce = pow.powSolve(String(challenge), Number(difficulty) || 0, start, SLICE);
      if (nonce !== undefined) {
        self.postMessage({ type: 'done', nonce });
        return;
      }
      self.postMessage({ type: 'progress', fraction: 1 - Math.exp(-(start + SLICE) / expected) });
    }
    self.postMessage({ type: 'error', message: 'no nonce found' });
  } catch (err) {
    self.postMessage({ type: 'error', message: String(err && err.message) });
  }
};
