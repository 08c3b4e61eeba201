//! Digit programs: libphonenumber's patterns, lowered at build time.
//!
//! Every metadata pattern matches only ASCII digits once an input is
//! normalised, so build.rs parses each one with `regex-syntax` (the `regex`
//! crate's own parser) and lowers it to a small tree of nodes over the ten
//! digits. This module walks that tree with leftmost-first (priority)
//! semantics, which are the semantics of the `regex` crate's `find` and
//! `captures` the `phonenumber` crate uses, anchored at the start of the
//! number. There is no parsing, compiling or Unicode work at run time.
//!
//! Node encoding (one node each):
//! - `'0'..='9'`: that digit; `.`: any digit; `: lo hi`: a digit in a 10-bit mask
//! - `( items… )`: a sequence
//! - `< (/ items…)… )`: alternatives in priority order, each a sequence
//!   opened by `/`
//! - `* min max node`: greedy repetition (`max == 255`: unbounded)
//! - `# group node`: capture group; `$`: end of input; `!`: empty;
//!   `&`: start of input
//!
//! Groups are closed by a separator rather than prefixed with their length:
//! lengths differ between otherwise identical sub-patterns, which costs
//! about a sixth of the programs' compressed size. Where a group or an
//! alternative ends is found in a skip table (`SKIP`: a `u16` per program
//! byte, zero-initialised memory, not data in the binary), filled for each
//! program the first time it runs, in one pass over its bytes.

use crate::opcodes::*;
use crate::tables::{PROGRAMS, SKIP_STACK};
use core::cell::Cell;
use core::sync::atomic::{AtomicU16, AtomicU32, Ordering::*};

/// For each `OP_SEQ`/`OP_ALT`: the distance to its `OP_CLOSE`; for each
/// `OP_BAR`: the distance to the next `OP_BAR` or `OP_CLOSE` of its group.
static SKIP: [AtomicU16; PROGRAMS.len()] = [const { AtomicU16::new(0) }; PROGRAMS.len()];
/// One bit per program start: its part of `SKIP` is filled.
static FILLED: [AtomicU32; PROGRAMS.len().div_ceil(32)] =
    [const { AtomicU32::new(0) }; PROGRAMS.len().div_ceil(32)];

/// Fills `SKIP` for the program at `start` (once; a concurrent second fill
/// writes the same values).
fn fill_skips(start: usize) {
    let (word, bit) = (&FILLED[start / 32], 1 << (start % 32));
    if word.load(Acquire) & bit != 0 {
        return;
    }
    let p = &PROGRAMS;
    let mut stack = [0usize; SKIP_STACK];
    let mut depth = 0;
    let mut pc = start;
    loop {
        let op = p[pc];
        match op {
            // Prefixes: their node follows.
            OP_REP => pc += 3,
            OP_CAP => pc += 2,
            OP_SEQ | OP_ALT => {
                stack[depth] = pc;
                depth += 1;
                pc += 1;
            }
            OP_BAR | OP_CLOSE => {
                let top = stack[depth - 1];
                if p[top] == OP_BAR {
                    SKIP[top].store((pc - top) as u16, Relaxed);
                    depth -= 1;
                }
                if op == OP_BAR {
                    stack[depth] = pc;
                    depth += 1;
                } else {
                    let open = stack[depth - 1];
                    SKIP[open].store((pc - open) as u16, Relaxed);
                    depth -= 1;
                }
                pc += 1;
            }
            OP_SET => pc += 3,
            _ => pc += 1,
        }
        // The program is one node: done when it is complete.
        if depth == 0 && !matches!(op, OP_REP | OP_CAP) {
            break;
        }
    }
    word.fetch_or(bit, Release);
}

/// Where the group or alternative at `pc` ends (its `OP_CLOSE`, or the next
/// `OP_BAR`).
fn skip(pc: usize) -> usize {
    pc + SKIP[pc].load(Relaxed) as usize
}

/// For a node that matches exactly one digit: its digit mask and length.
fn one_digit(p: &[u8], pc: usize) -> Option<(u16, usize)> {
    match p[pc] {
        op @ b'0'..=b'9' => Some((1 << (op - b'0'), 1)),
        OP_ANY => Some((0x3ff, 1)),
        OP_SET => Some((u16::from_le_bytes([p[pc + 1], p[pc + 2]]), 3)),
        _ => None,
    }
}

/// Byte length of the node at `pc`.
fn node_len(p: &[u8], pc: usize) -> usize {
    match p[pc] {
        b'0'..=b'9' | OP_ANY | OP_END | OP_EMPTY | OP_START => 1,
        OP_SET => 3,
        OP_SEQ | OP_ALT => skip(pc) + 1 - pc,
        OP_REP => 3 + node_len(p, pc + 3),
        OP_CAP => 2 + node_len(p, pc + 2),
        op => unreachable_op(op),
    }
}

#[cold]
fn unreachable_op(op: u8) -> usize {
    // build.rs only emits the opcodes above; a corrupt table is a build bug.
    let _ = op;
    panic!("leadgate-phone: corrupt program")
}

/// Capture spans for up to this many groups (libphonenumber uses at most 2).
pub(crate) const MAX_GROUPS: usize = 4;
const NO_POS: u16 = u16::MAX;

/// Capture slots: (start, end) per group, `NO_POS` when the group did not
/// take part. Positions are bytes of a normalised number; the metadata's
/// groups sit in its first few digits (a longer number is rejected as too
/// long whatever they hold, and spans are read with `get`).
pub(crate) type Groups = [Cell<(u16, u16)>; MAX_GROUPS + 1];

