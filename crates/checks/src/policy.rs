//! Versioned, serde-configurable policy.
use serde::{Deserialize, Serialize};

/// What blocks, what reviews, lists, and defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    pub version: String,
}
