//! Reading leads for `leadgate check`: JSONL or CSV, from a file or standard input.
//!
//! Every record carries its line number; a record that cannot be read becomes an error
//! message for that line, never a panic and never the end of the run. Only I/O failures and
//! unusable CSV headers stop a run.
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use leadgate_checks::LeadInput;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A JSONL line longer than this is reported as an error and skipped.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

/// One input record: its line number (1-based) and the lead or why it could not be read.
#[derive(Debug)]
pub struct Record {
    pub line: u64,
    pub lead: Result<LeadInput, String>,
}

/// Errors that stop the run.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot open {path}: {source}")]
    Open { path: PathBuf, source: io::Error },
    #[error("cannot read input: {0}")]
    Read(#[from] io::Error),
    #[error("CSV header: column {column} has an empty name")]
    EmptyHeader { column: usize },
    #[error("CSV header: column `{name}` appears more than once (columns {first} and {second})")]
    DuplicateHeader {
        name: String,
        first: usize,
        second: usize,
    },
    #[error("CSV header has none of the lead fields ({})", FIELD_NAMES.join(", "))]
    NoKnownColumns,
    #[error("cannot read CSV: {0}")]
    Csv(String),
}

/// The public input field names, in documentation order.
pub const FIELD_NAMES: &[&str] = &[
    "email",
    "phone",
    "first_name",
    "last_name",
    "street",
    "city",
    "state",
    "zip",
    "country",
    "ip",
    "user_agent",
    "consent",
    "consent_text",
    "trustedform_cert_url",
    "default_region",
];

type Records = Box<dyn Iterator<Item = Result<Record, InputError>>>;

/// Opens the input, picks the format and sets up the progress bar (drawn only on a terminal).
pub fn open_input(
    file: Option<&Path>,
    format: Option<Format>,
    quiet: bool,
) -> Result<(Records, ProgressBar), InputError> {
    let file = file.filter(|p| p.as_os_str() != "-");
    let (reader, progress): (Box<dyn Read>, ProgressBar) = match file {
        Some(path) => {
            let f = File::open(path).map_err(|source| InputError::Open {
                path: path.to_owned(),
                source,
            })?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = if quiet {
                ProgressBar::hidden()
            } else {
                byte_bar(len)
            };
            (Box::new(bar.wrap_read(f)), bar)
        }
        None => (Box::new(io::stdin()), ProgressBar::hidden()),
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let format = match format.or_else(|| file.and_then(format_from_extension)) {
        Some(f) => f,
        None => sniff(&mut reader)?,
    };
    let records: Records = match format {
        Format::Jsonl => Box::new(JsonlRecords {
            reader,
            line: 0,
            buf: Vec::new(),
        }),
        Format::Csv => Box::new(csv_records(reader)?),
    };
    Ok((records, progress))
}

fn byte_bar(len: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn format_from_extension(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "csv" => Some(Format::Csv),
        _ => None,
    }
}

/// Guesses the format from the first non-blank byte: `{` is JSONL, anything else CSV.
fn sniff(reader: &mut impl BufRead) -> Result<Format, InputError> {
    let buf = reader.fill_buf()?;
    let first = buf.iter().find(|b| !b.is_ascii_whitespace());
    Ok(if first == Some(&b'{') {
        Format::Jsonl
    } else {
        Format::Csv
    })
}

struct JsonlRecords<R> {
    reader: R,
    line: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Iterator for JsonlRecords<R> {
    type Item = Result<Record, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            let too_long = match read_bounded_line(&mut self.reader, &mut self.buf) {
                Ok(None) => return None,
                Ok(Some(too_long)) => too_long,
                Err(e) => return Some(Err(InputError::Read(e))),
            };
            self.line += 1;
            let lead = if too_long {
                Err(format!("line is longer than {} MiB", MAX_LINE_BYTES >> 20))
            } else {
                let text = match std::str::from_utf8(&self.buf) {
                    Ok(t) => t.trim(),
                    Err(e) => {
                        let msg = format!("line is not valid UTF-8 (at byte {})", e.valid_up_to());
                        return Some(Ok(Record {
                            line: self.line,
                            lead: Err(msg),
                        }));
                    }
                };
                if text.is_empty() {
                    continue;
                }
                serde_json::from_str::<LeadInput>(text)
                    .map_err(|e| format!("invalid JSON lead: {e}"))
            };
            return Some(Ok(Record {
                line: self.line,
                lead,
            }));
        }
    }
}

