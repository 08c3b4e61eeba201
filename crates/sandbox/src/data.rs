//! The sandbox's deterministic answers: which inputs mean what. The same table is
//! published in `docs/sandbox.md`; change both together.

/// What the sandbox says about a phone number. Numbers whose last seven digits are
/// `201-00NN` (any area code) pick profile `NN`; every other number is [`PhoneProfile::Clean`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneProfile {
    /// 00 (and any other number): valid, active mobile, grade A, nothing on file.
    Clean,
    /// 01: known TCPA litigator.
    Litigator,
    /// 02: on the national DNC registry.
    NationalDnc,
    /// 03: on a state DNC list (TX).
    StateDnc,
    /// 04: non-fixed VoIP.
    Voip,
    /// 05: prepaid mobile.
    Prepaid,
    /// 06: disconnected (activity score 10, inactive).
    Disconnected,
    /// 07: high fraud score (95, recent abuse).
    HighFraud,
    /// 08: elevated fraud score (80).
    ElevatedFraud,
    /// 09: landline.
    Landline,
    /// 10: invalid number.
    Invalid,
    /// 11: low contact grade (F), name does not match the owner.
    LowGrade,
}

impl PhoneProfile {
    /// Classifies a phone in any format.
    pub fn of(phone: &str) -> PhoneProfile {
        let digits: String = phone.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() < 7 {
            return PhoneProfile::Invalid;
        }
        let last7 = &digits[digits.len() - 7..];
        if !last7.starts_with("20100") {
            return PhoneProfile::Clean;
        }
        match &last7[5..] {
            "01" => PhoneProfile::Litigator,
            "02" => PhoneProfile::NationalDnc,
            "03" => PhoneProfile::StateDnc,
            "04" => PhoneProfile::Voip,
            "05" => PhoneProfile::Prepaid,
            "06" => PhoneProfile::Disconnected,
            "07" => PhoneProfile::HighFraud,
            "08" => PhoneProfile::ElevatedFraud,
            "09" => PhoneProfile::Landline,
            "10" => PhoneProfile::Invalid,
            "11" => PhoneProfile::LowGrade,
            _ => PhoneProfile::Clean,
        }
    }

    /// Trestle-style line type label.
    pub fn trestle_line_type(self) -> &'static str {
        match self {
            PhoneProfile::Voip => "NonFixedVOIP",
            PhoneProfile::Landline => "Landline",
            _ => "Mobile",
        }
    }

    /// Activity score 0–100.
    pub fn activity_score(self) -> u8 {
        match self {
            PhoneProfile::Disconnected => 10,
            PhoneProfile::Invalid => 0,
            PhoneProfile::LowGrade => 50,
            _ => 90,
        }
    }

    /// Fraud score 0–100.
    pub fn fraud_score(self) -> u8 {
        match self {
            PhoneProfile::HighFraud => 95,
            PhoneProfile::ElevatedFraud => 80,
            PhoneProfile::Voip => 40,
            _ => 0,
        }
    }

    /// Valid number.
    pub fn valid(self) -> bool {
        self != PhoneProfile::Invalid
    }
}

/// What the sandbox says about an email, keyed on the local part's prefix
/// (`disposable…@`, `undeliverable…@`, `fraud…@`, `risky…@`) or a disposable domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProfile {
    /// Valid and deliverable.
    Clean,
    /// Disposable.
    Disposable,
    /// Undeliverable.
    Undeliverable,
    /// Fraud score 95.
    HighFraud,
    /// Fraud score 80.
    ElevatedFraud,
}

impl EmailProfile {
    /// Classifies an email.
    pub fn of(email: &str) -> EmailProfile {
        let lower = email.trim().to_ascii_lowercase();
        let (local, domain) = lower.split_once('@').unwrap_or((lower.as_str(), ""));
        if local.starts_with("disposable")
            || matches!(
                domain,
                "mailinator.com" | "guerrillamail.com" | "10minutemail.com"
            )
        {
            EmailProfile::Disposable
        } else if local.starts_with("undeliverable") || domain.is_empty() {
            EmailProfile::Undeliverable
        } else if local.starts_with("fraud") {
            EmailProfile::HighFraud
        } else if local.starts_with("risky") {
            EmailProfile::ElevatedFraud
        } else {
            EmailProfile::Clean
        }
    }

    /// Fraud score.
    pub fn fraud_score(self) -> u8 {
        match self {
            EmailProfile::HighFraud => 95,
            EmailProfile::ElevatedFraud => 80,
            EmailProfile::Disposable => 75,
            _ => 0,
        }
    }
}

