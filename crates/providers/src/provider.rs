//! The pipeline adapter: [`VendorProvider`] implements `leadgate_pipeline::provider::Provider`
//! for every vendor client (built from configuration by [`crate::registry`]).

use crate::error::CallError;
use crate::findings::{Findings, LineType as OurLineType};
use crate::secret::Secret;
use crate::settings::Options;
use crate::{
    captcha, dncscrub, google_address, ipqs, maxmind, mx, purecallerid, trestle, trustedform,
    twilio, usps,
};
use leadgate_pipeline::provider::{
    BoxFuture, LineType, Provider, ProviderAnswer, ProviderError, ProviderMeta, ProviderRequest,
    Signals,
};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Which client a provider runs. The string form is the `kind` config key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// DNC.com litigator-only scrub.
    DncscrubLitigator,
    /// DNC.com full DNC scrub.
    DncscrubScrub,
    /// TrustedForm v4 match (+ retain, insights by option).
    Trustedform,
    /// Trestle Real Contact.
    TrestleRealContact,
    /// Trestle Phone Validation.
    TrestlePhone,
    /// Trestle Reverse Phone.
    TrestleReversePhone,
    /// Trestle Reverse Address.
    TrestleReverseAddress,
    /// IPQS phone.
    IpqsPhone,
    /// IPQS email.
    IpqsEmail,
    /// IPQS IP.
    IpqsIp,
    /// Pure CallerID Aegis workflow.
    Purecallerid,
    /// MaxMind minFraud Score.
    MaxmindScore,
    /// MaxMind minFraud Insights.
    MaxmindInsights,
    /// MaxMind minFraud Factors.
    MaxmindFactors,
    /// Twilio Lookup v2.
    TwilioLookup,
    /// Google Address Validation.
    GoogleAddress,
    /// USPS Addresses v3.
    UspsAddress,
    /// MX lookup over DNS.
    Mx,
    /// Cloudflare Turnstile siteverify.
    Turnstile,
    /// reCAPTCHA v3 siteverify.
    Recaptcha,
    /// reCAPTCHA Enterprise assessment.
    RecaptchaEnterprise,
}

