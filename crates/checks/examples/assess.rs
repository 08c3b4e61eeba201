//! Assess one lead given as JSON and print the assessment.
//!
//! Run with
//! `cargo run -p leadgate-checks --example assess -- '{"email":"jane@gmial.com","phone":"+44 121 496 0000"}'`
//! or pipe the JSON on stdin. An optional second argument is a policy as JSON.
use leadgate_checks::{assess, LeadInput, Policy};
use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let lead_json = match args.next() {
        Some(json) => json,
        None => {
            let mut buf = String::new();
            std::io::stdin().read_to_string(&mut buf)?;
            buf
        }
    };
    let policy: Policy = match args.next() {
        Some(json) => serde_json::from_str(&json)?,
        None => Policy::default(),
    };
    let lead: LeadInput = serde_json::from_str(&lead_json)?;
    let assessment = assess(&lead, &policy);
    println!("{}", serde_json::to_string_pretty(&assessment)?);
    Ok(())
}
