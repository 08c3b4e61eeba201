//! leadgate-pow: the work of Leadgate's self-hosted proof-of-work, and its solver.
//!
//! A nonce's work for a challenge is the number of leading zero bits of
//! `SHA-256(challenge + ":" + nonce)`, the nonce written in decimal. The edge verifies a
//! solution with [`work`] (through `leadgate_protocol::pow`, which mints and signs the
//! challenges); the browser searches for one with [`solve`] (through `leadgate-pow-wasm`).
//! One definition for both sides, so they cannot drift apart.
//!
//! `no_std` with no allocation and no dependency but `sha2`, so the browser's
//! proof-of-work module stays a few kilobytes and pages that use another bot check never
//! download SHA-256 at all.
//!
//! ```
//! let nonce = leadgate_pow::solve("abc.def", 8, 0, 1_000).expect("8 bits within 1,000 tries");
//! assert_eq!(nonce, 125);
//! assert!(leadgate_pow::work("abc.def", nonce) >= 8);
//! ```
#![no_std]

use sha2::{Digest, Sha256};

/// Leading zero bits of SHA-256(`challenge` + ":" + `nonce`).
pub fn work(challenge: &str, nonce: u64) -> u32 {
    work_after(&prefix(challenge), nonce)
}

/// Tries nonces `start..start + max_steps`; the first that meets `difficulty`, if any.
/// The browser calls it in slices so the page stays responsive.
pub fn solve(challenge: &str, difficulty: u32, start: u64, max_steps: u64) -> Option<u64> {
    // The challenge is hashed once; each nonce only finishes a copy of that state.
    let prefix = prefix(challenge);
    (start..start.saturating_add(max_steps)).find(|&nonce| work_after(&prefix, nonce) >= difficulty)
}

/// The number of zero bits before the first one bit of `bytes`, most significant first.
pub fn leading_zero_bits(bytes: &[u8]) -> u32 {
    let mut bits = 0;
    for &byte in bytes {
        if byte != 0 {
            return bits + byte.leading_zeros();
        }
        bits += 8;
    }
    bits
}

/// SHA-256 state after `challenge` + ":".
fn prefix(challenge: &str) -> Sha256 {
    Sha256::new()
        .chain_update(challenge.as_bytes())
        .chain_update(b":")
}

/// [`work`] from the state [`prefix`] left.
fn work_after(prefix: &Sha256, nonce: u64) -> u32 {
    let mut digits = [0; 20];
    let digest = prefix
        .clone()
        .chain_update(decimal(nonce, &mut digits))
        .finalize();
    leading_zero_bits(&digest)
}

/// `n` in decimal ASCII, written into the end of `buf` (20 digits hold `u64::MAX`): what
/// `n.to_string()` gives, without an allocation or `core::fmt`.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

#[cfg(test)]
mod tests;