impl Kind {
    /// Every kind with its config name.
    pub const ALL: &'static [(Kind, &'static str)] = &[
        (Kind::DncscrubLitigator, "dncscrub_litigator"),
        (Kind::DncscrubScrub, "dncscrub_scrub"),
        (Kind::Trustedform, "trustedform"),
        (Kind::TrestleRealContact, "trestle_real_contact"),
        (Kind::TrestlePhone, "trestle_phone"),
        (Kind::TrestleReversePhone, "trestle_reverse_phone"),
        (Kind::TrestleReverseAddress, "trestle_reverse_address"),
        (Kind::IpqsPhone, "ipqs_phone"),
        (Kind::IpqsEmail, "ipqs_email"),
        (Kind::IpqsIp, "ipqs_ip"),
        (Kind::Purecallerid, "purecallerid"),
        (Kind::MaxmindScore, "maxmind_score"),
        (Kind::MaxmindInsights, "maxmind_insights"),
        (Kind::MaxmindFactors, "maxmind_factors"),
        (Kind::TwilioLookup, "twilio_lookup"),
        (Kind::GoogleAddress, "google_address"),
        (Kind::UspsAddress, "usps_address"),
        (Kind::Mx, "mx"),
        (Kind::Turnstile, "turnstile"),
        (Kind::Recaptcha, "recaptcha"),
        (Kind::RecaptchaEnterprise, "recaptcha_enterprise"),
    ];

    /// Every config name.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Kind::ALL.iter().map(|(_, n)| *n)
    }

    /// Parses a config name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
    }

    /// The config name.
    pub fn name(self) -> &'static str {
        Kind::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .unwrap_or("unknown")
    }

    pub(crate) fn default_base(self) -> &'static str {
        match self {
            Kind::DncscrubLitigator => dncscrub::DEFAULT_DATA_URL,
            Kind::DncscrubScrub => dncscrub::DEFAULT_SCRUB_URL,
            Kind::Trustedform => trustedform::DEFAULT_BASE_URL,
            Kind::TrestleRealContact
            | Kind::TrestlePhone
            | Kind::TrestleReversePhone
            | Kind::TrestleReverseAddress => trestle::DEFAULT_BASE_URL,
            Kind::IpqsPhone | Kind::IpqsEmail | Kind::IpqsIp => ipqs::DEFAULT_BASE_URL,
            Kind::Purecallerid => purecallerid::DEFAULT_BASE_URL,
            Kind::MaxmindScore | Kind::MaxmindInsights | Kind::MaxmindFactors => {
                maxmind::DEFAULT_BASE_URL
            }
            Kind::TwilioLookup => twilio::DEFAULT_BASE_URL,
            Kind::GoogleAddress => google_address::DEFAULT_BASE_URL,
            Kind::UspsAddress => usps::DEFAULT_BASE_URL,
            // Not HTTP: the nameserver is the `nameserver` option.
            Kind::Mx => "dns://system",
            Kind::Turnstile => captcha::TURNSTILE_BASE_URL,
            Kind::Recaptcha => captcha::RECAPTCHA_BASE_URL,
            Kind::RecaptchaEnterprise => captcha::ENTERPRISE_BASE_URL,
        }
    }

    pub(crate) fn default_price(self) -> f64 {
        match self {
            Kind::DncscrubLitigator => dncscrub::LITIGATOR_PRICE_USD,
            Kind::DncscrubScrub => dncscrub::SCRUB_PRICE_USD,
            Kind::Trustedform => trustedform::PRICE_USD,
            Kind::TrestleRealContact => trestle::REAL_CONTACT_PRICE_USD,
            Kind::TrestlePhone => trestle::PHONE_INTEL_PRICE_USD,
            Kind::TrestleReversePhone => trestle::REVERSE_PHONE_PRICE_USD,
            Kind::TrestleReverseAddress => trestle::REVERSE_ADDRESS_PRICE_USD,
            Kind::IpqsPhone | Kind::IpqsEmail | Kind::IpqsIp => ipqs::PRICE_USD,
            Kind::Purecallerid => purecallerid::PRICE_USD,
            Kind::MaxmindScore => maxmind::SCORE_PRICE_USD,
            Kind::MaxmindInsights => maxmind::INSIGHTS_PRICE_USD,
            Kind::MaxmindFactors => maxmind::FACTORS_PRICE_USD,
            Kind::TwilioLookup => twilio::PRICE_USD,
            Kind::GoogleAddress => google_address::PRICE_USD,
            Kind::UspsAddress => usps::PRICE_USD,
            Kind::Mx | Kind::Turnstile | Kind::Recaptcha => 0.0,
            Kind::RecaptchaEnterprise => captcha::ENTERPRISE_PRICE_USD,
        }
    }

    pub(crate) fn default_timeout(self) -> Duration {
        Duration::from_millis(match self {
            Kind::DncscrubScrub | Kind::UspsAddress => 3000,
            Kind::Mx => 1000,
            _ => 2000,
        })
    }

    pub(crate) fn needs_key(self) -> bool {
        self != Kind::Mx
    }

    pub(crate) fn needs_account(self) -> bool {
        matches!(
            self,
            Kind::MaxmindScore
                | Kind::MaxmindInsights
                | Kind::MaxmindFactors
                | Kind::TwilioLookup
                | Kind::UspsAddress
                | Kind::RecaptchaEnterprise
        )
    }

    /// Retain is an action (it claims the certificate), so TrustedForm is not retried
    /// when it retains; every other call is a lookup.
    pub(crate) fn idempotent(self, options: &Options) -> bool {
        !(self == Kind::Trustedform && options.bool("retain").unwrap_or(false))
    }
}

/// What a vendor call produced, before it becomes a [`ProviderAnswer`].
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Signals and reasons.
    pub findings: Findings,
    /// The vendor's answer, for audit.
    pub raw: Option<serde_json::Value>,
    /// What the call cost.
    pub cost_usd: f64,
}

/// Everything a vendor call needs: the shared HTTP client, where to send, credentials.
#[derive(Clone)]
pub struct Ctx {
    /// Shared HTTP client.
    pub http: reqwest::Client,
    /// Base URL.
    pub base: Url,
    /// Second base URL (DNC.com scrub host, USPS OAuth host).
    pub base2: Url,
    /// Credential.
    pub key: Secret,
    /// Account id / SID / client id.
    pub account_id: Option<String>,
    /// HTTP timeout.
    pub timeout: Duration,
    /// Price per call.
    pub price_usd: f64,
    /// Vendor options.
    pub options: Options,
    /// Cached OAuth token (USPS).
    pub token: Arc<tokio::sync::Mutex<Option<usps::CachedToken>>>,
    /// DNS resolver (MX).
    pub resolver: Option<Arc<hickory_resolver::TokioResolver>>,
}

