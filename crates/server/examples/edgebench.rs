//! Warm latency of a running edge (the Worker under `wrangler dev`, as `./scripts/run.sh`
//! starts it), measured from a Rust client with one keep-alive connection, so the
//! figures carry neither node's fetch nor Miniflare's test harness. Not a test: it prints
//! p50 / p99 / max per route and asserts nothing.
//!
//! Run with (the stack running):
//!   cargo run --release -p leadgate-server --example edgebench -- http://127.0.0.1:8787 2000
//!
//! Routes: `GET /healthz`, `GET /v1/config/demo-pow`, and `POST /v1/leads` for a lead
//! the checks block (invalid email: judged, answered, never forwarded). Each request
//! comes from its own documentation-range IP so the per-IP rate limit does not answer
//! instead of the Worker; the per-site limit (600 a minute in wrangler.toml) caps the
//! POST sample at 450 after 100 warm-up requests, and a second run must wait a minute.
use std::time::{Duration, Instant};

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((p / 100.0) * sorted.len() as f64) as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8787".to_string());
    let n: usize = args.next().map_or(Ok(2000), |s| s.parse())?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(10))
        .build()?;
    let lead = |i: usize| {
        serde_json::json!({
            "site": "demo-pow", "email": format!("not-an-email-{i}"), "phone": "(650) 253-4172",
            "first_name": "Ada", "last_name": "Lovelace", "consent": true,
            "consent_text": "I agree to be contacted by phone and email about my request."
        })
    };
    println!("| request (warm, one keep-alive connection) | n | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    for route in [
        "GET /healthz",
        "GET /v1/config/demo-pow",
        "POST /v1/leads blocked (SYN01)",
    ] {
        let n = if route.starts_with("POST") {
            n.min(450)
        } else {
            n
        };
        let mut times = Vec::with_capacity(n);
        for i in 0..(n + 100) {
            let ip = format!("198.51.100.{}", i % 250 + 1);
            let req = match route {
                "GET /healthz" => client.get(format!("{base}/healthz")),
                "GET /v1/config/demo-pow" => client
                    .get(format!("{base}/v1/config/demo-pow"))
                    .header("origin", "http://127.0.0.1:8000"),
                _ => client
                    .post(format!("{base}/v1/leads"))
                    .header("origin", "http://127.0.0.1:8000")
                    .header("cf-connecting-ip", ip)
                    .json(&lead(i)),
            };
            let t0 = Instant::now();
            let resp = req.send().await?;
            let status = resp.status();
            let _ = resp.bytes().await?;
            let took = t0.elapsed();
            if !status.is_success() {
                return Err(format!("{route}: HTTP {status}").into());
            }
            if i >= 100 {
                times.push(took); // the first 100 warm the isolate and the connection
            }
        }
        times.sort();
        println!(
            "| {route} | {n} | {} | {} | {} |",
            ms(pct(&times, 50.0)),
            ms(pct(&times, 99.0)),
            ms(times[times.len() - 1])
        );
    }
    Ok(())
}