pub(crate) fn new_groups() -> Groups {
    core::array::from_fn(|_| Cell::new((NO_POS, NO_POS)))
}

/// Reads group `i` from `groups` after a match, if it took part.
pub(crate) fn group(groups: &Groups, i: usize) -> Option<(usize, usize)> {
    let (s, e) = groups.get(i)?.get();
    (s != NO_POS).then_some((s as usize, e as usize))
}

struct Matcher<'a> {
    p: &'a [u8],
    s: &'a [u8],
    groups: &'a Groups,
}

type Cont<'k> = &'k mut dyn FnMut(usize) -> bool;

impl Matcher<'_> {
    fn node(&self, pc: usize, pos: usize, k: Cont<'_>) -> bool {
        let op = self.p[pc];
        match op {
            b'0'..=b'9' => self.s.get(pos) == Some(&op) && k(pos + 1),
            OP_ANY => self.s.get(pos).is_some_and(u8::is_ascii_digit) && k(pos + 1),
            OP_SET => {
                let mask = u16::from_le_bytes([self.p[pc + 1], self.p[pc + 2]]);
                match self.s.get(pos) {
                    Some(c @ b'0'..=b'9') if mask & (1 << (c - b'0')) != 0 => k(pos + 1),
                    _ => false,
                }
            }
            OP_SEQ => self.seq(pc + 1, skip(pc), pos, k),
            OP_ALT => {
                let mut bar = pc + 1;
                while self.p[bar] == OP_BAR {
                    let next = skip(bar);
                    if self.seq(bar + 1, next, pos, &mut *k) {
                        return true;
                    }
                    bar = next;
                }
                false
            }
            OP_REP => {
                let (min, max) = (self.p[pc + 1], self.p[pc + 2]);
                match one_digit(self.p, pc + 3) {
                    Some((mask, _)) => self.rep_digit(mask, min, max, pos, k),
                    None => self.rep(pc + 3, min, max, 0, pos, k),
                }
            }
            OP_CAP => {
                let slot = &self.groups[(self.p[pc + 1] as usize).min(MAX_GROUPS)];
                let saved = slot.get();
                let matched = self.node(pc + 2, pos, &mut |end| {
                    let inner = slot.get();
                    slot.set((pos as u16, end as u16));
                    if k(end) {
                        return true;
                    }
                    slot.set(inner);
                    false
                });
                if !matched {
                    slot.set(saved);
                }
                matched
            }
            OP_END => pos == self.s.len() && k(pos),
            OP_EMPTY => k(pos),
            OP_START => pos == 0 && k(pos),
            other => {
                unreachable_op(other);
                false
            }
        }
    }

    /// Whether the digit at `pos` is in `mask`.
    fn digit_in(&self, pos: usize, mask: u16) -> bool {
        matches!(self.s.get(pos), Some(c @ b'0'..=b'9') if mask & (1 << (c - b'0')) != 0)
    }

    fn seq(&self, mut pc: usize, end: usize, mut pos: usize, k: Cont<'_>) -> bool {
        // Single-digit nodes, the bulk of every program, in a loop rather than
        // through continuations.
        while pc < end {
            let Some((mask, len)) = one_digit(self.p, pc) else {
                break;
            };
            if !self.digit_in(pos, mask) {
                return false;
            }
            pc += len;
            pos += 1;
        }
        if pc == end {
            return k(pos);
        }
        let next = pc + node_len(self.p, pc);
        self.node(pc, pos, &mut |q| self.seq(next, end, q, &mut *k))
    }

    /// Greedy repetition of a single-digit node: the longest run first, then
    /// one digit less at a time (each iteration takes exactly one digit).
    fn rep_digit(&self, mask: u16, min: u8, max: u8, pos: usize, k: Cont<'_>) -> bool {
        let mut n = 0;
        while (max == 255 || n < max as usize) && self.digit_in(pos + n, mask) {
            n += 1;
        }
        loop {
            if n < min as usize {
                return false;
            }
            if k(pos + n) {
                return true;
            }
            if n == 0 {
                return false;
            }
            n -= 1;
        }
    }

    /// Greedy repetition: as many iterations as possible first, like `regex`.
    fn rep(&self, sub: usize, min: u8, max: u8, count: u8, pos: usize, k: Cont<'_>) -> bool {
        if max == 255 || count < max {
            let more = self.node(sub, pos, &mut |q| {
                // An empty iteration past the minimum cannot lead anywhere new.
                if q == pos && count >= min {
                    return false;
                }
                self.rep(sub, min, max, count.saturating_add(1), q, &mut *k)
            });
            if more {
                return true;
            }
        }
        count >= min && k(pos)
    }
}

/// Leftmost-first match of the program at `pc` anchored at the start of
/// `s` (equivalent to `regex.find(s)` with `start() == 0`): the match end.
/// Fills `groups` with the winning match's capture spans.
pub(crate) fn match_at_start(pc: usize, s: &[u8], groups: &Groups) -> Option<usize> {
    fill_skips(pc);
    let mut end = None;
    let m = Matcher {
        p: &PROGRAMS,
        s,
        groups,
    };
    m.node(pc, 0, &mut |e| {
        end = Some(e);
        true
    });
    end
}

/// Whether some prefix of `s` matches (the `phonenumber` crate's
/// `find(s).start() == 0` test).
pub(crate) fn matches_prefix(pc: usize, s: &[u8]) -> bool {
    let groups = new_groups();
    match_at_start(pc, s, &groups).is_some()
}
