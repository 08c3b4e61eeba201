//! Differential test: `email::parse` with our own RFC 5322 check
//! (`src/email/rfc5322.rs`) gives the same `Result` as the pipeline it replaced, whose
//! last step was the `email_address` crate; and `rfc5322::is_addr_spec` answers as
//! `email_address` does on every input, not only those `parse` hands it.
//!
//! Inputs: every address in the repository's tests and samples, then seeded generated
//! ones (see `generate.rs`). 50,000 in all by default; set `LEADGATE_EMAIL_DIFF_N` for
//! more (docs/checks.md gives the million-input run) and `LEADGATE_EMAIL_DIFF_SEED` to
//! explore other seeds.
#[path = "email_rfc_differential/generate.rs"]
mod generate;

use email_address::{EmailAddress, Options};
use leadgate_checks::email::rfc5322::is_addr_spec;
use leadgate_checks::email::syntax::{
    hostname_ok, local_part_ok, parse, to_ascii_domain, ParsedEmail, SyntaxError,
};
use std::collections::BTreeMap;

/// Addresses from the repository's Rust and browser tests, the samples and the fuzz
/// target's properties, plus a few the generator reaches only by chance. (There is no
/// committed fuzz corpus.)
const SEEDS: &[&str] = &[
    // crates/checks unit and integration tests, crates/wasm, crates/server
    "jane@example.com",
    "Jane.Doe+leads@Example.COM",
    "Jane.Doe+quote@acme-widgets.com",
    "Jane.Doe+quote@Gmail.com",
    "Jane.Doe+news@GMail.com",
    "  Jane.Doe+news@GMail.com ",
    " ada@example.com ",
    "Jane@Example.COM.",
    "o'brien@sub.example.co.uk",
    "a@b.io",
    "a@b.co",
    "x_y@example.museum",
    "user@xn--mller-kva.de",
    "plainaddress",
    "a@b@c.com",
    "\"john doe\"@example.com",
    "\"quoted\"\n\u{1}@example.com",
    ".jane@example.com",
    "ja..ne@example.com",
    "jöhn@example.com",
    "Jörg@Bücher.de",
    "a@exa_mple.com",
    "a@-example.com",
    "a@example-.com",
    "a@localhost",
    "a@example..com",
    "a@[127.0.0.1]",
    "a@1.2.3.4",
    "a@example.con",
    "a@example.c",
    "a@gm\u{0430}il.com",
    "j\u{0430}ne@g\u{043C}ail.com",
    "ja\u{200B}ne@example.com",
    "jane@exam\u{202E}ple.com",
    "\u{202E}moc.elpmaxe@enaj",
    "jane\u{0000}@example.com",
    "u@münchen.de",
    "u@пример.рф",
    "u@сосо.рф",
    "u@xn--80ak6aa92e.com",
    "u@аррӏе.com",
    "u@xn--zz.com",
    "u@xn--mnchen-3ya.de",
    "u@pаypal.com",
    "joerg@bücher.de",
    "joerg@Bücher.de",
    "joerg@xn--bcher-kva.de",
    "jane.doe@@example",
    "jane@",
    "jane@gmail",
    "@",
    "@@@",
    "@example.com",
    "@x.example",
    "+only@example.com",
    "a@badexample.com",
    "a@mail.example.com",
    "ada+x@example.com",
    "jane-doe@example.com",
    "jane.doe@acme.com",
    "jane.doe@gmial.com",
    "jane.doe@outlook.com",
    "jane@yahoo.con",
    "janedoe@googlemail.com",
    "info@gmial.com",
    "sales@mailinator.com",
    "Sales+promo@acme.com",
    "x@0815.ru",
    "x@a.b.eu.mailinator.com",
    "x@eu.mailinator.com",
    "vip@gmail.com",
    "😀😀😀@😀.com",
    // tests/browser, tests/edge
    "ada.lovelace@analytical-engines.com",
    "info@analytical-engines.com",
    "evil@example.com",
    "jane@0-18.com",
    "jane@0-180.com",
    "jane@guerrillamail.com",
    "jane@mailinator.co",
    "jane@zzzz1717.com",
    "twin@mailinator.com",
    "jane@0815.ru",
    "jane@\u{0430}\u{0440}\u{0440}\u{04cf}\u{0435}.com",
    "jane@gmail.com?",
    "maria.garcia@@gmail",
    "dana.whitfield.7@northwind-logistics.com",
    // samples/leads.csv, samples/leads.jsonl
    "raj.patel@acmeroofing.com",
    "maria@gmial.com",
    "bot123@mailinator.com",
    "not-an-email",
    "info@bigcorp.io",
    "sam.lee@yahoo.con",
    "priya@northwind.dev",
    "carlos.mendez@outlook.com",
    "kim@guerrillamail.com",
    "alex.morgan@fastmail.com",
    "qwerty@asdfgh.xyz",
    "ops@10minutemail.com",
    // RFC 5322 and email_address edges
    "\"a@b\"@example.com",
    "\"a\\\"b\"@example.com",
    "\"\"@example.com",
    "\"@example.com",
    "\"어\"@example.com",
    "\"가\"@example.com",
    "\u{d7a4}@example.com",
    "Jane Doe <jane@example.com>",
    " <jane@example.com>",
    "<jane@example.com>",
    "jane@example.com <",
    "jane@[IPv6:2001:db8::1]",
    "jane@a.123",
    "1@1.com",
    "a@xn--p1ai.xn--p1ai",
];

