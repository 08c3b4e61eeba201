/*! leadgate-pow.js: Leadgate's proof-of-work, solved off the main thread (module Web Worker).
 * Message in: {challenge, difficulty}. Out: {type: 'progress', fraction} (the chance a
 * solver would have finished by now, so the bar moves honestly), then {type: 'done', nonce}
 * or {type: 'error', message}. `?wasm=leadgate_wasm_nanp` in the worker's URL loads the same
 * checks build as the page (so a US/CA page downloads one build, not two).
 */
const NAME = new URL(import.meta.url).searchParams.get('wasm') === 'leadgate_wasm_nanp'
  ? 'leadgate_wasm_nanp' : 'leadgate_wasm';
let wasm = null;

const SLICE = 8192; // ~10-40 ms of hashing between progress reports

self.onmessage = async (event) => {
  const { challenge, difficulty } = event.data || {};
  try {
    if (!wasm) {
      wasm = await import(`./pkg/${NAME}.js`);
      await wasm.default({ module_or_path: new URL(`./pkg/${NAME}_bg.wasm`, import.meta.url) });
    }
    const { powSolve } = wasm;
    const expected = 2 ** Math.max(0, Number(difficulty) || 0);
    for (let start = 0; start < Number.MAX_SAFE_INTEGER; start += SLICE) {
      const nonce = powSolve(String(challenge), Number(difficulty) || 0, start, SLICE);
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
