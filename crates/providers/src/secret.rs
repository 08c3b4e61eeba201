//! [`Secret`]: an API key or password that never shows up in Debug output, logs or errors.

use serde::{Deserialize, Deserializer};
use std::fmt;

/// A credential. `Debug` and `Display` print `Secret(***)`; only [`Secret::expose`] gives
/// the value, and only request builders call it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value, for putting on the wire. Never log what this returns.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when no credential was configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<'de> Deserialize<'de> for Secret {
    // Accepts a string or a number (some keys are all digits and get written unquoted),
    // and never echoes the value in the error: serde's own message would.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(Secret(s)),
            serde_json::Value::Number(n) => Ok(Secret(n.to_string())),
            _ => Err(serde::de::Error::custom("expected a string credential")),
        }
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("sk_live_very_secret");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert!(!format!("{:?}", Some(&s)).contains("very_secret"));
        assert_eq!(s.expose(), "sk_live_very_secret");
    }

    #[test]
    fn deserialises_from_a_plain_string() {
        let s: Secret = serde_json::from_str("\"abc\"").expect("parses");
        assert_eq!(s.expose(), "abc");
        let n: Secret = serde_json::from_str("123456").expect("parses");
        assert_eq!(n.expose(), "123456");
        let e = serde_json::from_str::<Secret>("[\"hidden\"]").unwrap_err();
        assert!(!e.to_string().contains("hidden"));
    }
}
