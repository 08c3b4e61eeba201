//! The HTTP API through `app().oneshot`, on SQLite and (feature `pg-tests`) PostgreSQL.
mod common;

use common::*;
use serde_json::json;

async fn intake_commits_then_pipeline_decides(which: Which) {
    let db = test_db(which);
    let s = state(&db).await;
    let id = new_lead_id();
    let body = envelope(&id, "demo", "ada@example.com");
    let (code, text) = send(
        &s,
        signed_intake(&body, EDGE_KID, EDGE_SECRET, now_secs(), &id),
    )
    .await;
    assert_eq!(code, 202, "{text}");
    assert_eq!(json(&text)["state"], "queued");
    let row = s.db.lead(&id).await.unwrap().expect("committed before ack");
    assert_eq!(row.state, "queued");
    drain(&s).await;
    let row = s.db.lead(&id).await.unwrap().unwrap();
    assert_eq!(row.state, "done");
    assert_eq!(row.validation_status.as_deref(), Some("accepted"));
    assert_eq!(row.rule_version.as_deref(), Some("t1"));
    assert!((row.cost_usd.unwrap() - 0.03).abs() < 1e-9);
    let calls = s.db.calls(&id).await.unwrap();
    assert_eq!(
        calls
            .iter()
            .map(|c| c.provider.as_str())
            .collect::<Vec<_>>(),
        ["fraud", "litigator"]
    );
    assert!(calls
        .iter()
        .all(|c| c.outcome == "ok" && c.attempt == 1 && c.breaker_state == "closed"));
    assert_eq!(s.db.queue_depth().await.unwrap(), 0);
}
both_dbs!(
    intake_commits_then_pipeline_decides_t,
    intake_commits_then_pipeline_decides
);

async fn intake_refuses_bad_signatures_stale_times_and_replays(which: Which) {
    let db = test_db(which);
    let s = state(&db).await;
    let id = new_lead_id();
    let body = envelope(&id, "demo", "ada@example.com");
    let (code, _) = send(
        &s,
        signed_intake(&body, EDGE_KID, "wrong-secret-0123456789", now_secs(), &id),
    )
    .await;
    assert_eq!(code, 401);
    let (code, _) = send(
        &s,
        signed_intake(&body, "nope", EDGE_SECRET, now_secs(), &id),
    )
    .await;
    assert_eq!(code, 401);
    let (code, _) = send(
        &s,
        signed_intake(&body, EDGE_KID, EDGE_SECRET, now_secs() - 301, &id),
    )
    .await;
    assert_eq!(code, 401, "outside the 300 s window");
    let mut tampered = signed_intake(&body, EDGE_KID, EDGE_SECRET, now_secs(), &id);
    *tampered.body_mut() = axum::body::Body::from(envelope(&id, "demo", "eve@example.com"));
    assert_eq!(send(&s, tampered).await.0, 401);
    assert!(s.db.lead(&id).await.unwrap().is_none(), "nothing stored");

    let ts = now_secs();
    assert_eq!(
        send(&s, signed_intake(&body, EDGE_KID, EDGE_SECRET, ts, &id))
            .await
            .0,
        202
    );
    let (code, text) = send(&s, signed_intake(&body, EDGE_KID, EDGE_SECRET, ts, &id)).await;
    assert_eq!(code, 409, "exact replay refused: {text}");
    // The old key still verifies (rotation) and a re-signed re-delivery is idempotent.
    let (code, text) = send(&s, signed_intake(&body, OLD_KID, OLD_SECRET, ts + 1, &id)).await;
    assert_eq!(code, 200, "{text}");
    assert_eq!(json(&text)["lead_id"], id.as_str());
    assert_eq!(s.db.count_leads("queued").await.unwrap(), 1, "stored once");
    drain(&s).await;
    let (code, text) = send(&s, signed_intake(&body, EDGE_KID, EDGE_SECRET, ts + 2, &id)).await;
    assert_eq!(
        (code, json(&text)["status"].clone()),
        (200, json!("accepted")),
        "re-delivery gets the same result"
    );
    // Unknown campaign and mismatched idempotency key.
    let other = new_lead_id();
    let body = envelope(&other, "nope", "x@example.com");
    assert_eq!(
        send(
            &s,
            signed_intake(&body, EDGE_KID, EDGE_SECRET, now_secs(), &other)
        )
        .await
        .0,
        422
    );
    let body = envelope(&other, "demo", "x@example.com");
    assert_eq!(
        send(
            &s,
            signed_intake(&body, EDGE_KID, EDGE_SECRET, now_secs(), "different")
        )
        .await
        .0,
        400
    );
}
both_dbs!(
    intake_refuses_t,
    intake_refuses_bad_signatures_stale_times_and_replays
);

