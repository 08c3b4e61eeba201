//! Reason codes: one table, stable meanings.
use serde::{Deserialize, Serialize};

/// Which layer of the validation stack a reason belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Syntax,
    Enrichment,
    Intent,
    Compliance,
    Pipeline,
}

/// What a reason does by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Block,
    Review,
    Advise,
}

/// A stable reason code. Serialises as its code string ("SYN01").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReasonCode {
    SYN01,
    SYN02,
    ENR03,
    ENR04,
    INT05,
    DUP01,
    CONS01,
}
