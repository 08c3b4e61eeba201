//! Generates the engine's tables from the libphonenumber metadata that the
//! `phonenumber` crate ships, so the tables follow that crate's updates.
//!
//! Every metadata pattern is parsed with `regex-syntax` (the parser the
//! `regex` crate itself uses, with the same flags the `phonenumber` crate
//! uses) and lowered to a compact digit program (see `src/program.rs` for
//! the format). Nothing is parsed at run time.
//!
//! Region selection: the `regions-all` feature (default) builds every region;
//! otherwise the union of the selected `regions-*` features is built, plus
//! `LEADGATE_PHONE_REGIONS` (comma-separated region ids) if set.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::{env, fs, path::PathBuf};

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

// The opcodes, shared with src/program.rs (which runs what this script writes).
#[path = "src/opcodes.rs"]
#[allow(dead_code)]
mod opcodes;
use opcodes::*;
const NONE16: u16 = u16::MAX;

fn varint(out: &mut Vec<u8>, mut v: usize) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn digit_mask(hir_class: &Class) -> u16 {
    let mut mask = 0u16;
    for d in 0u8..10 {
        let c = b'0' + d;
        let hit = match hir_class {
            Class::Unicode(u) => u
                .ranges()
                .iter()
                .any(|r| r.start() <= c as char && c as char <= r.end()),
            Class::Bytes(b) => b.ranges().iter().any(|r| r.start() <= c && c <= r.end()),
        };
        if hit {
            mask |= 1 << d;
        }
    }
    mask
}

fn emit_mask(out: &mut Vec<u8>, mask: u16) {
    if mask == 0x3ff {
        out.push(OP_ANY);
    } else if mask.count_ones() == 1 {
        out.push(b'0' + mask.trailing_zeros() as u8);
    } else {
        out.push(OP_SET);
        out.extend_from_slice(&mask.to_le_bytes());
    }
}

/// Emits `hir` as a sequence of nodes (flattening concatenations).
fn emit_items(hir: &Hir, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Concat(items) => items.iter().for_each(|h| emit_items(h, out)),
        HirKind::Literal(lit) => {
            for &b in lit.0.iter() {
                if b.is_ascii_digit() {
                    out.push(b);
                } else {
                    // A non-digit literal can never match a normalised number.
                    emit_mask(out, 0);
                }
            }
        }
        _ => emit_node(hir, out),
    }
}

/// Emits `hir` as exactly one node.
fn emit_node(hir: &Hir, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty => out.push(OP_EMPTY),
        HirKind::Literal(lit) if lit.0.len() == 1 => emit_items(hir, out),
        HirKind::Literal(_) | HirKind::Concat(_) => {
            out.push(OP_SEQ);
            emit_items(hir, out);
            out.push(OP_CLOSE);
        }
        HirKind::Class(class) => emit_mask(out, digit_mask(class)),
        HirKind::Look(Look::End) => out.push(OP_END),
        HirKind::Look(Look::Start) => out.push(OP_START),
        HirKind::Look(other) => panic!("unsupported look-around {other:?}"),
        HirKind::Repetition(rep) => {
            assert!(rep.greedy, "lazy repetition is not supported");
            let max = rep.max.map_or(255, |m| {
                assert!(m < 255, "repetition bound too large");
                m as u8
            });
            assert!(rep.min < 255, "repetition bound too large");
            out.push(OP_REP);
            out.push(rep.min as u8);
            out.push(max);
            emit_node(&rep.sub, out);
        }
        HirKind::Capture(cap) => {
            assert!(cap.index < 255);
            out.push(OP_CAP);
            out.push(cap.index as u8);
            emit_node(&cap.sub, out);
        }
        HirKind::Alternation(alts) => {
            out.push(OP_ALT);
            for alt in alts {
                out.push(OP_BAR);
                emit_items(alt, out);
            }
            out.push(OP_CLOSE);
        }
    }
}

fn parse_hir(pattern: &str) -> Hir {
    // The same flags the `phonenumber` crate uses (`ignore_whitespace`, Unicode on).
    regex_syntax::ParserBuilder::new()
        .ignore_whitespace(true)
        .build()
        .parse(pattern)
        .unwrap_or_else(|e| panic!("metadata pattern {pattern:?}: {e}"))
}

/// Interns programs (deduplicated) into one byte table.
#[derive(Default)]
struct Programs {
    bytes: Vec<u8>,
    seen: HashMap<String, u16>,
}

