//! Group commit: many intakes, dedup claims and verdicts share a transaction. These tests send
//! conflicting requests at the same moment, so they land in the same batch, and check
//! that each caller still gets exactly the answer a transaction of its own would give.
mod common;

use common::*;
use leadgate_pipeline::{CallOutcome, CallRecord, LeadOutcome, LeadStatus};
use leadgate_server::store::{Db, NewLead, Stored};

async fn store(db: &TestDb) -> Db {
    Db::connect(&db.url, 4, db.schema.as_deref())
        .await
        .expect("connect")
}

fn lead(id: &str, idempotency_key: Option<&str>) -> NewLead {
    NewLead {
        id: id.into(),
        source: "partner",
        partner_id: Some("acme".into()),
        idempotency_key: idempotency_key.map(str::to_string),
        site: None,
        campaign_id: "demo".into(),
        campaign_version: "1".into(),
        sub1: None,
        received_at: 1,
        lead_json: "{}".into(),
        edge_json: None,
    }
}

fn outcome(calls: usize) -> LeadOutcome {
    LeadOutcome {
        status: LeadStatus::Accepted,
        score: 90,
        reasons: Vec::new(),
        rule_version: "1".into(),
        cost_usd: 0.01,
        latency_ms: 3,
        provider: Some("p".into()),
        duplicate_of: None,
        calls: (0..calls)
            .map(|i| CallRecord {
                provider: format!("p{i}"),
                outcome: CallOutcome::Ok,
                error: None,
                reason: None,
                cost_usd: 0.005,
                latency_ms: 1,
                attempt: 1,
                breaker_state: leadgate_pipeline::BreakerState::Closed,
                rules_fired: vec!["x > 1 -> reject".into()],
            })
            .collect(),
    }
}

/// Fires `n` copies of a future at once and collects the results.
async fn all_at_once<F, T>(n: usize, make: impl Fn(usize) -> F) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(make(i))).collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

async fn same_lead_at_once_is_stored_once(which: Which) {
    let db = test_db(which);
    let s = store(&db).await;
    let id = new_lead_id();
    let results = all_at_once(40, |_| {
        let (s, id) = (s.clone(), id.clone());
        async move { s.insert_lead(&lead(&id, None), None).await.expect("insert") }
    })
    .await;
    let new = results.iter().filter(|r| **r == Stored::New).count();
    let existing = results
        .iter()
        .filter(|r| matches!(r, Stored::Existing(row) if row.id == id))
        .count();
    assert_eq!((new, existing), (1, 39));
    assert_eq!(s.queue_depth().await.unwrap(), 1, "one job");
}
both_dbs!(same_lead_t, same_lead_at_once_is_stored_once);

async fn same_signature_at_once_is_one_lead_and_replays(which: Which) {
    let db = test_db(which);
    let s = store(&db).await;
    let results = all_at_once(30, |_| {
        let s = s.clone();
        async move {
            let id = new_lead_id();
            s.insert_lead(&lead(&id, None), Some(("v1=same", i64::MAX)))
                .await
                .expect("insert")
        }
    })
    .await;
    let new = results.iter().filter(|r| **r == Stored::New).count();
    let replayed = results.iter().filter(|r| **r == Stored::Replayed).count();
    assert_eq!((new, replayed), (1, 29));
    assert_eq!(s.count_leads("queued").await.unwrap(), 1);
}
both_dbs!(
    same_signature_t,
    same_signature_at_once_is_one_lead_and_replays
);

