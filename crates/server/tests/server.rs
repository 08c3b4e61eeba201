//! A real server on 127.0.0.1:0 (HTTP over a socket, workers running), and the crash
//! test: the real binary is killed with SIGKILL mid-stream and restarted; every lead
//! it acknowledged must finish.
mod common;

use common::*;
use std::time::Duration;

async fn poll<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    // A generous bound so a slow machine does not fail the test; time is not asserted.
    for _ in 0..3000 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

async fn wait_until<F, Fut>(what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    assert!(poll(check).await, "timed out waiting for {what}");
}

async fn real_server_runs_the_whole_slice(which: Which) {
    let db = test_db(which);
    let (rx, url) = receiver(0).await;
    let s = state_with(
        &db,
        &format!("{url}?id={{lead_id}}&s={{status}}&r={{reason}}"),
        "",
    )
    .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(leadgate_server::serve::serve(s.clone(), listener, async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    wait_until("readyz", || async {
        http.get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    })
    .await;

    let resp = http
        .post(format!("{base}/v1/leads"))
        .header("X-Api-Key", ACME_KEY)
        .json(&plead("demo", "fraud@example.com", "+14155552671"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let id = resp.json::<serde_json::Value>().await.unwrap()["lead_id"]
        .as_str()
        .unwrap()
        .to_string();

    let edge_id = new_lead_id();
    let body = envelope(&edge_id, "demo", "grace@example.com");
    let signed = leadgate_protocol::envelope::sign_envelope(
        EDGE_SECRET.as_bytes(),
        EDGE_KID,
        now_secs(),
        &body,
    );
    let mut req = http
        .post(format!("{base}/v1/intake"))
        .header("Idempotency-Key", &edge_id)
        .body(body);
    for (k, v) in signed.pairs() {
        req = req.header(k, v);
    }
    assert_eq!(req.send().await.unwrap().status(), 202);

    let status_url = format!("{base}/v1/leads/{id}");
    wait_until("partner lead done", || async {
        let v: serde_json::Value = http
            .get(&status_url)
            .header("X-Api-Key", ACME_KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["state"] == "done"
    })
    .await;
    let v: serde_json::Value = http
        .get(&status_url)
        .header("X-Api-Key", ACME_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["status"].as_str(), v["primary_reason"].as_str()),
        (Some("rejected"), Some("FRD01"))
    );
    wait_until("edge lead done", || async {
        s.db.lead(&edge_id)
            .await
            .unwrap()
            .is_some_and(|r| r.state == "done")
    })
    .await;
    wait_until("postback received", || async {
        !rx.hits.lock().unwrap().is_empty()
    })
    .await;
    assert_eq!(
        rx.hits.lock().unwrap()[0],
        format!("id={id}&s=rejected&r=FRD01")
    );
    // The receiver sees the request before the worker records the result: wait for it.
    wait_until("postback recorded in metrics", || async {
        let m = http
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        m.contains("leadgate_postbacks_total{result=\"sent\"} 1")
    })
    .await;
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
both_dbs!(real_server_t, real_server_runs_the_whole_slice);

struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_binary(config: &std::path::Path, log: &std::path::Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_leadgate"))
            .args(["serve", "--config"])
            .arg(config)
            .env("LEADGATE_LOG", "warn")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawn leadgate"),
    )
}

async fn wait_ready(child: &mut Child, http: &reqwest::Client, base: &str, log: &std::path::Path) {
    for _ in 0..3000 {
        if let Some(status) = child.0.try_wait().unwrap() {
            panic!(
                "leadgate exited ({status}):\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "leadgate never became ready:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

async fn killed_mid_stream_every_acknowledged_lead_finishes(which: Which) {
    let db = test_db(which);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let schema = db
        .schema
        .as_ref()
        .map(|s| format!("schema = \"{s}\"\n"))
        .unwrap_or_default();
    let mut toml = config_toml(&db, "http://127.0.0.1:9/x?l={lead_id}", "");
    toml = toml.replacen(
        "[server]\n",
        &format!("[server]\nlisten = \"127.0.0.1:{port}\"\n"),
        1,
    );
    toml = toml.replacen("[database]\n", &format!("[database]\n{schema}"), 1);
    toml = toml
        .replace("lease_secs = 30", "lease_secs = 1")
        .replace("concurrency = 16", "concurrency = 8");
    toml = toml.replace("price_usd = 0.01\n", "price_usd = 0.01\nlatency_ms = 150\n");
    let config = db.dir.path().join("leadgate.toml");
    std::fs::write(&config, toml).unwrap();
    let log = db.dir.path().join("server.log");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();

    let mut child = spawn_binary(&config, &log);
    wait_ready(&mut child, &http, &base, &log).await;
    let store = leadgate_server::store::Db::connect(&db.url, 2, db.schema.as_deref())
        .await
        .unwrap();
    let mut acked = Vec::new();
    for i in 0..120 {
        let lead = plead(
            "demo",
            &format!("lead{i}@example.com"),
            &format!("+1415555{:04}", 2000 + i),
        );
        let resp = http
            .post(format!("{base}/v1/leads"))
            .header("X-Api-Key", ACME_KEY)
            .json(&lead)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 202);
        acked.push(
            resp.json::<serde_json::Value>().await.unwrap()["lead_id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let progressed = poll(|| async { store.count_leads("done").await.unwrap() >= 8 }).await;
    assert!(
        progressed,
        "no progress before the kill:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    child.0.kill().unwrap(); // SIGKILL: no graceful anything
    child.0.wait().unwrap();
    let unfinished = store.count_leads("queued").await.unwrap();
    assert!(
        unfinished > 0,
        "the kill must leave work behind for the test to mean anything"
    );

    let mut restarted = spawn_binary(&config, &log);
    wait_ready(&mut restarted, &http, &base, &log).await;
    let finished =
        poll(|| async { store.count_leads("done").await.unwrap() == acked.len() as i64 }).await;
    assert!(
        finished,
        "not every lead finished after restart:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    for id in &acked {
        let row = store.lead(id).await.unwrap().unwrap();
        assert_eq!(row.state, "done", "{id}");
        assert!(row.validation_status.is_some());
        let calls = store.calls(id).await.unwrap();
        assert_eq!(calls.len(), 2, "calls stored exactly once for {id}");
    }
    assert_eq!(store.queue_depth().await.unwrap(), 0);
    eprintln!("crash test: {unfinished} of {} leads were unfinished at SIGKILL; all finished after restart", acked.len());
}
both_dbs!(crash_t, killed_mid_stream_every_acknowledged_lead_finishes);
