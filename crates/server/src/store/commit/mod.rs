//! Group commit for the hot path. Intake inserts, dedup claims and stored verdicts
//! from many leads share one transaction: one task (the committer) drains whatever requests are
//! waiting, writes them with multi-row statements, commits once, and only then
//! answers each caller. Nothing is acknowledged before its commit, so durability is
//! exactly that of a transaction per lead; what changes is the cost: a handful of
//! statements and one commit (one fsync) per batch instead of five to seven
//! statements and a commit per lead.
//!
//! There is no added wait: a batch is whatever queued while the previous one was
//! committing, so at low load a batch holds one request. A batch that fails as a
//! whole is retried one request at a time, so one bad row never fails its
//! neighbours.
mod write;

use super::leads::NewLead;
use super::{Backend, StoreError};
use sqlx::AnyPool;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};
use write::write;

/// Most requests in one transaction.
const MAX_BATCH: usize = 512;
/// Most rows in one statement. Statements are issued in power-of-two sizes up to this,
/// so each statement has at most seven shapes and stays in the prepared-statement cache.
const MAX_ROWS: usize = 64;

/// What an intake insert found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inserted {
    /// Committed, with its job.
    New,
    /// A lead with this id (or idempotency key) is already stored.
    Conflict,
    /// The signature was seen before: nothing stored.
    Replayed,
}

/// A lead's verdict, calls, postback and job removal, ready to be written.
#[derive(Debug, Clone)]
pub(crate) struct Completion {
    pub id: String,
    pub status: &'static str,
    pub score: i64,
    pub primary: Option<&'static str>,
    pub secondary: Option<&'static str>,
    pub reasons: String,
    pub provider: Option<String>,
    pub cost_usd: f64,
    pub latency_ms: i64,
    pub rule_version: String,
    pub duplicate_of: Option<String>,
    pub calls: Vec<CallInsert>,
    /// `(partner, url template)`.
    pub postback: Option<(String, String)>,
}

/// One provider call row.
#[derive(Debug, Clone)]
pub(crate) struct CallInsert {
    pub provider: String,
    pub outcome: &'static str,
    pub error: Option<String>,
    pub reason: Option<&'static str>,
    pub cost_usd: f64,
    pub latency_ms: i64,
    pub attempt: i64,
    pub breaker_state: &'static str,
    pub rules_fired: String,
}

/// An edge signature and when its replay record may be forgotten (unix ms).
type Signature = (String, i64);

#[derive(Debug)]
enum Op {
    Intake {
        lead: NewLead,
        signature: Option<Signature>,
        reply: oneshot::Sender<Result<Inserted, StoreError>>,
    },
    Complete {
        done: Completion,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    Claim {
        claim: FingerprintClaim,
        reply: oneshot::Sender<Result<Option<String>, StoreError>>,
    },
}

/// A dedup claim: `lead_id` takes `fingerprint` unless another lead holds it within
/// `window_ms`.
#[derive(Debug, Clone)]
pub(crate) struct FingerprintClaim {
    pub fingerprint: String,
    pub lead_id: String,
    pub window_ms: i64,
}

/// The handle callers use; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Committer {
    tx: mpsc::Sender<Op>,
}

impl Committer {
    /// Starts the committing task on the current runtime. It ends when every handle
    /// is dropped.
    pub(crate) fn start(
        pool: AnyPool,
        backend: Backend,
        write_lock: Option<Arc<Mutex<()>>>,
    ) -> Committer {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(pool, backend, write_lock, rx));
        Committer { tx }
    }

    /// Commits `lead` and its job (and `signature`, refusing a replay).
    pub(crate) async fn insert(
        &self,
        lead: NewLead,
        signature: Option<(String, i64)>,
    ) -> Result<Inserted, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Intake {
            lead,
            signature,
            reply,
        })
        .await?;
        rx.await.map_err(|_| stopped())?
    }

    /// Commits a verdict (a no-op for the verdict when the lead is already done; the
    /// job is removed either way).
    pub(crate) async fn complete(&self, done: Completion) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Complete { done, reply }).await?;
        rx.await.map_err(|_| stopped())?
    }

    /// Claims a fingerprint; `Some(owner)` when another lead holds it in the window.
    pub(crate) async fn claim(
        &self,
        claim: FingerprintClaim,
    ) -> Result<Option<String>, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Claim { claim, reply }).await?;
        rx.await.map_err(|_| stopped())?
    }

    async fn send(&self, op: Op) -> Result<(), StoreError> {
        self.tx.send(op).await.map_err(|_| stopped())
    }
}

fn stopped() -> StoreError {
    StoreError::Db(sqlx::Error::PoolClosed)
}

