//! wasm entry points for the size and speed report (scripts/size-report.sh).
//!
//! `no_std`, as a size-conscious consumer of the engine would build it: a
//! panic handler that traps instead of std's, which formats the panic
//! message (so with std every bounds check links `core::fmt`), and std's own
//! wasm allocator (dlmalloc) as the global allocator. wasm32 only.
#![no_std]

extern crate alloc;

use alloc::string::String;
use leadgate_phone::{parse, ParseError};
use wasm_bindgen::prelude::*;

#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

fn error_name(e: ParseError) -> &'static str {
    match e {
        ParseError::NoNumber => "no_number",
        ParseError::InvalidCountryCode => "invalid_country_code",
        ParseError::TooShortNsn => "too_short",
        ParseError::TooLong => "too_long",
        ParseError::MalformedNumber => "malformed",
        ParseError::UnknownRegion => "unknown_region",
        ParseError::OutsideBuiltRegions => "outside_built_regions",
    }
}

/// Parses, validates and types a number: `valid|e164|type|region` or
/// `error|<kind>`. An empty `region` means no default region.
#[wasm_bindgen]
pub fn parse_phone(input: &str, region: &str) -> String {
    let region = (!region.is_empty()).then_some(region);
    let mut out = String::with_capacity(48);
    match parse(input, region) {
        Ok(n) => {
            out.push_str(if n.valid { "1|" } else { "0|" });
            out.push_str(&n.e164);
            out.push('|');
            out.push_str(n.number_type.as_str());
            out.push('|');
            out.push_str(n.region.unwrap_or(""));
        }
        Err(e) => {
            out.push_str("error|");
            out.push_str(error_name(e));
        }
    }
    out
}
