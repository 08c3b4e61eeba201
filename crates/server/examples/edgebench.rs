//! Warm latency of a running edge (the Worker under `wrangler dev`, as `./scripts/run.sh`
//! starts it, or under `node tests/edge/serve.mjs`, which has no wrangler proxy in front),
//! measured from a Rust client with one keep-alive connection per edge, so the figures
//! carry neither node's fetch nor Miniflare's test harness. Not a test: it prints
//! p50 / p99 / max per route and asserts nothing.
//!
//! Run with (the stack running):
//!   cargo run --release -p leadgate-server --example edgebench -- http://127.0.0.1:8787 2000
//! or, A/B, two edges interleaved in rounds of 100 requests under the same conditions:
//!   cargo run --release -p leadgate-server --example edgebench -- http://127.0.0.1:8788,http://127.0.0.1:8789 2000 2000
//!
//! Arguments: the edges' base URLs (comma-separated), requests per GET route (default 2000),
//! requests per POST route (default the smaller of that and 450). Routes: `GET /healthz`,
//! `GET /v1/config/demo-pow`, and `POST /v1/leads` for a lead that is judged, answered and
//! never forwarded: an invalid email (SYN01) and no proof-of-work token (INT01), so on
//! `demo-pow`, a shadow-mode site, the reply is the shadow ban's `review`, not a 4xx.
//! Each request comes from its own
//! documentation-range IP so the per-IP rate limit does not answer instead of the Worker;
//! under `wrangler dev` the per-site limit (600 a minute in wrangler.toml) caps the POST
//! sample at 450 after 100 warm-up requests, and a second run must wait a minute
//! (`tests/edge/serve.mjs` raises that limit; the Limiter is still called for each lead).
//! The load average (`/proc/loadavg`) is printed before and after.
use std::time::{Duration, Instant};

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((p / 100.0) * sorted.len() as f64) as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

const ROUTES: [&str; 3] = [
    "GET /healthz",
    "GET /v1/config/demo-pow",
    "POST /v1/leads not forwarded (SYN01, no PoW token)",
];
/// Untimed requests per edge and route before timing starts (isolate and connection warm).
const WARM_UP: usize = 100;
/// Timed requests to one edge before the next edge's turn.
const ROUND: usize = 100;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let bases: Vec<String> = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8787".to_string())
        .split(',')
        .map(|b| b.trim_end_matches('/').to_owned())
        .collect();
    let n: usize = args.next().map_or(Ok(2000), |s| s.parse())?;
    let post_n: usize = args.next().map_or(Ok(n.min(450)), |s| s.parse())?;
    // One client (one keep-alive connection) per edge.
    let clients = bases
        .iter()
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(10))
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let lead = |i: usize| {
        serde_json::json!({
            "site": "demo-pow", "email": format!("not-an-email-{i}"), "phone": "(650) 253-4172",
            "first_name": "Ada", "last_name": "Lovelace", "consent": true,
            "consent_text": "I agree to be contacted by phone and email about my request."
        })
    };
    println!("load average before: {}", loadavg());
    println!("| edge | request (warm, one keep-alive connection) | n | p50 | p99 | max |");
    println!("|---|---|---|---|---|---|");
    let mut counter = 0usize;
    for route in ROUTES {
        let n = if route.starts_with("POST") { post_n } else { n };
        let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(n); bases.len()];
        let mut done = vec![0usize; bases.len()];
        let mut warm = vec![0usize; bases.len()];
        while done.iter().any(|&d| d < n) {
            for (e, (base, client)) in bases.iter().zip(&clients).enumerate() {
                let mut batch = 0;
                while batch < ROUND && done[e] < n {
                    counter += 1;
                    let ip = format!("198.51.100.{}", counter % 250 + 1);
                    let req = match route {
                        "GET /healthz" => client.get(format!("{base}/healthz")),
                        "GET /v1/config/demo-pow" => client
                            .get(format!("{base}/v1/config/demo-pow"))
                            .header("origin", "http://127.0.0.1:8000"),
                        _ => client
                            .post(format!("{base}/v1/leads"))
                            .header("origin", "http://127.0.0.1:8000")
                            .header("cf-connecting-ip", ip)
                            .json(&lead(counter)),
                    };
                    let t0 = Instant::now();
                    let resp = req.send().await?;
                    let status = resp.status();
                    let _ = resp.bytes().await?;
                    let took = t0.elapsed();
                    if !status.is_success() {
                        return Err(format!("{base} {route}: HTTP {status}").into());
                    }
                    if warm[e] < WARM_UP {
                        warm[e] += 1; // warms the isolate and the connection
                    } else {
                        times[e].push(took);
                        done[e] += 1;
                        batch += 1;
                    }
                }
            }
        }
        for (base, times) in bases.iter().zip(&mut times) {
            times.sort();
            println!(
                "| {base} | {route} | {n} | {} | {} | {} |",
                ms(pct(times, 50.0)),
                ms(pct(times, 99.0)),
                ms(times[times.len() - 1])
            );
        }
    }
    println!("load average after: {}", loadavg());
    Ok(())
}
