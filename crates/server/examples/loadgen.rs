//! Load generator for the backend: intake + queue + pipeline + storage, in-process,
//! over real HTTP on 127.0.0.1, with stand-in providers.
//!
//! Run with:
//!   cargo run --release -p leadgate-server --example loadgen -- throughput --leads 20000
//!   cargo run --release -p leadgate-server --example loadgen -- latency --rate 1000 --seconds 10
//!   cargo run --release -p leadgate-server --example loadgen -- memory --inflight 2000 --rounds 5
//! Add `--pg postgres://postgres@127.0.0.1:5432/test` to use PostgreSQL (own schema,
//! dropped at the end), `--sync full` for SQLite with `synchronous = FULL`, and
//! `--connections N` for the pool size (16). `--dedup` turns the campaign's dedup on
//! (every lead has its own email and phone, so none is a duplicate, but each one claims
//! its fingerprint in the database before the providers run).
//!
//! throughput: leads/s from the first send until the last verdict is stored, with
//!             zero-latency providers (two per lead) and 64 concurrent senders.
//! latency:    open loop at a fixed offered rate; p50/p99/max of the intake ack.
//! memory:     bursts of `--inflight` leads (sent over `--senders` connections, 256)
//!             against providers taking 100-300 ms, queue concurrency = inflight;
//!             the most leads unfinished at once and the RSS peak per round.
use leadgate_server::config::{hash_api_key, Config};
use leadgate_server::providers::ProviderFactories;
use leadgate_server::state::{AppState, SharedState};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET: &str = "loadgen-edge-secret-0123456789";

#[derive(Debug, Clone)]
struct Args {
    mode: String,
    leads: usize,
    rate: u64,
    seconds: u64,
    inflight: usize,
    rounds: usize,
    pg: Option<String>,
    sync: String,
    senders: usize,
    connections: u32,
    dedup: bool,
}

