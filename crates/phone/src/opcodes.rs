//! The digit-program opcodes (the node encoding is in `program.rs`). Shared by the
//! build script, which writes programs, and `program.rs`, which runs them.
//!
//! A digit is its ASCII byte and every opcode an ASCII punctuation byte, as in the
//! regex text the programs come from: brotli models text bytes by their class
//! (digit, punctuation, letter), and control bytes would all fall in one class
//! (about 1 KB more compressed, all regions). Opcodes stay within `!`..=`@`, so the
//! walker's `match` is a small jump table.

/// Any digit.
pub const OP_ANY: u8 = b'.';
/// A digit in a 10-bit mask (`lo hi` follow).
pub const OP_SET: u8 = b':';
/// A sequence: nodes up to the matching `OP_CLOSE`.
pub const OP_SEQ: u8 = b'(';
/// Alternatives in priority order, each opened by `OP_BAR`, up to the
/// matching `OP_CLOSE`.
pub const OP_ALT: u8 = b'<';
/// Greedy repetition (`min max node`; `max == 255`: unbounded).
pub const OP_REP: u8 = b'*';
/// A capture group (`group node`).
pub const OP_CAP: u8 = b'#';
/// End of input.
pub const OP_END: u8 = b'$';
/// Matches the empty string.
pub const OP_EMPTY: u8 = b'!';
/// Start of input.
pub const OP_START: u8 = b'&';
/// Ends an `OP_SEQ` or `OP_ALT`.
pub const OP_CLOSE: u8 = b')';
/// Opens one alternative of an `OP_ALT`.
pub const OP_BAR: u8 = b'/';