impl Programs {
    fn add(&mut self, pattern: &str) -> u16 {
        if let Some(&off) = self.seen.get(pattern) {
            return off;
        }
        let off = u16::try_from(self.bytes.len())
            .ok()
            .filter(|&o| o != NONE16)
            .expect("programs past 64 KB: widen the offsets in src/tables.rs");
        emit_node(&parse_hir(pattern), &mut self.bytes);
        self.seen.insert(pattern.to_owned(), off);
        off
    }
}

fn length_mask(lengths: &[u16]) -> u32 {
    lengths.iter().fold(0u32, |m, &l| {
        assert!(l < 32, "possible length {l} out of range");
        m | (1 << l)
    })
}

/// Interns (program, possible-length mask) descriptors.
#[derive(Default)]
struct Descs {
    list: Vec<(u16, u32)>,
    seen: HashMap<(u16, u32), u16>,
}

impl Descs {
    fn add(&mut self, progs: &mut Programs, d: Option<&Descriptor>) -> u16 {
        let Some(d) = d else { return NONE16 };
        let key = (
            progs.add(d.national_number().as_str()),
            length_mask(d.possible_length()),
        );
        *self.seen.entry(key).or_insert_with(|| {
            self.list.push(key);
            (self.list.len() - 1) as u16
        })
    }
}

/// Interns short strings (national prefixes, transform templates).
#[derive(Default)]
struct Strings {
    list: Vec<Vec<u8>>,
}

impl Strings {
    fn add(&mut self, s: Option<Vec<u8>>) -> u8 {
        let Some(s) = s else { return u8::MAX };
        if let Some(i) = self.list.iter().position(|x| *x == s) {
            return i as u8;
        }
        self.list.push(s);
        assert!(self.list.len() < u8::MAX as usize);
        (self.list.len() - 1) as u8
    }
}

/// Pre-parses a replacement template with the `regex` crate's rules
/// (`$name` takes the longest run of `[0-9A-Za-z_]`; `$$` is a dollar; a
/// name that is not a number names a group that does not exist: empty).
/// Group references are encoded as `0x80 | index`.
fn transform_template(rule: &str) -> Vec<u8> {
    let b = rule.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        if b.get(i + 1) == Some(&b'$') {
            out.push(b'$');
            i += 2;
            continue;
        }
        let (name, next) = if b.get(i + 1) == Some(&b'{') {
            match b[i + 2..].iter().position(|&c| c == b'}') {
                Some(end) => (&rule[i + 2..i + 2 + end], i + 3 + end),
                None => ("", i + 1),
            }
        } else {
            let len = b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            (&rule[i + 1..i + 1 + len], i + 1 + len)
        };
        if name.is_empty() {
            out.push(b'$');
            i += 1;
            continue;
        }
        if let Ok(n) = name.parse::<usize>() {
            assert!(n < 0x80);
            out.push(0x80 | n as u8);
        }
        i = next;
    }
    out
}

fn selected_regions() -> Option<BTreeSet<String>> {
    if env::var_os("CARGO_FEATURE_REGIONS_ALL").is_some() {
        return None;
    }
    let mut set = BTreeSet::new();
    if env::var_os("CARGO_FEATURE_REGIONS_NANP_US_CA").is_some() {
        set.extend(["US", "CA"].map(String::from));
    }
    if let Ok(extra) = env::var("LEADGATE_PHONE_REGIONS") {
        set.extend(
            extra
                .split(',')
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty()),
        );
    }
    if set.is_empty() {
        None
    } else {
        Some(set)
    }
}

fn unicode_ranges(class: &str) -> Vec<(u32, u32)> {
    let hir = regex_syntax::Parser::new().parse(class).unwrap();
    match hir.kind() {
        HirKind::Class(Class::Unicode(u)) => u
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .filter(|&(_, e)| e >= 0x80)
            .map(|(s, e)| (s.max(0x80), e))
            .collect(),
        _ => panic!("not a class: {class}"),
    }
}

