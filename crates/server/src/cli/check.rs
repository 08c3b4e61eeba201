//! `leadgate check`: batch-check leads from JSONL or CSV and write one JSON object per line.
//!
//! Input field names and output shape are a public contract (see `docs/cli.md`). A malformed
//! line becomes `{"line": N, "error": "..."}` and the run goes on; the exit status is 1 when any
//! line failed, 2 when the run itself could not go on (unreadable file, bad header, bad policy).
use super::input::{open_input, Format, Record};
use leadgate_checks::{assess, Lane, LeadInput, Policy};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Leads checked in parallel per batch; output order always equals input order.
const BATCH: usize = 4096;

/// Arguments of `leadgate check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Input fields (JSONL keys or CSV headers, any order, unknown ones ignored):
  email, phone, first_name, last_name, street, city, state, zip, country,
  ip, user_agent, consent, consent_text, trustedform_cert_url, default_region

Examples:
  leadgate check leads.csv > verdicts.jsonl
  cat leads.jsonl | leadgate check --summary > /dev/null
  leadgate check leads.csv --policy policy.toml --summary")]
pub struct CheckArgs {
    /// Input file: .jsonl/.ndjson or .csv. Reads standard input when omitted or `-`.
    pub file: Option<PathBuf>,
    /// Input format; by default guessed from the extension, then from the first line.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Policy file (TOML) with block/review rules, allow and deny lists, default region.
    #[arg(long, env = "LEADGATE_POLICY")]
    pub policy: Option<PathBuf>,
    /// Print counts by lane and by reason code to stderr when done.
    #[arg(long)]
    pub summary: bool,
    /// Never draw the progress bar (it is only drawn when stderr is a terminal anyway).
    #[arg(long, short)]
    pub quiet: bool,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Errors that stop a run before or while reading (not per-line errors).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("cannot read policy {path}: {source}")]
    PolicyRead { path: PathBuf, source: io::Error },
    #[error("invalid policy {path}: {source}")]
    PolicyParse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error(transparent)]
    Input(#[from] super::input::InputError),
    #[error("cannot write output: {0}")]
    Output(io::Error),
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

/// Counts by lane and by reason, for `--summary` and the demo.
#[derive(Debug, Default)]
pub struct Summary {
    pub checked: u64,
    pub failed_lines: u64,
    pub by_lane: BTreeMap<&'static str, u64>,
    pub by_reason: BTreeMap<&'static str, u64>,
}

impl Summary {
    fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "checked {} leads, {} malformed lines",
            self.checked, self.failed_lines
        )?;
        writeln!(out, "by lane:")?;
        for (lane, n) in &self.by_lane {
            writeln!(out, "  {lane:<12} {n:>10}")?;
        }
        if !self.by_reason.is_empty() {
            writeln!(out, "by reason:")?;
            for (code, n) in &self.by_reason {
                let meaning = leadgate_checks::ReasonCode::from_code(code)
                    .map(|c| c.meaning())
                    .unwrap_or("");
                writeln!(out, "  {code:<7} {n:>10}  {meaning}")?;
            }
        }
        Ok(())
    }
}

/// Runs `leadgate check`.
pub fn run(args: CheckArgs) -> Result<ExitCode, CheckError> {
    let policy = load_policy(args.policy.as_deref())?;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder.build()?;
    let (mut input, progress) = open_input(args.file.as_deref(), args.format, args.quiet)?;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let summary = check_stream(&mut *input, &policy, &pool, &mut out)?;
    out.flush().map_err(CheckError::Output)?;
    progress.finish_and_clear();
    if args.summary {
        summary
            .write_to(&mut io::stderr().lock())
            .map_err(CheckError::Output)?;
    }
    Ok(if summary.failed_lines > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn load_policy(path: Option<&std::path::Path>) -> Result<Policy, CheckError> {
    let Some(path) = path else {
        return Ok(Policy::default());
    };
    let text = std::fs::read_to_string(path).map_err(|source| CheckError::PolicyRead {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| CheckError::PolicyParse {
        path: path.to_owned(),
        source,
    })
}

/// Checks every record from `input`, writing one JSON line each to `out`, in input order.
pub fn check_stream(
    input: &mut dyn Iterator<Item = Result<Record, super::input::InputError>>,
    policy: &Policy,
    pool: &rayon::ThreadPool,
    out: &mut impl Write,
) -> Result<Summary, CheckError> {
    let mut summary = Summary::default();
    let mut batch: Vec<Record> = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        for record in (&mut *input).take(BATCH) {
            batch.push(record?);
        }
        if batch.is_empty() {
            break;
        }
        let lines: Vec<(String, Option<Lane>, Vec<&'static str>)> = pool.install(|| {
            batch
                .par_iter()
                .map(|record| render(record, policy))
                .collect()
        });
        for (line, lane, reasons) in lines {
            out.write_all(line.as_bytes()).map_err(CheckError::Output)?;
            out.write_all(b"\n").map_err(CheckError::Output)?;
            match lane {
                Some(lane) => {
                    summary.checked += 1;
                    *summary.by_lane.entry(lane_name(lane)).or_default() += 1;
                    for code in reasons {
                        *summary.by_reason.entry(code).or_default() += 1;
                    }
                }
                None => summary.failed_lines += 1,
            }
        }
    }
    Ok(summary)
}

fn lane_name(lane: Lane) -> &'static str {
    match lane {
        Lane::Block => "block",
        Lane::Review => "review",
        Lane::FastTrack => "fast_track",
    }
}

/// One output line: the assessment with `"line"` first, or an error object.
fn render(record: &Record, policy: &Policy) -> (String, Option<Lane>, Vec<&'static str>) {
    match &record.lead {
        Ok(lead) => {
            let assessment = assess(lead, policy);
            let body = serde_json::to_string(&assessment).unwrap_or_else(|e| {
                // Serialising our own plain structs cannot fail; keep the run going if it ever does.
                format!("{{\"error\":{}}}", serde_json::Value::from(e.to_string()))
            });
            let reasons = assessment
                .verdict
                .reasons
                .iter()
                .map(|r| r.code())
                .collect();
            let line = format!(
                "{{\"line\":{},{}",
                record.line,
                body.strip_prefix('{').unwrap_or(&body)
            );
            (line, Some(assessment.verdict.lane), reasons)
        }
        Err(message) => {
            let line = serde_json::json!({ "line": record.line, "error": message }).to_string();
            (line, None, Vec::new())
        }
    }
}

/// Convenience for tests and the demo: check leads already in memory.
pub fn check_leads(leads: &[LeadInput], policy: &Policy) -> Vec<leadgate_checks::Assessment> {
    leads.iter().map(|lead| assess(lead, policy)).collect()
}
