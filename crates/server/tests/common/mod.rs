//! Shared test helpers: a config per database, signed envelopes, a drained queue,
//! and a local postback receiver. Every service runs on 127.0.0.1.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, Response};
use http_body_util::BodyExt;
use leadgate_server::config::{hash_api_key, Config};
use leadgate_server::providers::ProviderFactories;
use leadgate_server::state::{AppState, SharedState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

pub const EDGE_KID: &str = "edge-1";
pub const EDGE_SECRET: &str = "test-edge-secret-0123456789";
pub const OLD_KID: &str = "edge-0";
pub const OLD_SECRET: &str = "old-edge-secret-0123456789";
pub const ACME_KEY: &str = "acme-key";
pub const OTHER_KEY: &str = "other-key";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Sqlite,
    Postgres,
}

/// Keeps a test database alive.
pub struct TestDb {
    pub url: String,
    pub schema: Option<String>,
    pub dir: tempfile::TempDir,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub fn test_db(which: Which) -> TestDb {
    let dir = tempfile::tempdir().expect("tempdir");
    match which {
        Which::Sqlite => TestDb {
            url: format!("sqlite://{}/t.db?mode=rwc", dir.path().display()),
            schema: None,
            dir,
        },
        Which::Postgres => {
            let url = std::env::var("LEADGATE_TEST_PG_URL")
                .expect("LEADGATE_TEST_PG_URL must be set for the PostgreSQL tests (scripts/test-backend-pg.sh sets it)");
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            TestDb {
                url,
                schema: Some(format!(
                    "lgtest_{}_{}_{}",
                    std::process::id(),
                    n,
                    nanos % 1_000_000_000
                )),
                dir,
            }
        }
    }
}

/// A config for tests: two partners, rotated edge keys, stub providers.
pub fn config_toml(db: &TestDb, postback_url: &str, extra: &str) -> String {
    format!(
        r#"
[server]
data_dir = "{dir}"
[database]
url = "{url}"
max_connections = 4
[queue]
concurrency = 16
lease_secs = 30
poll_ms = 20
[postbacks]
allow_private_targets = true
max_attempts = 3
retry_base_ms = 1
poll_ms = 20
timeout_ms = 2000
[[edge_keys]]
id = "{EDGE_KID}"
secret = "{EDGE_SECRET}"
[[edge_keys]]
id = "{OLD_KID}"
secret = "{OLD_SECRET}"
[[partners]]
id = "acme"
api_key_sha256 = "{acme}"
postback_url = "{postback_url}"
[[partners]]
id = "other"
api_key_sha256 = "{other}"
[[campaigns]]
id = "demo"
version = "t1"
cost_cap_usd = 0.05
[[campaigns.integrations]]
provider = "fraud"
rules = ["fraud_score > 85 -> reject FRD01", "fraud_score > 60 -> review FRD02"]
[[campaigns.integrations]]
provider = "litigator"
fail = "closed"
rules = ["is_litigator -> reject CMP01"]
[[providers]]
name = "fraud"
kind = "stub"
price_usd = 0.01
signals = {{ fraud_score = 10.0 }}
keys."fraud@example.com" = {{ signals = {{ fraud_score = 97.0 }} }}
keys."meh@example.com" = {{ signals = {{ fraud_score = 70.0 }} }}
[[providers]]
name = "litigator"
kind = "stub"
price_usd = 0.02
signals = {{ is_litigator = false }}
{extra}
"#,
        dir = db.dir.path().display(),
        url = db.url,
        acme = hash_api_key(ACME_KEY),
        other = hash_api_key(OTHER_KEY),
    )
}

pub async fn state_with(db: &TestDb, postback_url: &str, extra: &str) -> SharedState {
    let config =
        Config::from_toml(&config_toml(db, postback_url, extra), Vec::new()).expect("config");
    AppState::build(config, &ProviderFactories::default(), db.schema.as_deref())
        .await
        .expect("state")
}

pub async fn state(db: &TestDb) -> SharedState {
    state_with(db, "http://127.0.0.1:9/none?l={lead_id}", "").await
}

/// Processes every due job now (what the queue worker does), until none are left.
pub async fn drain(state: &SharedState) {
    loop {
        let jobs = state
            .db
            .claim_jobs("test", 100, 30_000)
            .await
            .expect("claim");
        if jobs.is_empty() {
            break;
        }
        for job in jobs {
            leadgate_server::queue::process_lead(state, &job).await;
        }
    }
}

pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A fresh ULID-shaped lead id.
pub fn new_lead_id() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&(n ^ rand_seed()).to_be_bytes());
    leadgate_protocol::lead_id(now_secs() as u64 * 1000, random)
}