fn parse_args() -> Args {
    let mut a = Args {
        mode: "throughput".into(),
        leads: 20_000,
        rate: 1_000,
        seconds: 10,
        inflight: 2_000,
        rounds: 5,
        pg: None,
        sync: "normal".into(),
        senders: 256,
        connections: 16,
        dedup: false,
    };
    let mut it = std::env::args().skip(1);
    if let Some(m) = it.next() {
        a.mode = m;
    }
    while let Some(flag) = it.next() {
        if flag == "--dedup" {
            a.dedup = true;
            continue;
        }
        let v = it.next().unwrap_or_default();
        match flag.as_str() {
            "--leads" => a.leads = v.parse().expect("--leads"),
            "--rate" => a.rate = v.parse().expect("--rate"),
            "--seconds" => a.seconds = v.parse().expect("--seconds"),
            "--inflight" => a.inflight = v.parse().expect("--inflight"),
            "--rounds" => a.rounds = v.parse().expect("--rounds"),
            "--pg" => a.pg = Some(v),
            "--sync" => a.sync = v,
            "--senders" => a.senders = v.parse().expect("--senders"),
            "--connections" => a.connections = v.parse().expect("--connections"),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

fn config(
    dir: &std::path::Path,
    args: &Args,
    latency_ms: u64,
    spread_ms: u64,
    concurrency: usize,
) -> Config {
    let (url, schema) = match &args.pg {
        Some(url) => (
            url.clone(),
            format!("schema = \"loadgen_{}\"\n", std::process::id()),
        ),
        None => (
            format!("sqlite://{}/load.db?mode=rwc", dir.display()),
            String::new(),
        ),
    };
    let toml = format!(
        r#"
[server]
data_dir = "{dir}"
max_body_bytes = 65536
[database]
url = "{url}"
max_connections = {connections}
sqlite_synchronous = "{sync}"
{schema}
[queue]
concurrency = {concurrency}
batch = 256
lease_secs = 120
poll_ms = 50
[[edge_keys]]
id = "edge-1"
secret = "{SECRET}"
[[partners]]
id = "load"
api_key_sha256 = "{key}"
[[campaigns]]
id = "load"
version = "1"
cost_cap_usd = 0.10
dedup = {{ enabled = {dedup} }}
[[campaigns.integrations]]
provider = "fraud"
rules = ["fraud_score > 85 -> reject FRD01"]
[[campaigns.integrations]]
provider = "litigator"
fail = "closed"
rules = ["is_litigator -> reject CMP01"]
[[providers]]
name = "fraud"
kind = "stub"
price_usd = 0.004
latency_ms = {latency_ms}
latency_spread_ms = {spread_ms}
signals = {{ fraud_score = 10.0 }}
[[providers]]
name = "litigator"
kind = "stub"
price_usd = 0.005
latency_ms = {latency_ms}
latency_spread_ms = {spread_ms}
signals = {{ is_litigator = false }}
"#,
        dir = dir.display(),
        key = hash_api_key("load-key"),
        sync = args.sync,
        connections = args.connections,
        dedup = args.dedup,
    );
    Config::from_toml(&toml, Vec::new()).expect("config")
}

async fn start(config: Config) -> (SharedState, String, tokio::sync::oneshot::Sender<()>) {
    let state = AppState::build(config, &ProviderFactories::default(), None)
        .await
        .expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(leadgate_server::serve::serve(
        state.clone(),
        listener,
        async {
            let _ = rx.await;
        },
    ));
    (state, base, tx)
}

fn envelope(i: u64) -> (String, Vec<u8>) {
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(
        &(i ^ 0x5bd1_e995_u64.wrapping_mul(std::process::id() as u64)).to_be_bytes(),
    );
    let id = leadgate_protocol::lead_id(now_ms() as u64, random);
    let body = serde_json::json!({
        "lead_id": id, "site": "load", "campaign": "load", "received_at": now_ms(),
        "lead": {"email": format!("user{i}@example.com"), "phone": format!("+1415555{:04}", 1000 + i % 8000),
                 "first_name": "Ada", "last_name": "Lovelace", "consent": true,
                 "consent_text": "I agree to be contacted by phone and email about my request."},
        "edge": {"lane": "fast_track", "reasons": [], "score": 95, "fingerprint": format!("fp{i}"), "rule_version": "e1", "bot": null}
    });
    (id, serde_json::to_vec(&body).unwrap())
}

async fn send(http: &reqwest::Client, base: &str, i: u64) -> Duration {
    let (id, body) = envelope(i);
    let ts = now_ms() / 1000;
    let signed = leadgate_protocol::envelope::sign_envelope(SECRET.as_bytes(), "edge-1", ts, &body);
    let mut req = http
        .post(format!("{base}/v1/intake"))
        .header("Idempotency-Key", &id)
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in signed.pairs() {
        req = req.header(k, v);
    }
    let t0 = Instant::now();
    let resp = req.send().await.expect("send");
    let took = t0.elapsed();
    assert_eq!(resp.status(), 202, "intake refused");
    took
}

fn now_ms() -> i64 {
    leadgate_server::store::now_ms()
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Waits until every acknowledged lead is finished: the job table is empty (a lead's
/// job goes in the transaction that stores its verdict). Counting the small job table
/// keeps the poll cheap; counting finished leads would scan the whole lead table.
async fn wait_done(state: &SharedState) {
    while state.db.queue_depth().await.unwrap() > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Stops the server and, on PostgreSQL, drops this run's schema.
async fn finish(state: &SharedState, stop: tokio::sync::oneshot::Sender<()>, args: &Args) {
    let _ = stop.send(());
    if args.pg.is_some() {
        let drop = format!(
            "DROP SCHEMA IF EXISTS loadgen_{} CASCADE",
            std::process::id()
        );
        if let Err(e) = sqlx::query(&drop).execute(state.db.pool()).await {
            eprintln!("could not drop the run's schema: {e}");
        }
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let dir = tempfile::tempdir().unwrap();
    let db_name = if args.pg.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    match args.mode.as_str() {
        "throughput" => {
            let (state, base, stop) = start(config(dir.path(), &args, 0, 0, 512)).await;
            let n = args.leads;
            let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let t0 = Instant::now();
            let mut senders = tokio::task::JoinSet::new();
            for _ in 0..64 {
                let (http, base, next) = (http.clone(), base.clone(), next.clone());
                senders.spawn(async move {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n as u64 {
                            break;
                        }
                        send(&http, &base, i).await;
                    }
                });
            }
            while senders.join_next().await.is_some() {}
            let acked = t0.elapsed();
            wait_done(&state).await;
            let all = t0.elapsed();
            println!(
                "throughput db={db_name} leads={n}: intake {:.0} leads/s, end-to-end {:.0} leads/s ({:.2} s)",
                n as f64 / acked.as_secs_f64(),
                n as f64 / all.as_secs_f64(),
                all.as_secs_f64()
            );
            finish(&state, stop, &args).await;
        }
        "latency" => {
            let (state, base, stop) = start(config(dir.path(), &args, 0, 0, 512)).await;
            let total = args.rate * args.seconds;
            let period = Duration::from_nanos(1_000_000_000 / args.rate.max(1));
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..total {
                tick.tick().await;
                let (http, base) = (http.clone(), base.clone());
                tasks.spawn(async move { send(&http, &base, i).await });
            }
            let mut lat = Vec::with_capacity(total as usize);
            while let Some(r) = tasks.join_next().await {
                lat.push(r.unwrap());
            }
            lat.sort();
            wait_done(&state).await;
            println!(
                "latency db={db_name} offered={}/s for {} s ({} leads): ack p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                args.rate,
                args.seconds,
                total,
                pct(&lat, 0.50),
                pct(&lat, 0.99),
                lat.last().unwrap().as_secs_f64() * 1000.0
            );
            finish(&state, stop, &args).await;
        }
        "memory" => {
            let (state, base, stop) =
                start(config(dir.path(), &args, 100, 100, args.inflight + 64)).await;
            println!("memory db={db_name}: RSS at start {} MiB", rss_kib() / 1024);
            for round in 0..args.rounds {
                // `--senders` connections (256): intake acknowledges far faster than the
                // 200-600 ms a lead spends with the providers, so the burst is in flight
                // at once without 2,000 open client connections inflating this
                // process's RSS (the client shares it).
                let first = (round * args.inflight) as u64;
                let next = Arc::new(std::sync::atomic::AtomicU64::new(first));
                let end = first + args.inflight as u64;
                let mut tasks = tokio::task::JoinSet::new();
                for _ in 0..args.senders {
                    let (http, base, next) = (http.clone(), base.clone(), next.clone());
                    tasks.spawn(async move {
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if i >= end {
                                break;
                            }
                            send(&http, &base, i).await;
                        }
                    });
                }
                let mut peak = rss_kib();
                let mut max_in_flight = 0i64;
                while !tasks.is_empty() {
                    tokio::select! {
                        _ = tasks.join_next() => {}
                        _ = tokio::time::sleep(Duration::from_millis(20)) => {
                            let depth = state.db.queue_depth().await.unwrap();
                            max_in_flight = max_in_flight.max(depth);
                            peak = peak.max(rss_kib());
                        }
                    }
                }
                loop {
                    let depth = state.db.queue_depth().await.unwrap();
                    max_in_flight = max_in_flight.max(depth);
                    peak = peak.max(rss_kib());
                    if depth == 0 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                println!(
                    "memory db={db_name} round {}: {} leads acked, up to {} unfinished at once, RSS peak {} MiB, after {} MiB",
                    round + 1,
                    args.inflight,
                    max_in_flight,
                    peak / 1024,
                    rss_kib() / 1024
                );
            }
            finish(&state, stop, &args).await;
        }
        other => panic!("unknown mode {other} (throughput | latency | memory)"),
    }
}
