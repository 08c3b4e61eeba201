//! The sandbox over real HTTP: fault injection (per request and via the admin API), the
//! partner postback receiver, the calendar page, captcha replay rules, and the DNS stand-in.

use leadgate_sandbox::{spawn, SandboxHandle};
use serde_json::{json, Value};

async fn sandbox() -> SandboxHandle {
    spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("starts")
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn per_request_faults_by_header_and_query() {
    let sb = sandbox().await;
    let url = format!("{}/api/json/phone/k/15122010000", sb.url("ipqs"));
    let ok: Value = http()
        .get(&url)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(ok["success"], true);

    let r = http()
        .get(&url)
        .header("X-Sandbox-Fault", "429")
        .header("X-Sandbox-Retry-After", "7")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");

    let r = http()
        .get(format!("{url}?sandbox_fault=500"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 500);
    let r = http()
        .get(&url)
        .header("X-Sandbox-Fault", "malformed")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    assert!(serde_json::from_str::<Value>(&r.text().await.expect("text")).is_err());

    let r: Value = http()
        .get(&url)
        .header("X-Sandbox-Fault", "unexpected")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["success"], true);
    assert_eq!(r["zz_new_flag"], true);

    // Latency delays but still answers.
    let r = http()
        .get(&url)
        .header("X-Sandbox-Latency-Ms", "20")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);

    // A hung request: the client gives up.
    let e = http()
        .get(&url)
        .header("X-Sandbox-Fault", "timeout")
        .timeout(std::time::Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_timeout());

    let r = http()
        .get(&url)
        .header("X-Sandbox-Fault", "bogus")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn admin_faults_apply_per_provider_and_count_down() {
    let sb = sandbox().await;
    let admin = sb.url("_admin/faults");
    let r = http()
        .post(&admin)
        .json(&json!({ "provider": "trestle", "fault": "503", "remaining": 2 }))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let listed: Value = http()
        .get(&admin)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["trestle"]["fault"], "503");

    let url = format!("{}/3.0/phone_intel?phone=5122010000", sb.url("trestle"));
    let get = || http().get(&url).header("x-api-key", "k").send();
    assert_eq!(get().await.expect("send").status(), 503);
    assert_eq!(get().await.expect("send").status(), 503);
    assert_eq!(get().await.expect("send").status(), 200, "fault used up");
    // Other providers are unaffected.
    http()
        .post(&admin)
        .json(&json!({ "provider": "trestle", "fault": "429" }))
        .send()
        .await
        .expect("send");
    let ipqs = format!("{}/api/json/ip/k/1.2.3.4", sb.url("ipqs"));
    assert_eq!(http().get(&ipqs).send().await.expect("send").status(), 200);
    assert_eq!(get().await.expect("send").status(), 429);
    assert_eq!(
        http().delete(&admin).send().await.expect("send").status(),
        204
    );
    assert_eq!(get().await.expect("send").status(), 200);

    let calls: Value = http()
        .get(sb.url("_admin/calls"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(calls["trestle"], 5);
    assert_eq!(calls["ipqs"], 1);
    assert!(calls.get("_admin").is_none());
}

#[tokio::test]
async fn partner_postbacks_are_recorded_and_listed() {
    let sb = sandbox().await;
    let r = http()
        .post(format!(
            "{}?lead_id=L1&status=accepted",
            sb.url("partner/postback")
        ))
        .json(&json!({ "lead_id": "L1", "status": "accepted", "reasons": [] }))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    http()
        .get(format!(
            "{}/aff/42?transaction_id=T9&status=rejected&reason=CMP01",
            sb.url("partner/postback")
        ))
        .send()
        .await
        .expect("send");
    http()
        .post(sb.url("partner/postback"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("lead_id=L3&status=review")
        .send()
        .await
        .expect("send");
    let got: Value = http()
        .get(sb.url("partner/received"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let got = got.as_array().expect("list");
    assert_eq!(got.len(), 3);
    assert_eq!(got[0]["method"], "POST");
    assert_eq!(got[0]["query"]["status"], "accepted");
    assert_eq!(got[0]["body"]["lead_id"], "L1");
    assert_eq!(got[1]["path"], "/postback/aff/42");
    assert_eq!(got[1]["query"]["reason"], "CMP01");
    assert_eq!(got[2]["body"]["status"], "review");
    assert_eq!(sb.state().postbacks().len(), 3);
    assert_eq!(
        http()
            .delete(sb.url("partner/received"))
            .send()
            .await
            .expect("send")
            .status(),
        204
    );
    assert!(sb.state().postbacks().is_empty());

    // Postback delivery faults for retry tests.
    let r = http()
        .post(sb.url("partner/postback"))
        .header("X-Sandbox-Fault", "503")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 503);
}

#[tokio::test]
async fn calendar_page_escapes_what_it_echoes() {
    let sb = sandbox().await;
    let html = http()
        .get(format!(
            "{}/acme/intro?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=a%40b.co",
            sb.url("calendar")
        ))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(html.contains("Sandbox calendar"));
    assert!(html.contains("/calendar/acme/intro"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(!html.contains("<script>"));
    assert!(html.contains("a@b.co"));
}

#[tokio::test]
async fn turnstile_tokens_are_single_use_unless_retried_with_the_same_idempotency_key() {
    let sb = sandbox().await;
    let url = sb.url("turnstile/v0/siteverify");
    let verify = |token: &str, idem: Option<&str>| {
        let mut form = vec![("secret", "s".to_owned()), ("response", token.to_owned())];
        if let Some(k) = idem {
            form.push(("idempotency_key", k.to_owned()));
        }
        let req = http().post(&url).form(&form);
        async move {
            req.send()
                .await
                .expect("send")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    assert_eq!(verify("pass:a", Some("k1")).await["success"], true);
    assert_eq!(
        verify("pass:a", Some("k1")).await["success"],
        true,
        "same idempotency key: answered again"
    );
    let r = verify("pass:a", Some("k2")).await;
    assert_eq!(r["error-codes"][0], "timeout-or-duplicate");
    assert_eq!(verify("pass:b", None).await["success"], true);
    assert_eq!(
        verify("pass:b", None).await["error-codes"][0],
        "timeout-or-duplicate"
    );
    assert_eq!(
        verify("fail:bad-request", None).await["error-codes"][0],
        "bad-request"
    );
    assert_eq!(
        verify("", None).await["error-codes"][0],
        "missing-input-response"
    );
    // JSON bodies are accepted too.
    let r: Value = http()
        .post(&url)
        .json(&json!({ "secret": "s", "response": "pass:json" }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["success"], true);
    assert_eq!(r["action"], "json");
}

#[tokio::test]
async fn dns_stand_in_answers_by_first_label() {
    use hickory_proto::op::{Message, MessageType, Query, ResponseCode};
    use hickory_proto::rr::{Name, RecordType};
    let ask = |name: &str| {
        let mut m = Message::new();
        m.set_id(7).set_message_type(MessageType::Query);
        m.add_query(Query::query(
            Name::from_ascii(name).expect("name"),
            RecordType::MX,
        ));
        leadgate_sandbox::dns::answer(&m)
    };
    let ok = ask("example.org.").expect("answers");
    assert_eq!(ok.id(), 7);
    assert_eq!(ok.answers().len(), 2);
    assert_eq!(
        ask("nxdomain.example.org.")
            .expect("answers")
            .response_code(),
        ResponseCode::NXDomain
    );
    assert_eq!(
        ask("servfail.example.org.")
            .expect("answers")
            .response_code(),
        ResponseCode::ServFail
    );
    assert!(ask("nomx.example.org.")
        .expect("answers")
        .answers()
        .is_empty());
    assert!(ask("slow.example.org.").is_none());
    // Over UDP, through the real socket.
    let dns = leadgate_sandbox::dns::spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("dns");
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let mut q = Message::new();
    q.set_id(9).add_query(Query::query(
        Name::from_ascii("example.org.").expect("name"),
        RecordType::MX,
    ));
    sock.send_to(&q.to_vec().expect("encode"), dns.addr())
        .await
        .expect("send");
    let mut buf = [0u8; 1500];
    let (n, _) = sock.recv_from(&mut buf).await.expect("recv");
    let resp = Message::from_vec(&buf[..n]).expect("decode");
    assert_eq!(resp.id(), 9);
    assert_eq!(resp.answers().len(), 2);
}
