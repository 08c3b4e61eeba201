//! `leadgate`: the backend service and the batch CLI.
fn main() -> anyhow::Result<()> {
    Ok(())
}