async fn same_idempotency_key_at_once_is_one_lead(which: Which) {
    let db = test_db(which);
    let s = store(&db).await;
    let results = all_at_once(30, |_| {
        let s = s.clone();
        async move {
            let id = new_lead_id();
            s.insert_lead(&lead(&id, Some("acme:k1")), None)
                .await
                .expect("insert")
        }
    })
    .await;
    let winners: Vec<&Stored> = results.iter().filter(|r| **r == Stored::New).collect();
    assert_eq!(winners.len(), 1);
    let ids: std::collections::HashSet<String> = results
        .iter()
        .filter_map(|r| match r {
            Stored::Existing(row) => Some(row.id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 1, "every loser sees the one stored lead");
    assert_eq!(s.count_leads("queued").await.unwrap(), 1);
}
both_dbs!(same_key_t, same_idempotency_key_at_once_is_one_lead);

async fn many_leads_at_once_each_get_their_own_verdict(which: Which) {
    let db = test_db(which);
    let s = store(&db).await;
    let ids: Vec<String> = (0..150).map(|_| new_lead_id()).collect();
    let inserted = all_at_once(ids.len(), |i| {
        let (s, id) = (s.clone(), ids[i].clone());
        async move { s.insert_lead(&lead(&id, None), None).await.expect("insert") }
    })
    .await;
    assert!(inserted.iter().all(|r| *r == Stored::New));
    assert_eq!(s.queue_depth().await.unwrap(), ids.len() as i64);
    // Every lead completed three times at once: one verdict, one set of calls each.
    all_at_once(ids.len() * 3, |i| {
        let n = i % ids.len();
        let (s, id) = (s.clone(), ids[n].clone());
        async move {
            let postback = Some(("acme", "http://x/{lead_id}"));
            s.complete_lead(&id, &outcome(1 + n % 3), postback)
                .await
                .expect("complete")
        }
    })
    .await;
    assert_eq!(s.queue_depth().await.unwrap(), 0);
    assert_eq!(s.count_leads("done").await.unwrap(), ids.len() as i64);
    for (n, id) in ids.iter().enumerate() {
        let row = s.lead(id).await.unwrap().unwrap();
        assert_eq!(row.validation_status.as_deref(), Some("accepted"));
        assert_eq!(row.cost_usd, Some(0.01));
        let calls = s.calls(id).await.unwrap();
        assert_eq!(calls.len(), 1 + n % 3, "{id}");
        assert_eq!(calls[0].outcome, "ok");
        let (state, attempts) = s
            .postback_state(&format!("{id}:acme"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((state.as_str(), attempts), ("pending", 0));
    }
}
both_dbs!(many_leads_t, many_leads_at_once_each_get_their_own_verdict);

async fn a_bad_row_fails_only_its_own_caller(which: Which) {
    let db = test_db(which);
    let s = store(&db).await;
    let ids: Vec<String> = (0..60).map(|_| new_lead_id()).collect();
    for id in &ids {
        s.insert_lead(&lead(id, None), None).await.unwrap();
    }
    // The outbox already holds the postback id the first lead's verdict will write, so
    // that verdict's transaction fails; the others share a batch with it at first.
    sqlx::query(
        "INSERT INTO postbacks (id, lead_id, partner_id, url, state, attempts, next_at, created_at) \
         VALUES ($1, $2, 'acme', 'u', 'sent', 1, 0, 0)",
    )
    .bind(format!("{}:acme", ids[0]))
    .bind(&ids[0])
    .execute(s.pool())
    .await
    .unwrap();
    let results = all_at_once(ids.len(), |i| {
        let (s, id) = (s.clone(), ids[i].clone());
        async move {
            s.complete_lead(&id, &outcome(2), Some(("acme", "http://x/")))
                .await
                .is_ok()
        }
    })
    .await;
    assert!(!results[0], "the conflicting verdict fails");
    assert!(results[1..].iter().all(|ok| *ok), "{results:?}");
    let first = s.lead(&ids[0]).await.unwrap().unwrap();
    assert_eq!(
        first.state, "queued",
        "nothing of the failed verdict is stored"
    );
    assert!(s.calls(&ids[0]).await.unwrap().is_empty());
    assert_eq!(s.count_leads("done").await.unwrap(), ids.len() as i64 - 1);
    assert_eq!(
        s.queue_depth().await.unwrap(),
        1,
        "its job stays for a retry"
    );
}
both_dbs!(bad_row_t, a_bad_row_fails_only_its_own_caller);

#[tokio::test]
async fn sqlite_synchronous_comes_from_the_config() {
    use leadgate_server::store::SqliteSync;
    let toml = "[database]\nsqlite_synchronous = \"full\"\n";
    let config = leadgate_server::config::Config::from_toml(toml, Vec::new()).unwrap();
    assert_eq!(config.database.sqlite_synchronous, SqliteSync::Full);
    let env = vec![(
        "LEADGATE_DATABASE__SQLITE_SYNCHRONOUS".to_string(),
        "normal".to_string(),
    )];
    let config = leadgate_server::config::Config::from_toml(toml, env).unwrap();
    assert_eq!(config.database.sqlite_synchronous, SqliteSync::Normal);
    assert!(leadgate_server::config::Config::from_toml(
        "[database]\nsqlite_synchronous = \"off\"\n",
        Vec::new()
    )
    .is_err());
    // And the connection really runs with it (FULL = 2, NORMAL = 1).
    for (sync, expected) in [(SqliteSync::Full, 2i64), (SqliteSync::Normal, 1)] {
        let db = test_db(Which::Sqlite);
        let s = Db::connect_with(&db.url, 1, None, sync).await.unwrap();
        let row = sqlx::query("PRAGMA synchronous")
            .fetch_one(s.pool())
            .await
            .unwrap();
        let got: i64 = sqlx::Row::try_get(&row, 0).unwrap();
        assert_eq!(got, expected, "{sync:?}");
    }
}

async fn same_fingerprint_at_once_has_one_owner(which: Which) {
    let db = test_db(which);
    let s = store(&db).await;
    let ids: Vec<String> = (0..20).map(|_| new_lead_id()).collect();
    let owners = all_at_once(ids.len(), |i| {
        let (s, id) = (s.clone(), ids[i].clone());
        async move {
            s.claim_fingerprint("fp-1", &id, 60_000)
                .await
                .expect("claim")
        }
    })
    .await;
    let winners: Vec<&String> = ids
        .iter()
        .zip(&owners)
        .filter(|(_, owner)| owner.is_none())
        .map(|(id, _)| id)
        .collect();
    assert_eq!(winners.len(), 1, "{owners:?}");
    for (id, owner) in ids.iter().zip(&owners) {
        if id != winners[0] {
            assert_eq!(owner.as_ref(), Some(winners[0]), "{id}");
        }
    }
    // The owner claiming again (a lead run twice) still owns it.
    assert_eq!(
        s.claim_fingerprint("fp-1", winners[0], 60_000)
            .await
            .unwrap(),
        None
    );
    // Outside the window the claim is taken over, and the new owner holds it.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let late = new_lead_id();
    assert_eq!(s.claim_fingerprint("fp-1", &late, 1).await.unwrap(), None);
    let later = new_lead_id();
    assert_eq!(
        s.claim_fingerprint("fp-1", &later, 60_000).await.unwrap(),
        Some(late)
    );
}
both_dbs!(same_fingerprint_t, same_fingerprint_at_once_has_one_owner);
