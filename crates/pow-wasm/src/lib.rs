//! leadgate-pow-wasm: the browser's proof-of-work module, `powSolve` and nothing else.
//!
//! Bindings only: the work and the solver are `leadgate-pow`'s, the definition the edge
//! verifies with. `scripts/build-wasm.sh` builds it into `www/pkg/leadgate_pow.js` +
//! `leadgate_pow_bg.wasm`; the Web Worker `www/leadgate-pow.js` loads it, and
//! `www/leadgate.js` loads it on the page's own thread only when a worker cannot run. A
//! page whose site uses another bot check, or none, never downloads it, and the checks
//! module carries no SHA-256.
//!
//! `no_std` in wasm, as the phone engine's size harness is built (tests/size/harness): a
//! panic handler that traps instead of std's, which would link `core::fmt` to format its
//! message, and dlmalloc, std's own wasm allocator, for the challenge string wasm-bindgen
//! copies in. Natively (tests, clippy) std provides both.
//!
//! ```
//! use leadgate_pow_wasm::pow_solve;
//! assert_eq!(pow_solve("abc.def", 8, 0.0, 1_000), Some(125.0));
//! assert_eq!(pow_solve("abc.def", 8, 126.0, 200), None);
//! ```
#![no_std]

#[cfg(not(target_arch = "wasm32"))]
extern crate std;

use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// `powSolve(challenge, difficulty, start, maxSteps) -> nonce | undefined`: tries nonces
/// `start..start + maxSteps` (see `leadgate_pow::solve`). The Web Worker calls it in
/// slices so it can report progress. Nonces travel as f64: exact below 2^53, far beyond
/// any difficulty the edge mints. A `start` that is not a positive number (NaN, negative,
/// infinite) means 0; a fractional one is rounded down.
#[wasm_bindgen(js_name = powSolve)]
pub fn pow_solve(challenge: &str, difficulty: u32, start: f64, max_steps: u32) -> Option<f64> {
    let start = if start.is_finite() && start > 0.0 {
        start as u64
    } else {
        0
    };
    leadgate_pow::solve(challenge, difficulty, start, u64::from(max_steps))
        .map(|nonce| nonce as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    // "abc.def": nonce 125 is the first with 8 zero bits, 422 the next (leadgate-pow's tests).

    #[test]
    fn finds_what_the_solver_finds() {
        assert_eq!(pow_solve("abc.def", 8, 0.0, 1_000), Some(125.0));
        assert_eq!(pow_solve("abc.def", 8, 126.0, 1_000), Some(422.0));
        let nonce = pow_solve("abc.def", 12, 0.0, 1 << 16).expect("12 bits within 65,536 tries");
        assert!(leadgate_pow::work("abc.def", nonce as u64) >= 12);
        assert_eq!(pow_solve("abc.def", 12, nonce, 1), Some(nonce));
    }

    #[test]
    fn a_start_that_is_not_a_positive_number_means_zero() {
        for start in [f64::NAN, -1.0, -0.0, f64::NEG_INFINITY, f64::INFINITY] {
            assert_eq!(
                pow_solve("abc.def", 8, start, 1_000),
                Some(125.0),
                "{start}"
            );
        }
    }

    #[test]
    fn a_fractional_start_is_rounded_down() {
        assert_eq!(pow_solve("abc.def", 8, 124.9, 2), Some(125.0));
        assert_eq!(pow_solve("abc.def", 8, 125.5, 1), Some(125.0));
    }

    #[test]
    fn the_window_is_max_steps_long() {
        assert_eq!(pow_solve("abc.def", 8, 0.0, 0), None, "no steps");
        assert_eq!(
            pow_solve("abc.def", 8, 0.0, 125),
            None,
            "ends just before 125"
        );
        assert_eq!(pow_solve("abc.def", 8, 0.0, 126), Some(125.0));
        assert_eq!(pow_solve("abc.def", 0, 7.0, 1), Some(7.0));
    }

    #[test]
    fn the_largest_starts() {
        // Far beyond any difficulty the edge mints: 2^53 is still exact as f64.
        let start = 2f64.powi(53);
        let nonce = pow_solve("abc.def", 0, start, 1).expect("difficulty 0 takes the first");
        assert_eq!(nonce, start);
        assert_eq!(
            pow_solve("abc.def", 0, 1e300, u32::MAX),
            None,
            "past u64: an empty window"
        );
    }
}
