//! The wire layer: a pure request description that the vendor modules build and test,
//! and one function that sends it with reqwest under a hard timeout.

use crate::error::{shorten, CallError};
use crate::secret::Secret;
use base64::Engine as _;
use std::fmt;
use std::time::Duration;
use url::Url;

/// HTTP method (the vendors use only these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// A request body.
#[derive(Clone, PartialEq)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
}

impl fmt::Debug for Body {
    // Bodies can hold credentials (captcha secrets, OAuth client secrets): show the kind only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Body::Empty => "Empty",
            Body::Json(_) => "Json(..)",
            Body::Form(_) => "Form(..)",
        })
    }
}

/// A request as the vendor module built it: pure data, so builders are unit-tested
/// without a socket. `Debug` masks every credential the builder registered.
#[derive(Clone)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Full URL (may hold a key in the path for IPQS; see `Debug`).
    pub url: Url,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    secrets: Vec<Secret>,
}

impl HttpRequest {
    /// A request with no headers or body.
    pub fn new(method: Method, url: Url) -> Self {
        HttpRequest {
            method,
            url,
            headers: Vec::new(),
            body: Body::Empty,
            secrets: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Adds a header whose value is a credential (masked in `Debug`).
    pub fn secret_header(mut self, name: &str, value: &Secret) -> Self {
        self.headers
            .push((name.to_owned(), value.expose().to_owned()));
        self.secrets.push(value.clone());
        self
    }

    /// Adds `Authorization: Basic base64(user:password)`.
    pub fn basic_auth(mut self, user: &str, password: &Secret) -> Self {
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{user}:{}", password.expose()));
        let value = Secret::new(format!("Basic {token}"));
        self.headers
            .push(("authorization".to_owned(), value.expose().to_owned()));
        self.secrets.push(value);
        self.secrets.push(password.clone());
        self
    }

    /// Adds `Authorization: Bearer <token>`.
    pub fn bearer(mut self, token: &Secret) -> Self {
        self.headers.push((
            "authorization".to_owned(),
            format!("Bearer {}", token.expose()),
        ));
        self.secrets.push(token.clone());
        self
    }

    /// Registers a credential that appears in the URL or body, so `Debug` masks it.
    pub fn redact(mut self, secret: &Secret) -> Self {
        self.secrets.push(secret.clone());
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// The value of a header (first match, case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter's value (first match).
    pub fn query(&self, name: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    fn mask(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in &self.secrets {
            if !s.is_empty() {
                out = out.replace(s.expose(), "***");
            }
        }
        out
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), self.mask(v)))
            .collect();
        let body = match &self.body {
            Body::Empty => String::new(),
            Body::Json(v) => self.mask(&v.to_string()),
            Body::Form(pairs) => self.mask(&format!("{pairs:?}")),
        };
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.mask(self.url.as_str()))
            .field("headers", &headers)
            .field("body", &body)
            .finish()
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Parsed `Retry-After` (delta-seconds form only).
    pub retry_after: Option<Duration>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response (for parser tests).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            retry_after: None,
            body: body.into(),
        }
    }

    /// The body as (lossy) text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Parses the body as JSON into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(
        &self,
        provider: &'static str,
    ) -> Result<T, CallError> {
        serde_json::from_slice(&self.body).map_err(|e| CallError::Malformed {
            provider,
            detail: shorten(&e.to_string()),
        })
    }

    /// The common mapping of non-2xx statuses: 401/403 unauthorized, 402 out of credit,
    /// 429 rate limited, 5xx server error, other 4xx rejected with the body's message.
    /// Vendor parsers handle their own special cases first, then call this.
    pub fn check_status(&self, provider: &'static str) -> Result<(), CallError> {
        match self.status {
            200..=299 => Ok(()),
            401 | 403 => Err(CallError::Unauthorized {
                provider,
                status: self.status,
            }),
            402 => Err(CallError::QuotaExhausted { provider }),
            429 => Err(CallError::RateLimited {
                provider,
                retry_after: self.retry_after,
            }),
            500..=599 => Err(CallError::Server {
                provider,
                status: self.status,
            }),
            s => Err(CallError::Rejected {
                provider,
                status: s,
                code: shorten(&self.error_message()),
            }),
        }
    }

    /// A best-effort error message from a JSON error body (`message`, `error`, `code`,
    /// `error.message`), else the text.
    pub fn error_message(&self) -> String {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&self.body) {
            for key in ["message", "error_description", "reason"] {
                if let Some(s) = v.get(key).and_then(|x| x.as_str()) {
                    return s.to_owned();
                }
            }
            if let Some(e) = v.get("error") {
                if let Some(s) = e.as_str() {
                    return s.to_owned();
                }
                if let Some(s) = e.get("message").and_then(|x| x.as_str()) {
                    return s.to_owned();
                }
            }
            if let Some(s) = v.get("code").and_then(|x| x.as_str()) {
                return s.to_owned();
            }
        }
        self.text()
    }
}