async fn partner_submit_status_and_idempotency(which: Which) {
    let db = test_db(which);
    let s = state(&db).await;
    let lead = with_sub1(plead("demo", "fraud@example.com", "+14155552671"), "aff-7");
    let (code, _) = send(&s, partner_post("bad-key", lead.clone(), None)).await;
    assert_eq!(code, 401);
    let (code, text) = send(&s, partner_post(ACME_KEY, lead.clone(), Some("k1"))).await;
    assert_eq!(code, 202, "{text}");
    let id = json(&text)["lead_id"].as_str().unwrap().to_string();
    let (code, text) = send(&s, partner_post(ACME_KEY, lead.clone(), Some("k1"))).await;
    assert_eq!(
        (code, json(&text)["lead_id"].as_str().unwrap()),
        (200, id.as_str()),
        "same idempotency key, same lead"
    );
    let (_, queued) = send(&s, get(&format!("/v1/leads/{id}"), Some(ACME_KEY))).await;
    assert_eq!(json(&queued)["state"], "queued");
    drain(&s).await;
    let (code, text) = send(&s, get(&format!("/v1/leads/{id}"), Some(ACME_KEY))).await;
    assert_eq!(code, 200);
    let v = json(&text);
    assert_eq!(v["status"], "rejected");
    assert_eq!(v["primary_reason"], "FRD01");
    assert_eq!(v["sub1"], "aff-7");
    assert_eq!(
        v["calls"].as_array().unwrap().len(),
        1,
        "stop on reject: litigator never paid"
    );
    assert_eq!(
        send(&s, get(&format!("/v1/leads/{id}"), Some(OTHER_KEY)))
            .await
            .0,
        404,
        "other partner sees nothing"
    );
    assert_eq!(send(&s, get(&format!("/v1/leads/{id}"), None)).await.0, 401);
    let (code, _) = send(
        &s,
        partner_post(
            ACME_KEY,
            json!({"campaign": "ghost", "email": "a@b.co"}),
            None,
        ),
    )
    .await;
    assert_eq!(code, 422);
    let (code, _) = send(&s, partner_post(ACME_KEY, json!({"email": "a@b.co"}), None)).await;
    assert_eq!(code, 400);
}
both_dbs!(partner_submit_t, partner_submit_status_and_idempotency);

async fn duplicates_are_caught_before_paying(which: Which) {
    let db = test_db(which);
    let s = state(&db).await;
    let lead = plead("demo", "Ada@Example.com", "+14155552671");
    let (_, a) = send(&s, partner_post(ACME_KEY, lead.clone(), None)).await;
    drain(&s).await;
    let (_, b) = send(&s, partner_post(ACME_KEY, lead, None)).await;
    drain(&s).await;
    let (a, b) = (
        json(&a)["lead_id"].as_str().unwrap().to_string(),
        json(&b)["lead_id"].as_str().unwrap().to_string(),
    );
    let first = s.db.lead(&a).await.unwrap().unwrap();
    let dup = s.db.lead(&b).await.unwrap().unwrap();
    assert_eq!(first.validation_status.as_deref(), Some("accepted"));
    assert_eq!(dup.validation_status.as_deref(), Some("rejected"));
    assert_eq!(dup.primary_reason_code.as_deref(), Some("DUP01"));
    assert_eq!(dup.duplicate_of.as_deref(), Some(a.as_str()));
    assert_eq!(dup.cost_usd, Some(0.0));
    assert!(s.db.calls(&b).await.unwrap().is_empty());
}
both_dbs!(duplicates_t, duplicates_are_caught_before_paying);

async fn postbacks_expand_macros_retry_and_finish(which: Which) {
    let db = test_db(which);
    let (rx, url) = receiver(1).await;
    let s = state_with(
        &db,
        &format!("{url}?id={{lead_id}}&s={{status}}&r={{reason}}&sub={{sub1}}"),
        "",
    )
    .await;
    let (_, text) = send(
        &s,
        partner_post(
            ACME_KEY,
            with_sub1(plead("demo", "meh@example.com", "+14155552671"), "a b"),
            None,
        ),
    )
    .await;
    let id = json(&text)["lead_id"].as_str().unwrap().to_string();
    drain(&s).await;
    deliver_postbacks(&s, 3).await;
    let hits = rx.hits.lock().unwrap().clone();
    assert_eq!(hits.len(), 2, "one 500 then a success: {hits:?}");
    assert_eq!(hits[1], format!("id={id}&s=review&r=FRD02&sub=a+b"));
    let (state, attempts) =
        s.db.postback_state(&format!("{id}:acme"))
            .await
            .unwrap()
            .unwrap();
    assert_eq!((state.as_str(), attempts), ("sent", 2));
}
both_dbs!(postbacks_t, postbacks_expand_macros_retry_and_finish);

