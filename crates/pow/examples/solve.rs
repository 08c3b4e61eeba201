//! Run with `cargo run --release -p leadgate-pow --example solve -- [difficulty]`.
//! Solves a challenge shaped like the edge's (156 characters) and prints the nonce, its
//! work and how many nonces a second this machine tries natively.
use std::time::Instant;

fn main() {
    let difficulty: u32 = std::env::args()
        .nth(1)
        .map_or(16, |d| d.parse().expect("difficulty is a number of bits"));
    let challenge = format!(
        "eyJzaXRlIjoiZGVtby1wb3ciLCJleHAiOjE3NjQ2NzgwMDAsImRpZmZpY3VsdHkiOjE2LCJzYWx0IjoiQUFBQUFBQUFBQUFBQUFBQUFBQUFBQSJ9.{}",
        "x".repeat(43)
    );
    let started = Instant::now();
    let nonce = leadgate_pow::solve(&challenge, difficulty, 0, u64::MAX).expect("a nonce");
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "difficulty {difficulty}: nonce {nonce} (work {}), {seconds:.3} s, {:.0} k nonces/s",
        leadgate_pow::work(&challenge, nonce),
        (nonce + 1) as f64 / seconds / 1e3
    );
}
