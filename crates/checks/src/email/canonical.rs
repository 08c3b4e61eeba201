//! Provider-aware canonical form of an address, for dedup and the fingerprint.
//!
//! Two spellings that reach the same mailbox get the same canonical form: Gmail
//! ignores dots and `+tags` and treats googlemail.com as gmail.com; Yahoo's
//! disposable addresses are `base-keyword`; Apple's me.com and mac.com are icloud.com
//! aliases; almost every provider delivers `user+tag` to `user`. The canonical form is
//! never shown to the person and never used to send mail.
use alloc::string::String;

/// How one provider folds local parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folding {
    /// Strip `+tag` and remove dots (Gmail).
    DotsAndPlus,
    /// Strip `-keyword` (Yahoo disposable addresses) and `+tag`.
    DashAndPlus,
    /// Strip `+tag` only (everyone else).
    Plus,
}

/// (domain, canonical domain, folding). Unlisted domains: `Plus`, same domain.
const PROVIDERS: &[(&str, &str, Folding)] = &[
    ("gmail.com", "gmail.com", Folding::DotsAndPlus),
    ("googlemail.com", "gmail.com", Folding::DotsAndPlus),
    ("yahoo.com", "yahoo.com", Folding::DashAndPlus),
    ("ymail.com", "ymail.com", Folding::DashAndPlus),
    ("rocketmail.com", "rocketmail.com", Folding::DashAndPlus),
    ("icloud.com", "icloud.com", Folding::Plus),
    ("me.com", "icloud.com", Folding::Plus),
    ("mac.com", "icloud.com", Folding::Plus),
    ("pm.me", "proton.me", Folding::Plus),
    ("protonmail.com", "proton.me", Folding::Plus),
    ("protonmail.ch", "proton.me", Folding::Plus),
];

/// The canonical form of `local@ascii_domain` (domain already lower-case ASCII).
pub fn canonical(local: &str, ascii_domain: &str) -> String {
    let (domain, folding) = PROVIDERS
        .iter()
        .find(|(d, _, _)| *d == ascii_domain)
        .map_or((ascii_domain, Folding::Plus), |(_, canon, f)| (*canon, *f));
    let mut base = local.split('+').next().unwrap_or(local);
    if base.is_empty() {
        base = local;
    }
    if folding == Folding::DashAndPlus {
        base = base
            .split('-')
            .next()
            .filter(|b| !b.is_empty())
            .unwrap_or(base);
    }
    let mut out = String::with_capacity(base.len() + 1 + domain.len());
    for c in base.chars() {
        if folding == Folding::DotsAndPlus && c == '.' {
            continue;
        }
        out.push(c.to_ascii_lowercase());
    }
    out.push('@');
    out.push_str(domain);
    out
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn gmail_dots_tags_and_alias_domain() {
        let want = "janedoe@gmail.com";
        assert_eq!(canonical("Jane.Doe+leads", "gmail.com"), want);
        assert_eq!(canonical("j.a.n.e.d.o.e", "googlemail.com"), want);
        assert_eq!(canonical("janedoe", "gmail.com"), want);
    }

    #[test]
    fn other_providers() {
        assert_eq!(canonical("jane-shopping", "yahoo.com"), "jane@yahoo.com");
        assert_eq!(
            canonical("Jane.Doe+x", "outlook.com"),
            "jane.doe@outlook.com"
        );
        assert_eq!(canonical("jane", "me.com"), "jane@icloud.com");
        assert_eq!(canonical("jane-doe", "example.com"), "jane-doe@example.com");
        assert_eq!(canonical("+only", "example.com"), "+only@example.com");
    }
}
