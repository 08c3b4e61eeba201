//! The page's assessment as JSON: the part of `leadgate_checks::Assessment` the snippet
//! reads, with the same keys and values (a test compares them with serde's output).
//!
//! ```json
//! {"lane":"block","reasons":["SYN01"],"score":20,"policy_version":"default-1",
//!  "email":{"present":true,"valid":false,"normalized":null,"domain":null,
//!           "suggestion":null,"disposable":false,"role":false,"free":false},
//!  "phone":{"present":false,"valid":false,"e164":null,"type":"unknown","region":null}}
//! ```
//!
//! Written by hand, without `core::fmt`: the page's wasm then links no formatting code.
use alloc::string::String;
use leadgate_checks::{Lane, LeadReport, PhoneType, Verdict};

/// Writes `s` as a JSON string literal.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn opt_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

fn boolean(out: &mut String, b: bool) {
    out.push_str(if b { "true" } else { "false" });
}

fn number(out: &mut String, n: u8) {
    if n >= 100 {
        out.push(char::from(b'0' + n / 100));
    }
    if n >= 10 {
        out.push(char::from(b'0' + n / 10 % 10));
    }
    out.push(char::from(b'0' + n % 10));
}

/// `"key":` (with the comma before every key but an object's first).
fn key(out: &mut String, k: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    string(out, k);
    out.push(':');
}

/// The lane as serde names it.
pub fn lane_name(lane: Lane) -> &'static str {
    match lane {
        Lane::Block => "block",
        Lane::Review => "review",
        Lane::FastTrack => "fast_track",
    }
}

/// The line type as serde names it.
pub fn phone_type_name(t: PhoneType) -> &'static str {
    match t {
        PhoneType::FixedLine => "fixed_line",
        PhoneType::Mobile => "mobile",
        PhoneType::FixedLineOrMobile => "fixed_line_or_mobile",
        PhoneType::TollFree => "toll_free",
        PhoneType::PremiumRate => "premium_rate",
        PhoneType::SharedCost => "shared_cost",
        PhoneType::PersonalNumber => "personal_number",
        PhoneType::Voip => "voip",
        PhoneType::Pager => "pager",
        PhoneType::Uan => "uan",
        PhoneType::Voicemail => "voicemail",
        PhoneType::Other => "other",
        PhoneType::Unknown => "unknown",
    }
}

/// The assessment JSON the snippet reads.
pub fn assessment(verdict: &Verdict, report: &LeadReport, policy_version: &str) -> String {
    let mut out = String::with_capacity(384);
    out.push('{');
    key(&mut out, "lane");
    string(&mut out, lane_name(verdict.lane));
    key(&mut out, "reasons");
    out.push('[');
    for (i, r) in verdict.reasons.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(&mut out, r.code());
    }
    out.push(']');
    key(&mut out, "score");
    number(&mut out, verdict.score);
    key(&mut out, "policy_version");
    string(&mut out, policy_version);

    let e = &report.email;
    key(&mut out, "email");
    out.push('{');
    key(&mut out, "present");
    boolean(&mut out, e.present);
    key(&mut out, "valid");
    boolean(&mut out, e.valid);
    key(&mut out, "normalized");
    opt_string(&mut out, e.normalized.as_deref());
    key(&mut out, "domain");
    opt_string(&mut out, e.domain.as_deref());
    key(&mut out, "suggestion");
    opt_string(&mut out, e.suggestion.as_deref());
    key(&mut out, "disposable");
    boolean(&mut out, e.disposable);
    key(&mut out, "role");
    boolean(&mut out, e.role);
    key(&mut out, "free");
    boolean(&mut out, e.free);
    if e.unchecked {
        // As serde writes it: only when true.
        key(&mut out, "unchecked");
        boolean(&mut out, true);
    }
    out.push('}');

    let p = &report.phone;
    key(&mut out, "phone");
    out.push('{');
    key(&mut out, "present");
    boolean(&mut out, p.present);
    key(&mut out, "valid");
    boolean(&mut out, p.valid);
    key(&mut out, "e164");
    opt_string(&mut out, p.e164.as_deref());
    key(&mut out, "type");
    string(&mut out, phone_type_name(p.line_type));
    key(&mut out, "region");
    opt_string(&mut out, p.region.as_deref());
    if p.unchecked {
        key(&mut out, "unchecked");
        boolean(&mut out, true);
    }
    out.push('}');
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_serde_writes_them() {
        for n in 0..=u8::MAX {
            let mut out = String::new();
            number(&mut out, n);
            assert_eq!(out, serde_json::to_string(&n).unwrap());
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_escapes_them() {
        let mut all: String = (0u32..0x80).filter_map(char::from_u32).collect();
        all.push_str("é\u{2028}\u{FEFF}😀\"\\");
        for text in [all.as_str(), "", "\u{0}", "a\u{1f}b", "jane@example.com"] {
            let mut out = String::new();
            string(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }
}
