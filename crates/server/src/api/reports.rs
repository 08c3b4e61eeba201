//! `GET /v1/reports/reconciliation.csv?week_start=YYYY-MM-DD`: one partner's leads
//! for a week (Monday 00:00 UTC + 7 days; default: the last complete week).
use super::{auth, now_ms, AppError};
use crate::state::SharedState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use serde::Deserialize;

const DAY_MS: i64 = 86_400_000;

/// Query parameters.
#[derive(Debug, Deserialize)]
pub struct WeekQuery {
    /// Monday of the week, `YYYY-MM-DD`.
    pub week_start: Option<String>,
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

/// The `[from, to)` window in ms for `week_start`, or the last complete week before `now_ms`.
pub fn week_window(week_start: Option<&str>, now: i64) -> Result<(i64, i64), AppError> {
    let start_day = match week_start {
        Some(s) => parse_date(s)
            .ok_or_else(|| AppError::BadRequest("week_start must be YYYY-MM-DD".into()))?,
        None => {
            let today = now.div_euclid(DAY_MS);
            // 1970-01-01 was a Thursday: weekday 0 = Monday.
            let weekday = (today + 3).rem_euclid(7);
            today - weekday - 7
        }
    };
    Ok((start_day * DAY_MS, (start_day + 7) * DAY_MS))
}

fn csv_field(s: &str) -> String {
    // Neutralise spreadsheet formulas and quote when needed.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The handler.
pub async fn reconciliation(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<WeekQuery>,
) -> Result<impl IntoResponse, AppError> {
    let partner = auth::partner(&state, &headers)?;
    let (from, to) = week_window(q.week_start.as_deref(), now_ms())?;
    let rows = state.db.partner_leads(&partner.id, from, to).await?;
    let mut out = String::from("lead_id,received_at_ms,campaign,sub1,state,status,score,primary_reason,secondary_reason,cost_usd,rule_version\n");
    for r in rows {
        let fields = [
            r.id,
            r.received_at.to_string(),
            r.campaign_id,
            r.sub1.unwrap_or_default(),
            r.state,
            r.validation_status.unwrap_or_default(),
            r.validation_score
                .map(|s| s.to_string())
                .unwrap_or_default(),
            r.primary_reason_code.unwrap_or_default(),
            r.secondary_reason_code.unwrap_or_default(),
            r.cost_usd.map(|c| format!("{c:.4}")).unwrap_or_default(),
            r.rule_version.unwrap_or_default(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_and_default_week() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 11, 16), 20_773);
        // Sunday 2026-11-22 12:00 UTC -> the week starting Monday 2026-11-09.
        let now = days_from_civil(2026, 11, 22) * DAY_MS + 12 * 3_600_000;
        let (from, to) = week_window(None, now).unwrap();
        assert_eq!(from, days_from_civil(2026, 11, 9) * DAY_MS);
        assert_eq!(to - from, 7 * DAY_MS);
        assert!(week_window(Some("2026-13-01"), now).is_err());
    }

    #[test]
    fn csv_fields_are_quoted_and_formula_safe() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("plain"), "plain");
    }
}