/// The pipeline before `src/email/rfc5322.rs`: our checks, then `email_address`.
fn old_parse(address: &str) -> Result<ParsedEmail, SyntaxError> {
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SyntaxError::NoSingleAt);
    };
    if !local_part_ok(local) {
        return Err(SyntaxError::BadLocalPart);
    }
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let ascii_domain = to_ascii_domain(domain)?;
    hostname_ok(&ascii_domain)?;
    if local.len() + 1 + ascii_domain.len() > 254 {
        return Err(SyntaxError::TooLong);
    }
    let candidate = format!("{local}@{ascii_domain}");
    EmailAddress::parse_with_options(&candidate, options()).map_err(|_| SyntaxError::Rfc)?;
    let display_domain = if domain.is_ascii() {
        ascii_domain.clone()
    } else {
        // The old pipeline's own conversion (std's), which `case` is held equal to.
        #[allow(clippy::disallowed_methods)]
        domain.to_lowercase()
    };
    Ok(ParsedEmail {
        local: local.to_string(),
        ascii_domain,
        display_domain,
    })
}

fn options() -> Options {
    Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |v| {
        v.replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v}: not a number"))
    })
}

#[test]
fn email_rfc_differential() {
    let n = env_number("LEADGATE_EMAIL_DIFF_N", 50_000) as usize;
    let seed = env_number("LEADGATE_EMAIL_DIFF_SEED", 0x1ead_6a7e_5eed_2026);
    let mut rng = generate::Rng::new(seed);

    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let (mut reached, mut refused_when_reached) = (0usize, 0usize);
    let (mut crate_ok, mut crate_ok_parse_refused) = (0usize, 0usize);
    let mut mismatches = Vec::new();
    for i in 0..n.max(SEEDS.len()) {
        let input = match SEEDS.get(i) {
            Some(s) => s.to_string(),
            None => generate::input(&mut rng, SEEDS),
        };
        let new = parse(&input);
        let old = old_parse(&input);
        let crate_says = EmailAddress::parse_with_options(&input, options()).is_ok();
        let ours_says = is_addr_spec(&input);
        if new != old || crate_says != ours_says {
            mismatches.push(format!(
                "{input:?}: parse {new:?}, old pipeline {old:?}; \
                 is_addr_spec {ours_says}, email_address {crate_says}"
            ));
        }
        let outcome = match &new {
            Ok(_) => "accepted".to_string(),
            Err(e) => format!("refused {e:?}"),
        };
        *outcomes.entry(outcome).or_default() += 1;
        // The old pipeline got as far as `email_address` (all our checks passed).
        if matches!(old, Ok(_) | Err(SyntaxError::Rfc)) {
            reached += 1;
            refused_when_reached += usize::from(old.is_err());
        }
        crate_ok += usize::from(crate_says);
        crate_ok_parse_refused += usize::from(crate_says && new.is_err());
    }
    let total: usize = outcomes.values().sum();
    eprintln!(
        "email_rfc_differential: {total} inputs (seed {seed:#x}), {} mismatches\n  \
         parse: {outcomes:?}\n  \
         reached the RFC 5322 check: {reached}, refused by it: {refused_when_reached}\n  \
         email_address on the raw input: {crate_ok} accepted ({crate_ok_parse_refused} of \
         them refused by parse), {} refused",
        mismatches.len(),
        total - crate_ok,
    );
    assert!(
        mismatches.is_empty(),
        "{} of {total} inputs differ, first ones:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );

    // The sample must exercise both answers of every check, or equality proves little.
    let seen = |k: &str| outcomes.get(k).copied().unwrap_or(0);
    assert!(
        seen("accepted") * 10 >= total,
        "too few accepted: {outcomes:?}"
    );
    for refusal in [
        "NoSingleAt",
        "BadLocalPart",
        "BadDomain",
        "UnknownTld",
        "TooLong",
    ] {
        assert!(
            seen(&format!("refused {refusal}")) > 0,
            "{refusal} never met"
        );
    }
    assert!(seen("refused MixedScript") > 0, "MixedScript never met");
    assert!(
        crate_ok_parse_refused * 100 >= total,
        "few RFC-only accepts"
    );
    assert!((total - crate_ok) * 10 >= total, "few RFC refusals");
}
