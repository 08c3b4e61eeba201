//! A small load generator: the real IPQS and Trestle clients against an in-process
//! sandbox, N calls at a fixed concurrency, printing calls/s and latency percentiles.
//! It measures the client + HTTP + sandbox overhead, not any vendor.
//!
//! Run with `cargo run --release -p leadgate-providers --example throughput -- 4000 32`
//! (total calls, concurrency).

use leadgate_pipeline::provider::{Provider, ProviderRequest};
use leadgate_providers::{build_section, http::build_client};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4000);
    let concurrency: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(32)
        .max(1);
    let sandbox = leadgate_sandbox::spawn("127.0.0.1:0".parse()?).await?;
    let http = build_client(Duration::from_secs(2));
    for (name, kind, prefix) in [
        ("ipqs", "ipqs_phone", "ipqs"),
        ("trestle", "trestle_real_contact", "trestle"),
    ] {
        let rest = serde_json::json!({ "base_url": sandbox.url(prefix), "api_key": "sandbox", "timeout_ms": 5000 });
        let provider = build_section(name, kind, &rest, &http)?;
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let provider = provider.clone();
            let next = next.clone();
            workers.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let lead = ProviderRequest {
                        lead_id: format!("L{i}"),
                        phone_e164: Some(format!("+1512201{:04}", i % 10_000)),
                        ..Default::default()
                    };
                    let t = Instant::now();
                    let ok = provider.call(&lead).await.is_ok();
                    lat.push((t.elapsed(), ok));
                }
                lat
            }));
        }
        let mut all = Vec::with_capacity(total);
        for w in workers {
            all.extend(w.await?);
        }
        let wall = started.elapsed();
        let errors = all.iter().filter(|(_, ok)| !ok).count();
        let mut lat: Vec<Duration> = all.into_iter().map(|(d, _)| d).collect();
        lat.sort();
        let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p) as usize];
        println!(
            "{name:8} {total} calls, concurrency {concurrency}: {:.0} calls/s, p50 {:?}, p99 {:?}, errors {errors}",
            total as f64 / wall.as_secs_f64(),
            pct(0.50),
            pct(0.99)
        );
    }
    Ok(())
}
