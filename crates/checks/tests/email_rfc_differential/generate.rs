//! Seeded generator of email-like strings for the differential test: mostly near-valid
//! addresses, built to hit every edge the RFC 5322 rules and our own checks draw.

/// xorshift64* (Vigna 2016): deterministic, no RNG crate needed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-enough in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `pct` times in a hundred.
    fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    fn pick_char(&mut self, s: &str) -> char {
        let n = self.below(s.chars().count());
        s.chars().nth(n).unwrap()
    }
}

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LDH: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-";
/// RFC 5322 atext symbols.
const ATEXT_SYMBOLS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";
/// Printable ASCII outside atext, and white space and controls.
const NOT_ATEXT: &str = "()<>[]:;@\\,\". \t\n\r\0\x7f";
/// Letters, digits and others beyond ASCII: Latin, Cyrillic and Greek (look-alikes
/// and mixed-script labels), Hangul inside and outside `email_address`'s code-point
/// quirk (U+C5B4 in, U+AC00 out, unassigned U+D7A4 in, U+D7FC out; U+1D180 out
/// although its low bytes match), Unicode digits and numerals, combining marks,
/// symbols, white space and invisibles.
const UNICODE: &str = "éößüİKﬁаеорсЖαον가어\u{d7a4}\u{d7fc}\u{c280}\u{1d180}٣Ⅻ²\u{301}😀€\
    \u{a0}\u{3000}\u{200b}\u{202e}\u{fffd}。．ａ";
/// Top-level domains: in the IANA list, not in it, numeric, mixed, odd case,
/// internationalised.
const TLDS: &[&str] = &[
    "com",
    "com",
    "com",
    "io",
    "de",
    "uk",
    "co",
    "museum",
    "travel",
    "xyz",
    "ru",
    "com",
    "con",
    "c",
    "cm",
    "123",
    "1com",
    "com1",
    "COM",
    "Com",
    "рф",
    "xn--p1ai",
    "xn--zz",
    "онлайн",
    "中国",
    "a-b",
    "-com",
    "com-",
    "c_m",
    "localhost",
    "",
];
/// Whole domains worth trying as they are.
const DOMAINS: &[&str] = &[
    "example.com",
    "gmail.com",
    "sub.example.co.uk",
    "1.2.3.4",
    "[127.0.0.1]",
    "[IPv6:2001:db8::1]",
    "[]",
    "[example.com]",
    "[a",
    "a]",
    "localhost",
    "example.com.",
    "example.com..",
    ".example.com",
    "xn--mnchen-3ya.de",
    "xn--80ak6aa92e.com",
    "münchen.de",
    "пример.рф",
    "gmаil.com",
    "аррӏе.com",
    "EXAMPLE.COM",
    "",
];

/// Pushes `lo..=hi` characters from `set`.
fn push_from(rng: &mut Rng, out: &mut String, set: &[u8], lo: usize, hi: usize) {
    for _ in 0..lo + rng.below(hi - lo + 1) {
        out.push(rng.pick(set) as char);
    }
}

fn atext_char(rng: &mut Rng) -> char {
    if rng.chance(70) {
        rng.pick(ALNUM) as char
    } else {
        rng.pick(ATEXT_SYMBOLS) as char
    }
}

/// A length that is often on or next to a limit.
fn edge_len(rng: &mut Rng, limit: usize) -> usize {
    match rng.below(4) {
        0 => limit - 1 + rng.below(3),
        1 => 1 + rng.below(limit + 4),
        _ => 1 + rng.below(10),
    }
}

fn local_part(rng: &mut Rng) -> String {
    let mut s = String::new();
    match rng.below(12) {
        0..=2 => push_from(rng, &mut s, ALNUM, 1, 12),
        3..=4 => {
            // dot-atom of atext
            for i in 0..1 + rng.below(4) {
                if i > 0 {
                    s.push('.');
                }
                for _ in 0..1 + rng.below(6) {
                    s.push(atext_char(rng));
                }
            }
        }
        5 => {
            // near the 64-byte limit, maybe with dots
            for i in 0..edge_len(rng, 64) {
                s.push(if i > 0 && rng.chance(5) {
                    '.'
                } else {
                    atext_char(rng)
                });
            }
        }
        6 => {
            // dots at the ends or doubled
            push_from(rng, &mut s, ALNUM, 1, 5);
            match rng.below(3) {
                0 => s.insert(0, '.'),
                1 => s.push('.'),
                _ => s.insert(1, '.'),
            }
            if rng.chance(50) {
                s.insert(1, '.');
            }
        }
        7 => {
            // quoted string: qtext, quoted pairs, white space, quotes, specials
            s.push('"');
            for _ in 0..rng.below(10) {
                match rng.below(6) {
                    0 => {
                        s.push('\\');
                        if rng.chance(90) {
                            s.push(if rng.chance(80) {
                                atext_char(rng)
                            } else {
                                rng.pick_char(NOT_ATEXT)
                            });
                        }
                    }
                    1 => s.push(rng.pick_char(NOT_ATEXT)),
                    2 => s.push(rng.pick_char(UNICODE)),
                    _ => s.push(atext_char(rng)),
                }
            }
            if rng.chance(90) {
                s.push('"');
            }
        }
        8 => {
            // atext with one character from outside it
            push_from(rng, &mut s, ALNUM, 1, 6);
            let c = rng.pick_char(NOT_ATEXT);
            s.insert(rng.below(s.len() + 1), c);
        }
        9 => {
            // non-ASCII letters and others
            for _ in 0..1 + rng.below(6) {
                if rng.chance(50) {
                    s.push(rng.pick_char(UNICODE));
                } else {
                    s.push(atext_char(rng));
                }
            }
        }
        10 => {}
        _ => {
            s.push('<');
            push_from(rng, &mut s, ALNUM, 1, 5);
        }
    }
    s
}