/// Reads one line (without its newline) into `buf`, keeping at most [`MAX_LINE_BYTES`].
/// Returns `None` at end of input, `Some(true)` when the line was longer than the cap.
fn read_bounded_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    let mut any = false;
    let mut too_long = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(if any { Some(too_long) } else { None });
        }
        any = true;
        let (take, done) = match memchr(chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_LINE_BYTES {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Some(too_long));
        }
    }
}

fn memchr(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'\n')
}

/// Which lead field a CSV column feeds.
#[derive(Debug, Clone, Copy)]
struct Column {
    index: usize,
    field: usize,
}

fn csv_records<R: Read + 'static>(
    reader: R,
) -> Result<impl Iterator<Item = Result<Record, InputError>>, InputError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(reader);
    let headers = csv
        .byte_headers()
        .map_err(|e| InputError::Csv(e.to_string()))?
        .clone();
    let columns = map_headers(&headers)?;
    let mut record = csv::ByteRecord::new();
    Ok(std::iter::from_fn(move || {
        match csv.read_byte_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                Some(Ok(Record {
                    line,
                    lead: lead_from_csv(&record, &columns),
                }))
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(_) => Some(Err(InputError::Csv(e.to_string()))),
                _ => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    Some(Ok(Record {
                        line,
                        lead: Err(format!("malformed CSV record: {e}")),
                    }))
                }
            },
        }
    }))
}

fn map_headers(headers: &csv::ByteRecord) -> Result<Vec<Column>, InputError> {
    let mut columns: Vec<Column> = Vec::new();
    for (index, raw) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(raw);
        let name = name
            .trim_start_matches('\u{feff}')
            .trim()
            .to_ascii_lowercase();
        if name.is_empty() {
            return Err(InputError::EmptyHeader { column: index + 1 });
        }
        let Some(field) = FIELD_NAMES.iter().position(|f| *f == name) else {
            continue;
        };
        if let Some(prev) = columns.iter().find(|c| c.field == field) {
            return Err(InputError::DuplicateHeader {
                name,
                first: prev.index + 1,
                second: index + 1,
            });
        }
        columns.push(Column { index, field });
    }
    if columns.is_empty() {
        return Err(InputError::NoKnownColumns);
    }
    Ok(columns)
}

fn lead_from_csv(record: &csv::ByteRecord, columns: &[Column]) -> Result<LeadInput, String> {
    let mut lead = LeadInput::default();
    for column in columns {
        let Some(raw) = record.get(column.index) else {
            continue;
        };
        let name = FIELD_NAMES[column.field];
        let value = std::str::from_utf8(raw)
            .map_err(|e| {
                format!(
                    "column `{name}` is not valid UTF-8 (at byte {})",
                    e.valid_up_to()
                )
            })?
            .trim();
        if value.is_empty() {
            continue;
        }
        set_field(&mut lead, name, value)?;
    }
    Ok(lead)
}

fn set_field(lead: &mut LeadInput, name: &str, value: &str) -> Result<(), String> {
    let v = Some(value.to_owned());
    match name {
        "email" => lead.email = v,
        "phone" => lead.phone = v,
        "first_name" => lead.first_name = v,
        "last_name" => lead.last_name = v,
        "street" => lead.street = v,
        "city" => lead.city = v,
        "state" => lead.state = v,
        "zip" => lead.zip = v,
        "country" => lead.country = v,
        "ip" => lead.ip = v,
        "user_agent" => lead.user_agent = v,
        "consent" => lead.consent = Some(parse_consent(value)?),
        "consent_text" => lead.consent_text = v,
        "trustedform_cert_url" => lead.trustedform_cert_url = v,
        "default_region" => lead.default_region = v,
        _ => {}
    }
    Ok(())
}

