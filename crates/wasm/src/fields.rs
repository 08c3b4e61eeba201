//! Reading a lead and a policy out of an already-parsed JSON object.
//!
//! The browser parses JSON for free (`JSON.parse`), so the glue asks the parsed object
//! for each field instead of shipping a JSON parser and serde's generated code in the
//! wasm (together about 60 KB of the browser download, measured in docs/browser.md).
//! [`Source`] is that object: a `JsValue` in the browser, a `serde_json::Value` in the
//! native tests, which check field by field that this reading and serde's reading of the
//! same JSON give the same `LeadInput` and `Policy`.
use alloc::{string::String, vec::Vec};
use leadgate_checks::lead::parse_bool_lenient;
use leadgate_checks::{LeadInput, Policy, ReasonCode};

/// One field's value, as JSON types it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// The key is absent, or `null`.
    Missing,
    Bool(bool),
    Num(f64),
    Str(String),
    /// An array: its items, `None` for an item that is not a string.
    List(Vec<Option<String>>),
    /// An object, or anything else JSON cannot carry to a field.
    Other,
}

impl Val {
    fn kind(&self) -> &'static str {
        match self {
            Val::Missing => "null",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::List(_) => "an array",
            Val::Other => "an object",
        }
    }
}

/// A parsed JSON object the glue reads fields from.
pub trait Source {
    /// True when the value is a JSON object (anything else is refused whole).
    fn is_object(&self) -> bool;
    /// The value under `key`.
    fn get(&self, key: &str) -> Val;
}

/// Why a lead or a policy could not be read: the field and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError(pub String);

fn wrong(key: &str, want: &str, got: &Val) -> FieldError {
    FieldError(["`", key, "` must be ", want, ", not ", got.kind()].concat())
}

fn opt_string(src: &impl Source, key: &str) -> Result<Option<String>, FieldError> {
    match src.get(key) {
        Val::Missing => Ok(None),
        Val::Str(s) => Ok(Some(s)),
        other => Err(wrong(key, "a string", &other)),
    }
}

/// The consent box, read as leniently as `LeadInput`'s serde reading: booleans,
/// numbers (non-zero is true) and the words forms use (unknown words are not consent).
fn lenient_bool(src: &impl Source, key: &str) -> Result<Option<bool>, FieldError> {
    match src.get(key) {
        Val::Missing => Ok(None),
        Val::Bool(b) => Ok(Some(b)),
        Val::Num(n) => Ok(Some(n != 0.0)),
        Val::Str(s) => Ok(Some(parse_bool_lenient(&s).unwrap_or(false))),
        other => Err(wrong(key, "a boolean, number or string", &other)),
    }
}

/// Reads a [`LeadInput`]; absent fields are `None`, as in its serde reading. The struct
/// literal names every field, so the compiler keeps this reading complete.
pub fn lead(src: &impl Source) -> Result<LeadInput, FieldError> {
    if !src.is_object() {
        return Err(FieldError("a lead must be a JSON object".into()));
    }
    Ok(LeadInput {
        email: opt_string(src, "email")?,
        phone: opt_string(src, "phone")?,
        first_name: opt_string(src, "first_name")?,
        last_name: opt_string(src, "last_name")?,
        street: opt_string(src, "street")?,
        city: opt_string(src, "city")?,
        state: opt_string(src, "state")?,
        zip: opt_string(src, "zip")?,
        country: opt_string(src, "country")?,
        ip: opt_string(src, "ip")?,
        user_agent: opt_string(src, "user_agent")?,
        consent: lenient_bool(src, "consent")?,
        consent_text: opt_string(src, "consent_text")?,
        trustedform_cert_url: opt_string(src, "trustedform_cert_url")?,
        default_region: opt_string(src, "default_region")?,
    })
}

fn set_string(src: &impl Source, key: &str, to: &mut String) -> Result<(), FieldError> {
    match src.get(key) {
        Val::Missing => {}
        Val::Str(s) => *to = s,
        other => return Err(wrong(key, "a string", &other)),
    }
    Ok(())
}

fn set_bool(src: &impl Source, key: &str, to: &mut bool) -> Result<(), FieldError> {
    match src.get(key) {
        Val::Missing => {}
        Val::Bool(b) => *to = b,
        other => return Err(wrong(key, "true or false", &other)),
    }
    Ok(())
}

fn set_u8(src: &impl Source, key: &str, to: &mut u8) -> Result<(), FieldError> {
    match src.get(key) {
        Val::Missing => {}
        Val::Num(n) if (0.0..=255.0).contains(&n) && n == f64::from(n as u8) => *to = n as u8,
        Val::Num(_) => {
            return Err(FieldError(
                ["`", key, "` must be a whole number 0-255"].concat(),
            ))
        }
        other => return Err(wrong(key, "a number", &other)),
    }
    Ok(())
}

fn strings(src: &impl Source, key: &str) -> Result<Option<Vec<String>>, FieldError> {
    match src.get(key) {
        Val::Missing => Ok(None),
        Val::List(items) => items
            .into_iter()
            .map(|s| s.ok_or_else(|| FieldError(["`", key, "` must list strings only"].concat())))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        other => Err(wrong(key, "an array of strings", &other)),
    }
}

fn set_strings(src: &impl Source, key: &str, to: &mut Vec<String>) -> Result<(), FieldError> {
    if let Some(list) = strings(src, key)? {
        *to = list;
    }
    Ok(())
}

fn set_codes(src: &impl Source, key: &str, to: &mut Vec<ReasonCode>) -> Result<(), FieldError> {
    if let Some(list) = strings(src, key)? {
        *to = list
            .iter()
            .map(|c| {
                ReasonCode::from_code(c).ok_or_else(|| {
                    FieldError(["`", key, "` lists `", c, "`, not a reason code"].concat())
                })
            })
            .collect::<Result<_, _>>()?;
    }
    Ok(())
}

/// Reads a [`Policy`]: every absent field keeps its default, unknown keys are ignored,
/// as in its serde reading (`#[serde(default)]`).
pub fn policy(src: &impl Source) -> Result<Policy, FieldError> {
    if !src.is_object() {
        return Err(FieldError("a policy must be a JSON object".into()));
    }
    let mut p = Policy::default();
    set_string(src, "version", &mut p.version)?;
    set_codes(src, "block", &mut p.block)?;
    set_codes(src, "review", &mut p.review)?;
    set_codes(src, "advise", &mut p.advise)?;
    set_strings(src, "allow_domains", &mut p.allow_domains)?;
    set_strings(src, "deny_domains", &mut p.deny_domains)?;
    set_strings(src, "deny_phones", &mut p.deny_phones)?;
    set_bool(src, "business_email_only", &mut p.business_email_only)?;
    set_string(src, "default_region", &mut p.default_region)?;
    set_strings(src, "allowed_regions", &mut p.allowed_regions)?;
    set_bool(src, "require_email", &mut p.require_email)?;
    set_bool(src, "require_phone", &mut p.require_phone)?;
    set_bool(src, "require_name", &mut p.require_name)?;
    set_bool(src, "require_consent", &mut p.require_consent)?;
    set_bool(src, "check_address", &mut p.check_address)?;
    set_u8(src, "address_min_confidence", &mut p.address_min_confidence)?;
    set_u8(src, "fast_track_min_score", &mut p.fast_track_min_score)?;
    Ok(p)
}
