//! Rules and conditions over [`Signals`]: `fraud_score > 85 -> reject`, `is_voip -> review`.
//!
//! A condition is one or more comparisons joined by `and`: `signal`, `!signal`,
//! `signal OP number` with OP one of `> >= < <= == !=`. A rule is `condition -> action`
//! with an optional reason code: `fraud_score > 85 -> reject FRD01`.
use crate::provider::Signals;
use leadgate_checks::ReasonCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// What a rule does when its condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Accept (no effect on the lane: the absence of problems is acceptance).
    Accept,
    /// Send to review.
    Review,
    /// Reject.
    Reject,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Eq => (a - b).abs() < f64::EPSILON,
            Op::Ne => (a - b).abs() >= f64::EPSILON,
        }
    }
}

/// One comparison on a named signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The signal name (see [`Signals::get`]).
    pub signal: String,
    /// The operator.
    pub op: Op,
    /// The constant.
    pub value: f64,
}

/// A conjunction of comparisons. A comparison on a signal nobody reported is false.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition(pub Vec<Comparison>);

/// Why a condition or rule did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad rule {text:?}: {why}")]
pub struct RuleParseError {
    text: String,
    why: &'static str,
}

impl Condition {
    /// Whether the condition holds for these signals.
    pub fn holds(&self, signals: &Signals) -> bool {
        self.0.iter().all(|c| {
            signals
                .get(&c.signal)
                .is_some_and(|v| c.op.holds(v, c.value))
        })
    }
}

fn parse_comparison(text: &str) -> Result<Comparison, &'static str> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('!').or_else(|| t.strip_prefix("not ")) {
        let name = rest.trim();
        return valid_name(name).map(|_| Comparison {
            signal: name.into(),
            op: Op::Eq,
            value: 0.0,
        });
    }
    for (sym, op) in [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        (">", Op::Gt),
        ("<", Op::Lt),
    ] {
        if let Some((l, r)) = t.split_once(sym) {
            let name = l.trim();
            valid_name(name)?;
            let value = match r.trim() {
                "true" => 1.0,
                "false" => 0.0,
                n => n
                    .parse::<f64>()
                    .map_err(|_| "expected a number after the operator")?,
            };
            return Ok(Comparison {
                signal: name.into(),
                op,
                value,
            });
        }
    }
    valid_name(t).map(|_| Comparison {
        signal: t.into(),
        op: Op::Eq,
        value: 1.0,
    })
}

fn valid_name(name: &str) -> Result<(), &'static str> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err("expected a signal name")
    }
}

impl FromStr for Condition {
    type Err = RuleParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |why| RuleParseError {
            text: text.into(),
            why,
        };
        let parts: Vec<Comparison> = text
            .split(" and ")
            .flat_map(|p| p.split("&&"))
            .map(parse_comparison)
            .collect::<Result<_, _>>()
            .map_err(err)?;
        Ok(Condition(parts))
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" and ")?;
            }
            write!(f, "{} {} {}", c.signal, c.op.symbol(), c.value)?;
        }
        Ok(())
    }
}

/// `condition -> action [REASON]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// When the rule fires.
    pub when: Condition,
    /// What it does.
    pub action: RuleAction,
    /// The reason it records (defaults per action: none for accept).
    pub reason: Option<ReasonCode>,
    /// The source text, for audit ("which rule fired").
    pub text: String,
}

impl FromStr for Rule {
    type Err = RuleParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |why| RuleParseError {
            text: text.into(),
            why,
        };
        let (cond, rhs) = text
            .split_once("->")
            .ok_or(err("expected `condition -> action`"))?;
        let mut words = rhs.split_whitespace();
        let action = match words.next() {
            Some("reject") => RuleAction::Reject,
            Some("review") => RuleAction::Review,
            Some("accept") => RuleAction::Accept,
            _ => return Err(err("action must be reject, review or accept")),
        };
        let reason = match words.next() {
            Some(code) => Some(ReasonCode::from_code(code).ok_or(err("unknown reason code"))?),
            None => None,
        };
        Ok(Rule {
            when: cond.parse()?,
            action,
            reason,
            text: text.trim().into(),
        })
    }
}

macro_rules! serde_via_str {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
serde_via_str!(Condition);
serde_via_str!(Rule);

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(fraud: f64, voip: bool) -> Signals {
        Signals {
            fraud_score: Some(fraud),
            is_voip: Some(voip),
            ..Default::default()
        }
    }

    #[test]
    fn parses_threshold_rule_with_reason() {
        let r: Rule = "fraud_score > 85 -> reject FRD01".parse().unwrap();
        assert_eq!(r.action, RuleAction::Reject);
        assert_eq!(r.reason, Some(ReasonCode::FRD01));
        assert!(r.when.holds(&sig(90.0, false)));
        assert!(!r.when.holds(&sig(85.0, false)));
    }

    #[test]
    fn bare_and_negated_booleans() {
        let voip: Condition = "is_voip".parse().unwrap();
        let not_voip: Condition = "!is_voip".parse().unwrap();
        assert!(voip.holds(&sig(0.0, true)));
        assert!(!voip.holds(&sig(0.0, false)));
        assert!(not_voip.holds(&sig(0.0, false)));
        assert!(!voip.holds(&Signals::default()), "unknown signal is false");
    }

    #[test]
    fn conjunctions_and_errors() {
        let c: Condition = "fraud_score >= 50 and is_voip".parse().unwrap();
        assert!(c.holds(&sig(50.0, true)));
        assert!(!c.holds(&sig(50.0, false)));
        assert!("fraud_score > x -> reject".parse::<Rule>().is_err());
        assert!("fraud_score > 1 -> explode".parse::<Rule>().is_err());
        assert!("fraud_score > 1 -> reject XXX99".parse::<Rule>().is_err());
        assert!("fraud_score > 1".parse::<Rule>().is_err());
    }
}
