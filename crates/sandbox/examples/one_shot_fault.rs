//! Starts the sandbox in-process, makes Trestle fail once with a 429, and shows the
//! retry succeeding.
//!
//! Run with `cargo run -p leadgate-sandbox --example one_shot_fault`.

use leadgate_sandbox::FaultSpec;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = leadgate_sandbox::spawn("127.0.0.1:0".parse()?).await?;
    sandbox.state().set_fault(
        "trestle",
        Some(FaultSpec {
            fault: Some("429".into()),
            retry_after: Some(2),
            remaining: Some(1),
            ..FaultSpec::default()
        }),
    );
    let url = format!(
        "{}/3.0/phone_intel?phone=5122010004",
        sandbox.url("trestle")
    );
    let client = reqwest::Client::new();
    for attempt in 1..=2 {
        let resp = client
            .get(&url)
            .header("x-api-key", "sandbox")
            .send()
            .await?;
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        println!(
            "attempt {attempt}: HTTP {} retry-after={retry_after:?}",
            resp.status()
        );
        println!("  {}", resp.text().await?);
    }
    println!("calls per provider: {:?}", sandbox.state().calls());
    Ok(())
}