/// Encodes sorted, disjoint ranges as LEB128 (gap, length - 1) pairs.
fn encode_ranges(ranges: &[(u32, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev = 0x80u32;
    for &(s, e) in ranges {
        varint(&mut out, (s - prev) as usize);
        varint(&mut out, (e - s) as usize);
        prev = e + 1;
    }
    out
}

/// Walks the programs as `program::fill_skips` does at run time: the stack
/// depth it needs, and a check that every skip fits its `u16`.
fn skip_stack_depth(p: &[u8]) -> usize {
    let (mut stack, mut depth, mut pc) = (Vec::new(), 0, 0);
    while pc < p.len() {
        match p[pc] {
            OP_SET | OP_REP => pc += 2,
            OP_CAP => pc += 1,
            OP_SEQ | OP_ALT => stack.push(pc),
            OP_BAR | OP_CLOSE => {
                if p[*stack.last().unwrap()] == OP_BAR {
                    let bar = stack.pop().unwrap();
                    assert!(pc - bar < 1 << 16, "alternative too long");
                }
                if p[pc] == OP_BAR {
                    stack.push(pc);
                } else {
                    let open = stack.pop().unwrap();
                    assert!(pc - open < 1 << 16, "group too long");
                }
            }
            _ => {}
        }
        depth = depth.max(stack.len());
        pc += 1;
    }
    assert!(stack.is_empty());
    depth
}

const PATTERN_KINDS: usize = 14;
const LEADING_KIND: usize = 2;

/// A region's patterns by kind, in the order build.rs lays out programs.
fn pattern(m: &Metadata, kind: usize) -> Option<&str> {
    let d = m.descriptors();
    fn desc(x: Option<&Descriptor>) -> Option<&str> {
        x.map(|x| x.national_number().as_str())
    }
    match kind {
        0 => m.international_prefix().map(|r| r.as_str()),
        1 => m.national_prefix_for_parsing().map(|r| r.as_str()),
        LEADING_KIND => m.leading_digits().map(|r| r.as_str()),
        3 => desc(Some(d.general())),
        4 => desc(d.premium_rate()),
        5 => desc(d.toll_free()),
        6 => desc(d.shared_cost()),
        7 => desc(d.voip()),
        8 => desc(d.personal_number()),
        9 => desc(d.pager()),
        10 => desc(d.uan()),
        11 => desc(d.voicemail()),
        12 => desc(d.fixed_line()),
        _ => desc(d.mobile()),
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/opcodes.rs");
    println!("cargo:rerun-if-env-changed=LEADGATE_PHONE_REGIONS");
    let selected = selected_regions();

    // `DATABASE.iter()` yields one entry per id, so only one of the
    // non-geographic entities (all "001"); walk the codes instead.
    let codes: BTreeSet<u16> = (1..1000u16)
        .filter(|c| DATABASE.by_code(c).is_some())
        .collect();
    let all_ids: Vec<&str> = DATABASE
        .iter()
        .map(|m| m.id())
        .filter(|id| id.len() == 2)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(all_ids.len() < 256);
    let mut progs = Programs::default();
    let mut descs = Descs::default();
    let mut strings = Strings::default();
    let mut regions = String::new();
    let mut code_index: BTreeMap<u16, (usize, usize)> = BTreeMap::new();
    let mut count = 0usize;
    let mut built_names = Vec::new();

    // Every program the tables use, added kind by kind (all international
    // prefixes, then all national-prefix rules, …): alike patterns side by
    // side compress better (about 0.3 KB brotli, all regions). The loop
    // below then finds them interned.
    let mut chosen: Vec<(&Metadata, bool)> = Vec::new();
    for &code in &codes {
        let metas = DATABASE.by_code(&code).expect("code from iter");
        let wanted = |id: &str| selected.as_ref().is_none_or(|s| s.contains(id));
        if metas.iter().any(|m| wanted(m.id())) {
            chosen.extend(
                metas
                    .into_iter()
                    .map(|m| (m, wanted(m.id()) || m.leading_digits().is_none())),
            );
        }
    }
    for kind in 0..PATTERN_KINDS {
        for &(m, full) in &chosen {
            if full || kind == LEADING_KIND {
                if let Some(p) = pattern(m, kind) {
                    progs.add(p);
                }
            }
        }
    }

    for &code in &codes {
        let metas = DATABASE.by_code(&code).expect("code from iter");
        let wanted = |id: &str| selected.as_ref().is_none_or(|s| s.contains(id));
        if !metas.iter().any(|m| wanted(m.id())) {
            continue;
        }
        let start = count;
        for m in &metas {
            let id = m.id();
            let full = wanted(id) || m.leading_digits().is_none();
            let parses = id.parse::<phonenumber::country::Id>().is_ok();
            let d = m.descriptors();
            let fixed_eq_mobile = d.fixed_line().map(|x| x.national_number().as_str())
                == d.mobile().map(|x| x.national_number().as_str());
            let leading = m.leading_digits().map_or(NONE16, |r| progs.add(r.as_str()));
            let mut flags = 0u8;
            if full {
                flags |= 1;
            }
            if parses {
                flags |= 2;
            }
            if fixed_eq_mobile {
                flags |= 4;
            }
            if id == "001" {
                flags |= 8;
            }
            if wanted(id) {
                built_names.push(id.to_owned());
            }
            let (idd, npfp, npfp_groups, np, transform, general, locals, first, last, types) =
                if full {
                    let g = d.general();
                    let types = [
                        d.premium_rate(),
                        d.toll_free(),
                        d.shared_cost(),
                        d.voip(),
                        d.personal_number(),
                        d.pager(),
                        d.uan(),
                        d.voicemail(),
                        d.fixed_line(),
                        d.mobile(),
                    ]
                    .map(|t| descs.add(&mut progs, t));
                    let npfp = m.national_prefix_for_parsing();
                    (
                        m.international_prefix()
                            .map_or(NONE16, |r| progs.add(r.as_str())),
                        npfp.map_or(NONE16, |r| progs.add(r.as_str())),
                        npfp.map_or(0, |r| r.captures_len() - 1),
                        strings.add(m.national_prefix().map(|s| s.as_bytes().to_vec())),
                        strings.add(m.national_prefix_transform_rule().map(transform_template)),
                        descs.add(&mut progs, Some(g)),
                        length_mask(g.possible_local_length()),
                        g.possible_length().first().copied().unwrap_or(0),
                        g.possible_length().last().copied().unwrap_or(0),
                        types,
                    )
                } else {
                    let (none, none8) = (NONE16, u8::MAX);
                    (none, none, 0, none8, none8, NONE16, 0, 0, 0, [NONE16; 10])
                };
            let idb = id.as_bytes();
            let id_lit = if idb.len() == 2 {
                format!("*b\"{id}\"")
            } else {
                "*b\"00\"".to_owned()
            };
            let id_index = all_ids.iter().position(|x| *x == id).unwrap_or(0);
            writeln!(
                regions,
                "    Region {{ id: {id_lit}, id_index: {id_index}, code: {code}, flags: {flags}, idd: {idd}, npfp: {npfp}, npfp_groups: {npfp_groups}, national_prefix: {np}, transform: {transform}, leading: {leading}, general: {general}, local_lengths: {locals}, first_length: {first}, last_length: {last}, types: {types:?} }},"
            )
            .unwrap();
            count += 1;
        }
        code_index.insert(code, (start, count));
    }

    let mut out = String::new();
    writeln!(
        out,
        "// Generated by build.rs from the `phonenumber` crate's metadata. Do not edit."
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static BUILT_REGIONS: &str = {:?};",
        built_names.join(",")
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static ALL_IDS: &str = {:?};",
        all_ids.join(",")
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static ALL_CODES: &[u16] = &{:?};",
        codes.iter().collect::<Vec<_>>()
    )
    .unwrap();
    let idx: Vec<(u16, u16, u16)> = code_index
        .iter()
        .map(|(&c, &(s, e))| (c, s as u16, e as u16))
        .collect();
    writeln!(
        out,
        "pub(crate) static CODE_INDEX: &[(u16, u16, u16)] = &{idx:?};"
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static REGIONS: &[Region] = &[\n{regions}];"
    )
    .unwrap();
    let (desc_programs, desc_lengths): (Vec<u16>, Vec<u32>) = descs.list.iter().copied().unzip();
    writeln!(
        out,
        "pub(crate) static DESC_PROGRAMS: &[u16] = &{desc_programs:?};\npub(crate) static DESC_LENGTHS: &[u32] = &{desc_lengths:?};"
    )
    .unwrap();
    let strs: Vec<String> = strings.list.iter().map(|s| format!("&{s:?}")).collect();
    writeln!(
        out,
        "pub(crate) static STRINGS: &[&[u8]] = &[{}];",
        strs.join(", ")
    )
    .unwrap();
    let depth = skip_stack_depth(&progs.bytes);
    writeln!(
        out,
        "pub(crate) static PROGRAMS: [u8; {}] = {:?};\npub(crate) const SKIP_STACK: usize = {depth};",
        progs.bytes.len(),
        progs.bytes
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static UNICODE_ND: &[u8] = &{:?};",
        encode_ranges(&unicode_ranges(r"\p{Nd}"))
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static UNICODE_N_OR_L: &[u8] = &{:?};",
        encode_ranges(&unicode_ranges(r"[\p{N}\p{L}]"))
    )
    .unwrap();

    let path = PathBuf::from(env::var_os("OUT_DIR").unwrap()).join("tables.rs");
    fs::write(path, out).unwrap();
}
