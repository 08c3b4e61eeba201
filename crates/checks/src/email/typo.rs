//! Typo'd domains with a suggestion (`gmial.com` -> `gmail.com`), tuned not to fire
//! on legitimate uncommon domains.
//!
//! A typed domain `base.suffix` gets a suggestion only when
//! 1. it is not itself a popular or free-mail domain (so `yahoo.de`, `email.com` and
//!    `mail.com` stand), and
//! 2. its suffix equals a popular domain's suffix, or is a known TLD typo (`con`,
//!    `cmo`, `co` for `com`, ...) of it, or is not a real TLD and within one edit of it, and
//! 3. its base equals the popular base, or starts with the same letter, is within two
//!    letters in length, the popular base has at least 5 letters, and a keyboard-aware
//!    Damerau-Levenshtein distance is at most 1 (2 for bases of 10+ letters).
//!    Substituting a key for a neighbouring key (QWERTY), dropping, doubling or swapping
//!    letters cost 1; any other substitution costs 2, so `email` is not `gmail` and
//!    `wahoo` is not `yahoo`.
//!
//! Failing all that, a domain whose TLD is not real but is a known typo gets the fixed
//! TLD (`acme.con` -> `acme.com`).
use crate::lists::{data_body, SortedPairs, FREE, POPULAR, TLDS};
use alloc::string::{String, ToString};

/// Raw text of the TLD typo table (provenance in its header).
pub const TLD_TYPOS_TEXT: &str = include_str!("../../data/tld_typos.txt");
static TLD_TYPOS: SortedPairs = SortedPairs::new(data_body!("tld_typos.txt"));

/// The corrected suffix for a mistyped one, from the bundled TLD typo table.
pub fn fix_tld(suffix: &str) -> Option<&'static str> {
    TLD_TYPOS.get(suffix)
}

/// Popular domains split into (domain, first label, rest): a few dozen, split as read.
fn popular_split() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    POPULAR
        .iter()
        .filter_map(|p| p.split_once('.').map(|(b, s)| (p, b, s)))
}

/// QWERTY position of a key (row, x with row stagger), for adjacency.
fn key_pos(c: u8) -> Option<(i32, i32)> {
    const ROWS: [(&[u8], i32); 4] = [
        (b"1234567890-", 0),
        (b"qwertyuiop", 2),
        (b"asdfghjkl", 3),
        (b"zxcvbnm", 5),
    ];
    for (row, (keys, offset)) in ROWS.iter().enumerate() {
        if let Some(col) = keys.iter().position(|&k| k == c) {
            return Some((row as i32, col as i32 * 4 + offset));
        }
    }
    None
}

/// True when two keys are neighbours on a QWERTY keyboard, or look alike (0/o, 1/l).
pub fn adjacent(a: u8, b: u8) -> bool {
    if matches!(
        (a, b),
        (b'0', b'o') | (b'o', b'0') | (b'1', b'l') | (b'l', b'1')
    ) {
        return true;
    }
    match (key_pos(a), key_pos(b)) {
        (Some((ra, xa)), Some((rb, xb))) => {
            (ra == rb && (xa - xb).abs() == 4) || ((ra - rb).abs() == 1 && (xa - xb).abs() <= 4)
        }
        _ => false,
    }
}

