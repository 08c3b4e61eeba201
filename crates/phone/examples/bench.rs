//! Native per-parse timing of leadgate-phone and the `phonenumber` crate on
//! the same corpus (libphonenumber's example numbers in typed formats).
//!
//! Run with `cargo run --release -p leadgate-phone --example bench [-- --us-ca]
//! [--corpus-out FILE]`. Prints one JSON object; `--corpus-out` also writes
//! the corpus (`input<TAB>region` lines) for the wasm/JS side of
//! scripts/size-report.sh.

use std::hint::black_box;
use std::time::Instant;

use phonenumber::metadata::DATABASE;

fn corpus(us_ca: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut ids: Vec<&str> = DATABASE
        .iter()
        .map(|m| m.id())
        .filter(|id| id.len() == 2 && (!us_ca || *id == "US" || *id == "CA"))
        .collect();
    ids.sort_unstable();
    for id in ids {
        let Some(m) = DATABASE.by_id(id) else {
            continue;
        };
        let d = m.descriptors();
        let np = m.national_prefix().unwrap_or("");
        for desc in [d.fixed_line(), d.mobile(), d.toll_free(), d.voip()]
            .into_iter()
            .flatten()
        {
            let Some(ex) = desc.example() else { continue };
            let (a, b) = ex.split_at(ex.len() / 2);
            out.push((format!("{np}{a} {b}"), id.to_owned()));
            out.push((format!("+{} {a}-{b}", m.country_code()), String::new()));
            out.push((format!("({np}{a}) {b} ext. 12"), id.to_owned()));
        }
    }
    if us_ca {
        // A realistic mix for a North American form, repeated for weight.
        let typed = [
            "(650) 253-0000",
            "650.253.0000",
            "+1 650 253 0000",
            "1-800-FLOWERS",
            "212 555 0123",
            "416-555-0199",
            "555-0100",
            "011 44 20 7946 0958",
        ];
        for t in typed {
            out.push((t.to_owned(), "US".to_owned()));
        }
    }
    out
}

fn region(r: &str) -> Option<&str> {
    (!r.is_empty()).then_some(r)
}

fn time_per_parse(corpus: &[(String, String)], mut f: impl FnMut(&str, Option<&str>)) -> f64 {
    for (i, r) in corpus {
        f(i, region(r));
    }
    // Whole rounds until about a second has passed (at least one).
    let start = Instant::now();
    let mut rounds = 0usize;
    while rounds == 0 || start.elapsed().as_millis() < 1000 {
        for (i, r) in corpus {
            f(i, region(r));
        }
        rounds += 1;
    }
    start.elapsed().as_nanos() as f64 / (rounds * corpus.len()) as f64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let us_ca = args.iter().any(|a| a == "--us-ca");
    let corpus_out = args
        .iter()
        .position(|a| a == "--corpus-out")
        .and_then(|i| args.get(i + 1));

    // First parse in this process, before anything warms up.
    let t = Instant::now();
    black_box(leadgate_phone::parse("(650) 253-0000", Some("US")).ok());
    let first_engine_us = t.elapsed().as_secs_f64() * 1e6;
    let t = Instant::now();
    let pn = phonenumber::parse(Some(phonenumber::country::US), "(650) 253-0000").ok();
    black_box(pn.map(|p| (p.is_valid(), p.number_type(&DATABASE))));
    let first_crate_us = t.elapsed().as_secs_f64() * 1e6;

    let corpus = corpus(us_ca);
    if let Some(path) = corpus_out {
        let text: String = corpus.iter().map(|(i, r)| format!("{i}\t{r}\n")).collect();
        std::fs::write(path, text).expect("write corpus");
    }
    let engine_ns = time_per_parse(&corpus, |i, r| {
        black_box(leadgate_phone::parse(i, r).ok());
    });
    let crate_ns = time_per_parse(&corpus, |i, r| {
        let id = r.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
        if let Ok(p) = phonenumber::parse(id, i) {
            black_box((p.is_valid(), p.number_type(&DATABASE)));
        }
    });
    println!(
        "{{\"corpus\":{},\"engine_first_parse_us\":{first_engine_us:.1},\"crate_first_parse_us\":{first_crate_us:.1},\"engine_ns_per_parse\":{engine_ns:.0},\"crate_ns_per_parse\":{crate_ns:.0}}}",
        corpus.len()
    );
}
