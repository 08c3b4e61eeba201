//! Criterion benchmarks: each check, a whole lead with and without the phone parse, and
//! `case` beside the standard conversions it replaces.
//!
//! Run with `cargo bench -p leadgate-checks --bench checks -- --warm-up-time 1 --measurement-time 3`.
// The `case` group times the standard conversions as the baseline.
#![allow(clippy::disallowed_methods)]
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use leadgate_checks::case;
use leadgate_checks::{
    assess, check_address, check_consent, check_email, check_name, check_phone, fingerprint,
    verdict_from_reasons, AddressInput, LeadInput, Policy, ReasonCode,
};

const CONSENT: &str = "By submitting I agree that Acme may call and text me about my quote.";

fn lead(phone: Option<&str>) -> LeadInput {
    LeadInput {
        email: Some("Jane.Doe+quote@acme-widgets.com".into()),
        phone: phone.map(Into::into),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        street: Some("1600 Pennsylvania Avenue NW Suite 200".into()),
        city: Some("Washington".into()),
        state: Some("DC".into()),
        zip: Some("20500-0001".into()),
        ip: Some("203.0.113.7".into()),
        user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36".into()),
        consent: Some(true),
        consent_text: Some(CONSENT.into()),
        ..LeadInput::default()
    }
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default();
    // Warm the phone metadata once (lazy static) so it is not in any sample.
    black_box(check_phone("+12027460143", "US"));

    let mut g = c.benchmark_group("email");
    g.bench_function("business", |b| {
        b.iter(|| check_email(black_box(Some("Jane.Doe+quote@acme-widgets.com")), &policy))
    });
    g.bench_function("gmail", |b| {
        b.iter(|| check_email(black_box(Some("jane.doe@gmail.com")), &policy))
    });
    g.bench_function("typo", |b| {
        b.iter(|| check_email(black_box(Some("jane.doe@gmial.com")), &policy))
    });
    g.bench_function("disposable", |b| {
        b.iter(|| check_email(black_box(Some("x@mailinator.com")), &policy))
    });
    g.bench_function("invalid", |b| {
        b.iter(|| check_email(black_box(Some("jane.doe@@example")), &policy))
    });
    g.bench_function("idn", |b| {
        b.iter(|| check_email(black_box(Some("joerg@bücher.de")), &policy))
    });
    g.finish();

    let mut g = c.benchmark_group("email_parts");
    g.bench_function("syntax", |b| {
        b.iter(|| leadgate_checks::email::parse(black_box("Jane.Doe+quote@acme-widgets.com")))
    });
    // The RFC 5322 step alone, ours and the `email_address` crate it replaced (a
    // dev-dependency kept for the differential test), on the same address.
    g.bench_function("rfc5322", |b| {
        b.iter(|| {
            leadgate_checks::email::rfc5322::is_addr_spec(black_box(
                "Jane.Doe+quote@acme-widgets.com",
            ))
        })
    });
    let options = email_address::Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    g.bench_function("rfc5322_email_address_crate", |b| {
        b.iter(|| {
            email_address::EmailAddress::parse_with_options(
                black_box("Jane.Doe+quote@acme-widgets.com"),
                options,
            )
            .is_ok()
        })
    });
    g.bench_function("disposable_lookup", |b| {
        b.iter(|| leadgate_checks::email::is_disposable(black_box("acme-widgets.com")))
    });
    g.bench_function("typo_suggest", |b| {
        b.iter(|| leadgate_checks::email::suggest_domain(black_box("acme-widgets.com")))
    });
    g.bench_function("canonical", |b| {
        b.iter(|| {
            leadgate_checks::email::canonical(black_box("Jane.Doe+quote"), "acme-widgets.com")
        })
    });
    g.finish();

    let mut g = c.benchmark_group("phone");
    g.bench_function("us_national_parse", |b| {
        b.iter(|| check_phone(black_box("(202) 746-0143"), "US"))
    });
    g.bench_function("international_parse", |b| {
        b.iter(|| check_phone(black_box("+44 121 496 0000"), "US"))
    });
    g.bench_function("fake_no_parse", |b| {
        b.iter(|| check_phone(black_box("555-555-5555"), "US"))
    });
    g.finish();

    c.bench_function("address", |b| {
        b.iter(|| {
            check_address(black_box(&AddressInput {
                street: Some("1600 Pennsylvania Avenue NW Suite 200"),
                city: Some("Washington"),
                state: Some("District of Columbia"),
                zip: Some("20500-0001"),
            }))
        })
    });
    c.bench_function("name", |b| {
        b.iter(|| check_name(black_box(Some("Jane")), black_box(Some("Doe"))))
    });
    c.bench_function("consent", |b| {
        b.iter(|| check_consent(black_box(Some(true)), black_box(Some(CONSENT))))
    });
    c.bench_function("fingerprint", |b| {
        b.iter(|| {
            fingerprint(
                black_box(Some("jane.doe@acme.com")),
                Some("+12027460143"),
                Some("203.0.113.7"),
                Some("Mozilla/5.0"),
            )
        })
    });
    c.bench_function("verdict", |b| {
        b.iter(|| {
            verdict_from_reasons(
                black_box(&[ReasonCode::SYN04, ReasonCode::CONS01, ReasonCode::SYN03]),
                &policy,
            )
        })
    });

    // Each input through `case` and through the standard conversion, side by side.
    let mut g = c.benchmark_group("case");
    for (label, text) in [
        ("ascii", "1600 Pennsylvania Avenue NW Suite 200"),
        ("latin", "Nguyễn Văn An, Straße 12, São Paulo"),
        ("greek", "ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ ΑΘΗΝΑ"),
    ] {
        g.bench_function(format!("lower_{label}"), |b| {
            b.iter(|| case::to_lowercase(black_box(text)))
        });
        g.bench_function(format!("lower_{label}_std"), |b| {
            b.iter(|| black_box(text).to_lowercase())
        });
        g.bench_function(format!("upper_{label}"), |b| {
            b.iter(|| case::to_uppercase(black_box(text)))
        });
        g.bench_function(format!("upper_{label}_std"), |b| {
            b.iter(|| black_box(text).to_uppercase())
        });
    }
    // Char by char, as the name and address checks map letters: 38 letters of Latin,
    // Greek, Cyrillic and Han, 16 of them capitals.
    let mixed = "ễăßãΟΔΣΦΚΛΕΥΑΘΗΝабвгдЖЗИЙ中文éèêëçàâäöüÿ";
    g.bench_function("lower_each_char", |b| {
        b.iter(|| {
            black_box(mixed)
                .chars()
                .flat_map(case::lower)
                .collect::<String>()
        })
    });
    g.bench_function("lower_each_char_std", |b| {
        b.iter(|| {
            black_box(mixed)
                .chars()
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("lead");
    let no_phone = Policy {
        require_phone: false,
        ..Policy::default()
    };
    let without = lead(None);
    let with = lead(Some("(202) 746-0143"));
    g.bench_function("without_phone_parse", |b| {
        b.iter(|| assess(black_box(&without), &no_phone))
    });
    g.bench_function("with_phone_parse", |b| {
        b.iter(|| assess(black_box(&with), &policy))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
