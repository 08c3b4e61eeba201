//! `leadgate`: the backend service and the batch CLI.
//!
//! Config, tracing and `anyhow` live here; everything else is in the library.
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Leadgate: lead validation for marketers and lead buyers.
#[derive(Debug, Parser)]
#[command(name = "leadgate", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check leads from a JSONL or CSV file (or stdin) and write one JSON verdict per line.
    Check(leadgate_server::cli::check::CheckArgs),
    /// Run the backend service (intake, pipeline workers, postbacks, metrics).
    Serve(ServeArgs),
    /// Print the SHA-256 (hex) of a key or token read from standard input, for
    /// `partners.api_key_sha256` and `admin.token_sha256` (keys are stored hashed).
    ///
    /// Example: `printf %s "$TOKEN" | leadgate hash-key`
    HashKey,
}

/// `leadgate serve`.
#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// The config file (every key can be overridden by `LEADGATE_<SECTION>__<KEY>`).
    #[arg(long, default_value = "leadgate.toml", env = "LEADGATE_CONFIG")]
    config: std::path::PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<ExitCode> = match cli.command {
        Command::Check(args) => leadgate_server::cli::check::run(args).map_err(anyhow::Error::from),
        Command::Serve(args) => serve(args),
        Command::HashKey => hash_key(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("leadgate: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn hash_key() -> anyhow::Result<ExitCode> {
    use std::io::Read;
    let mut key = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut key)
        .map_err(|e| anyhow::anyhow!("reading the key from standard input: {e}"))?;
    let key = key.trim_end_matches(['\n', '\r']);
    if key.is_empty() {
        anyhow::bail!(
            "no key on standard input (example: printf %s \"$TOKEN\" | leadgate hash-key)"
        );
    }
    println!("{}", leadgate_server::config::hash_api_key(key));
    Ok(ExitCode::SUCCESS)
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use leadgate_server::config::Config;
    let config = Config::load(&args.config, std::env::vars())?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEADGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.server.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        // Vendor clients register their kinds here; `stub` is built in.
        let factories = leadgate_server::providers::all_factories();
        let listen = config.server.listen.clone();
        let state = leadgate_server::state::AppState::build(config, &factories, None).await?;
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .with_context(|| format!("binding {listen}"))?;
        leadgate_server::serve::serve(state, listener, shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return ctrl_c.await.unwrap_or(()),
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
