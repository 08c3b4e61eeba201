//! The breaker's state machine, separate from the service plumbing so it can be
//! tested step by step. Time comes from `tokio::time::Instant` (pausable in tests).
use crate::provider::ProviderError;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// When a breaker trips and how it recovers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BreakerConfig {
    /// The sliding window over which error rate and spend are measured.
    pub window_secs: u64,
    /// Error rate is only judged once the window holds this many calls.
    pub min_calls: u32,
    /// Trip when errors / calls in the window reaches this (0.0..=1.0).
    pub error_rate: f64,
    /// Trip after this many timeouts in a row.
    pub consecutive_timeouts: u32,
    /// Trip when spend in the window exceeds this many dollars.
    pub cost_ceiling_usd: Option<f64>,
    /// How long the breaker stays open before letting probes through.
    pub open_secs: u64,
    /// Successful probes needed (one at a time) to close again.
    pub half_open_probes: u32,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            window_secs: 60,
            min_calls: 20,
            error_rate: 0.5,
            consecutive_timeouts: 5,
            cost_ceiling_usd: None,
            open_secs: 30,
            half_open_probes: 1,
        }
    }
}

/// The visible state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Calls flow.
    Closed,
    /// Calls are refused without being made.
    Open,
    /// A limited number of probe calls are let through.
    HalfOpen,
}

impl BreakerState {
    /// Label for records and metrics.
    pub fn label(self) -> &'static str {
        match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half_open",
        }
    }

    /// Numeric gauge value (0 closed, 1 half-open, 2 open).
    pub fn gauge(self) -> u8 {
        match self {
            BreakerState::Closed => 0,
            BreakerState::HalfOpen => 1,
            BreakerState::Open => 2,
        }
    }
}

/// Why the breaker last opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TripCause {
    /// Too many errors in the window.
    ErrorRate,
    /// Too many timeouts in a row.
    Timeouts,
    /// Spend ceiling reached.
    CostCeiling,
    /// A half-open probe failed.
    ProbeFailed,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    at: Instant,
    failed: bool,
    cost: f64,
}

/// The machine.
#[derive(Debug)]
pub struct BreakerCore {
    config: BreakerConfig,
    state: BreakerState,
    samples: VecDeque<Sample>,
    /// Failed samples in `samples`, kept as they come and go (a count per call, not
    /// a scan of the window: the window holds every call of the last `window_secs`).
    failures: usize,
    timeouts_in_a_row: u32,
    opened_at: Option<Instant>,
    probes_in_flight: u32,
    probe_successes: u32,
    last_cause: Option<TripCause>,
}

impl BreakerCore {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Self {
        BreakerCore {
            config,
            state: BreakerState::Closed,
            samples: VecDeque::new(),
            failures: 0,
            timeouts_in_a_row: 0,
            opened_at: None,
            probes_in_flight: 0,
            probe_successes: 0,
            last_cause: None,
        }
    }

    /// The state now (an open breaker whose time is up reads as half-open).
    pub fn state(&mut self) -> BreakerState {
        self.advance(Instant::now());
        self.state
    }

    /// Why it last tripped.
    pub fn last_cause(&self) -> Option<TripCause> {
        self.last_cause
    }

    fn advance(&mut self, now: Instant) {
        if self.state == BreakerState::Open {
            let open_for = Duration::from_secs(self.config.open_secs);
            if self
                .opened_at
                .is_some_and(|t| now.duration_since(t) >= open_for)
            {
                self.state = BreakerState::HalfOpen;
                self.probes_in_flight = 0;
                self.probe_successes = 0;
            }
        }
    }

    /// Asks to make a call: `Ok(state at admission)` or `Err` when open (or the
    /// half-open probe slot is taken).
    pub fn admit(&mut self) -> Result<BreakerState, ProviderError> {
        self.advance(Instant::now());
        match self.state {
            BreakerState::Closed => Ok(BreakerState::Closed),
            BreakerState::Open => Err(ProviderError::CircuitOpen),
            BreakerState::HalfOpen if self.probes_in_flight == 0 => {
                self.probes_in_flight = 1;
                Ok(BreakerState::HalfOpen)
            }
            BreakerState::HalfOpen => Err(ProviderError::CircuitOpen),
        }
    }