/// What the sandbox says about an IP, keyed on the last octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpProfile {
    /// Residential, clean.
    Clean,
    /// .66: public proxy.
    Proxy,
    /// .67: VPN.
    Vpn,
    /// .68: Tor exit.
    Tor,
    /// .69: bot.
    Bot,
    /// .70: fraud score 95.
    HighFraud,
}

impl IpProfile {
    /// Classifies an IP.
    pub fn of(ip: &str) -> IpProfile {
        match ip.trim().rsplit(['.', ':']).next().unwrap_or("") {
            "66" => IpProfile::Proxy,
            "67" => IpProfile::Vpn,
            "68" => IpProfile::Tor,
            "69" => IpProfile::Bot,
            "70" => IpProfile::HighFraud,
            _ => IpProfile::Clean,
        }
    }

    /// Fraud score.
    pub fn fraud_score(self) -> u8 {
        match self {
            IpProfile::Clean => 0,
            IpProfile::Proxy | IpProfile::Vpn => 78,
            IpProfile::Tor => 90,
            IpProfile::Bot | IpProfile::HighFraud => 95,
        }
    }
}

/// What the sandbox says about a TrustedForm certificate, keyed on the id's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertProfile {
    /// Matches whatever phone and email are sent.
    Matching,
    /// `mismatch…`: neither phone nor email matches.
    Mismatch,
    /// `phonemis…`: the email matches, the phone does not.
    PhoneMismatch,
    /// `expired…` / `notfound…`: 404, certificate expired or not found.
    NotFound,
    /// `botdetec…`: insights say a bot filled the form.
    Bot,
    /// `sandboxd…`: a sandboxed certificate (cannot be claimed).
    Sandboxed,
}

impl CertProfile {
    /// Classifies a certificate id.
    pub fn of(cert_id: &str) -> CertProfile {
        let id = cert_id.to_ascii_lowercase();
        if id.starts_with("mismatch") {
            CertProfile::Mismatch
        } else if id.starts_with("phonemis") {
            CertProfile::PhoneMismatch
        } else if id.starts_with("expired") || id.starts_with("notfound") {
            CertProfile::NotFound
        } else if id.starts_with("botdetec") {
            CertProfile::Bot
        } else if id.starts_with("sandboxd") {
            CertProfile::Sandboxed
        } else {
            CertProfile::Matching
        }
    }
}

/// Address quality, keyed on words in the street line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressProfile {
    /// Deliverable.
    Valid,
    /// Street contains `NOWHERE`: not found.
    Invalid,
    /// Street contains `PARTIAL` (or no house number): route-level only, missing unit.
    Partial,
}

impl AddressProfile {
    /// Classifies a street line.
    pub fn of(street: &str) -> AddressProfile {
        let s = street.to_ascii_uppercase();
        if s.contains("NOWHERE") || s.trim().is_empty() {
            AddressProfile::Invalid
        } else if s.contains("PARTIAL") || !s.trim_start().starts_with(|c: char| c.is_ascii_digit())
        {
            AddressProfile::Partial
        } else {
            AddressProfile::Valid
        }
    }
}

/// Keys that the sandbox treats as wrong (401-style answers) and out of credit.
pub const BAD_KEY: &str = "bad-key";
/// A key whose account is out of credit.
pub const NO_CREDIT_KEY: &str = "no-credit";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_profiles_by_suffix() {
        assert_eq!(PhoneProfile::of("+15122010001"), PhoneProfile::Litigator);
        assert_eq!(PhoneProfile::of("(206) 201-0004"), PhoneProfile::Voip);
        assert_eq!(PhoneProfile::of("+15122019999"), PhoneProfile::Clean);
        assert_eq!(PhoneProfile::of("12"), PhoneProfile::Invalid);
    }

    #[test]
    fn other_profiles() {
        assert_eq!(
            EmailProfile::of("disposable.jane@x.com"),
            EmailProfile::Disposable
        );
        assert_eq!(
            EmailProfile::of("jane@mailinator.com"),
            EmailProfile::Disposable
        );
        assert_eq!(IpProfile::of("198.51.100.66"), IpProfile::Proxy);
        assert_eq!(IpProfile::of("127.0.0.1"), IpProfile::Clean);
        assert_eq!(
            CertProfile::of("mismatch00000000000000000000000000000000"),
            CertProfile::Mismatch
        );
        assert_eq!(AddressProfile::of("1 Nowhere Rd"), AddressProfile::Invalid);
        assert_eq!(AddressProfile::of("Main St"), AddressProfile::Partial);
        assert_eq!(AddressProfile::of("3120 M St NW"), AddressProfile::Valid);
    }
}
