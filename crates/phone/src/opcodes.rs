//! The digit-program opcodes (the node encoding is in `program.rs`). Shared by the
//! build script, which writes programs, and `program.rs`, which runs them.

/// Any digit.
pub const OP_ANY: u8 = 10;
/// A digit in a 10-bit mask (`lo hi` follow).
pub const OP_SET: u8 = 11;
/// A sequence: nodes up to the matching `OP_CLOSE`.
pub const OP_SEQ: u8 = 12;
/// Alternatives in priority order, each opened by `OP_BAR`, up to the
/// matching `OP_CLOSE`.
pub const OP_ALT: u8 = 13;
/// Greedy repetition (`min max node`; `max == 255`: unbounded).
pub const OP_REP: u8 = 14;
/// A capture group (`group node`).
pub const OP_CAP: u8 = 15;
/// End of input.
pub const OP_END: u8 = 16;
/// Matches the empty string.
pub const OP_EMPTY: u8 = 17;
/// Start of input.
pub const OP_START: u8 = 18;
/// Ends an `OP_SEQ` or `OP_ALT`.
pub const OP_CLOSE: u8 = 19;
/// Opens one alternative of an `OP_ALT`.
pub const OP_BAR: u8 = 20;
