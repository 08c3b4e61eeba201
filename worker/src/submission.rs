//! Parsing `POST /v1/leads` bodies (JSON or form-encoded) into a [`Submission`], with a
//! body limit, per-field length caps and a clear 4xx for anything malformed.
use crate::error::ApiError;
use leadgate_checks::LeadInput;
use serde_json::Value;

/// Largest accepted body, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Every accepted field and its maximum length in characters.
pub const FIELD_LIMITS: &[(&str, usize)] = &[
    ("site", 64),
    ("email", 254),
    ("phone", 32),
    ("first_name", 100),
    ("last_name", 100),
    ("street", 200),
    ("city", 100),
    ("state", 64),
    ("zip", 16),
    ("country", 64),
    ("consent", 8),
    ("consent_text", 4000),
    ("trustedform_cert_url", 512),
    ("default_region", 8),
    ("page_url", 2048),
    ("surface", 64),
    ("bot_token", 4096),
    ("cf-turnstile-response", 4096),
    ("g-recaptcha-response", 4096),
];

/// The body format the client used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
}

/// A parsed lead submission.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub site: String,
    pub lead: LeadInput,
    pub bot_token: Option<String>,
    pub page_url: Option<String>,
    /// The form/surface name, for per-surface score thresholds.
    pub surface: Option<String>,
}

/// Detects the body kind from `Content-Type`.
pub fn body_kind(content_type: Option<&str>) -> Result<BodyKind, ApiError> {
    let ct = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match ct.as_str() {
        "application/json" => Ok(BodyKind::Json),
        "application/x-www-form-urlencoded" => Ok(BodyKind::Form),
        _ => Err(ApiError::new(
            415,
            "unsupported_media_type",
            "send application/json or application/x-www-form-urlencoded",
        )),
    }
}

/// Parses and validates a body; `kind` comes from [`body_kind`].
pub fn parse(kind: BodyKind, body: &[u8]) -> Result<Submission, ApiError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    let fields: Vec<(String, Value)> = match kind {
        BodyKind::Json => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map.into_iter().collect(),
            Ok(_) => {
                return Err(ApiError::new(
                    400,
                    "malformed_body",
                    "the body must be a JSON object",
                ))
            }
            Err(_) => {
                return Err(ApiError::new(
                    400,
                    "malformed_body",
                    "the body is not valid JSON",
                ))
            }
        },
        BodyKind::Form => serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map_err(|_| {
                ApiError::new(400, "malformed_body", "the body is not valid form encoding")
            })?
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    };
    let mut sub = Submission::default();
    for (name, value) in fields {
        let Some(&(_, max)) = FIELD_LIMITS.iter().find(|(n, _)| *n == name) else {
            continue; // unknown fields (honeypots, UI state) are ignored
        };
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s,
            Value::Bool(b) if name == "consent" => b.to_string(),
            Value::Number(n) if matches!(name.as_str(), "zip" | "phone") => n.to_string(),
            _ => {
                return Err(ApiError::new(
                    422,
                    "invalid_field",
                    format!("field `{name}` must be a string"),
                ))
            }
        };
        if text.chars().count() > max {
            return Err(ApiError::new(
                422,
                "field_too_long",
                format!("field `{name}` is longer than {max} characters"),
            ));
        }
        let text = text.trim().to_owned();
        if text.is_empty() {
            continue;
        }
        let lead = &mut sub.lead;
        match name.as_str() {
            "site" => sub.site = text,
            "email" => lead.email = Some(text),
            "phone" => lead.phone = Some(text),
            "first_name" => lead.first_name = Some(text),
            "last_name" => lead.last_name = Some(text),
            "street" => lead.street = Some(text),
            "city" => lead.city = Some(text),
            "state" => lead.state = Some(text),
            "zip" => lead.zip = Some(text),
            "country" => lead.country = Some(text),
            "consent" => lead.consent = Some(parse_consent(&text)?),
            "consent_text" => lead.consent_text = Some(text),
            "trustedform_cert_url" => lead.trustedform_cert_url = Some(text),
            "default_region" => lead.default_region = Some(text),
            "page_url" => sub.page_url = Some(text),
            "surface" => sub.surface = Some(text),
            // The widgets' own field names work for a form posted without JavaScript.
            "bot_token" | "cf-turnstile-response" | "g-recaptcha-response" => {
                sub.bot_token.get_or_insert(text);
            }
            _ => {}
        }
    }
    if sub.site.is_empty() {
        return Err(ApiError::new(
            400,
            "missing_site",
            "field `site` is required",
        ));
    }
    Ok(sub)
}

