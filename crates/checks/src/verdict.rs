//! The verdict: lane, reasons, score.
use crate::ReasonCode;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    Block,
    Review,
    FastTrack,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub lane: Lane,
    /// Primary first.
    pub reasons: Vec<ReasonCode>,
    pub score: u8,
}
