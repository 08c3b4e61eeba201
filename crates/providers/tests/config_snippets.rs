//! The `[[providers]]` snippet in docs/providers.md parses the way the backend reads it
//! (name + kind + the rest of the section as a TOML table) and builds every provider.

use leadgate_providers::build_section;

#[derive(Debug, serde::Deserialize)]
struct File {
    providers: Vec<Section>,
}

#[derive(Debug, serde::Deserialize)]
struct Section {
    name: String,
    kind: String,
    #[serde(flatten)]
    rest: toml::Table,
}

fn first_toml_block(markdown: &str) -> &str {
    let start = markdown.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let len = markdown[start..].find("```").expect("closed");
    &markdown[start..start + len]
}

#[test]
fn the_documented_sandbox_config_builds() {
    let doc = include_str!("../../../docs/providers.md");
    let file: File = toml::from_str(first_toml_block(doc)).expect("valid TOML");
    let http = reqwest::Client::new();
    let names: Vec<&str> = file.providers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["dnc_litigator", "trustedform", "trestle", "ipqs"]);
    for s in &file.providers {
        let p = build_section(&s.name, &s.kind, &s.rest, &http).unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{p:?}").contains("\"sandbox\""), "key hidden");
    }
}

#[test]
fn a_typo_in_a_section_is_named() {
    let file: File = toml::from_str(
        "[[providers]]\nname = \"x\"\nkind = \"ipqs_phone\"\napi_key = \"k\"\ntimeout = 5\n",
    )
    .expect("toml");
    let s = &file.providers[0];
    let e = build_section(&s.name, &s.kind, &s.rest, &reqwest::Client::new()).unwrap_err();
    assert!(e.to_string().contains("unknown field `timeout`"), "{e}");
    assert!(e.to_string().starts_with("providers.x."), "{e}");
}
