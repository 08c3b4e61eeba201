//! The SQL of one group commit: a batch of requests in one transaction, with
//! multi-row statements, one result per request.
use super::{
    chunks, CallInsert, Completion, FingerprintClaim, Inserted, Marks, Op, Signature, Written,
};
use crate::store::{now_ms, NewLead, StoreError};
use sqlx::{Any, AnyPool, Row, Transaction};
use std::collections::{HashMap, HashSet};

type Results = Vec<Option<Written>>;

/// Writes `batch` in one transaction; one result per request, in order.
pub(super) async fn write(
    pool: &AnyPool,
    marks: Marks,
    batch: &[Op],
) -> Result<Vec<Written>, StoreError> {
    let now = now_ms();
    let mut tx = pool.begin().await?;
    let mut results: Results = (0..batch.len()).map(|_| None).collect();
    intakes(&mut tx, marks, batch, now, &mut results).await?;
    verdicts(&mut tx, marks, batch, now, &mut results).await?;
    claims(&mut tx, marks, batch, now, &mut results).await?;
    tx.commit().await?;
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or(Written::Complete))
        .collect())
}

/// Intake: signatures, then leads, then jobs for the leads that went in.
async fn intakes(
    tx: &mut Transaction<'_, Any>,
    marks: Marks,
    batch: &[Op],
    now: i64,
    results: &mut Results,
) -> Result<(), StoreError> {
    let intakes: Vec<(usize, &NewLead, Option<&Signature>)> = batch
        .iter()
        .enumerate()
        .filter_map(|(i, op)| match op {
            Op::Intake {
                lead, signature, ..
            } => Some((i, lead, signature.as_ref())),
            Op::Complete { .. } | Op::Claim { .. } => None,
        })
        .collect();
    let signed: Vec<&Signature> = intakes.iter().filter_map(|(_, _, s)| *s).collect();
    let mut fresh_signatures = HashSet::new();
    for rows in chunks(&signed) {
        let sql = format!(
            "INSERT INTO seen_signatures (signature, expires_at) VALUES {} \
             ON CONFLICT (signature) DO NOTHING RETURNING signature",
            marks.rows(rows.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for (sig, expires_at) in rows {
            q = q.bind(sig.as_str()).bind(*expires_at);
        }
        for r in q.fetch_all(&mut **tx).await? {
            fresh_signatures.insert(r.try_get::<String, _>("signature")?);
        }
    }
    let mut to_insert = Vec::new();
    for (i, lead, sig) in &intakes {
        match sig {
            Some((s, _)) if !fresh_signatures.contains(s) => {
                results[*i] = Some(Written::Intake(Inserted::Replayed));
            }
            _ => to_insert.push((*i, *lead)),
        }
    }
    let mut inserted = HashSet::new();
    for rows in chunks(&to_insert) {
        let sql = format!(
            "INSERT INTO leads (id, source, partner_id, idempotency_key, site, campaign_id, campaign_version, sub1, \
             received_at, created_at, lead_json, edge_json, state) VALUES {} ON CONFLICT DO NOTHING RETURNING id",
            marks.rows(rows.len(), 13)
        );
        let mut q = sqlx::query(&sql);
        for (_, lead) in rows {
            q = q
                .bind(lead.id.as_str())
                .bind(lead.source)
                .bind(lead.partner_id.as_deref())
                .bind(lead.idempotency_key.as_deref())
                .bind(lead.site.as_deref())
                .bind(lead.campaign_id.as_str())
                .bind(lead.campaign_version.as_str())
                .bind(lead.sub1.as_deref())
                .bind(lead.received_at)
                .bind(now)
                .bind(lead.lead_json.as_str())
                .bind(lead.edge_json.as_deref())
                .bind("queued");
        }
        for r in q.fetch_all(&mut **tx).await? {
            inserted.insert(r.try_get::<String, _>("id")?);
        }
    }
    let mut jobs = Vec::new();
    for (i, lead) in &to_insert {
        if inserted.contains(&lead.id) {
            results[*i] = Some(Written::Intake(Inserted::New));
            jobs.push(lead.id.as_str());
        } else {
            results[*i] = Some(Written::Intake(Inserted::Conflict));
        }
    }
    for rows in chunks(&jobs) {
        let sql = format!(
            "INSERT INTO jobs (lead_id, run_at, attempts) VALUES {}",
            marks.rows(rows.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for id in rows {
            q = q.bind(*id).bind(now).bind(0i64);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Verdicts: the guarded update says which leads were not done yet; only those get
/// call rows and a postback. Every job of the batch goes.
async fn verdicts(
    tx: &mut Transaction<'_, Any>,
    marks: Marks,
    batch: &[Op],
    now: i64,
    results: &mut Results,
) -> Result<(), StoreError> {
    let completions: Vec<(usize, &Completion)> = batch
        .iter()
        .enumerate()
        .filter_map(|(i, op)| match op {
            Op::Complete { done, .. } => Some((i, done)),
            Op::Intake { .. } | Op::Claim { .. } => None,
        })
        .collect();
    let mut updated = HashSet::new();
    for rows in chunks(&completions) {
        let sql = format!(
            "WITH v (lid, status, score, primary_code, secondary_code, reasons, provider, cost, latency, \
             rule_version, duplicate_of, completed_at) AS (VALUES {}) \
             UPDATE leads SET state = 'done', validation_status = v.status, validation_score = v.score, \
             primary_reason_code = v.primary_code, secondary_reason_code = v.secondary_code, reasons = v.reasons, \
             provider = v.provider, cost_usd = v.cost, latency_ms = v.latency, rule_version = v.rule_version, \
             duplicate_of = v.duplicate_of, completed_at = v.completed_at \
             FROM v WHERE leads.id = v.lid AND leads.state <> 'done' RETURNING id",
            marks.rows(rows.len(), 12)
        );
        let mut q = sqlx::query(&sql);
        for (_, d) in rows {
            q = q
                .bind(d.id.as_str())
                .bind(d.status)
                .bind(d.score)
                .bind(d.primary)
                .bind(d.secondary)
                .bind(d.reasons.as_str())
                .bind(d.provider.as_deref())
                .bind(d.cost_usd)
                .bind(d.latency_ms)
                .bind(d.rule_version.as_str())
                .bind(d.duplicate_of.as_deref())
                .bind(now);
        }
        for r in q.fetch_all(&mut **tx).await? {
            updated.insert(r.try_get::<String, _>("id")?);
        }
    }
    let fresh: Vec<&Completion> = completions
        .iter()
        .map(|(_, d)| *d)
        .filter(|d| updated.contains(&d.id))
        .collect();
    let calls: Vec<(&str, i64, &CallInsert)> = fresh
        .iter()
        .flat_map(|d| {
            d.calls
                .iter()
                .enumerate()
                .map(|(seq, c)| (d.id.as_str(), seq as i64, c))
        })
        .collect();
    for rows in chunks(&calls) {
        let sql = format!(
            "INSERT INTO provider_calls (lead_id, seq, provider, outcome, error, reason, cost_usd, latency_ms, \
             attempt, breaker_state, rules_fired, created_at) VALUES {}",
            marks.rows(rows.len(), 12)
        );
        let mut q = sqlx::query(&sql);
        for (id, seq, c) in rows {
            q = q
                .bind(*id)
                .bind(*seq)
                .bind(c.provider.as_str())
                .bind(c.outcome)
                .bind(c.error.as_deref())
                .bind(c.reason)
                .bind(c.cost_usd)
                .bind(c.latency_ms)
                .bind(c.attempt)
                .bind(c.breaker_state)
                .bind(c.rules_fired.as_str())
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    let postbacks: Vec<(String, &str, &str, &str)> = fresh
        .iter()
        .filter_map(|d| {
            d.postback.as_ref().map(|(partner, url)| {
                (
                    format!("{}:{partner}", d.id),
                    d.id.as_str(),
                    partner.as_str(),
                    url.as_str(),
                )
            })
        })
        .collect();
    for rows in chunks(&postbacks) {
        let sql = format!(
            "INSERT INTO postbacks (id, lead_id, partner_id, url, state, attempts, next_at, created_at) VALUES {}",
            marks.rows(rows.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for (pid, id, partner, url) in rows {
            q = q
                .bind(pid.as_str())
                .bind(*id)
                .bind(*partner)
                .bind(*url)
                .bind("pending")
                .bind(0i64)
                .bind(now)
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    let done_ids: Vec<&str> = completions.iter().map(|(_, d)| d.id.as_str()).collect();
    for rows in chunks(&done_ids) {
        let sql = format!(
            "DELETE FROM jobs WHERE lead_id IN {}",
            marks.rows(1, rows.len())
        );
        let mut q = sqlx::query(&sql);
        for id in rows {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    for (i, _) in &completions {
        results[*i] = Some(Written::Complete);
    }
    Ok(())
}

/// Dedup claims: the first committed claim owns a fingerprint for its window; an older
/// claim outside the window is taken over.
async fn claims(
    tx: &mut Transaction<'_, Any>,
    marks: Marks,
    batch: &[Op],
    now: i64,
    results: &mut Results,
) -> Result<(), StoreError> {
    let claims: Vec<(usize, &FingerprintClaim)> = batch
        .iter()
        .enumerate()
        .filter_map(|(i, op)| match op {
            Op::Claim { claim, .. } => Some((i, claim)),
            Op::Intake { .. } | Op::Complete { .. } => None,
        })
        .collect();
    let mut holders = HashMap::new();
    for rows in chunks(&claims) {
        let sql = format!(
            "INSERT INTO fingerprints (fingerprint, lead_id, seen_at) VALUES {} \
             ON CONFLICT (fingerprint) DO NOTHING",
            marks.rows(rows.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for (_, c) in rows {
            q = q
                .bind(c.fingerprint.as_str())
                .bind(c.lead_id.as_str())
                .bind(now);
        }
        q.execute(&mut **tx).await?;
        let sql = format!(
            "SELECT fingerprint, lead_id, seen_at FROM fingerprints WHERE fingerprint IN {}",
            marks.rows(1, rows.len())
        );
        let mut q = sqlx::query(&sql);
        for (_, c) in rows {
            q = q.bind(c.fingerprint.as_str());
        }
        for r in q.fetch_all(&mut **tx).await? {
            let fingerprint: String = r.try_get("fingerprint")?;
            let owner: String = r.try_get("lead_id")?;
            let seen_at: i64 = r.try_get("seen_at")?;
            holders.insert(fingerprint, (owner, seen_at));
        }
    }
    for (i, c) in &claims {
        let Some((owner, seen_at)) = holders.get(&c.fingerprint) else {
            return Err(StoreError::Corrupt("fingerprint claim vanished".into()));
        };
        let result = if *owner == c.lead_id {
            None
        } else if now - seen_at > c.window_ms {
            sqlx::query(
                "UPDATE fingerprints SET lead_id = $1, seen_at = $2 WHERE fingerprint = $3 AND lead_id = $4",
            )
            .bind(c.lead_id.as_str())
            .bind(now)
            .bind(c.fingerprint.as_str())
            .bind(owner.as_str())
            .execute(&mut **tx)
            .await?;
            None
        } else {
            Some(owner.clone())
        };
        results[*i] = Some(Written::Claim(result));
    }
    Ok(())
}
