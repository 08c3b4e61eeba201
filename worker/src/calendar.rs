//! Calendar redirects: the campaign's Cal.com or Calendly URL with name and email prefilled.
//!
//! Cal.com reads `name` and `email` query parameters; Calendly reads `name` and `email`
//! too (plus `first_name`/`last_name`, not needed here). Existing query parameters on the
//! configured URL are kept.

/// The calendar URL with `name` and `email` prefilled, or `None` if `base` is not an
/// absolute http(s) URL.
pub fn prefilled(base: &str, name: &str, email: &str) -> Option<String> {
    if !(base.starts_with("https://") || base.starts_with("http://")) || base.contains(['#', ' ']) {
        return None;
    }
    let mut params = vec![];
    if !name.is_empty() {
        params.push(("name", name));
    }
    if !email.is_empty() {
        params.push(("email", email));
    }
    if params.is_empty() {
        return Some(base.to_owned());
    }
    let query = serde_urlencoded::to_string(params).expect("strings encode");
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cal_com_and_calendly_prefill() {
        assert_eq!(
            prefilled(
                "https://cal.com/acme/intro",
                "Ada Lovelace",
                "ada+x@example.com"
            )
            .as_deref(),
            Some("https://cal.com/acme/intro?name=Ada+Lovelace&email=ada%2Bx%40example.com")
        );
        assert_eq!(
            prefilled("https://calendly.com/acme/30min?month=2026-11", "Ada", "").as_deref(),
            Some("https://calendly.com/acme/30min?month=2026-11&name=Ada")
        );
        assert_eq!(prefilled("javascript:alert(1)", "a", "b"), None);
    }
}
