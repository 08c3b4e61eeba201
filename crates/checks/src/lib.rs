//! Pure lead checks shared by every Leadgate tier. See DESIGN.md.
//!
//! SKELETON: the public API below is the contract the other crates code against.
//! Implementations are being filled in by the Foundation issue.

pub mod lead;
pub mod policy;
pub mod reason;
pub mod verdict;

pub use lead::{assess, Assessment, LeadInput};
pub use policy::Policy;
pub use reason::{Action, Layer, ReasonCode};
pub use verdict::{Lane, Verdict};
