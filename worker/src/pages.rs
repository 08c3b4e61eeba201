//! Small server-rendered HTML pages: the no-JS form result and the booking-gate errors.
//! Every interpolated value is escaped.
use crate::lane::Reply;
use leadgate_checks::Lane;

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}}\
a.button{{display:inline-block;padding:.6rem 1rem;background:#0b5fff;color:#fff;border-radius:.4rem;text-decoration:none}}</style>\
</head><body><main>{body}</main></body></html>\n",
        title = escape(title)
    )
}

/// The page a form posted without JavaScript gets.
pub fn form_result(reply: &Reply) -> String {
    let (title, intro) = match reply.lane {
        Lane::FastTrack => ("Thank you!", "Thanks, your details look great."),
        Lane::Review => (
            "Thank you!",
            "Thanks, we have your details and will be in touch.",
        ),
        Lane::Block => (
            "Please check your details",
            "We could not accept the form yet:",
        ),
    };
    let mut body = format!("<h1>{}</h1><p>{}</p>", escape(title), escape(intro));
    if reply.lane == Lane::Block && !reply.reasons.is_empty() {
        body.push_str("<ul>");
        for r in &reply.reasons {
            body.push_str(&format!("<li>{}</li>", escape(r.message)));
        }
        body.push_str("</ul><p>Please go back, correct the form and send it again.</p>");
    }
    if let Some(url) = &reply.booking_url {
        body.push_str(&format!(
            "<p><a class=\"button\" href=\"{}\">Book your meeting</a></p>",
            escape(url)
        ));
    }
    page(title, &body)
}

/// Why a booking link did not work, in words for the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingProblem {
    Expired,
    Invalid,
    AlreadyUsed,
    NoCalendar,
}

/// The friendly page for a booking link that cannot be used.
pub fn booking_problem(problem: BookingProblem) -> (u16, String) {
    let (status, title, text) = match problem {
        BookingProblem::Expired => (
            410,
            "This booking link has expired",
            "Booking links work for a limited time. Please fill in the form again to get a new one.",
        ),
        BookingProblem::Invalid => (
            400,
            "This booking link is not valid",
            "The link may have been copied incompletely. Please use the link from your confirmation.",
        ),
        BookingProblem::AlreadyUsed => (
            409,
            "This booking link was already used",
            "Each booking link works once. If you have not booked yet, please fill in the form again.",
        ),
        BookingProblem::NoCalendar => (
            503,
            "Booking is not available right now",
            "We will contact you to find a time. Thank you for your patience.",
        ),
    };
    (
        status,
        page(
            title,
            &format!("<h1>{}</h1><p>{}</p>", escape(title), escape(text)),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Mode;
    use crate::lane::{decide, Reply};
    use leadgate_checks::{ReasonCode, Verdict};

    #[test]
    fn escapes_everything_interpolated() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let v = Verdict {
            lane: Lane::FastTrack,
            reasons: vec![],
            score: 90,
        };
        let d = decide(
            &v,
            None,
            false,
            Mode::Block,
            &leadgate_checks::Policy::default(),
        );
        let html = form_result(&Reply::new(
            "id".into(),
            &d,
            Some("https://e.test/v1/book/a\"b".into()),
        ));
        assert!(html.contains("href=\"https://e.test/v1/book/a&quot;b\""));
    }

    #[test]
    fn blocked_page_lists_messages_and_problem_pages_have_statuses() {
        let v = Verdict {
            lane: Lane::Block,
            reasons: vec![ReasonCode::SYN01],
            score: 0,
        };
        let html = form_result(&Reply::new(
            "id".into(),
            &decide(
                &v,
                None,
                false,
                Mode::Block,
                &leadgate_checks::Policy::default(),
            ),
            None,
        ));
        assert!(html.contains("Please enter a valid email address."));
        assert_eq!(booking_problem(BookingProblem::Expired).0, 410);
        assert_eq!(booking_problem(BookingProblem::AlreadyUsed).0, 409);
        assert!(booking_problem(BookingProblem::Invalid)
            .1
            .contains("not valid"));
    }
}