async fn postbacks_to_private_targets_are_refused_unless_allowed(which: Which) {
    let db = test_db(which);
    let (rx, url) = receiver(0).await;
    let s = state_with(&db, &format!("{url}?id={{lead_id}}"), "").await;
    // Same state but with the guard on: rebuild the config with allow_private_targets = false.
    let mut config = s.config.clone();
    config.postbacks.allow_private_targets = false;
    drop(s);
    let s =
        leadgate_server::state::AppState::build(config, &Default::default(), db.schema.as_deref())
            .await
            .unwrap();
    let (_, text) = send(
        &s,
        partner_post(
            ACME_KEY,
            plead("demo", "ada@example.com", "+14155552671"),
            None,
        ),
    )
    .await;
    let id = json(&text)["lead_id"].as_str().unwrap().to_string();
    drain(&s).await;
    deliver_postbacks(&s, 2).await;
    assert!(
        rx.hits.lock().unwrap().is_empty(),
        "no request reached 127.0.0.1"
    );
    let (state, _) =
        s.db.postback_state(&format!("{id}:acme"))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(state, "failed", "an SSRF refusal is permanent");
}
both_dbs!(
    ssrf_t,
    postbacks_to_private_targets_are_refused_unless_allowed
);

async fn reconciliation_csv_lists_only_the_partners_leads(which: Which) {
    let db = test_db(which);
    let s = state(&db).await;
    let (_, a) = send(
        &s,
        partner_post(
            ACME_KEY,
            with_sub1(plead("demo", "fraud@example.com", "+14155552671"), "x,y"),
            None,
        ),
    )
    .await;
    let (_, b) = send(
        &s,
        partner_post(
            OTHER_KEY,
            plead("demo", "b@example.com", "+14155552672"),
            None,
        ),
    )
    .await;
    drain(&s).await;
    let now = leadgate_server::store::now_ms();
    let day = now.div_euclid(86_400_000);
    let monday = day - (day + 3).rem_euclid(7);
    let week = civil(monday);
    let (code, csv) = send(
        &s,
        get(
            &format!("/v1/reports/reconciliation.csv?week_start={week}"),
            Some(ACME_KEY),
        ),
    )
    .await;
    assert_eq!(code, 200, "{csv}");
    let a = json(&a)["lead_id"].as_str().unwrap().to_string();
    let b = json(&b)["lead_id"].as_str().unwrap().to_string();
    assert!(csv.starts_with("lead_id,received_at_ms,campaign,sub1,state,status"));
    assert!(csv.contains(&a) && !csv.contains(&b), "{csv}");
    assert!(csv.contains("\"x,y\""), "quoted field: {csv}");
    assert!(csv.contains("rejected,"));
    assert_eq!(
        send(&s, get("/v1/reports/reconciliation.csv", None))
            .await
            .0,
        401
    );
}
both_dbs!(
    reconciliation_t,
    reconciliation_csv_lists_only_the_partners_leads
);

fn with_sub1(mut v: serde_json::Value, sub1: &str) -> serde_json::Value {
    v["sub1"] = sub1.into();
    v
}