impl fmt::Debug for Ctx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ctx")
            .field("base", &self.base.as_str())
            .field("key", &self.key)
            .field("timeout", &self.timeout)
            .field("price_usd", &self.price_usd)
            .finish_non_exhaustive()
    }
}

impl Ctx {
    /// Sends with the smaller of our timeout and the engine's budget.
    pub async fn send(
        &self,
        req: &crate::http::HttpRequest,
        budget: Option<Duration>,
        provider: &'static str,
    ) -> Result<crate::http::HttpResponse, CallError> {
        let t = budget.map_or(self.timeout, |b| b.min(self.timeout));
        crate::http::send(&self.http, req, t, provider).await
    }
}

/// A vendor client the engine can call.
pub struct VendorProvider {
    pub(crate) meta: ProviderMeta,
    pub(crate) kind: Kind,
    pub(crate) ctx: Ctx,
}

impl fmt::Debug for VendorProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VendorProvider")
            .field("meta", &self.meta)
            .field("kind", &self.kind)
            .field("ctx", &self.ctx)
            .finish()
    }
}

impl VendorProvider {
    /// The client kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Calls the vendor and keeps our own error type (the trait maps it).
    pub async fn call_vendor(&self, req: &ProviderRequest) -> Result<Outcome, CallError> {
        let ctx = &self.ctx;
        match self.kind {
            Kind::DncscrubLitigator => dncscrub::call_litigator(ctx, req).await,
            Kind::DncscrubScrub => dncscrub::call_scrub(ctx, req).await,
            Kind::Trustedform => trustedform::call(ctx, req).await,
            Kind::TrestleRealContact => trestle::call_real_contact(ctx, req).await,
            Kind::TrestlePhone => trestle::call_phone_intel(ctx, req).await,
            Kind::TrestleReversePhone => trestle::call_reverse_phone(ctx, req).await,
            Kind::TrestleReverseAddress => trestle::call_reverse_address(ctx, req).await,
            Kind::IpqsPhone => ipqs::call(ctx, req, ipqs::Api::Phone).await,
            Kind::IpqsEmail => ipqs::call(ctx, req, ipqs::Api::Email).await,
            Kind::IpqsIp => ipqs::call(ctx, req, ipqs::Api::Ip).await,
            Kind::Purecallerid => purecallerid::call(ctx, req).await,
            Kind::MaxmindScore => maxmind::call(ctx, req, maxmind::Service::Score).await,
            Kind::MaxmindInsights => maxmind::call(ctx, req, maxmind::Service::Insights).await,
            Kind::MaxmindFactors => maxmind::call(ctx, req, maxmind::Service::Factors).await,
            Kind::TwilioLookup => twilio::call(ctx, req).await,
            Kind::GoogleAddress => google_address::call(ctx, req).await,
            Kind::UspsAddress => usps::call(ctx, req).await,
            Kind::Mx => mx::call(ctx, req).await,
            Kind::Turnstile => captcha::call(ctx, req, captcha::Verifier::Turnstile).await,
            Kind::Recaptcha => captcha::call(ctx, req, captcha::Verifier::Recaptcha).await,
            Kind::RecaptchaEnterprise => {
                captcha::call(ctx, req, captcha::Verifier::Enterprise).await
            }
        }
    }
}

impl Provider for VendorProvider {
    fn meta(&self) -> &ProviderMeta {
        &self.meta
    }

    fn call<'a>(
        &'a self,
        req: &'a ProviderRequest,
    ) -> BoxFuture<'a, Result<ProviderAnswer, ProviderError>> {
        Box::pin(async move {
            let started = tokio::time::Instant::now();
            let result = self.call_vendor(req).await;
            let elapsed_ms = started.elapsed().as_millis();
            match result {
                Ok(out) => {
                    tracing::debug!(provider = %self.meta.name, kind = self.kind.name(), elapsed_ms, reasons = ?out.findings.reasons, "provider answered");
                    Ok(to_answer(out))
                }
                Err(e) => {
                    tracing::warn!(provider = %self.meta.name, kind = self.kind.name(), elapsed_ms, error = %e, "provider failed");
                    Err(to_provider_error(e))
                }
            }
        })
    }
}

