//! The `phonenumber` crate's extension pattern, matched by hand.
//!
//! The crate runs, case-insensitively, `(?:A|B|C)$` with
//! - A = `;ext=(\p{Nd}{0,7})`
//! - B = `[ \xA0\t,]*(?:e?xt(?:ensi(?:o\u0301?|ó))?n?|ｅ?ｘｔｎ?|[,;xｘ#＃~～]|int|anexo|ｉｎｔ)`
//!   `[:\.．]?[ \xA0\t,-]*(\p{Nd}{0,7})#?`
//! - C = `[- ]+(\p{Nd}{1,5})#`
//!
//! and keeps the leftmost match; it accepts only a match through B (the
//! others leave its capture 2 empty and the parse fails). This module
//! reproduces those leftmost-first, backtracking semantics exactly.

use crate::input::slice;
use core::cell::Cell;

/// Result of the search.
pub(crate) enum Ext {
    /// Matched through B: where the extension text starts, and the digits.
    Text {
        start: usize,
        digits: (usize, usize),
    },
    /// Matched through A or C.
    Other,
}

type K<'k> = &'k mut dyn FnMut(usize) -> bool;

/// The char at `pos`. Every position is a char boundary: the matcher starts
/// at one and steps by whole chars.
fn at(s: &str, pos: usize) -> Option<char> {
    slice(s, pos..).chars().next()
}

/// One char matching `f`, then `k`.
fn one(s: &str, pos: usize, f: fn(char) -> bool, k: K<'_>) -> bool {
    match at(s, pos) {
        Some(c) if f(c) => k(pos + c.len_utf8()),
        _ => false,
    }
}

/// Optional char (greedy).
fn opt(s: &str, pos: usize, f: fn(char) -> bool, k: K<'_>) -> bool {
    if let Some(c) = at(s, pos) {
        if f(c) && k(pos + c.len_utf8()) {
            return true;
        }
    }
    k(pos)
}

/// `f{min,max}` greedy, then `k`, backing off one char at a time.
fn rep(s: &str, pos: usize, f: fn(char) -> bool, min: usize, max: usize, k: K<'_>) -> bool {
    let mut ends = [pos; 8];
    let mut n = 0;
    let mut p = pos;
    // Unbounded runs only back off (never need their positions stored past 8
    // when `max` is large): walk back char by char instead.
    if max > 7 {
        let mut end = pos;
        let mut count = 0;
        for c in slice(s, pos..).chars() {
            if !f(c) {
                break;
            }
            end += c.len_utf8();
            count += 1;
        }
        loop {
            if count >= min && k(end) {
                return true;
            }
            if end == pos {
                return false;
            }
            let c = slice(s, ..end).chars().next_back().unwrap_or('\0');
            end -= c.len_utf8();
            count -= 1;
        }
    }
    while n < max {
        match at(s, p) {
            Some(c) if f(c) => {
                p += c.len_utf8();
                n += 1;
                ends[n] = p;
            }
            _ => break,
        }
    }
    loop {
        if n >= min && k(ends[n]) {
            return true;
        }
        if n == 0 {
            return false;
        }
        n -= 1;
    }
}

/// Literal text, each char compared with `eq`.
fn lit(s: &str, pos: usize, text: &str, k: K<'_>) -> bool {
    let mut p = pos;
    for t in text.chars() {
        match at(s, p) {
            Some(c) if ci(c, t) => p += c.len_utf8(),
            _ => return false,
        }
    }
    k(p)
}

/// Simple case folding as `regex` applies it to the pattern's letters.
fn ci(c: char, pattern: char) -> bool {
    if c == pattern {
        return true;
    }
    match pattern {
        's' => c == 'S' || c == '\u{17F}',
        'a'..='z' => c == pattern.to_ascii_uppercase(),
        '\u{F3}' => c == '\u{D3}',
        // Full-width lower case letters fold with their upper case forms.
        '\u{FF41}'..='\u{FF5A}' => c as u32 == pattern as u32 - 0x20,
        _ => false,
    }
}

fn nd(c: char) -> bool {
    crate::input::is_nd(c)
}