fn label(rng: &mut Rng) -> String {
    let mut s = String::new();
    match rng.below(10) {
        0..=4 => push_from(rng, &mut s, ALNUM, 1, 10),
        5 => {
            // near the 63-byte limit, sometimes counting a multi-byte character
            let n = edge_len(rng, 63);
            push_from(rng, &mut s, LDH, n, n);
            if rng.chance(30) {
                s.pop();
                let at = rng.below(s.len() + 1);
                s.insert(at, rng.pick_char(UNICODE));
            }
        }
        6 => {
            push_from(rng, &mut s, ALNUM, 1, 6);
            let c = rng.pick(&['-', '-', '_', '.', '@', ' ', '+', '!']);
            match rng.below(3) {
                0 => s.insert(0, c),
                1 => s.push(c),
                _ => s.insert(1, c),
            }
        }
        7 => {
            for _ in 0..1 + rng.below(6) {
                if rng.chance(40) {
                    s.push(rng.pick_char(UNICODE));
                } else {
                    s.push(rng.pick(ALNUM) as char);
                }
            }
        }
        8 => {
            s.push_str("xn--");
            push_from(rng, &mut s, LDH, 0, 9);
        }
        _ => {}
    }
    s
}

/// A domain of exactly `len` bytes (of ASCII letters) ending in `.com`: labels of 63.
fn domain_of_len(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    let mut head = len.saturating_sub(4).max(1);
    while head > 64 {
        push_from(rng, &mut s, &ALNUM[..26], 63, 63);
        s.push('.');
        head -= 64;
    }
    push_from(rng, &mut s, &ALNUM[..26], head, head);
    s.push_str(".com");
    s
}

fn domain(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => rng.pick(DOMAINS).to_string(),
        1 => {
            let len = 250 + rng.below(7);
            domain_of_len(rng, len)
        }
        _ => {
            let mut s = String::new();
            for _ in 0..rng.below(4) {
                s.push_str(&label(rng));
                s.push('.');
            }
            if rng.chance(90) {
                push_from(rng, &mut s, &ALNUM[..26], 1, 10);
                s.push('.');
            }
            s.push_str(rng.pick(TLDS));
            if rng.chance(5) {
                s.push('.');
            }
            s
        }
    }
}

/// An address whose total length is 252..=256 bytes: at and around the 254 cap.
fn long_address(rng: &mut Rng) -> String {
    let domain_len = 180 + rng.below(74);
    let total = 252 + rng.below(5);
    let mut s = String::new();
    let local_len = total.saturating_sub(domain_len + 1).max(1);
    push_from(rng, &mut s, ALNUM, local_len, local_len);
    s.push('@');
    s.push_str(&domain_of_len(rng, domain_len));
    s
}

/// Mutations: delete, insert or double a character, or flip the case of the input.
fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => chars.insert(at, rng.pick_char(NOT_ATEXT)),
            2 => chars.insert(at, rng.pick_char(UNICODE)),
            3 if at < chars.len() => chars.insert(at, chars[at]),
            _ => chars.insert(at, atext_char(rng)),
        }
    }
    let s: String = chars.into_iter().collect();
    if rng.chance(10) {
        // Any upper-casing makes a test input; std's is the plainest.
        #[allow(clippy::disallowed_methods)]
        s.to_uppercase()
    } else {
        s
    }
}

/// One generated input; `seeds` are mutated now and then.
pub fn input(rng: &mut Rng, seeds: &[&str]) -> String {
    let addr = [local_part(rng), "@".into(), domain(rng)].concat();
    let s = match rng.below(40) {
        0..=23 => addr,
        24..=27 => long_address(rng),
        28 => local_part(rng),
        29 => [local_part(rng), "@".into(), addr].concat(),
        30 => ["@".into(), domain(rng)].concat(),
        31 => ["Jane Doe <", &addr, ">"].concat(),
        32 => [" <", &addr, ">"].concat(),
        33 => {
            let open = rng.pick(&["<", "Jane\t<", "\t <", " \t<", "Jane Doe<", " < ", "J <<"]);
            let close = rng.pick(&[">", "> ", ">\t", ">>", ""]);
            [open, &addr, close].concat()
        }
        34 => [&addr, " <"].concat(),
        35 => [" ", &addr, " "].concat(),
        36 => ["mailto:", &addr].concat(),
        _ => {
            let seed = rng.pick(seeds);
            mutate(rng, seed)
        }
    };
    if rng.chance(10) {
        mutate(rng, &s)
    } else {
        s
    }
}