/// Parses a consent cell: yes/no in the spellings form tools export.
fn parse_consent(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "on" | "checked" | "x" => Ok(true),
        "false" | "no" | "n" | "0" | "off" | "unchecked" => Ok(false),
        other => {
            let shown: String = other.chars().take(40).collect();
            Err(format!(
                "column `consent`: expected yes/no, true/false or 1/0, got `{shown}`"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_leads(text: &'static str) -> Result<Vec<Record>, InputError> {
        csv_records(text.as_bytes())?.collect()
    }

    #[test]
    fn csv_maps_headers_in_any_order_and_case() {
        let records = csv_leads("Phone, EMAIL ,extra\n555,a@b.com,zzz\n").expect("reads");
        let lead = records[0].lead.as_ref().expect("lead");
        assert_eq!(lead.email.as_deref(), Some("a@b.com"));
        assert_eq!(lead.phone.as_deref(), Some("555"));
        assert_eq!(records[0].line, 2);
    }

    #[test]
    fn csv_rejects_empty_and_duplicate_headers() {
        assert!(matches!(
            csv_leads("email,,phone\n"),
            Err(InputError::EmptyHeader { column: 2 })
        ));
        assert!(matches!(
            csv_leads("email,phone,Email\n"),
            Err(InputError::DuplicateHeader {
                first: 1,
                second: 3,
                ..
            })
        ));
        assert!(matches!(
            csv_leads("foo,bar\n1,2\n"),
            Err(InputError::NoKnownColumns)
        ));
    }

    #[test]
    fn csv_invalid_utf8_is_a_line_error_not_the_end() {
        let mut data = b"email,consent\n".to_vec();
        data.extend_from_slice(b"\xff\xfe@x.com,yes\nok@example.com,maybe\nfine@example.com,1\n");
        let records: Vec<Record> = csv_records(std::io::Cursor::new(data))
            .expect("header ok")
            .collect::<Result<_, _>>()
            .expect("no fatal error");
        assert_eq!(records.len(), 3);
        assert!(records[0]
            .lead
            .as_ref()
            .unwrap_err()
            .contains("not valid UTF-8"));
        assert!(records[1].lead.as_ref().unwrap_err().contains("consent"));
        assert_eq!(records[2].lead.as_ref().expect("ok").consent, Some(true));
        assert_eq!(records[2].line, 4);
    }

    #[test]
    fn jsonl_counts_lines_skips_blanks_and_reports_bad_ones() {
        let text = b"{\"email\":\"a@b.com\"}\n\n not json\n{\"email\": 5}\n\xff\n{}";
        let records: Vec<Record> = JsonlRecords {
            reader: &text[..],
            line: 0,
            buf: Vec::new(),
        }
        .collect::<Result<_, _>>()
        .expect("no fatal error");
        let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 3, 4, 5, 6]);
        assert!(records[0].lead.is_ok());
        assert!(records[1]
            .lead
            .as_ref()
            .unwrap_err()
            .starts_with("invalid JSON lead"));
        assert!(records[2].lead.is_err());
        assert!(records[3].lead.as_ref().unwrap_err().contains("UTF-8"));
        assert!(records[4].lead.is_ok());
    }

    #[test]
    fn overlong_jsonl_line_is_an_error_and_the_next_line_still_reads() {
        let mut text = vec![b'x'; MAX_LINE_BYTES + 10];
        text.extend_from_slice(b"\n{\"phone\":\"1\"}\n");
        let records: Vec<Record> = JsonlRecords {
            reader: &text[..],
            line: 0,
            buf: Vec::new(),
        }
        .collect::<Result<_, _>>()
        .expect("no fatal error");
        assert_eq!(records.len(), 2);
        assert!(records[0]
            .lead
            .as_ref()
            .unwrap_err()
            .contains("longer than"));
        assert_eq!(
            records[1].lead.as_ref().expect("ok").phone.as_deref(),
            Some("1")
        );
    }

    #[test]
    fn sniffing_picks_jsonl_for_braces_else_csv() {
        assert_eq!(sniff(&mut &b"  {\"a\":1}"[..]).expect("ok"), Format::Jsonl);
        assert_eq!(sniff(&mut &b"email,phone"[..]).expect("ok"), Format::Csv);
    }
}