/// Maps our error to the engine's. Quota exhaustion has no variant of its own there:
/// it is an account problem a retry cannot fix, like refused credentials.
pub fn to_provider_error(e: CallError) -> ProviderError {
    match e {
        CallError::Timeout { .. } => ProviderError::Timeout,
        CallError::RateLimited { retry_after, .. } => ProviderError::RateLimited { retry_after },
        CallError::Connect { .. } | CallError::Server { .. } => {
            ProviderError::Unavailable(e.to_string())
        }
        CallError::Vendor {
            transient: true, ..
        } => ProviderError::Unavailable(e.to_string()),
        CallError::Malformed { .. } => ProviderError::Malformed(e.to_string()),
        CallError::Unauthorized { .. } | CallError::QuotaExhausted { .. } => {
            ProviderError::Unauthorized
        }
        CallError::Rejected { .. } | CallError::Vendor { .. } => {
            ProviderError::BadRequest(e.to_string())
        }
        CallError::MissingInput { field, .. } => ProviderError::MissingInput(field),
    }
}

/// Maps findings to the engine's signals (what has no field goes to `extra`).
pub fn to_signals(f: &Findings) -> Signals {
    let mut extra = BTreeMap::new();
    let mut put = |k: &str, v: Option<serde_json::Value>| {
        if let Some(v) = v {
            extra.insert(k.to_owned(), v);
        }
    };
    put("phone_valid", f.phone_valid.map(Into::into));
    put("email_valid", f.email_valid.map(Into::into));
    put("email_disposable", f.email_disposable.map(Into::into));
    put("email_has_mx", f.email_has_mx.map(Into::into));
    put("consent_valid", f.consent_valid.map(Into::into));
    put("address_valid", f.address_valid.map(Into::into));
    put("captcha_passed", f.captcha_passed.map(Into::into));
    put("captcha_score", f.captcha_score.map(Into::into));
    put("carrier", f.carrier.clone().map(Into::into));
    put(
        "line_type_detail",
        f.line_type.and_then(|l| serde_json::to_value(l).ok()),
    );
    Signals {
        fraud_score: f.fraud_score,
        line_type: f.line_type.map(|l| match l {
            OurLineType::Mobile => LineType::Mobile,
            OurLineType::Landline => LineType::Landline,
            OurLineType::FixedVoip | OurLineType::NonFixedVoip => LineType::Voip,
            OurLineType::TollFree => LineType::TollFree,
            OurLineType::Premium | OurLineType::Other => LineType::Other,
        }),
        is_voip: f.is_voip,
        is_prepaid: f.is_prepaid,
        is_litigator: f.is_litigator,
        dnc_national: f.dnc_national,
        dnc_state: f.dnc_state,
        consent_match: f.consent_match,
        bot_detected: f.bot_detected,
        phone_active: f.phone_active,
        activity_score: f.activity_score.map(f64::from),
        contact_grade: f.contact_grade.map(|c| c.to_ascii_uppercase().to_string()),
        name_match: f.name_match,
        email_deliverable: f.email_deliverable,
        ip_proxy: f.ip_proxy,
        address_confidence: f.address_confidence.map(|c| (c * 100.0).clamp(0.0, 100.0)),
        confidence: None,
        extra,
    }
}

/// The vendor's body as JSON for the audit record (None when it is not JSON).
pub fn raw_json(resp: &crate::http::HttpResponse) -> Option<serde_json::Value> {
    serde_json::from_slice(&resp.body).ok()
}

fn to_answer(out: Outcome) -> ProviderAnswer {
    ProviderAnswer {
        signals: to_signals(&out.findings),
        reasons: out.findings.reasons.clone(),
        cost_usd: out.cost_usd,
        raw: out.raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_map_to_signals() {
        let f = Findings {
            line_type: Some(OurLineType::NonFixedVoip),
            activity_score: Some(12),
            contact_grade: Some('f'),
            address_confidence: Some(0.5),
            email_disposable: Some(true),
            ..Findings::default()
        };
        let s = to_signals(&f);
        assert_eq!(s.line_type, Some(LineType::Voip));
        assert_eq!(s.get("activity_score"), Some(12.0));
        assert_eq!(s.get("contact_grade"), Some(0.0));
        assert_eq!(s.address_confidence, Some(50.0));
        assert_eq!(s.get("email_disposable"), Some(1.0));
    }
}
