//! The client against a local server that misbehaves: every answer is a typed error or a decoded
//! value, never a panic.

use std::time::Duration;

use apify_api_client::{Client, Error};
use apify_api_types::{WebhookDispatchStatus, WebhookEventType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

const DISPATCH: &str = r#"{"data":{"id":"asdLZtadYvn4mBZmm","userId":"wRsJZtadYvn4mBZmm","webhookId":"asdLZtadYvn4mBZmm","createdAt":"2019-12-12T07:34:14.202Z","status":"SUCCEEDED","eventType":"TEST"}}"#;

/// A one-connection server: reads the request head, answers `response` after `delay`, closes.
/// Returns the base URL and the request head it received.
async fn serve_once(response: Vec<u8>, delay: Duration) -> (String, oneshot::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
        tokio::time::sleep(delay).await;
        let _ = socket.write_all(&response).await;
        let _ = socket.shutdown().await;
    });
    (base, rx)
}

fn http(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
        .into_bytes()
}

type Outcome = Result<
    apify_api_client::ResponseValue<apify_api_types::WebhookDispatchResponse>,
    Error<apify_api_types::ErrorResponse>,
>;

async fn call(response: Vec<u8>) -> Outcome {
    let (base, _) = serve_once(response, Duration::ZERO).await;
    let client = Client::new(&base);
    tokio::time::timeout(Duration::from_secs(20), client.webhook_test_post("w"))
        .await
        .expect("the call ends")
}

#[tokio::test]
async fn malformed_json_is_an_invalid_payload_error() {
    let outcome = call(http(
        "201 Created",
        "application/json",
        r#"{"data": {"id": "#,
    ))
    .await;
    assert!(
        matches!(outcome, Err(Error::InvalidResponsePayload(..))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_documented_error_with_a_malformed_body_is_an_invalid_payload_error() {
    let outcome = call(http(
        "404 Not Found",
        "application/json",
        "<html>nope</html>",
    ))
    .await;
    assert!(
        matches!(outcome, Err(Error::InvalidResponsePayload(..))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_wrong_content_type_with_a_valid_body_still_decodes_or_errs_typed() {
    let outcome = call(http("201 Created", "text/plain", DISPATCH)).await;
    match outcome {
        Ok(value) => assert_eq!(value.into_inner().data.id, "asdLZtadYvn4mBZmm"),
        Err(Error::InvalidResponsePayload(..) | Error::UnexpectedResponse(_)) => {}
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_body_is_an_error() {
    let mut response =
        b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n"
            .to_vec();
    response.extend_from_slice(&DISPATCH.as_bytes()[..40]);
    let outcome = call(response).await;
    assert!(
        matches!(
            outcome,
            Err(Error::ResponseBodyError(_)
                | Error::InvalidResponsePayload(..)
                | Error::CommunicationError(_))
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn an_html_502_is_an_unexpected_response() {
    let outcome = call(http(
        "502 Bad Gateway",
        "text/html",
        "<html><body>Bad gateway</body></html>",
    ))
    .await;
    match outcome {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status().as_u16(), 502),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_undocumented_status_is_an_unexpected_response() {
    let outcome = call(http(
        "418 I'm a teapot",
        "application/json",
        r#"{"error":{"type":"teapot"}}"#,
    ))
    .await;
    assert!(
        matches!(outcome, Err(Error::UnexpectedResponse(ref r)) if r.status().as_u16() == 418),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_documented_error_is_typed_with_its_status() {
    let body =
        r#"{"error":{"type":"token-not-valid","message":"Authentication token is not valid."}}"#;
    match call(http("401 Unauthorized", "application/json", body)).await {
        Err(Error::ErrorResponse(value)) => {
            assert_eq!(value.status().as_u16(), 401);
            assert_eq!(
                value.into_inner().error.type_,
                Some(apify_api_types::ErrorType::TokenNotValid)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_decode() {
    let body = DISPATCH.replace("SUCCEEDED", "RETRYING").replace(
        r#""eventType":"TEST""#,
        r#""eventType":"ACTOR.RUN.MIGRATED","extra":{"x":[1,2]}"#,
    );
    let data = call(http("201 Created", "application/json", &body))
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(
        data.status,
        WebhookDispatchStatus::Unknown("RETRYING".into())
    );
    assert_eq!(
        data.event_type,
        WebhookEventType::Unknown("ACTOR.RUN.MIGRATED".into())
    );
}

#[tokio::test]
async fn a_slow_response_times_out() {
    let (base, _) = serve_once(
        http("201 Created", "application/json", DISPATCH),
        Duration::from_secs(5),
    )
    .await;
    let reqwest = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let client = Client::new_with_client(&base, reqwest);
    match client.webhook_test_post("w").await {
        Err(Error::CommunicationError(e)) => assert!(e.is_timeout(), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn with_token_sends_a_bearer_header_and_the_id_percent_encoded() {
    let (base, head) = serve_once(
        http("201 Created", "application/json", DISPATCH),
        Duration::ZERO,
    )
    .await;
    let client = Client::with_token(&base, "my-token").expect("a valid token");
    client.webhook_test_post("a b/c").await.expect("decodes");
    let head = head.await.expect("the server saw the request");
    assert!(
        head.starts_with("POST /v2/webhooks/a%20b%2Fc/test HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("\r\nauthorization: bearer my-token\r\n"),
        "{head}"
    );
    assert!(Client::with_token(&base, "bad\ntoken").is_err());
}

/// The client is built with a TLS backend: an https URL fails to connect, it is not refused.
#[tokio::test]
async fn https_is_supported() {
    let client = Client::new("https://127.0.0.1:1");
    match client.webhook_test_post("w").await {
        Err(Error::CommunicationError(e)) => {
            assert!(e.is_connect(), "not a connection error: {e:?}")
        }
        other => panic!("{other:?}"),
    }
}
