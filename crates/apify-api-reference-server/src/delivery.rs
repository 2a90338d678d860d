//! Sending a payload to a webhook's URL and recording what happened as a
//! [`WebhookDispatchCall`].

use std::error::Error as _;
use std::time::Duration;

use apify_api_types::WebhookDispatchCall;
use chrono::{SubsecRound, Utc};
use reqwest::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};

/// The most of a response body that is kept in `responseBody`: 1 KiB of UTF-8, cut at a
/// character boundary (bytes that are not UTF-8 become U+FFFD first).
pub const RESPONSE_BODY_LIMIT: usize = 1024;

/// The header that carries the webhook's id, as Apify sends it.
pub const WEBHOOK_ID_HEADER: &str = "X-Apify-Webhook";
/// The header that carries the dispatch's id, as Apify sends it.
pub const DISPATCH_ID_HEADER: &str = "X-Apify-Webhook-Dispatch-Id";

/// An HTTP client for deliveries: bounded timeout, no redirects, no proxies.
#[derive(Debug, Clone)]
pub struct Deliverer {
    http: reqwest::Client,
    timeout: Duration,
}

/// What one delivery attempt gave: the call to record, and whether it counts as a success
/// (a `2xx` answer read without error).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The call, as recorded in the dispatch's `calls`.
    pub call: WebhookDispatchCall,
    /// Whether the receiver accepted the payload.
    pub succeeded: bool,
}

impl Deliverer {
    /// A deliverer whose requests (connecting, sending and reading the answer) take at most
    /// `timeout`. Redirects are not followed: a `3xx` answer is a failed delivery, as any
    /// non-`2xx` one.
    pub fn new(timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()?;
        Ok(Self { http, timeout })
    }

    /// POSTs `body` (JSON) to `url` and records the call. Never fails: a request that cannot
    /// be sent is a call with an `errorMessage`.
    pub async fn deliver(
        &self,
        url: &str,
        webhook_id: &str,
        dispatch_id: &str,
        body: String,
    ) -> Outcome {
        let started_at = Utc::now().trunc_subsecs(3);
        let mut request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(
                USER_AGENT,
                HeaderValue::from_static(concat!(
                    "apify-api-reference-server/",
                    env!("CARGO_PKG_VERSION")
                )),
            )
            .body(body);
        // Ids that cannot be header values (possible for configured webhook ids) are left out.
        if let Ok(value) = HeaderValue::from_str(webhook_id) {
            request = request.header(WEBHOOK_ID_HEADER, value);
        }
        if let Ok(value) = HeaderValue::from_str(dispatch_id) {
            request = request.header(DISPATCH_ID_HEADER, value);
        }
        let mut call = WebhookDispatchCall {
            started_at: Some(started_at),
            ..WebhookDispatchCall::default()
        };
        let succeeded = match request.send().await {
            Err(error) => {
                call.error_message = Some(format!(
                    "Cannot send request: {}",
                    describe(&error, self.timeout)
                ));
                false
            }
            Ok(mut response) => {
                let status = response.status();
                call.response_status = Some(i64::from(status.as_u16()));
                let mut kept = Vec::new();
                let mut read_error = None;
                // Read no more than needed: a huge or endless body must not be buffered.
                while kept.len() < RESPONSE_BODY_LIMIT + 4 {
                    match response.chunk().await {
                        Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
                        Ok(None) => break,
                        Err(error) => {
                            read_error = Some(error);
                            break;
                        }
                    }
                }
                call.response_body = Some(truncate_body(&kept));
                if let Some(error) = &read_error {
                    call.error_message = Some(format!(
                        "Cannot read the response: {}",
                        describe(error, self.timeout)
                    ));
                }
                status.is_success() && read_error.is_none()
            }
        };
        call.finished_at = Some(Utc::now().trunc_subsecs(3).max(started_at));
        Outcome { call, succeeded }
    }
}

/// The error and its causes on one line, without the URL (it may carry a secret token).
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("no answer within {} ms", timeout.as_millis());
    }
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    // reqwest names the URL in its top-level message; strip it.
    match error.url() {
        Some(url) => text
            .replace(&format!(" ({url})"), "")
            .replace(url.as_str(), "<url>"),
        None => text,
    }
}

/// The start of `bytes` as text of at most [`RESPONSE_BODY_LIMIT`] bytes, cut at a character
/// boundary.
pub fn truncate_body(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.len() <= RESPONSE_BODY_LIMIT {
        return text.into_owned();
    }
    let mut end = RESPONSE_BODY_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_bodies_are_kept_whole() {
        assert_eq!(truncate_body(b"{\"ok\": true}"), "{\"ok\": true}");
        assert_eq!(truncate_body(b""), "");
    }

    #[test]
    fn long_bodies_are_cut_at_a_char_boundary() {
        // 'é' is two bytes: 1023 bytes of 'a' then 'é' crosses the limit.
        let text = format!(
            "{}é{}",
            "a".repeat(RESPONSE_BODY_LIMIT - 1),
            "b".repeat(100)
        );
        let cut = truncate_body(text.as_bytes());
        assert_eq!(cut, "a".repeat(RESPONSE_BODY_LIMIT - 1));
        let exact = "x".repeat(RESPONSE_BODY_LIMIT + 10);
        assert_eq!(truncate_body(exact.as_bytes()).len(), RESPONSE_BODY_LIMIT);
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(truncate_body(&[b'a', 0xff, b'b']), "a\u{fffd}b");
    }

    #[test]
    fn a_partial_char_at_the_read_limit_is_not_kept() {
        // What `deliver` keeps may end inside a character; the cut drops it.
        let mut bytes = "a".repeat(RESPONSE_BODY_LIMIT + 2).into_bytes();
        bytes.extend_from_slice(&"€".as_bytes()[..2]);
        let cut = truncate_body(&bytes);
        assert_eq!(cut.len(), RESPONSE_BODY_LIMIT);
        assert!(!cut.contains('\u{fffd}'));
    }

    #[tokio::test]
    async fn an_unreachable_url_is_a_failed_call_with_a_message() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let deliverer = Deliverer::new(Duration::from_secs(5)).expect("client");
        let url = format!("http://127.0.0.1:{port}/secret-in-path");
        let outcome = deliverer.deliver(&url, "w", "d", "{}".to_owned()).await;
        assert!(!outcome.succeeded);
        let message = outcome.call.error_message.expect("message");
        assert!(message.starts_with("Cannot send request: "), "{message}");
        assert!(!message.contains("secret-in-path"), "{message}");
        assert_eq!(outcome.call.response_status, None);
        assert!(outcome.call.finished_at >= outcome.call.started_at);
    }
}
