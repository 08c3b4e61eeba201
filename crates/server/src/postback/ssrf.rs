//! The SSRF guard on every outbound URL: http(s) only, no credentials in the URL,
//! and no private, loopback, link-local, CGNAT, multicast or unspecified targets
//! unless the config explicitly allows them. Checked on IP literals up front and on
//! every DNS answer through [`GuardedResolver`] (so a rebinding name cannot slip a
//! private address in between check and connect). Redirects are not followed.
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::Url;

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsrfError {
    /// Not a URL.
    #[error("not a valid URL")]
    Invalid,
    /// Not http or https.
    #[error("scheme not allowed")]
    Scheme,
    /// user:pass@ in the URL.
    #[error("credentials in URL")]
    Credentials,
    /// The target is a private/loopback/link-local address.
    #[error("target address not allowed")]
    ForbiddenAddress,
}

/// Whether an address is off-limits for outbound calls.
pub fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let seg0 = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg0 & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (seg0 & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (seg0 == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
                || v6 == Ipv6Addr::from([0, 0, 0, 0, 0, 0xffff, 0, 0])
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240
}

/// Checks a URL's shape and, for IP-literal hosts, its address.
pub fn check_url(raw: &str, allow_private: bool) -> Result<Url, SsrfError> {
    let url = Url::parse(raw).map_err(|_| SsrfError::Invalid)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SsrfError::Scheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SsrfError::Credentials);
    }
    let host = url.host().ok_or(SsrfError::Invalid)?;
    let literal = match host {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(d)
            if d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost") =>
        {
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        }
        url::Host::Domain(_) => None,
    };
    if let Some(ip) = literal {
        if !allow_private && forbidden(ip) {
            return Err(SsrfError::ForbiddenAddress);
        }
    }
    Ok(url)
}

/// A DNS resolver that drops forbidden addresses (fails if none are left).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// Allow private targets (tests and the local demo).
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow_private;
        Box::pin(async move {
            let host = format!("{}:0", name.as_str());
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host(host)
                .await?
                .filter(|a| allow || !forbidden(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(Box::new(std::io::Error::other("no allowed address"))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_private_targets_unless_allowed() {
        for bad in [
            "http://127.0.0.1/x",
            "http://10.1.2.3/",
            "http://192.168.0.1/",
            "http://172.16.5.5/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://localhost:8090/",
        ] {
            assert_eq!(
                check_url(bad, false),
                Err(SsrfError::ForbiddenAddress),
                "{bad}"
            );
            assert!(
                check_url(bad, true).is_ok(),
                "{bad} allowed when configured"
            );
        }
        assert!(check_url("https://93.184.216.34/postback", false).is_ok());
        assert!(check_url("https://partner.example/postback?x=1", false).is_ok());
    }

    #[test]
    fn refuses_other_schemes_and_credentials() {
        assert_eq!(
            check_url("file:///etc/passwd", true),
            Err(SsrfError::Scheme)
        );
        assert_eq!(check_url("gopher://x/", true), Err(SsrfError::Scheme));
        assert_eq!(
            check_url("http://u:p@partner.example/", true),
            Err(SsrfError::Credentials)
        );
        assert_eq!(check_url("not a url", true), Err(SsrfError::Invalid));
    }

    #[tokio::test]
    async fn resolver_drops_loopback_answers() {
        let guarded = GuardedResolver {
            allow_private: false,
        };
        let name: Name = "localhost".parse().unwrap();
        assert!(guarded.resolve(name).await.is_err());
        let open = GuardedResolver {
            allow_private: true,
        };
        let name: Name = "localhost".parse().unwrap();
        assert!(open.resolve(name).await.unwrap().next().is_some());
    }
}
