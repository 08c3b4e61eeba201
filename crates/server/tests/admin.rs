//! The admin API: providers and campaigns changed while the server runs, validated like
//! the config file, stored, surviving a restart, credentials never shown. SQLite and
//! (feature `pg-tests`) PostgreSQL.
mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use leadgate_server::config::{hash_api_key, Config};
use leadgate_server::state::{AppState, SharedState};
use serde_json::json;

const ADMIN_TOKEN: &str = "admin-token-for-tests-0123456789";
const VENDOR_KEY: &str = "ipqs-live-key-abcdef123456";

fn admin_extra() -> String {
    format!(
        "[admin]\ntoken_sha256 = \"{}\"\n",
        hash_api_key(ADMIN_TOKEN)
    )
}

async fn admin_state(db: &TestDb) -> SharedState {
    let text = config_toml(db, "http://127.0.0.1:9/none?l={lead_id}", &admin_extra());
    let config = Config::from_toml(&text, Vec::new()).expect("config");
    // Every vendor kind too, so a real client's settings are validated.
    AppState::build(
        config,
        &leadgate_server::providers::all_factories(),
        db.schema.as_deref(),
    )
    .await
    .expect("state")
}

fn admin(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    req.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap()
}

/// Calls the provider answers on a partner lead and returns the providers called.
async fn providers_called(s: &SharedState, email: &str) -> Vec<String> {
    let (code, text) = send(
        s,
        partner_post(ACME_KEY, plead("demo", email, "+14155552671"), None),
    )
    .await;
    assert_eq!(code, 202, "{text}");
    let id = json(&text)["lead_id"].as_str().unwrap().to_string();
    drain(s).await;
    s.db.calls(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.provider)
        .collect()
}

