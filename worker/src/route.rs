//! Routing decisions: method + path → [`Route`], pure so it is tested natively.

/// Every public route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    SubmitLead,
    Preflight,
    Challenge,
    Config(String),
    Book(String),
    Health,
    /// Outbox counters for ops (bearer token `LEADGATE_ADMIN_TOKEN`).
    OutboxStats,
    NotFound,
    MethodNotAllowed,
}

/// Decides the route for `method` and `path`.
pub fn route(method: &str, path: &str) -> Route {
    let get = method == "GET" || method == "HEAD";
    match path {
        "/v1/leads" => match method {
            "POST" => Route::SubmitLead,
            "OPTIONS" => Route::Preflight,
            _ => Route::MethodNotAllowed,
        },
        "/v1/challenge" if get => Route::Challenge,
        "/healthz" if get => Route::Health,
        "/v1/outbox" if get => Route::OutboxStats,
        "/v1/challenge" | "/healthz" | "/v1/outbox" => Route::MethodNotAllowed,
        _ => {
            let param = |prefix: &str| {
                path.strip_prefix(prefix)
                    .filter(|p| !p.is_empty() && !p.contains('/'))
                    .map(str::to_owned)
            };
            if let Some(site) = param("/v1/config/") {
                if get {
                    Route::Config(site)
                } else if method == "OPTIONS" {
                    Route::Preflight
                } else {
                    Route::MethodNotAllowed
                }
            } else if let Some(token) = param("/v1/book/") {
                if get {
                    Route::Book(token)
                } else {
                    Route::MethodNotAllowed
                }
            } else {
                Route::NotFound
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("POST", "/v1/leads"), Route::SubmitLead);
        assert_eq!(route("OPTIONS", "/v1/leads"), Route::Preflight);
        assert_eq!(route("GET", "/v1/leads"), Route::MethodNotAllowed);
        assert_eq!(route("GET", "/v1/challenge"), Route::Challenge);
        assert_eq!(
            route("GET", "/v1/config/acme"),
            Route::Config("acme".into())
        );
        assert_eq!(
            route("GET", "/v1/book/abc.def"),
            Route::Book("abc.def".into())
        );
        assert_eq!(route("POST", "/v1/book/abc"), Route::MethodNotAllowed);
        assert_eq!(route("GET", "/v1/book/"), Route::NotFound);
        assert_eq!(route("GET", "/v1/config/a/b"), Route::NotFound);
        assert_eq!(route("GET", "/"), Route::NotFound);
        assert_eq!(route("GET", "/v1/outbox"), Route::OutboxStats);
        assert_eq!(route("DELETE", "/v1/outbox"), Route::MethodNotAllowed);
    }
}
