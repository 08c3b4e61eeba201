//! The provider contract: what every paid check (a vendor client in `leadgate-providers`,
//! or an in-process stand-in) implements so the engine can sequence it.
//!
//! The trait is object-safe (`Arc<dyn Provider>`) and returns a boxed future, so no
//! `async-trait` is needed. [`ProviderService`] adapts any provider into a
//! `tower_service::Service`, which is what the engine's middleware (the circuit
//! `Breaker`) wraps.
use leadgate_checks::ReasonCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// A boxed, `Send` future: the return type of [`Provider::call`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The normalised lead a provider sees. Fields are already cleaned by the checks
/// crate (E.164 phone, lower-cased email, USPS-normalised address where known).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderRequest {
    /// The lead id (for vendor-side correlation; never a secret).
    pub lead_id: String,
    /// Phone in E.164 (`+15555550123`).
    pub phone_e164: Option<String>,
    /// Email, normalised.
    pub email: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Street line.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or region code (`"CA"`).
    pub state: Option<String>,
    /// ZIP / postal code.
    pub zip: Option<String>,
    /// ISO country code (`"US"`).
    pub country: Option<String>,
    /// Client IP address.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// TrustedForm-style consent certificate URL.
    pub trustedform_cert_url: Option<String>,
    /// Extra vendor parameters produced by an integration's field mapping
    /// (`vendor_field -> value`).
    pub extra: BTreeMap<String, String>,
    /// How long the engine will wait for this call; clients may pass it to their
    /// HTTP timeout. The engine enforces it regardless.
    #[serde(skip)]
    pub timeout: Option<Duration>,
}

/// A phone line type, normalised across vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineType {
    /// Mobile / wireless.
    Mobile,
    /// Fixed line.
    Landline,
    /// Fixed or non-fixed VoIP.
    Voip,
    /// Toll free.
    TollFree,
    /// Anything else a vendor reports.
    Other,
}

/// Normalised signals: every field is optional, a provider fills what it knows.
/// Rules in a campaign refer to these by name (`fraud_score > 85`, `is_voip`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Signals {
    /// 0 (clean) ..= 100 (certain fraud).
    pub fraud_score: Option<f64>,
    /// Phone line type.
    pub line_type: Option<LineType>,
    /// Phone is VoIP.
    pub is_voip: Option<bool>,
    /// Phone is prepaid.
    pub is_prepaid: Option<bool>,
    /// Phone or person is a known TCPA litigator.
    pub is_litigator: Option<bool>,
    /// On the national Do-Not-Call registry.
    pub dnc_national: Option<bool>,
    /// On a state Do-Not-Call list.
    pub dnc_state: Option<bool>,
    /// Consent certificate matches the lead's phone/email.
    pub consent_match: Option<bool>,
    /// A provider detected a bot.
    pub bot_detected: Option<bool>,
    /// Phone is connected / active.
    pub phone_active: Option<bool>,
    /// Activity score 0..=100 (higher = more active, more real).
    pub activity_score: Option<f64>,
    /// Contact grade `"A"`..`"F"`.
    pub contact_grade: Option<String>,
    /// Name matches the phone/email/address owner.
    pub name_match: Option<bool>,
    /// Email is deliverable.
    pub email_deliverable: Option<bool>,
    /// IP is a proxy / VPN / Tor / data centre.
    pub ip_proxy: Option<bool>,
    /// Address confidence 0..=100.
    pub address_confidence: Option<f64>,
    /// How sure the provider is of its own answer, 0..=100. Low confidence can
    /// trigger tiered escalation to a secondary provider.
    pub confidence: Option<f64>,
    /// Anything else, by name (numbers or booleans as JSON).
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Signals {
    /// Looks a signal up by its rule name; booleans read as 0/1, grades A..F as 5..0.
    pub fn get(&self, name: &str) -> Option<f64> {
        let b = |v: Option<bool>| v.map(|b| if b { 1.0 } else { 0.0 });
        match name {
            "fraud_score" => self.fraud_score,
            "is_voip" => b(self.is_voip).or(self
                .line_type
                .map(|t| f64::from(u8::from(t == LineType::Voip)))),
            "is_prepaid" => b(self.is_prepaid),
            "is_litigator" => b(self.is_litigator),
            "dnc_national" => b(self.dnc_national),
            "dnc_state" => b(self.dnc_state),
            "consent_match" => b(self.consent_match),
            "bot_detected" => b(self.bot_detected),
            "phone_active" => b(self.phone_active),
            "activity_score" => self.activity_score,
            "contact_grade" => self.contact_grade.as_deref().and_then(|g| match g {
                "A" => Some(5.0),
                "B" => Some(4.0),
                "C" => Some(3.0),
                "D" => Some(2.0),
                "E" => Some(1.0),
                "F" => Some(0.0),
                _ => None,
            }),
            "name_match" => b(self.name_match),
            "email_deliverable" => b(self.email_deliverable),
            "ip_proxy" => b(self.ip_proxy),
            "address_confidence" => self.address_confidence,
            "confidence" => self.confidence,
            other => self.extra.get(other).and_then(|v| match v {
                serde_json::Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
                serde_json::Value::Number(n) => n.as_f64(),
                _ => None,
            }),
        }
    }

    /// Merges `other` into `self`: fields `other` knows win.
    pub fn merge(&mut self, other: &Signals) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f.clone(); } )* };
        }
        take!(
            fraud_score,
            line_type,
            is_voip,
            is_prepaid,
            is_litigator,
            dnc_national,
            dnc_state,
            consent_match,
            bot_detected,
            phone_active,
            activity_score,
            contact_grade,
            name_match,
            email_deliverable,
            ip_proxy,
            address_confidence,
            confidence
        );
        for (k, v) in &other.extra {
            self.extra.insert(k.clone(), v.clone());
        }
    }
}

