//! Runtime helpers: clock, randomness and outbound fetches with an `AbortController` timeout.
use futures_util::future::{select, Either};
use std::time::Duration;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

/// Unix milliseconds.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Unix seconds.
pub fn now_s() -> i64 {
    (now_ms() / 1000) as i64
}

/// Cryptographically random bytes (Web Crypto `getRandomValues`).
pub fn random<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).expect("crypto.getRandomValues is available in requests");
    buf
}

/// A random RFC 4122 version-4 UUID (Turnstile's `idempotency_key`).
pub fn uuid_v4() -> String {
    let mut b = random::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Why an outbound call produced no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchFailure {
    Timeout,
    Network,
}

impl FetchFailure {
    pub fn code(self) -> &'static str {
        match self {
            FetchFailure::Timeout => "timeout",
            FetchFailure::Network => "network-error",
        }
    }
}

/// POSTs `body` to `url` and reads the whole answer, aborting after `timeout_ms`.
pub async fn post(
    url: &str,
    headers: &[(&str, String)],
    body: String,
    timeout_ms: u64,
) -> Result<(u16, Vec<u8>), FetchFailure> {
    let h = Headers::new();
    for (name, value) in headers {
        h.set(name, value).map_err(|_| FetchFailure::Network)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(h)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url, &init).map_err(|_| FetchFailure::Network)?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let call = async {
        let fetch = Fetch::Request(request);
        let mut response = fetch
            .send_with_signal(&signal)
            .await
            .map_err(|_| FetchFailure::Network)?;
        let status = response.status_code();
        let bytes = response.bytes().await.map_err(|_| FetchFailure::Network)?;
        Ok((status, bytes))
    };
    let timer = Delay::from(Duration::from_millis(timeout_ms));
    let call = std::pin::pin!(call);
    let timer = std::pin::pin!(timer);
    match select(call, timer).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            controller.abort();
            Err(FetchFailure::Timeout)
        }
    }
}