/// Keyword alternatives of B, in priority order.
fn keyword(s: &str, pos: usize, k: K<'_>) -> bool {
    // Every alternative starts with one of these (or a non-ASCII char).
    match at(s, pos) {
        Some(c) if !c.is_ascii() || matches!(c, ',' | ';' | '#' | '~') || is_keyword_letter(c) => {}
        _ => return false,
    }
    // e?xt(?:ensi(?:o\u0301?|ó))?n?
    let first = opt(s, pos, |c| ci(c, 'e'), &mut |p| {
        lit(s, p, "xt", &mut |p| {
            let with_ensi = lit(s, p, "ensi", &mut |p| {
                let o = lit(s, p, "o", &mut |p| {
                    opt(s, p, |c| c == '\u{301}', &mut |p| {
                        opt(s, p, |c| ci(c, 'n'), &mut *k)
                    })
                });
                o || one(s, p, |c| ci(c, '\u{F3}'), &mut |p| {
                    opt(s, p, |c| ci(c, 'n'), &mut *k)
                })
            });
            with_ensi || opt(s, p, |c| ci(c, 'n'), &mut *k)
        })
    });
    if first {
        return true;
    }
    // ｅ?ｘｔｎ?
    let second = opt(s, pos, |c| ci(c, '\u{FF45}'), &mut |p| {
        lit(s, p, "\u{FF58}\u{FF54}", &mut |p| {
            opt(s, p, |c| ci(c, '\u{FF4E}'), &mut *k)
        })
    });
    if second {
        return true;
    }
    fn symbol(c: char) -> bool {
        matches!(c, ',' | ';' | '#' | '\u{FF03}' | '~' | '\u{FF5E}')
            || ci(c, 'x')
            || ci(c, '\u{FF58}')
    }
    one(s, pos, symbol, &mut *k)
        || lit(s, pos, "int", &mut *k)
        || lit(s, pos, "anexo", &mut *k)
        || lit(s, pos, "\u{FF49}\u{FF4E}\u{FF54}", &mut *k)
}

fn at_end(s: &str, p: usize) -> bool {
    p == s.len()
}

/// Tries A, B, C at `start`; which one matched first, with B's digits.
fn try_at(s: &str, start: usize) -> Option<Ext> {
    // A: ;ext=(\p{Nd}{0,7})$
    if lit(s, start, ";ext=", &mut |p| {
        rep(s, p, nd, 0, 7, &mut |p| at_end(s, p))
    }) {
        return Some(Ext::Other);
    }
    // B
    let digits = Cell::new((0, 0));
    let b = rep(
        s,
        start,
        |c| matches!(c, ' ' | '\u{A0}' | '\t' | ','),
        0,
        usize::MAX,
        &mut |p| {
            keyword(s, p, &mut |p| {
                opt(s, p, |c| matches!(c, ':' | '.' | '\u{FF0E}'), &mut |p| {
                    rep(
                        s,
                        p,
                        |c| matches!(c, ' ' | '\u{A0}' | '\t' | ',' | '-'),
                        0,
                        usize::MAX,
                        &mut |p| {
                            rep(s, p, nd, 0, 7, &mut |q| {
                                digits.set((p, q));
                                opt(s, q, |c| c == '#', &mut |e| at_end(s, e))
                            })
                        },
                    )
                })
            })
        },
    );
    if b {
        return Some(Ext::Text {
            start,
            digits: digits.get(),
        });
    }
    // C: [- ]+(\p{Nd}{1,5})#$
    if rep(
        s,
        start,
        |c| c == '-' || c == ' ',
        1,
        usize::MAX,
        &mut |p| {
            rep(s, p, nd, 1, 5, &mut |p| {
                one(s, p, |c| c == '#', &mut |e| at_end(s, e))
            })
        },
    ) {
        return Some(Ext::Other);
    }
    None
}

/// Whether a match of A, B or C can start with `c`: A starts with `;`, B
/// with a separator or the first char of a keyword, C with `-` or a space.
/// Any other char (every digit, bracket, dot…) is skipped without trying
/// the pattern; non-ASCII chars are always tried.
fn may_start(c: char) -> bool {
    !c.is_ascii() || matches!(c, ' ' | '\t' | ',' | ';' | '-' | '#' | '~') || is_keyword_letter(c)
}

/// The ASCII letters a keyword of B can start with (`ext`, `xt`, `x`, `int`,
/// `anexo`), either case.
fn is_keyword_letter(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'e' | 'x' | 'i' | 'a')
}

/// The leftmost match of the extension pattern in `s`, if any.
pub(crate) fn find(s: &str) -> Option<Ext> {
    s.char_indices()
        .filter(|&(_, c)| may_start(c))
        .find_map(|(i, _)| try_at(s, i))
}