/// What a provider answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderAnswer {
    /// Normalised signals.
    pub signals: Signals,
    /// Reason codes the provider's own mapping found (e.g. CMP01 for a litigator).
    pub reasons: Vec<ReasonCode>,
    /// What this call cost, in US dollars (0 for a cached or free answer).
    pub cost_usd: f64,
    /// The vendor's raw answer, for audit (never contains our credentials).
    pub raw: Option<serde_json::Value>,
}

/// Why a provider call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// No answer within the time budget.
    #[error("provider timed out")]
    Timeout,
    /// The vendor rate-limited us (HTTP 429).
    #[error("provider rate limited")]
    RateLimited {
        /// `Retry-After`, when the vendor sent one.
        retry_after: Option<Duration>,
    },
    /// The vendor answered with a server error (5xx) or the connection failed.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The vendor answered, but not in the documented format.
    #[error("provider answer malformed: {0}")]
    Malformed(String),
    /// Our credentials were refused (401/403): retrying will not help.
    #[error("provider refused credentials")]
    Unauthorized,
    /// The request was refused as invalid (4xx other than 401/403/429).
    #[error("provider rejected the request: {0}")]
    BadRequest(String),
    /// The lead lacks a field this provider needs (no call was made, no cost).
    #[error("lead lacks a field the provider needs: {0}")]
    MissingInput(&'static str),
    /// The circuit breaker is open: the call was not made.
    #[error("provider circuit open")]
    CircuitOpen,
}

impl ProviderError {
    /// Whether a retry could succeed (timeouts, 429, 5xx, connection errors).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::Timeout
                | ProviderError::RateLimited { .. }
                | ProviderError::Unavailable(_)
        )
    }

    /// A short stable label for records and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            ProviderError::Timeout => "timeout",
            ProviderError::RateLimited { .. } => "rate_limited",
            ProviderError::Unavailable(_) => "unavailable",
            ProviderError::Malformed(_) => "malformed",
            ProviderError::Unauthorized => "unauthorized",
            ProviderError::BadRequest(_) => "bad_request",
            ProviderError::MissingInput(_) => "missing_input",
            ProviderError::CircuitOpen => "circuit_open",
        }
    }
}

/// Static facts about a provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderMeta {
    /// The name campaigns use to refer to it (`"trestle"`, `"stub_fraud"`).
    pub name: String,
    /// List price per call in US dollars (used for cost caps before the call).
    pub price_usd: f64,
    /// Whether calling twice is safe (a lookup, not a charge-per-submit action).
    /// Only idempotent calls are retried.
    pub idempotent: bool,
}

impl ProviderMeta {
    /// Convenience constructor.
    pub fn new(name: impl Into<String>, price_usd: f64, idempotent: bool) -> Self {
        ProviderMeta {
            name: name.into(),
            price_usd,
            idempotent,
        }
    }
}

/// A paid check the engine can call.
///
/// ```
/// use leadgate_pipeline::provider::*;
/// #[derive(Debug)]
/// struct Always(ProviderMeta);
/// impl Provider for Always {
///     fn meta(&self) -> &ProviderMeta { &self.0 }
///     fn call<'a>(&'a self, _req: &'a ProviderRequest) -> BoxFuture<'a, Result<ProviderAnswer, ProviderError>> {
///         Box::pin(async move { Ok(ProviderAnswer { cost_usd: self.0.price_usd, ..Default::default() }) })
///     }
/// }
/// let p: std::sync::Arc<dyn Provider> = std::sync::Arc::new(Always(ProviderMeta::new("always", 0.01, true)));
/// assert_eq!(p.meta().name, "always");
/// ```
pub trait Provider: Send + Sync + fmt::Debug {
    /// Name, price, idempotency.
    fn meta(&self) -> &ProviderMeta;

    /// Calls the provider once (no retries, no timeout: the engine adds both).
    fn call<'a>(
        &'a self,
        req: &'a ProviderRequest,
    ) -> BoxFuture<'a, Result<ProviderAnswer, ProviderError>>;
}

/// A shared provider.
pub type SharedProvider = Arc<dyn Provider>;

/// Adapts a [`Provider`] into a `tower_service::Service<ProviderRequest>` that
/// enforces `req.timeout` (mapping expiry to [`ProviderError::Timeout`]).
#[derive(Debug, Clone)]
pub struct ProviderService {
    inner: SharedProvider,
}

impl ProviderService {
    /// Wraps a provider.
    pub fn new(inner: SharedProvider) -> Self {
        ProviderService { inner }
    }

    /// The wrapped provider.
    pub fn provider(&self) -> &SharedProvider {
        &self.inner
    }
}

impl tower_service::Service<ProviderRequest> for ProviderService {
    type Response = ProviderAnswer;
    type Error = ProviderError;
    type Future = BoxFuture<'static, Result<ProviderAnswer, ProviderError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: ProviderRequest) -> Self::Future {
        let provider = Arc::clone(&self.inner);
        Box::pin(async move {
            match req.timeout {
                Some(limit) => tokio::time::timeout(limit, provider.call(&req))
                    .await
                    .unwrap_or(Err(ProviderError::Timeout)),
                None => provider.call(&req).await,
            }
        })
    }
}
