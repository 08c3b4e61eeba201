//! Per-site CORS: only a site's configured origins may post its leads from a browser.
use crate::config::{SiteConfig, Sites};

/// What to do about a request's `Origin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    /// No `Origin` header: not a cross-origin browser request (server or plain tool).
    NoOrigin,
    /// Allowed: echo this origin in `Access-Control-Allow-Origin`.
    Allow(String),
    Deny,
}

/// The decision for a lead post to `site`.
pub fn for_site(site: &SiteConfig, origin: Option<&str>) -> Cors {
    match origin {
        None => Cors::NoOrigin,
        Some(o) if site.origins.iter().any(|allowed| allowed == o) => Cors::Allow(o.to_owned()),
        Some(_) => Cors::Deny,
    }
}

/// The decision for a preflight, which carries no body: `site` from `?site=` if given,
/// else any configured site's origin list.
pub fn for_preflight(sites: &Sites, site: Option<&str>, origin: Option<&str>) -> Cors {
    match (site.and_then(|id| sites.get(id)), origin) {
        (_, None) => Cors::NoOrigin,
        (Some(s), o) => for_site(s, o),
        (None, Some(o)) if site.is_none() && sites.any_allows(o) => Cors::Allow(o.to_owned()),
        (None, Some(_)) => Cors::Deny,
    }
}

/// Headers to add to a response for an allowed origin.
pub fn headers(cors: &Cors) -> Vec<(&'static str, String)> {
    match cors {
        Cors::Allow(origin) => vec![
            ("Access-Control-Allow-Origin", origin.clone()),
            (
                "Access-Control-Allow-Methods",
                "POST, GET, OPTIONS".to_owned(),
            ),
            ("Access-Control-Allow-Headers", "Content-Type".to_owned()),
            ("Access-Control-Max-Age", "600".to_owned()),
            ("Vary", "Origin".to_owned()),
        ],
        _ => vec![("Vary", "Origin".to_owned())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites() -> Sites {
        Sites::parse(
            r#"{"acme": {"origins": ["https://acme.test"], "campaign": "c", "bot": {"type": "none"}},
                "beta": {"origins": ["https://beta.test"], "campaign": "c", "bot": {"type": "none"}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn site_allow_list_is_exact() {
        let s = sites();
        let acme = s.get("acme").unwrap();
        assert_eq!(
            for_site(acme, Some("https://acme.test")),
            Cors::Allow("https://acme.test".into())
        );
        assert_eq!(for_site(acme, Some("https://beta.test")), Cors::Deny);
        assert_eq!(
            for_site(acme, Some("https://acme.test.evil.test")),
            Cors::Deny
        );
        assert_eq!(for_site(acme, Some("http://acme.test")), Cors::Deny);
        assert_eq!(for_site(acme, None), Cors::NoOrigin);
    }

    #[test]
    fn preflights() {
        let s = sites();
        assert_eq!(
            for_preflight(&s, None, Some("https://beta.test")),
            Cors::Allow("https://beta.test".into())
        );
        assert_eq!(
            for_preflight(&s, Some("acme"), Some("https://beta.test")),
            Cors::Deny
        );
        assert_eq!(
            for_preflight(&s, Some("nope"), Some("https://beta.test")),
            Cors::Deny
        );
        assert_eq!(
            for_preflight(&s, None, Some("https://evil.test")),
            Cors::Deny
        );
        assert_eq!(headers(&Cors::Deny), vec![("Vary", "Origin".to_owned())]);
    }
}
