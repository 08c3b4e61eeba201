//! A binary fuse filter with 8-bit fingerprints (Graf and Lemire, "Binary Fuse
//! Filters: Fast and Smaller Than Xor Filters", 2022): an approximate set that never
//! forgets a member and wrongly admits a non-member with probability about 1/256, in
//! about 9.4 bits per entry.
//!
//! Used by the `compact-lists` feature for the disposable-domain list in the browser.
//! `build.rs` includes this same file to build the filter from the data file at compile
//! time, so the hash used to build and the hash used to query cannot drift apart.
//! Keys are hashed with a seeded FNV-1a over the bytes and a murmur3 finaliser: stable
//! across targets, versions and runs (unlike `std`'s `DefaultHasher`).

/// Shape of a filter: everything but the fingerprint bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuseParams {
    /// Seed mixed into every key hash (the one the construction succeeded with).
    pub seed: u64,
    /// Entries per segment (a power of two).
    pub segment_length: u32,
    /// `segment_count * segment_length`: the range of a key's first position.
    pub segment_count_length: u32,
}

/// Murmur3's 64-bit finaliser.
const fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The 64-bit hash of `key` under `seed`.
pub fn hash_key(key: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ mix(seed);
    for &b in key {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h ^ key.len() as u64)
}

/// The fingerprint stored for a hash.
const fn fingerprint(hash: u64) -> u8 {
    (hash ^ (hash >> 32)) as u8
}

/// The three slots of a hash: one in each of three consecutive segments.
fn positions(hash: u64, p: &FuseParams) -> [usize; 3] {
    let h0 = ((u128::from(hash) * u128::from(p.segment_count_length)) >> 64) as u64;
    let mask = u64::from(p.segment_length - 1);
    let h1 = (h0 + u64::from(p.segment_length)) ^ ((hash >> 18) & mask);
    let h2 = (h0 + 2 * u64::from(p.segment_length)) ^ (hash & mask);
    [h0 as usize, h1 as usize, h2 as usize]
}

/// True when `key` may be in the filter (always true for a member).
pub fn contains(params: &FuseParams, fingerprints: &[u8], key: &[u8]) -> bool {
    let hash = hash_key(key, params.seed);
    let [a, b, c] = positions(hash, params);
    match (
        fingerprints.get(a),
        fingerprints.get(b),
        fingerprints.get(c),
    ) {
        (Some(x), Some(y), Some(z)) => fingerprint(hash) ^ x ^ y ^ z == 0,
        _ => false,
    }
}

/// Sizes for `n` keys: (segment length, segment count, array length).
fn layout(n: usize) -> (u32, u32, usize) {
    let nf = n.max(2) as f64;
    let segment_length = (1u32 << ((nf.ln() / 3.33f64.ln() + 2.25).floor() as u32)).min(1 << 18);
    let size_factor = (0.875 + 0.25 * 1.0e6f64.ln() / nf.ln()).max(1.125);
    let capacity = (nf * size_factor).round() as usize;
    let seg = segment_length as usize;
    let segment_count = capacity.div_ceil(seg).saturating_sub(2).max(1);
    (
        segment_length,
        segment_count as u32,
        (segment_count + 2) * seg,
    )
}

/// Builds a filter over `keys` (which must be distinct), trying seeds from
/// `first_seed` on. Returns the shape and the fingerprint bytes, or `None` if 64 seeds
/// all failed to peel (only duplicate keys or a 64-bit hash collision cause that).
pub fn build(keys: &[&[u8]], first_seed: u64) -> Option<(FuseParams, Vec<u8>)> {
    let (segment_length, segment_count, array_len) = layout(keys.len());
    for attempt in 0..64u64 {
        let params = FuseParams {
            seed: first_seed.wrapping_add(attempt),
            segment_length,
            segment_count_length: segment_count * segment_length,
        };
        if let Some(fps) = try_build(keys, &params, array_len) {
            return Some((params, fps));
        }
    }
    None
}

/// One peeling attempt: every slot keeps a count and the xor of its keys' hashes;
/// slots holding one key are peeled until none are left.
fn try_build(keys: &[&[u8]], params: &FuseParams, array_len: usize) -> Option<Vec<u8>> {
    let hashes: Vec<u64> = keys.iter().map(|k| hash_key(k, params.seed)).collect();
    let mut count = vec![0u32; array_len];
    let mut xor = vec![0u64; array_len];
    for &h in &hashes {
        for slot in positions(h, params) {
            count[slot] += 1;
            xor[slot] ^= h;
        }
    }
    let mut queue: Vec<usize> = (0..array_len).filter(|&s| count[s] == 1).collect();
    let mut order: Vec<(u64, usize)> = Vec::with_capacity(hashes.len());
    while let Some(slot) = queue.pop() {
        if count[slot] != 1 {
            continue;
        }
        let h = xor[slot];
        order.push((h, slot));
        for other in positions(h, params) {
            count[other] -= 1;
            xor[other] ^= h;
            if count[other] == 1 {
                queue.push(other);
            }
        }
    }
    if order.len() != hashes.len() {
        return None;
    }
    let mut fps = vec![0u8; array_len];
    for &(h, slot) in order.iter().rev() {
        let [a, b, c] = positions(h, params);
        fps[slot] = 0;
        fps[slot] = fingerprint(h) ^ fps[a] ^ fps[b] ^ fps[c];
    }
    Some(fps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_filter_has_no_false_negatives() {
        let owned: Vec<String> = (0..5000).map(|i| format!("key{i}.example")).collect();
        let keys: Vec<&[u8]> = owned.iter().map(|s| s.as_bytes()).collect();
        let (params, fps) = build(&keys, 1).expect("peels");
        assert!(fps.len() < keys.len() * 2, "{} bytes", fps.len());
        for k in &keys {
            assert!(contains(&params, &fps, k));
        }
        let fp = (0..20_000)
            .filter(|i| contains(&params, &fps, format!("other{i}.test").as_bytes()))
            .count();
        assert!(fp < 200, "{fp} false positives in 20000");
    }

    #[test]
    fn hash_is_stable() {
        // Pinned (values recomputed independently) so that a change to the hash, which
        // would change every generated filter, is a deliberate one.
        assert_eq!(hash_key(b"mailinator.com", 0), 0xa5d9_9861_6368_8b79);
        assert_eq!(hash_key(b"", 0), 0xefd0_1f60_ba99_2926);
        assert_ne!(hash_key(b"a", 0), hash_key(b"a", 1));
        assert_ne!(hash_key(b"ab", 0), hash_key(b"ba", 0));
    }
}
