//! Small helpers shared by the vendor modules.

use serde::{Deserialize, Deserializer};
use url::Url;

/// A NANP number as its 10 national digits (`+1 (512) 201-0001` → `5122010001`).
/// US-only vendors (DNC.com, Pure CallerID) take this form.
pub fn us10(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    match digits.len() {
        10 => Some(digits),
        11 if digits.starts_with('1') => Some(digits[1..].to_owned()),
        _ => None,
    }
}

/// Joins `base` and a path made of segments (each percent-encoded), keeping any path
/// prefix of `base` (the sandbox serves vendors under `/trestle`, `/ipqs`, ...).
pub fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        for s in segments {
            for part in s.split('/') {
                if !part.is_empty() {
                    path.push(part);
                }
            }
        }
    }
    url
}

/// Like [`join`] but the last segment is data (a phone, an email, an IP) and is pushed
/// whole, percent-encoded, even if it holds a `/`.
pub fn join_value(base: &Url, segments: &[&str], value: &str) -> Url {
    let mut url = join(base, segments);
    if let Ok(mut path) = url.path_segments_mut() {
        path.push(value);
    }
    url
}

/// Deserialises a bool that vendors send as `true`, `"true"`, `"1"`, `1`, `"Y"` or null.
pub fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| value_bool(&v)))
}

/// The bool a loosely typed JSON value stands for, if any.
pub fn value_bool(v: &serde_json::Value) -> Option<bool> {
    match v {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        serde_json::Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "y" | "yes" => Some(true),
            "false" | "0" | "n" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Deserialises a number sent as a JSON number or a numeric string.
pub fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| value_f64(&v)))
}

/// The number a loosely typed JSON value stands for, if any.
pub fn value_f64(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Deserialises a string sent as a string or a number (DNC.com sends `Phone` as a number).
pub fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// Vendors send `warnings` as a list of strings or one string; both become a list.
pub fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) if !s.is_empty() => vec![s],
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|i| match i {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            })
            .collect(),
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us10_accepts_nanp_forms_only() {
        assert_eq!(us10("+15122010001").as_deref(), Some("5122010001"));
        assert_eq!(us10("(512) 201-0001").as_deref(), Some("5122010001"));
        assert_eq!(us10("+442079460000"), None);
    }

    #[test]
    fn join_keeps_the_base_prefix_and_encodes_values() {
        let base = Url::parse("http://127.0.0.1:8090/ipqs/").expect("url");
        let u = join_value(&base, &["api/json/email", "KEY"], "a/b@x.com");
        assert_eq!(
            u.as_str(),
            "http://127.0.0.1:8090/ipqs/api/json/email/KEY/a%2Fb@x.com"
        );
        let base = Url::parse("https://api.trestleiq.com").expect("url");
        assert_eq!(
            join(&base, &["1.1/real_contact"]).as_str(),
            "https://api.trestleiq.com/1.1/real_contact"
        );
    }

    #[test]
    fn lenient_values() {
        assert_eq!(value_bool(&serde_json::json!("1")), Some(true));
        assert_eq!(value_bool(&serde_json::json!("N")), Some(false));
        assert_eq!(value_bool(&serde_json::Value::Null), None);
        assert_eq!(value_f64(&serde_json::json!("0.25")), Some(0.25));
    }
}