fn civil(days: i64) -> String {
    // Inverse of days_from_civil (Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

async fn ops_endpoints_and_metrics(which: Which) {
    let db = test_db(which);
    let s = state(&db).await;
    assert_eq!(
        send(&s, get("/healthz", None)).await,
        (200, "ok".to_string())
    );
    assert_eq!(
        send(&s, get("/readyz", None)).await.0,
        503,
        "workers not started in oneshot tests"
    );
    s.ready.store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(send(&s, get("/readyz", None)).await.0, 200);
    send(
        &s,
        partner_post(
            ACME_KEY,
            plead("demo", "ada@example.com", "+14155552671"),
            None,
        ),
    )
    .await;
    drain(&s).await;
    let (code, m) = send(&s, get("/metrics", None)).await;
    assert_eq!(code, 200);
    for needle in [
        "leadgate_provider_latency_ms_bucket{provider=\"fraud\",le=\"5\"} 1",
        "leadgate_provider_calls_total{provider=\"litigator\",outcome=\"ok\"} 1",
        "leadgate_provider_spend_usd_total{provider=\"fraud\"} 0.01",
        "leadgate_breaker_state{provider=\"fraud\"} 0",
        "leadgate_leads_total{status=\"accepted\"} 1",
        "leadgate_intake_total{source=\"partner\",result=\"new\"} 1",
        "leadgate_queue_depth 0",
    ] {
        assert!(m.contains(needle), "missing {needle} in\n{m}");
    }
    assert!(!m.contains("ada@example.com"));
}
both_dbs!(ops_t, ops_endpoints_and_metrics);

async fn fail_closed_provider_sends_to_review(which: Which) {
    let db = test_db(which);
    let extra = r#"
[[campaigns]]
id = "strict"
version = "s1"
[[campaigns.integrations]]
provider = "down"
fail = "closed"
timeout_ms = 50
[[providers]]
name = "down"
kind = "stub"
fail = "unavailable"
"#;
    let s = state_with(&db, "http://127.0.0.1:9/x", extra).await;
    let (_, text) = send(
        &s,
        partner_post(
            ACME_KEY,
            plead("strict", "ada@example.com", "+14155552671"),
            None,
        ),
    )
    .await;
    let id = json(&text)["lead_id"].as_str().unwrap().to_string();
    drain(&s).await;
    let row = s.db.lead(&id).await.unwrap().unwrap();
    assert_eq!(row.validation_status.as_deref(), Some("review"));
    assert_eq!(row.primary_reason_code.as_deref(), Some("PIP02"));
    let calls = s.db.calls(&id).await.unwrap();
    assert_eq!(
        calls
            .iter()
            .map(|c| (c.outcome.as_str(), c.attempt))
            .collect::<Vec<_>>(),
        [("error", 1), ("error", 2)]
    );
}
both_dbs!(fail_closed_t, fail_closed_provider_sends_to_review);

async fn retention_purge_drops_pii_but_keeps_the_verdict(which: Which) {
    let db = test_db(which);
    let extra = "[retention]\ndefault_days = 0\n";
    let s = state_with(&db, "http://127.0.0.1:9/x", extra).await;
    let (_, text) = send(
        &s,
        partner_post(
            ACME_KEY,
            plead("demo", "ada@example.com", "+14155552671"),
            None,
        ),
    )
    .await;
    let id = json(&text)["lead_id"].as_str().unwrap().to_string();
    drain(&s).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let purged = leadgate_server::serve::purge_once(&s).await.unwrap();
    assert_eq!(purged, 1);
    let row = s.db.lead(&id).await.unwrap().unwrap();
    assert!(row.lead_json.is_none());
    assert_eq!(row.validation_status.as_deref(), Some("accepted"));
}
both_dbs!(retention_t, retention_purge_drops_pii_but_keeps_the_verdict);

async fn campaign_versions_are_immutable(which: Which) {
    let db = test_db(which);
    let s = state(&db).await;
    let mut config = s.config.clone();
    config.campaigns[0].cost_cap_usd = Some(0.5);
    drop(s);
    let err = leadgate_server::state::AppState::build(
        config.clone(),
        &Default::default(),
        db.schema.as_deref(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("bump the version"), "{err}");
    config.campaigns[0].version = "t2".into();
    leadgate_server::state::AppState::build(config, &Default::default(), db.schema.as_deref())
        .await
        .expect("new version accepted");
}
both_dbs!(versions_t, campaign_versions_are_immutable);

/// Leads the edge forwards from a site listed under a partner's `sites` are that
/// partner's: its postback, its status endpoint; no other partner sees them.
async fn edge_leads_of_a_partners_site_belong_to_that_partner(which: Which) {
    use leadgate_server::config::Config;
    use leadgate_server::providers::ProviderFactories;
    use leadgate_server::state::AppState;
    let db = test_db(which);
    let (rx, url) = receiver(0).await;
    let toml = config_toml(&db, &format!("{url}?id={{lead_id}}&s={{status}}"), "")
        .replace("id = \"acme\"\n", "id = \"acme\"\nsites = [\"demo\"]\n");
    let config = Config::from_toml(&toml, Vec::new()).expect("config");
    let s = AppState::build(config, &ProviderFactories::default(), db.schema.as_deref())
        .await
        .expect("state");
    let id = new_lead_id();
    let body = envelope(&id, "demo", "grace@example.com");
    let (code, text) = send(
        &s,
        signed_intake(&body, EDGE_KID, EDGE_SECRET, now_secs(), &id),
    )
    .await;
    assert_eq!(code, 202, "{text}");
    drain(&s).await;
    deliver_postbacks(&s, 2).await;
    assert_eq!(
        rx.hits.lock().unwrap().clone(),
        [format!("id={id}&s=accepted")]
    );
    let (code, text) = send(&s, get(&format!("/v1/leads/{id}"), Some(ACME_KEY))).await;
    assert_eq!(code, 200, "{text}");
    assert_eq!(json(&text)["status"], "accepted");
    let (code, _) = send(&s, get(&format!("/v1/leads/{id}"), Some(OTHER_KEY))).await;
    assert_eq!(code, 404);

    // One site, one owner.
    let twice = toml.replace("id = \"other\"\n", "id = \"other\"\nsites = [\"demo\"]\n");
    let err = Config::from_toml(&twice, Vec::new()).expect_err("a site with two owners");
    assert!(err.to_string().contains("belongs to two partners"), "{err}");
}
both_dbs!(
    edge_site_partner_t,
    edge_leads_of_a_partners_site_belong_to_that_partner
);