fn rand_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// An edge envelope body.
pub fn envelope(lead_id: &str, campaign: &str, email: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "lead_id": lead_id,
        "site": "demo",
        "campaign": campaign,
        "received_at": now_secs() * 1000,
        "lead": {"email": email, "phone": "+14155552671", "first_name": "Ada", "last_name": "Lovelace", "consent": true,
                 "consent_text": CONSENT},
        "edge": {"lane": "fast_track", "reasons": [], "score": 95, "fingerprint": format!("edge-{email}"),
                 "rule_version": "edge-1", "bot": null},
        "page_url": "https://example.com/form"
    }))
    .unwrap()
}

pub const CONSENT: &str = "I agree to be contacted by phone and email about my request.";

/// A partner submission that passes every syntax check.
pub fn plead(campaign: &str, email: &str, phone: &str) -> serde_json::Value {
    serde_json::json!({"campaign": campaign, "email": email, "phone": phone, "first_name": "Ada",
        "last_name": "Lovelace", "consent": true, "consent_text": CONSENT})
}

/// A signed intake request.
pub fn signed_intake(
    body: &[u8],
    kid: &str,
    secret: &str,
    ts: i64,
    lead_id: &str,
) -> Request<Body> {
    let signed = leadgate_protocol::envelope::sign_envelope(secret.as_bytes(), kid, ts, body);
    let mut req = Request::post("/v1/intake")
        .header("content-type", "application/json")
        .header("Idempotency-Key", lead_id);
    for (k, v) in signed.pairs() {
        req = req.header(k, v);
    }
    req.body(Body::from(body.to_vec())).unwrap()
}

pub fn partner_post(key: &str, body: serde_json::Value, idem: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/v1/leads")
        .header("content-type", "application/json")
        .header("X-Api-Key", key);
    if let Some(k) = idem {
        req = req.header("Idempotency-Key", k);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

pub fn get(path: &str, key: Option<&str>) -> Request<Body> {
    let mut req = Request::get(path);
    if let Some(k) = key {
        req = req.header("Authorization", format!("Bearer {k}"));
    }
    req.body(Body::empty()).unwrap()
}

pub async fn send(state: &SharedState, req: Request<Body>) -> (u16, String) {
    let resp: Response<Body> = leadgate_server::api::app(state.clone())
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// A local partner receiver: records every query string; answers `fail_first` 500s first.
#[derive(Clone, Default)]
pub struct Receiver {
    pub hits: Arc<Mutex<Vec<String>>>,
    pub fail_first: Arc<AtomicU64>,
}

pub async fn receiver(fail_first: u64) -> (Receiver, String) {
    let r = Receiver {
        hits: Arc::default(),
        fail_first: Arc::new(AtomicU64::new(fail_first)),
    };
    let rr = r.clone();
    let app = axum::Router::new().route(
        "/pb",
        axum::routing::get(move |uri: axum::http::Uri| {
            let rr = rr.clone();
            async move {
                rr.hits
                    .lock()
                    .unwrap()
                    .push(uri.query().unwrap_or("").to_string());
                if rr.fail_first.load(Ordering::Relaxed) > 0 {
                    rr.fail_first.fetch_sub(1, Ordering::Relaxed);
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, format!("http://{addr}/pb"))
}

/// Runs the postback worker's delivery for every due postback, `rounds` times.
pub async fn deliver_postbacks(state: &SharedState, rounds: usize) {
    let http = leadgate_server::postback::client(
        state.config.postbacks.allow_private_targets,
        std::time::Duration::from_secs(2),
    );
    for _ in 0..rounds {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        for pb in state.db.claim_postbacks(100, 10_000).await.unwrap() {
            leadgate_server::postback::deliver(state, &http, pb).await;
        }
    }
}

/// Generates a SQLite test and (with the `pg-tests` feature) a PostgreSQL test.
#[macro_export]
macro_rules! both_dbs {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$body($crate::common::Which::Sqlite).await;
            }
            #[cfg(feature = "pg-tests")]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$body($crate::common::Which::Postgres).await;
            }
        }
    };
}
