//! Calls a few vendor clients against an in-process sandbox and prints what they found.
//!
//! Run with `cargo run -p leadgate-providers --example sandbox_lookup`.

use leadgate_pipeline::provider::{Provider, ProviderRequest};
use leadgate_providers::{build_section, http::build_client};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = leadgate_sandbox::spawn("127.0.0.1:0".parse()?).await?;
    let http = build_client(Duration::from_secs(2));
    let providers = [
        (
            "dnc",
            "dncscrub_litigator",
            serde_json::json!({ "base_url": sandbox.url("dncscrub"), "api_key": "sandbox" }),
        ),
        (
            "trestle",
            "trestle_real_contact",
            serde_json::json!({ "base_url": sandbox.url("trestle"), "api_key": "sandbox" }),
        ),
        (
            "ipqs",
            "ipqs_phone",
            serde_json::json!({ "base_url": sandbox.url("ipqs"), "api_key": "sandbox" }),
        ),
    ];
    for phone in [
        "+15122010000",
        "+15122010001",
        "+15122010004",
        "+15122010007",
    ] {
        let lead = ProviderRequest {
            lead_id: "example".into(),
            phone_e164: Some(phone.into()),
            ..Default::default()
        };
        for (name, kind, rest) in &providers {
            let p = build_section(name, kind, rest, &http)?;
            let a = p.call(&lead).await?;
            let reasons: Vec<&str> = a.reasons.iter().map(|r| r.code()).collect();
            println!("{phone} {name:8} ${:.3} reasons={reasons:?}", a.cost_usd);
        }
    }
    Ok(())
}
