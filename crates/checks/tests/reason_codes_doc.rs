//! `docs/reason-codes.md` is generated from `ReasonCode::ALL`; this test fails when
//! the published table is stale. Regenerate with
//! `LEADGATE_BLESS=1 cargo test -p leadgate-checks --test reason_codes_doc`.
use leadgate_checks::{Action, Layer, ReasonCode};

fn layer(l: Layer) -> &'static str {
    match l {
        Layer::Syntax => "1 syntax",
        Layer::Enrichment => "2 enrichment",
        Layer::Intent => "3 intent",
        Layer::Compliance => "4 compliance",
        Layer::Pipeline => "pipeline",
    }
}

fn action(a: Action) -> &'static str {
    match a {
        Action::Advise => "advise",
        Action::Review => "review",
        Action::Block => "block",
    }
}

fn render() -> String {
    let mut out = String::from(
        "# Reason codes\n\n\
         Every verdict Leadgate gives carries one primary reason code and optional secondary\n\
         ones, most severe first. This is the whole table. A code never changes meaning once\n\
         shipped; new codes are only ever added. The default action applies unless the\n\
         campaign's policy overrides it (`block`, `review`, `advise` lists; see\n\
         [checks.md](checks.md)).\n\n\
         Generated from `ReasonCode::ALL` in `crates/checks/src/reason.rs`; the test\n\
         `crates/checks/tests/reason_codes_doc.rs` fails when this page is stale.\n\n\
         | code | meaning | layer | default action |\n|---|---|---|---|\n",
    );
    for &code in ReasonCode::ALL {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            code.code(),
            code.meaning().replace('|', "\\|"),
            layer(code.layer()),
            action(code.default_action())
        ));
    }
    out
}

#[test]
fn reason_codes_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/reason-codes.md");
    let want = render();
    if std::env::var_os("LEADGATE_BLESS").is_some() {
        std::fs::write(path, &want).expect("write docs/reason-codes.md");
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/reason-codes.md is stale: run LEADGATE_BLESS=1 cargo test -p leadgate-checks --test reason_codes_doc"
    );
}
