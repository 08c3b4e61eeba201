//! Postback URL templates: `{lead_id}`, `{status}`, `{reason}`, `{reasons}`, `{score}`,
//! `{sub1}`, `{campaign}`; values are percent-encoded.
use crate::store::LeadRow;

fn encode(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// Expands a template for a finished lead.
pub fn expand(template: &str, lead: &LeadRow) -> String {
    let reasons = lead.reasons.clone().unwrap_or_default();
    let pairs = [
        ("{lead_id}", lead.id.clone()),
        (
            "{status}",
            lead.validation_status.clone().unwrap_or_default(),
        ),
        (
            "{reason}",
            lead.primary_reason_code.clone().unwrap_or_default(),
        ),
        ("{reasons}", reasons),
        (
            "{score}",
            lead.validation_score
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
        ("{sub1}", lead.sub1.clone().unwrap_or_default()),
        ("{campaign}", lead.campaign_id.clone()),
    ];
    let mut out = template.to_string();
    for (k, v) in pairs {
        out = out.replace(k, &encode(&v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_and_encodes_macros() {
        let lead = LeadRow {
            id: "L1".into(),
            source: "partner".into(),
            partner_id: Some("p".into()),
            campaign_id: "c1".into(),
            sub1: Some("a b&c".into()),
            received_at: 0,
            state: "done".into(),
            validation_status: Some("rejected".into()),
            validation_score: Some(12),
            primary_reason_code: Some("FRD01".into()),
            secondary_reason_code: None,
            reasons: Some("FRD01,ENR03".into()),
            provider: None,
            cost_usd: None,
            latency_ms: None,
            rule_version: None,
            duplicate_of: None,
            completed_at: None,
            lead_json: None,
            edge_json: None,
        };
        let url = expand(
            "http://h/pb?id={lead_id}&s={status}&r={reason}&sub={sub1}&all={reasons}&score={score}",
            &lead,
        );
        assert_eq!(
            url,
            "http://h/pb?id=L1&s=rejected&r=FRD01&sub=a+b%26c&all=FRD01%2CENR03&score=12"
        );
    }
}