    /// Forgets an admitted call whose outcome will never be known (its future was
    /// dropped): a half-open probe slot is freed, nothing is counted.
    pub fn abandon(&mut self, admitted: BreakerState) {
        if admitted == BreakerState::HalfOpen {
            self.probes_in_flight = 0;
        }
    }

    /// Records a call's outcome. `admitted` is what [`admit`](Self::admit) returned.
    pub fn record(&mut self, admitted: BreakerState, outcome: Result<f64, &ProviderError>) {
        let now = Instant::now();
        // Errors that are the caller's fault say nothing about the provider's health.
        let failed = match outcome {
            Ok(_) => false,
            Err(e) => !matches!(
                e,
                ProviderError::MissingInput(_)
                    | ProviderError::BadRequest(_)
                    | ProviderError::CircuitOpen
            ),
        };
        let cost = outcome.as_ref().copied().unwrap_or(0.0);
        if admitted == BreakerState::HalfOpen {
            self.probes_in_flight = 0;
            if failed {
                self.trip(now, TripCause::ProbeFailed);
            } else {
                self.probe_successes += 1;
                if self.probe_successes >= self.config.half_open_probes.max(1) {
                    self.close();
                }
            }
            return;
        }
        if self.state != BreakerState::Closed {
            return; // a straggler from before the trip
        }
        self.samples.push_back(Sample {
            at: now,
            failed,
            cost,
        });
        self.failures += usize::from(failed);
        let window = Duration::from_secs(self.config.window_secs);
        while let Some(old) = self
            .samples
            .front()
            .filter(|s| now.duration_since(s.at) > window)
        {
            self.failures -= usize::from(old.failed);
            self.samples.pop_front();
        }
        self.timeouts_in_a_row = match outcome {
            Err(ProviderError::Timeout) => self.timeouts_in_a_row + 1,
            _ => 0,
        };
        let calls = self.samples.len() as u32;
        let errors = self.failures as f64;
        if self.config.consecutive_timeouts > 0
            && self.timeouts_in_a_row >= self.config.consecutive_timeouts
        {
            self.trip(now, TripCause::Timeouts);
        } else if calls >= self.config.min_calls.max(1)
            && errors / f64::from(calls) >= self.config.error_rate
        {
            self.trip(now, TripCause::ErrorRate);
        } else if self.config.cost_ceiling_usd.is_some_and(|ceiling| {
            // Summed afresh (only when a ceiling is set) so the comparison is exact.
            self.samples.iter().map(|s| s.cost).sum::<f64>() >= ceiling
        }) {
            self.trip(now, TripCause::CostCeiling);
        }
    }

    fn trip(&mut self, now: Instant, cause: TripCause) {
        self.state = BreakerState::Open;
        self.opened_at = Some(now);
        self.last_cause = Some(cause);
        self.timeouts_in_a_row = 0;
    }

    fn close(&mut self) {
        self.state = BreakerState::Closed;
        self.samples.clear();
        self.failures = 0;
        self.timeouts_in_a_row = 0;
        self.opened_at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn failures_that_leave_the_window_stop_counting() {
        let mut b = BreakerCore::new(BreakerConfig {
            window_secs: 10,
            min_calls: 4,
            error_rate: 0.5,
            consecutive_timeouts: 0,
            ..Default::default()
        });
        let failure = ProviderError::Unavailable("down".into());
        for _ in 0..3 {
            let admitted = b.admit().unwrap();
            b.record(admitted, Err(&failure));
        }
        assert_eq!(b.state(), BreakerState::Closed, "below min_calls");
        tokio::time::advance(Duration::from_secs(11)).await;
        for _ in 0..3 {
            let admitted = b.admit().unwrap();
            b.record(admitted, Ok(0.0));
        }
        // 4 calls in the window, 1 failed: 25 % < 50 %. The three old failures are gone.
        let admitted = b.admit().unwrap();
        b.record(admitted, Err(&failure));
        assert_eq!(b.state(), BreakerState::Closed);
        // Two more failures: 3 of 6 = 50 % trips it.
        for _ in 0..2 {
            let admitted = b.admit().unwrap();
            b.record(admitted, Err(&failure));
        }
        assert_eq!(b.state(), BreakerState::Open);
        assert_eq!(b.last_cause(), Some(TripCause::ErrorRate));
    }
}