/// The 413 for an oversize body.
pub fn too_large() -> ApiError {
    ApiError::new(
        413,
        "body_too_large",
        format!("the body is larger than {MAX_BODY_BYTES} bytes"),
    )
}

fn parse_consent(text: &str) -> Result<bool, ApiError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Ok(true),
        "false" | "no" | "0" | "off" => Ok(false),
        _ => Err(ApiError::new(
            422,
            "invalid_field",
            "field `consent` must be true or false",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_form_give_the_same_submission() {
        let json = br#"{"site":"acme","email":" ada@example.com ","phone":"+1 415 555 2671",
            "consent":true,"bot_token":"tok","page_url":"https://acme.test/p","unknown":[1]}"#;
        let form = b"site=acme&email=ada%40example.com&phone=%2B1+415+555+2671&consent=on&cf-turnstile-response=tok&page_url=https%3A%2F%2Facme.test%2Fp";
        for (kind, body) in [(BodyKind::Json, &json[..]), (BodyKind::Form, &form[..])] {
            let s = parse(kind, body).unwrap();
            assert_eq!(s.site, "acme");
            assert_eq!(s.lead.email.as_deref(), Some("ada@example.com"));
            assert_eq!(s.lead.phone.as_deref(), Some("+1 415 555 2671"));
            assert_eq!(s.lead.consent, Some(true));
            assert_eq!(s.bot_token.as_deref(), Some("tok"));
            assert_eq!(s.page_url.as_deref(), Some("https://acme.test/p"));
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(
            body_kind(Some("application/json; charset=utf-8")),
            Ok(BodyKind::Json)
        );
        assert_eq!(
            body_kind(Some("Application/X-WWW-Form-Urlencoded")),
            Ok(BodyKind::Form)
        );
        assert_eq!(body_kind(Some("text/plain")).unwrap_err().status, 415);
        assert_eq!(body_kind(None).unwrap_err().status, 415);
    }

    #[test]
    fn malformed_bodies_get_clear_4xx() {
        let cases: [(BodyKind, &[u8], u16, &str); 5] = [
            (BodyKind::Json, b"{not json", 400, "malformed_body"),
            (BodyKind::Json, b"[1,2]", 400, "malformed_body"),
            (
                BodyKind::Json,
                br#"{"email":"a@b.co"}"#,
                400,
                "missing_site",
            ),
            (
                BodyKind::Json,
                br#"{"site":"a","email":{"x":1}}"#,
                422,
                "invalid_field",
            ),
            (
                BodyKind::Json,
                br#"{"site":"a","consent":"maybe"}"#,
                422,
                "invalid_field",
            ),
        ];
        for (kind, body, status, code) in cases {
            let err = parse(kind, body).unwrap_err();
            assert_eq!(
                (err.status, err.error),
                (status, code),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn caps_body_and_field_lengths() {
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(parse(BodyKind::Json, &big).unwrap_err().status, 413);
        let long = format!(r#"{{"site":"a","first_name":"{}"}}"#, "x".repeat(101));
        let err = parse(BodyKind::Json, long.as_bytes()).unwrap_err();
        assert_eq!((err.status, err.error), (422, "field_too_long"));
        assert!(err.message.contains("first_name"));
    }
}
