//! MX lookup over DNS with a hard timeout (hickory-resolver).
//!
//! The nameserver is configurable (option `nameserver = "127.0.0.1:8090"`, UDP) so tests
//! and the demo point it at the sandbox's DNS stand-in; without it the system resolver
//! configuration is used. The whole lookup is bounded by the provider timeout (and the
//! engine's budget), whatever the resolver does. No MX record, NXDOMAIN, or the RFC 7505
//! null MX → SYN08. No implicit-MX (A record) fallback: a domain that wants mail
//! publishes MX. Free.

use crate::error::CallError;
use crate::findings::Findings;
use crate::provider::{Ctx, Outcome};
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::xfer::Protocol;
use hickory_resolver::proto::ProtoErrorKind;
use hickory_resolver::TokioResolver;
use leadgate_checks::ReasonCode;
use leadgate_pipeline::provider::ProviderRequest;
use std::net::SocketAddr;
use std::time::Duration;

/// Provider name.
pub const NAME: &str = "mx";

/// What DNS said about a domain's mail servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxAnswer {
    /// MX hosts, by preference.
    Hosts(Vec<String>),
    /// The domain exists but publishes no usable MX (none, or the null MX).
    NoMx,
    /// The domain does not exist.
    NxDomain,
}

/// Builds a resolver: one attempt per lookup, no cache surprises in tests.
pub fn resolver(
    nameserver: Option<SocketAddr>,
    timeout: Duration,
) -> Result<TokioResolver, CallError> {
    let mut opts = ResolverOpts::default();
    opts.timeout = timeout;
    opts.attempts = 1;
    let builder = match nameserver {
        Some(addr) => {
            let mut config = ResolverConfig::new();
            config.add_name_server(NameServerConfig::new(addr, Protocol::Udp));
            TokioResolver::builder_with_config(config, TokioConnectionProvider::default())
        }
        None => TokioResolver::builder_tokio().map_err(|e| CallError::Connect {
            provider: NAME,
            detail: format!("system resolver: {e}"),
        })?,
    };
    Ok(builder.with_options(opts).build())
}

/// Looks up `domain`'s MX within `limit`.
pub async fn lookup(
    resolver: &TokioResolver,
    domain: &str,
    limit: Duration,
) -> Result<MxAnswer, CallError> {
    let fqdn = format!("{}.", domain.trim_end_matches('.'));
    let result = tokio::time::timeout(limit, resolver.mx_lookup(fqdn.as_str()))
        .await
        .map_err(|_| CallError::Timeout {
            provider: NAME,
            after: limit,
        })?;
    match result {
        Ok(lookup) => {
            let mut hosts: Vec<(u16, String)> = lookup
                .iter()
                .map(|mx| {
                    (
                        mx.preference(),
                        mx.exchange().to_ascii().trim_end_matches('.').to_owned(),
                    )
                })
                .filter(|(_, h)| !h.is_empty())
                .collect();
            hosts.sort();
            if hosts.is_empty() {
                Ok(MxAnswer::NoMx)
            } else {
                Ok(MxAnswer::Hosts(hosts.into_iter().map(|(_, h)| h).collect()))
            }
        }
        Err(e) if e.is_nx_domain() => Ok(MxAnswer::NxDomain),
        // SERVFAIL / REFUSED also arrive as "no records": they say nothing about the
        // domain, so they are a (transient) resolver failure, not SYN08.
        Err(e)
            if e.is_no_records_found()
                && response_code(&e).is_none_or(|c| c == ResponseCode::NoError) =>
        {
            Ok(MxAnswer::NoMx)
        }
        Err(e) => {
            let text = e.to_string();
            if text.to_ascii_lowercase().contains("timed out")
                || text.to_ascii_lowercase().contains("timeout")
            {
                Err(CallError::Timeout {
                    provider: NAME,
                    after: limit,
                })
            } else {
                Err(CallError::Vendor {
                    provider: NAME,
                    message: crate::error::shorten(&text),
                    transient: true,
                })
            }
        }
    }
}

fn response_code(e: &hickory_resolver::ResolveError) -> Option<ResponseCode> {
    match e.proto()?.kind() {
        ProtoErrorKind::NoRecordsFound { response_code, .. } => Some(*response_code),
        _ => None,
    }
}

/// Answer → SYN08 when there is no mail server.
pub fn findings(a: &MxAnswer) -> Findings {
    let has = matches!(a, MxAnswer::Hosts(_));
    let mut f = Findings {
        email_has_mx: Some(has),
        ..Findings::default()
    };
    f.flag_if(Some(!has), ReasonCode::SYN08);
    f
}

/// Client.
pub(crate) async fn call(ctx: &Ctx, req: &ProviderRequest) -> Result<Outcome, CallError> {
    let email = req.email.as_deref().ok_or(CallError::MissingInput {
        provider: NAME,
        field: "email",
    })?;
    let domain = email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty());
    let domain = domain.ok_or(CallError::MissingInput {
        provider: NAME,
        field: "email domain",
    })?;
    let resolver = ctx.resolver.as_ref().ok_or(CallError::Connect {
        provider: NAME,
        detail: "no resolver".into(),
    })?;
    let limit = req.timeout.map_or(ctx.timeout, |b| b.min(ctx.timeout));
    let a = lookup(resolver, domain, limit).await?;
    let raw = match &a {
        MxAnswer::Hosts(h) => serde_json::json!({ "domain": domain, "mx": h }),
        MxAnswer::NoMx => serde_json::json!({ "domain": domain, "mx": [] }),
        MxAnswer::NxDomain => serde_json::json!({ "domain": domain, "nxdomain": true }),
    };
    Ok(Outcome {
        findings: findings(&a),
        raw: Some(raw),
        cost_usd: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_mail_server_is_syn08() {
        assert_eq!(findings(&MxAnswer::NoMx).reasons, vec![ReasonCode::SYN08]);
        assert_eq!(
            findings(&MxAnswer::NxDomain).reasons,
            vec![ReasonCode::SYN08]
        );
        assert!(findings(&MxAnswer::Hosts(vec!["mx.example.org".into()]))
            .reasons
            .is_empty());
    }
}