async fn auth_is_required_and_off_without_a_token(which: Which) {
    let db = test_db(which);
    // No [admin] section: the API is off and says how to turn it on.
    let off = state(&db).await;
    let (code, text) = send(
        &off,
        admin("GET", "/v1/admin/providers", Some(ADMIN_TOKEN), None),
    )
    .await;
    assert_eq!(code, 404, "{text}");
    assert!(text.contains("admin.token_sha256"), "{text}");

    let db = test_db(which);
    let s = admin_state(&db).await;
    let (code, _) = send(&s, admin("GET", "/v1/admin/providers", None, None)).await;
    assert_eq!(code, 401);
    let (code, _) = send(
        &s,
        admin("GET", "/v1/admin/providers", Some("wrong-token"), None),
    )
    .await;
    assert_eq!(code, 401);
    // A partner key is not an admin token.
    let (code, _) = send(
        &s,
        admin("GET", "/v1/admin/campaigns", Some(ACME_KEY), None),
    )
    .await;
    assert_eq!(code, 401);
    let (code, text) = send(
        &s,
        admin("GET", "/v1/admin/providers", Some(ADMIN_TOKEN), None),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    let v = json(&text);
    let names: Vec<&str> = v["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fraud", "litigator"]);
    assert!(v["providers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["source"] == "file"));
    let kinds = v["kinds"].as_array().unwrap();
    assert!(kinds.iter().any(|k| k == "ipqs_phone") && kinds.iter().any(|k| k == "stub"));
}
both_dbs!(auth_t, auth_is_required_and_off_without_a_token);

async fn a_provider_is_added_validated_and_its_key_never_shown(which: Which) {
    let db = test_db(which);
    let s = admin_state(&db).await;
    // A vendor client with a wrong setting type: 422 naming the setting, no key echoed.
    let bad = json!({"kind": "ipqs_phone", "api_key": VENDOR_KEY, "base_url": "http://127.0.0.1:8090/ipqs",
                     "timeout_ms": "soon"});
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/ipqs",
            Some(ADMIN_TOKEN),
            Some(bad),
        ),
    )
    .await;
    assert!(code == 422, "{code} {text}");
    assert!(
        text.contains("timeout_ms"),
        "the error names the key at fault: {text}"
    );
    assert!(!text.contains(VENDOR_KEY), "{text}");
    // A key in the wrong place (a number field) is not echoed either.
    let bad = json!({"kind": "ipqs_phone", "api_key": VENDOR_KEY, "timeout_ms": VENDOR_KEY});
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/ipqs",
            Some(ADMIN_TOKEN),
            Some(bad),
        ),
    )
    .await;
    assert_eq!(code, 422, "{text}");
    assert!(!text.contains(VENDOR_KEY), "{text}");
    // Unknown kind, bad names, name mismatch, not an object.
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/x",
            Some(ADMIN_TOKEN),
            Some(json!({"kind": "nope"})),
        ),
    )
    .await;
    assert_eq!(code, 422, "{text}");
    assert!(text.contains("unknown kind"), "{text}");
    let (code, _) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/a%20b",
            Some(ADMIN_TOKEN),
            Some(json!({"kind": "stub"})),
        ),
    )
    .await;
    assert_eq!(code, 400);
    let (code, _) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/x",
            Some(ADMIN_TOKEN),
            Some(json!({"name": "y", "kind": "stub"})),
        ),
    )
    .await;
    assert_eq!(code, 400);
    let (code, _) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/x",
            Some(ADMIN_TOKEN),
            Some(json!([1, 2])),
        ),
    )
    .await;
    assert_eq!(code, 400);
    // Nothing was stored by the failures.
    assert!(s.db.admin_providers().await.unwrap().is_empty());

    let good = json!({"kind": "ipqs_phone", "api_key": VENDOR_KEY, "base_url": "http://127.0.0.1:8090/ipqs",
                      "timeout_ms": 1500, "breaker": {"window_secs": 30, "min_calls": 5, "error_rate": 0.5,
                      "consecutive_timeouts": 3, "open_secs": 30, "half_open_probes": 1}});
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/ipqs",
            Some(ADMIN_TOKEN),
            Some(good.clone()),
        ),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    assert!(!text.contains(VENDOR_KEY), "{text}");
    assert_eq!(json(&text)["settings"]["api_key"], "<redacted>");
    assert_eq!(json(&text)["settings"]["timeout_ms"], 1500);
    let (_, text) = send(
        &s,
        admin("GET", "/v1/admin/providers", Some(ADMIN_TOKEN), None),
    )
    .await;
    assert!(!text.contains(VENDOR_KEY), "{text}");
    let v = json(&text);
    let ipqs = v["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ipqs")
        .unwrap();
    assert_eq!(ipqs["source"], "admin");
    assert_eq!(ipqs["kind"], "ipqs_phone");
    // What GET answers can be edited and sent back: "<redacted>" keeps the key.
    let mut round_trip = ipqs.clone();
    round_trip["settings"]["timeout_ms"] = json!(1800);
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/ipqs",
            Some(ADMIN_TOKEN),
            Some(round_trip),
        ),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    let stored = s.db.admin_providers().await.unwrap();
    assert_eq!(
        stored[0].settings["api_key"].as_str(),
        Some(VENDOR_KEY),
        "the key was kept"
    );
    assert_eq!(stored[0].settings["timeout_ms"].as_integer(), Some(1800));
    // ...but "<redacted>" cannot stand for a key that does not exist yet.
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/ipqs2",
            Some(ADMIN_TOKEN),
            Some(json!({"kind": "ipqs_phone", "api_key": "<redacted>"})),
        ),
    )
    .await;
    assert_eq!(code, 400, "{text}");
    assert!(text.contains("api_key"), "{text}");
    // The metrics never carry it either.
    let (_, metrics) = send(&s, get("/metrics", None)).await;
    assert!(!metrics.contains(VENDOR_KEY));
}
both_dbs!(
    add_provider_t,
    a_provider_is_added_validated_and_its_key_never_shown
);