/// Keyboard-aware optimal-string-alignment distance between two short ASCII strings.
pub fn keyboard_distance(a: &[u8], b: &[u8]) -> usize {
    const MAX: usize = 32;
    if a.len() > MAX || b.len() > MAX {
        return usize::MAX;
    }
    let mut d = [[0usize; MAX + 1]; MAX + 1];
    for (i, row) in d.iter_mut().enumerate().take(a.len() + 1) {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let sub = if a[i - 1] == b[j - 1] {
                0
            } else if adjacent(a[i - 1], b[j - 1]) {
                1
            } else {
                2
            };
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + sub);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// A suggested domain for a mistyped one (lower-case ASCII in), or `None`.
pub fn suggest_domain(domain: &str) -> Option<String> {
    if !domain.is_ascii() || domain.len() > 64 || POPULAR.contains(domain) || FREE.contains(domain)
    {
        return None;
    }
    let Some((base, suffix)) = domain.split_once('.') else {
        // "jane@gmail": the popular domain with that first label (the .com one
        // when there are several).
        let hits = || popular_split().filter(|(_, pb, _)| *pb == domain);
        return hits()
            .find(|(_, _, ps)| *ps == "com")
            .or_else(|| hits().next())
            .map(|(popular, _, _)| popular.to_string());
    };
    let last = suffix.rsplit('.').next().unwrap_or(suffix);
    let suffix_real = TLDS.contains(last);
    let fixed = fix_tld(suffix);
    let mut best: Option<(usize, &str)> = None;
    for (popular, pb, ps) in popular_split() {
        let suffix_ok = ps == suffix
            || fixed == Some(ps)
            || (!suffix_real && keyboard_distance(suffix.as_bytes(), ps.as_bytes()) <= 1);
        if !suffix_ok {
            continue;
        }
        let cost = if base == pb {
            0
        } else if pb.len() >= 5
            && base.as_bytes().first() == pb.as_bytes().first()
            && base.len().abs_diff(pb.len()) <= 2
        {
            let limit = if pb.len() >= 10 { 2 } else { 1 };
            let d = keyboard_distance(base.as_bytes(), pb.as_bytes());
            if d > limit {
                continue;
            }
            d
        } else {
            continue;
        };
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, popular));
        }
    }
    if let Some((_, popular)) = best {
        return Some(popular.to_string());
    }
    match fixed {
        Some(fixed) if !suffix_real => Some([base, ".", fixed].concat()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_for_common_typos() {
        let cases = [
            ("gmial.com", "gmail.com"),
            ("gamil.com", "gmail.com"),
            ("gmal.com", "gmail.com"),
            ("gmaill.com", "gmail.com"),
            ("gnail.com", "gmail.com"),
            ("gmail.con", "gmail.com"),
            ("gmail.co", "gmail.com"),
            ("gmail.cmo", "gmail.com"),
            ("gmail.comm", "gmail.com"),
            ("gmial.con", "gmail.com"),
            ("yahoo.con", "yahoo.com"),
            ("yaho.com", "yahoo.com"),
            ("yahooo.com", "yahoo.com"),
            ("hotmial.com", "hotmail.com"),
            ("hotmai.com", "hotmail.com"),
            ("hitmail.com", "hotmail.com"),
            ("hotmial.co.uk", "hotmail.co.uk"),
            ("outlok.com", "outlook.com"),
            ("outllok.com", "outlook.com"),
            ("iclod.com", "icloud.com"),
            ("icloud.cm", "icloud.com"),
            ("comcast.nte", "comcast.net"),
            ("verison.net", "verizon.net"),
            ("googlemial.com", "googlemail.com"),
            ("protonmial.com", "protonmail.com"),
            ("aol.con", "aol.com"),
            ("gmail", "gmail.com"),
            ("outlook", "outlook.com"),
            ("yahoo", "yahoo.com"),
            ("hotmail", "hotmail.com"),
            ("acme-widgets.con", "acme-widgets.com"),
        ];
        for (typed, want) in cases {
            assert_eq!(suggest_domain(typed).as_deref(), Some(want), "{typed}");
        }
    }

    /// Real domains that sit near popular ones must never be "corrected".
    #[test]
    fn leaves_legitimate_uncommon_domains_alone() {
        let real = [
            "gmail.com",
            "email.com",
            "mail.com",
            "ymail.com",
            "wahoo.com",
            "cloud.com",
            "gm.com",
            "ge.com",
            "gmx.com",
            "gmx.at",
            "gmx.net",
            "gmac.com",
            "gmbh.com",
            "yahoo.de",
            "yahoo.co.jp",
            "yahoo.com.au",
            "yahoo.com.ar",
            "yahoo.net",
            "hotmail.de",
            "hotmail.es",
            "hotmart.com",
            "hotels.com",
            "hotwire.com",
            "outlook.de",
            "outlook.es",
            "outbrain.com",
            "outreach.io",
            "live.ca",
            "live.de",
            "lime.com",
            "aol.de",
            "aon.com",
            "aol.co.uk",
            "icloud.com",
            "comcast.com",
            "comcast.net",
            "verizon.com",
            "verizonwireless.com",
            "att.com",
            "me.org",
            "mac.org",
            "qq.cn",
            "web.com",
            "webs.com",
            "yale.edu",
            "yandex.com",
            "yandex.com.tr",
            "mail.ru",
            "inbox.ru",
            "bk.ru",
            "gmai.co.za",
            "geemail.org",
            "gamail.io",
            "gemalto.com",
            "gmaven.com",
            "acme.com",
            "acme.co",
            "stripe.com",
            "github.com",
            "gitlab.com",
            "amazon.com",
            "apple.com",
            "google.com",
            "microsoft.com",
            "ibm.com",
            "oracle.com",
            "salesforce.com",
            "hubspot.com",
            "mailchimp.com",
            "mailbox.org",
            "posteo.de",
            "tutanota.de",
            "zoho.eu",
            "zohocorp.com",
            "fastmail.com",
            "hey.com",
            "earthlink.net",
            "earthling.net",
            "optonline.net",
            "optimum.net",
            "bellsouth.net",
            "bellsouth.com",
            "sbcglobal.net",
            "charter.com",
            "cox.com",
            "coxmail.com",
            "msn.com",
            "msu.edu",
            "mit.edu",
            "harvard.edu",
            "example.co",
            "company.co",
            "startup.io",
            "agency.om",
            "shop.cm",
            "yahoo-inc.com",
            "yahoofinance.com",
            "gmailify.com",
            "hotmailer.org",
            "protonvpn.com",
            "proton.ch",
            "icloudsupport.net",
            "outlook.office.com",
            "mx.google.com",
            "protonmail.ch",
            "me.com",
            "mac.com",
        ];
        for domain in real {
            assert_eq!(suggest_domain(domain), None, "{domain} was corrected");
        }
    }

    #[test]
    fn keyboard_distance_weights_neighbours() {
        assert_eq!(keyboard_distance(b"gmial", b"gmail"), 1);
        assert_eq!(keyboard_distance(b"gnail", b"gmail"), 1);
        assert_eq!(keyboard_distance(b"email", b"gmail"), 2);
        assert_eq!(keyboard_distance(b"", b"abc"), 3);
        assert!(adjacent(b'q', b'w') && adjacent(b'a', b'q') && adjacent(b'z', b'a'));
        assert!(!adjacent(b'q', b'p') && !adjacent(b'e', b'g'));
        assert_eq!(keyboard_distance(&[b'a'; 40], b"a"), usize::MAX);
    }
}
