//! `leadgate check` as a partner runs it: real binary, files and pipes.
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn leadgate(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadgate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("leadgate starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("leadgate finishes")
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .expect("stdout is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect()
}

fn sample(name: &str) -> String {
    format!("{}/../../samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn csv_file_gives_one_verdict_per_lead_in_order_with_the_public_fields() {
    let out = leadgate(&["check", &sample("leads.csv")], b"");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = lines(&out);
    assert_eq!(rows.len(), 11);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(
            row["line"],
            (i + 2) as u64,
            "CSV line numbers count the header"
        );
        for key in [
            "lane",
            "reasons",
            "score",
            "email",
            "phone",
            "address",
            "fingerprint",
        ] {
            assert!(row.get(key).is_some(), "row {i} lacks {key}: {row}");
        }
        for key in [
            "valid",
            "normalized",
            "suggestion",
            "disposable",
            "role",
            "free",
        ] {
            assert!(row["email"].get(key).is_some(), "email lacks {key}");
        }
        for key in ["valid", "e164", "type", "region"] {
            assert!(row["phone"].get(key).is_some(), "phone lacks {key}");
        }
        for key in ["valid", "normalized", "confidence"] {
            assert!(row["address"].get(key).is_some(), "address lacks {key}");
        }
        let lane = row["lane"].as_str().expect("lane is a string");
        assert!(["block", "review", "fast_track"].contains(&lane));
    }
    // The obvious junk row: bad email, fake phone, placeholder name, no consent.
    assert_eq!(rows[4]["lane"], "block");
    assert_eq!(rows[4]["reasons"][0], "SYN01");
    // The disposable row.
    assert_eq!(rows[3]["lane"], "block");
    assert!(rows[3]["reasons"]
        .as_array()
        .expect("array")
        .contains(&"SYN02".into()));
    // The typo row gets a suggestion.
    assert_eq!(rows[2]["email"]["suggestion"], "maria@gmail.com");
}

#[test]
fn malformed_jsonl_line_is_reported_with_its_number_and_the_run_goes_on() {
    let out = leadgate(&["check", &sample("leads.jsonl")], b"");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed line makes the exit status 1"
    );
    let rows = lines(&out);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[2]["line"], 3);
    assert!(rows[2]["error"]
        .as_str()
        .expect("error message")
        .contains("invalid JSON"));
    assert_eq!(rows[3]["line"], 4);
    assert!(
        rows[3].get("lane").is_some(),
        "the line after the bad one is still checked"
    );
}

#[test]
fn stdin_is_read_and_sniffed_when_no_file_is_given() {
    let out = leadgate(&["check"], b"{\"email\":\"a@example.com\"}\n");
    assert!(out.status.success());
    assert_eq!(lines(&out).len(), 1);
    let out = leadgate(&["check", "-"], b"email\nb@example.com\nc@example.com\n");
    assert!(out.status.success());
    assert_eq!(lines(&out).len(), 2);
}

#[test]
fn bad_headers_and_missing_files_stop_with_a_clear_message_and_status_2() {
    let out = leadgate(&["check", "--format", "csv"], b"email,,phone\nx,y,z\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("column 2 has an empty name"));
    let out = leadgate(&["check", "/nonexistent/leads.csv"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open"));
}

#[test]
fn summary_counts_every_lead_by_lane() {
    let out = leadgate(&["check", "--summary", &sample("leads.csv")], b"");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("checked 11 leads, 0 malformed lines"),
        "{stderr}"
    );
    let rows = lines(&out);
    let blocked = rows.iter().filter(|r| r["lane"] == "block").count();
    let counted: usize = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("block "))
        .map(|n| n.trim().parse().expect("a count"))
        .unwrap_or(0);
    assert_eq!(counted, blocked, "{stderr}");
}

#[test]
fn hostile_input_never_panics() {
    let huge = "a".repeat(1 << 20);
    let text = format!(
        "{{\"email\":\"{huge}@x.com\",\"first_name\":\"{huge}\"}}\n{{\"email\":\"\u{200b}jane@gmail.com\",\"first_name\":\"J\u{202e}ane\"}}\n{{\"phone\":\"\u{0000}\u{0007}+1 415\"}}\n[1,2,3]\n"
    );
    let out = leadgate(&["check"], text.as_bytes());
    let rows = lines(&out);
    assert_eq!(rows.len(), 4);
    assert!(rows[0].get("lane").is_some());
    assert!(rows[3].get("error").is_some());
    assert_eq!(out.status.code(), Some(1));
}
