//! Prometheus metrics, rendered by hand in the text exposition format (no global
//! registry: the metrics live in the app state, so tests see their own).
use leadgate_pipeline::{BreakerState, CallRecord, LeadOutcome};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

const BUCKETS_MS: &[f64] = &[
    5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    n: u64,
}

impl Histogram {
    fn observe(&mut self, v: f64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS_MS.len()];
        }
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            if v <= *b {
                self.counts[i] += 1;
            }
        }
        self.sum += v;
        self.n += 1;
    }
}

#[derive(Debug, Default)]
struct Inner {
    provider_latency: BTreeMap<String, Histogram>,
    provider_calls: BTreeMap<(String, String), u64>,
    provider_errors: BTreeMap<(String, String), u64>,
    provider_spend: BTreeMap<String, f64>,
    leads: BTreeMap<String, u64>,
    intake: BTreeMap<(String, String), u64>,
    postbacks: BTreeMap<String, u64>,
}

/// The service's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts an intake request by source and result (`new`, `duplicate`, `replay`, ...).
    pub fn intake(&self, source: &str, result: &str) {
        *self
            .lock()
            .intake
            .entry((source.into(), result.into()))
            .or_default() += 1;
    }

    /// Counts a postback attempt result.
    pub fn postback(&self, result: &str) {
        *self.lock().postbacks.entry(result.into()).or_default() += 1;
    }

    /// Records a finished lead and its calls.
    pub fn lead_done(&self, outcome: &LeadOutcome) {
        let mut m = self.lock();
        *m.leads.entry(outcome.status.as_str().into()).or_default() += 1;
        for call in &outcome.calls {
            record_call(&mut m, call);
        }
    }

    /// Renders the exposition text; `breakers` and `queue_depth` are read at scrape time.
    pub fn render(&self, breakers: &[(String, BreakerState)], queue_depth: Option<i64>) -> String {
        let m = self.lock();
        let mut out = String::new();
        out.push_str(
            "# HELP leadgate_provider_latency_ms Provider call latency in milliseconds.\n",
        );
        out.push_str("# TYPE leadgate_provider_latency_ms histogram\n");
        for (p, h) in &m.provider_latency {
            let p = esc(p);
            for (i, b) in BUCKETS_MS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "leadgate_provider_latency_ms_bucket{{provider=\"{p}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "leadgate_provider_latency_ms_bucket{{provider=\"{p}\",le=\"+Inf\"}} {}",
                h.n
            );
            let _ = writeln!(
                out,
                "leadgate_provider_latency_ms_sum{{provider=\"{p}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "leadgate_provider_latency_ms_count{{provider=\"{p}\"}} {}",
                h.n
            );
        }
        out.push_str("# HELP leadgate_provider_calls_total Provider steps by outcome.\n# TYPE leadgate_provider_calls_total counter\n");
        for ((p, o), n) in &m.provider_calls {
            let _ = writeln!(
                out,
                "leadgate_provider_calls_total{{provider=\"{}\",outcome=\"{}\"}} {n}",
                esc(p),
                esc(o)
            );
        }
        out.push_str("# HELP leadgate_provider_errors_total Provider errors by kind.\n# TYPE leadgate_provider_errors_total counter\n");
        for ((p, e), n) in &m.provider_errors {
            let _ = writeln!(
                out,
                "leadgate_provider_errors_total{{provider=\"{}\",error=\"{}\"}} {n}",
                esc(p),
                esc(e)
            );
        }
        out.push_str("# HELP leadgate_provider_spend_usd_total Dollars spent per provider.\n# TYPE leadgate_provider_spend_usd_total counter\n");
        for (p, v) in &m.provider_spend {
            let _ = writeln!(
                out,
                "leadgate_provider_spend_usd_total{{provider=\"{}\"}} {v}",
                esc(p)
            );
        }
        out.push_str("# HELP leadgate_breaker_state Circuit breaker state (0 closed, 1 half-open, 2 open).\n# TYPE leadgate_breaker_state gauge\n");
        for (p, s) in breakers {
            let _ = writeln!(
                out,
                "leadgate_breaker_state{{provider=\"{}\"}} {}",
                esc(p),
                s.gauge()
            );
        }
        out.push_str("# HELP leadgate_leads_total Finished leads by status.\n# TYPE leadgate_leads_total counter\n");
        for (s, n) in &m.leads {
            let _ = writeln!(out, "leadgate_leads_total{{status=\"{}\"}} {n}", esc(s));
        }
        out.push_str("# HELP leadgate_intake_total Intake requests by source and result.\n# TYPE leadgate_intake_total counter\n");
        for ((s, r), n) in &m.intake {
            let _ = writeln!(
                out,
                "leadgate_intake_total{{source=\"{}\",result=\"{}\"}} {n}",
                esc(s),
                esc(r)
            );
        }
        out.push_str("# HELP leadgate_postbacks_total Postback attempts by result.\n# TYPE leadgate_postbacks_total counter\n");
        for (r, n) in &m.postbacks {
            let _ = writeln!(out, "leadgate_postbacks_total{{result=\"{}\"}} {n}", esc(r));
        }
        if let Some(depth) = queue_depth {
            out.push_str("# HELP leadgate_queue_depth Unfinished leads.\n# TYPE leadgate_queue_depth gauge\n");
            let _ = writeln!(out, "leadgate_queue_depth {depth}");
        }
        out
    }
}

fn record_call(m: &mut Inner, call: &CallRecord) {
    let outcome = serde_json::to_value(call.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    *m.provider_calls
        .entry((call.provider.clone(), outcome))
        .or_default() += 1;
    if let Some(e) = &call.error {
        *m.provider_errors
            .entry((call.provider.clone(), e.clone()))
            .or_default() += 1;
    }
    if matches!(
        call.outcome,
        leadgate_pipeline::CallOutcome::Ok | leadgate_pipeline::CallOutcome::Error
    ) {
        m.provider_latency
            .entry(call.provider.clone())
            .or_default()
            .observe(call.latency_ms as f64);
    }
    *m.provider_spend.entry(call.provider.clone()).or_default() += call.cost_usd;
}