async fn campaign_changes_apply_to_the_next_lead_and_survive_a_restart(which: Which) {
    let db = test_db(which);
    let s = admin_state(&db).await;
    assert_eq!(
        providers_called(&s, "first@example.com").await,
        ["fraud", "litigator"]
    );

    // A new provider, then the campaign re-ordered to use it, with the fraud check off.
    let extra = json!({"kind": "stub", "price_usd": 0.005, "signals": {"fraud_score": 5.0}});
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/providers/cheap",
            Some(ADMIN_TOKEN),
            Some(extra),
        ),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    let campaign = json!({
        "version": "admin-2",
        "cost_cap_usd": 0.05,
        "integrations": [
            {"provider": "cheap", "rules": ["fraud_score > 85 -> reject FRD01"]},
            {"provider": "fraud", "enabled": false},
            {"provider": "litigator", "fail": "closed", "rules": ["is_litigator -> reject CMP01"]}
        ]
    });
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/campaigns/demo",
            Some(ADMIN_TOKEN),
            Some(campaign.clone()),
        ),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    assert_eq!(
        providers_called(&s, "second@example.com").await,
        ["cheap", "litigator"]
    );

    // Versions are immutable: the same version with other content is a conflict...
    let mut changed = campaign.clone();
    changed["cost_cap_usd"] = json!(0.5);
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/campaigns/demo",
            Some(ADMIN_TOKEN),
            Some(changed),
        ),
    )
    .await;
    assert_eq!(code, 409, "{text}");
    assert!(text.contains("bump the version"), "{text}");
    // ...an unknown provider or field is refused with its name, and nothing changes.
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/campaigns/demo",
            Some(ADMIN_TOKEN),
            Some(json!({"version": "admin-3", "integrations": [{"provider": "ghost"}]})),
        ),
    )
    .await;
    assert_eq!(code, 422, "{text}");
    assert!(text.contains("ghost"), "{text}");
    let (code, text) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/campaigns/demo",
            Some(ADMIN_TOKEN),
            Some(json!({"version": "admin-3", "cost_cap": 1})),
        ),
    )
    .await;
    assert_eq!(code, 400, "{text}");
    assert!(text.contains("cost_cap"), "{text}");
    let (code, _) = send(
        &s,
        admin(
            "PUT",
            "/v1/admin/campaigns/demo",
            Some(ADMIN_TOKEN),
            Some(json!({"version": "admin-3", "cost_cap_usd": -1.0})),
        ),
    )
    .await;
    assert_eq!(code, 400);
    // A provider a campaign needs cannot be removed.
    let (code, text) = send(
        &s,
        admin(
            "DELETE",
            "/v1/admin/providers/cheap",
            Some(ADMIN_TOKEN),
            None,
        ),
    )
    .await;
    assert_eq!(code, 422, "{text}");
    let (code, _) = send(
        &s,
        admin(
            "DELETE",
            "/v1/admin/providers/never-stored",
            Some(ADMIN_TOKEN),
            None,
        ),
    )
    .await;
    assert_eq!(code, 404);

    // A restart on the same database keeps the overrides.
    drop(s);
    let s = admin_state(&db).await;
    let (_, text) = send(
        &s,
        admin("GET", "/v1/admin/campaigns", Some(ADMIN_TOKEN), None),
    )
    .await;
    let v = json(&text);
    let demo = v
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "demo")
        .unwrap();
    assert_eq!(demo["source"], "admin");
    assert_eq!(demo["version"], "admin-2");
    assert_eq!(
        providers_called(&s, "third@example.com").await,
        ["cheap", "litigator"]
    );
    let row_version = {
        let (_, text) = send(
            &s,
            partner_post(
                ACME_KEY,
                plead("demo", "fourth@example.com", "+14155552671"),
                None,
            ),
        )
        .await;
        let id = json(&text)["lead_id"].as_str().unwrap().to_string();
        drain(&s).await;
        s.db.lead(&id).await.unwrap().unwrap().rule_version
    };
    assert_eq!(row_version.as_deref(), Some("admin-2"));
    // Reload re-reads the stored overrides (what another instance does after a change).
    let (code, _) = send(
        &s,
        admin("POST", "/v1/admin/reload", Some(ADMIN_TOKEN), None),
    )
    .await;
    assert_eq!(code, 200);
}
both_dbs!(
    campaign_t,
    campaign_changes_apply_to_the_next_lead_and_survive_a_restart
);