async fn run(
    pool: AnyPool,
    backend: Backend,
    write_lock: Option<Arc<Mutex<()>>>,
    mut rx: mpsc::Receiver<Op>,
) {
    let marks = Marks(backend);
    let mut waiting: VecDeque<Op> = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match rx.recv().await {
                Some(op) => waiting.push_back(op),
                None => return,
            }
        }
        while waiting.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => waiting.push_back(op),
                Err(_) => break,
            }
        }
        let batch = take_batch(&mut waiting);
        let _w = match &write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        match write(&pool, marks, &batch).await {
            Ok(results) => answer(batch, results.into_iter().map(Ok)),
            Err(_) if batch.len() > 1 => {
                // Find the culprit: each request on its own.
                let mut results = Vec::with_capacity(batch.len());
                for op in &batch {
                    results.push(
                        write(&pool, marks, std::slice::from_ref(op))
                            .await
                            .map(|mut r| r.remove(0)),
                    );
                }
                answer(batch, results.into_iter());
            }
            Err(e) => answer(batch, std::iter::once(Err(e))),
        }
    }
}

/// Takes the longest prefix-ordered set of requests that touch distinct rows; the rest
/// wait for the next batch (so every row in a multi-row statement belongs to one caller).
fn take_batch(waiting: &mut VecDeque<Op>) -> Vec<Op> {
    let mut keys: HashSet<String> = HashSet::new();
    let mut batch = Vec::new();
    let mut later = VecDeque::new();
    while let Some(op) = waiting.pop_front() {
        let mine: Vec<String> = match &op {
            Op::Intake {
                lead, signature, ..
            } => std::iter::once(format!("l:{}", lead.id))
                .chain(lead.idempotency_key.iter().map(|k| format!("k:{k}")))
                .chain(signature.iter().map(|(s, _)| format!("s:{s}")))
                .collect(),
            Op::Complete { done, .. } => vec![format!("c:{}", done.id)],
            Op::Claim { claim, .. } => vec![format!("f:{}", claim.fingerprint)],
        };
        if mine.iter().any(|k| keys.contains(k)) {
            later.push_back(op);
        } else {
            keys.extend(mine);
            batch.push(op);
        }
    }
    *waiting = later;
    batch
}

enum Written {
    Intake(Inserted),
    Complete,
    Claim(Option<String>),
}

fn answer(batch: Vec<Op>, results: impl Iterator<Item = Result<Written, StoreError>>) {
    for (op, result) in batch.into_iter().zip(results) {
        match op {
            Op::Intake { reply, .. } => {
                let _ = reply.send(result.map(|w| match w {
                    Written::Intake(i) => i,
                    Written::Complete | Written::Claim(_) => Inserted::Conflict,
                }));
            }
            Op::Complete { reply, .. } => {
                let _ = reply.send(result.map(|_| ()));
            }
            Op::Claim { reply, .. } => {
                let _ = reply.send(result.map(|w| match w {
                    Written::Claim(owner) => owner,
                    Written::Intake(_) | Written::Complete => None,
                }));
            }
        }
    }
}

/// Splits `items` into power-of-two runs of at most [`MAX_ROWS`].
pub(crate) fn chunks<T>(items: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = if rest.len() >= MAX_ROWS {
            MAX_ROWS
        } else {
            1 << (usize::BITS - 1 - rest.len().leading_zeros())
        };
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Some(head)
    })
}

/// Bind markers for multi-row statements: `$n` on PostgreSQL, `?` on SQLite. (SQLite
/// looks a numbered parameter's name up by a linear scan, once per parameter, so a
/// statement with hundreds of `$n` spends its time there; plain `?` skips that.)
#[derive(Debug, Clone, Copy)]
pub(crate) struct Marks(pub(crate) Backend);

impl Marks {
    /// `($1, $2), ($3, $4)` (or `(?, ?), (?, ?)`) for `rows` rows of `cols` columns.
    pub(crate) fn rows(self, rows: usize, cols: usize) -> String {
        let mut out = String::with_capacity(rows * cols * 5);
        for r in 0..rows {
            if r > 0 {
                out.push_str(", ");
            }
            out.push('(');
            for c in 0..cols {
                if c > 0 {
                    out.push_str(", ");
                }
                match self.0 {
                    Backend::Postgres => {
                        out.push('$');
                        out.push_str(&(r * cols + c + 1).to_string());
                    }
                    Backend::Sqlite => out.push('?'),
                }
            }
            out.push(')');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_powers_of_two_up_to_the_cap() {
        let items: Vec<u32> = (0..(MAX_ROWS as u32 * 2 + 37)).collect();
        let sizes: Vec<usize> = chunks(&items).map(<[u32]>::len).collect();
        assert_eq!(sizes, vec![MAX_ROWS, MAX_ROWS, 32, 4, 1]);
        let flat: Vec<u32> = chunks(&items).flatten().copied().collect();
        assert_eq!(flat, items);
        assert_eq!(chunks::<u32>(&[]).count(), 0);
    }

    #[test]
    fn marks_number_rows_then_columns() {
        let pg = Marks(Backend::Postgres);
        assert_eq!(pg.rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(pg.rows(1, 1), "($1)");
        assert_eq!(Marks(Backend::Sqlite).rows(2, 2), "(?, ?), (?, ?)");
    }
}