/// Parses a `Retry-After` value in its delta-seconds form. The HTTP-date form is
/// ignored (None): none of the vendors documents sending it.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Builds the shared reqwest client: rustls, no proxy surprises, connect timeout.
pub fn build_client(connect_timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(concat!("leadgate/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Sends `req` and waits at most `timeout` for the whole answer.
pub async fn send(
    client: &reqwest::Client,
    req: &HttpRequest,
    timeout: Duration,
    provider: &'static str,
) -> Result<HttpResponse, CallError> {
    let method = match req.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
    };
    let mut rb = client.request(method, req.url.clone()).timeout(timeout);
    for (n, v) in &req.headers {
        rb = rb.header(n.as_str(), v.as_str());
    }
    rb = match &req.body {
        Body::Empty => rb,
        Body::Json(v) => rb.json(v),
        Body::Form(pairs) => rb.form(pairs),
    };
    let fail = |e: reqwest::Error| -> CallError {
        if e.is_timeout() {
            CallError::Timeout {
                provider,
                after: timeout,
            }
        } else {
            // Never the URL: IPQS keys live in the path.
            let e = e.without_url();
            let mut detail = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                detail.push_str(": ");
                detail.push_str(&s.to_string());
                source = s.source();
            }
            CallError::Connect {
                provider,
                detail: req.mask(&shorten(&detail)),
            }
        }
    };
    let resp = rb.send().await.map_err(fail)?;
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let body = resp.bytes().await.map_err(fail)?.to_vec();
    Ok(HttpResponse {
        status,
        retry_after,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_credentials_in_url_headers_and_body() {
        let key = Secret::new("KEY123");
        let req = HttpRequest::new(
            Method::Post,
            Url::parse("http://h/api/KEY123/x").expect("url"),
        )
        .redact(&key)
        .secret_header("x-api-key", &key)
        .basic_auth("API", &Secret::new("pw"))
        .body(Body::Json(serde_json::json!({ "secret": "KEY123" })));
        let dbg = format!("{req:?}");
        assert!(!dbg.contains("KEY123"), "{dbg}");
        assert!(!dbg.contains("QVBJOnB3"), "basic token leaked: {dbg}");
        assert_eq!(req.header_value("X-API-KEY"), Some("KEY123"));
    }

    #[test]
    fn statuses_map_to_error_kinds() {
        let mut r = HttpResponse::new(429, "{}");
        r.retry_after = Some(Duration::from_secs(7));
        assert_eq!(
            r.check_status("p").unwrap_err().retry_after(),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            HttpResponse::new(401, "")
                .check_status("p")
                .unwrap_err()
                .kind(),
            "unauthorized"
        );
        assert_eq!(
            HttpResponse::new(402, "")
                .check_status("p")
                .unwrap_err()
                .kind(),
            "quota_exhausted"
        );
        assert_eq!(
            HttpResponse::new(503, "")
                .check_status("p")
                .unwrap_err()
                .kind(),
            "server_error"
        );
        let e = HttpResponse::new(404, r#"{"message":"certificate not found"}"#)
            .check_status("p")
            .unwrap_err();
        assert_eq!(
            e,
            CallError::Rejected {
                provider: "p",
                status: 404,
                code: "certificate not found".into()
            }
        );
        assert!(HttpResponse::new(204, "").check_status("p").is_ok());
    }

    #[test]
    fn retry_after_parses_seconds_only() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
