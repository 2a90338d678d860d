//! Hostile input to the reference server: oversized bodies, bogus headers, broken
//! percent-encoding, very long ids, and concurrent requests with mixed valid and invalid tokens.
//! Every answer must be a documented status with the documented body (checked against
//! `openapi.yaml` when the server stops), never a 5xx.

use std::sync::Arc;

use apify_api_e2e::*;
use apify_api_reference_server::config::Config;
use reqwest::header::{HeaderName, HeaderValue};

async fn start(receiver: &Receiver) -> TestServer {
    TestServer::start(Config::new(registry(receiver)).with_rate_limit(None)).await
}

/// Sends `request` and returns its status and error `type` (None for a 201).
async fn answer(request: reqwest::RequestBuilder) -> (u16, Option<String>) {
    let response = within("the server answers", request.send())
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let body: serde_json::Value = within("read the answer", response.json())
        .await
        .expect("a JSON body");
    (status, body["error"]["type"].as_str().map(str::to_owned))
}

fn post(server: &TestServer, path: &str) -> reqwest::RequestBuilder {
    raw_http().post(server.url(path)).bearer_auth(OWNER_TOKEN)
}

/// The server answers 400 as soon as it has read more than it accepts, and closes the
/// connection; a client still uploading may see that as a broken pipe instead of the answer. So
/// what the server answered is read from its own record of every answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_400() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;
    let path = format!("/v2/webhooks/{HOOK_OK}/test");
    let ten_mib = vec![b'{'; 10 << 20];
    let sized = post(&server, &path).body(ten_mib.clone());
    // Chunked, with no Content-Length.
    let chunked = post(&server, &path).body(reqwest::Body::wrap_stream(futures_stream(ten_mib)));
    for request in [sized, chunked] {
        match within("the server answers", request.send()).await {
            Ok(response) => assert_eq!(response.status().as_u16(), 400),
            Err(e) => assert!(
                e.is_request() || e.is_body(),
                "only the upload may fail: {e:?}"
            ),
        }
    }
    assert!(server.api.dispatches().is_empty());
    let answers = server.stop().await;
    assert_eq!(answers.len(), 2);
    for answer in answers {
        assert_eq!(answer.status.as_u16(), 400);
        let body: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
        assert_eq!(body["error"]["type"], "invalid-input");
    }
}

/// A body made of 64 KiB chunks.
fn futures_stream(
    bytes: Vec<u8>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let chunks: Vec<Vec<u8>> = bytes.chunks(64 << 10).map(<[u8]>::to_vec).collect();
    futures_util::stream::iter(chunks.into_iter().map(Ok))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bogus_headers_get_documented_answers() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;
    let path = format!("/v2/webhooks/{HOOK_OK}/test");
    let url = server.url(&path);
    let raw = raw_http();
    let header = |name: &'static str, value: &[u8]| {
        (
            HeaderName::from_static(name),
            HeaderValue::from_bytes(value).expect("a header value"),
        )
    };
    let cases: Vec<(Vec<(HeaderName, HeaderValue)>, u16)> = vec![
        // Not UTF-8 after `Bearer `.
        (vec![header("authorization", b"Bearer \xff\xfe\xfd")], 401),
        // A token longer than any real one.
        (
            vec![header(
                "authorization",
                format!("Bearer {}", "t".repeat(16 << 10)).as_bytes(),
            )],
            401,
        ),
        (
            vec![
                header("authorization", b"Bearer"),
                header("authorization", format!("Bearer {OWNER_TOKEN}").as_bytes()),
            ],
            401,
        ),
        (
            vec![header(
                "authorization",
                format!("bearer {OWNER_TOKEN}").as_bytes(),
            )],
            201,
        ),
        (
            vec![
                header("authorization", format!("Bearer {OWNER_TOKEN}").as_bytes()),
                header("content-type", b"garbage/\xff;;;="),
            ],
            201,
        ),
        (
            vec![
                header("authorization", format!("Bearer {OWNER_TOKEN}").as_bytes()),
                header("content-encoding", b"gzip"),
            ],
            201,
        ),
        (
            vec![
                header("authorization", format!("Bearer {OWNER_TOKEN}").as_bytes()),
                header("accept", b"text/html;q=0.1, */*;q=0"),
            ],
            201,
        ),
        (
            vec![
                header("authorization", format!("Bearer {OWNER_TOKEN}").as_bytes()),
                header("x-forwarded-for", b"\xff"),
            ],
            201,
        ),
    ];
    for (headers, expected) in cases {
        let mut request = raw.post(&url);
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let (status, error_type) = answer(request).await;
        assert_eq!(status, expected, "{headers:?}");
        if expected == 401 {
            assert_eq!(
                error_type.as_deref(),
                Some("token-not-valid"),
                "{headers:?}"
            );
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_percent_encoding_is_400_or_404() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;
    for (id, expected) in [
        ("%", 404),
        ("%G1", 404),
        ("abc%", 404),
        ("%FF", 400),
        ("%C3%28", 400),
        ("%ED%A0%80", 400), // an encoded UTF-16 surrogate
        ("%00", 404),
        ("%2F..%2F..%2Fetc%2Fpasswd", 404),
        ("%252F", 404),
    ] {
        let (status, error_type) = answer(post(&server, &format!("/v2/webhooks/{id}/test"))).await;
        assert_eq!(status, expected, "{id}");
        let expected_type = if expected == 400 {
            "invalid-input"
        } else {
            "record-not-found"
        };
        assert_eq!(error_type.as_deref(), Some(expected_type), "{id}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn very_long_ids_are_404() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;
    for length in [17, 1_000, 8_000, 30_000] {
        let id = "a".repeat(length);
        assert_eq!(
            answer(post(&server, &format!("/v2/webhooks/{id}/test"))).await,
            (404, Some("record-not-found".into())),
            "{length}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_mixed_tokens_get_exactly_their_answers() {
    let mut receiver = Receiver::start().await;
    let server = start(&receiver).await;
    let valid = Arc::new(server.client(OWNER_TOKEN));
    let invalid = Arc::new(server.client("not-a-token"));
    let tasks: Vec<_> = (0..400)
        .map(|i| {
            let client = if i % 3 == 0 {
                invalid.clone()
            } else {
                valid.clone()
            };
            tokio::spawn(async move { (i % 3 != 0, client.webhook_test_post(HOOK_OK).await) })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let (is_valid, result) = within("a request ends", task)
            .await
            .expect("no task panics");
        match (is_valid, result) {
            (true, Ok(response)) => {
                assert_eq!(response.status().as_u16(), 201);
                created += 1;
            }
            (false, Err(apify_api_client::Error::ErrorResponse(error))) => {
                assert_eq!(error.status().as_u16(), 401);
                assert_eq!(
                    error.into_inner().error.type_,
                    Some(apify_api_types::ErrorType::TokenNotValid)
                );
            }
            (is_valid, other) => panic!("valid token: {is_valid}, got {other:?}"),
        }
    }
    assert_eq!(created, 266);
    assert_eq!(
        server.api.dispatches().len(),
        266,
        "only valid tokens create dispatches"
    );
    assert_eq!(receiver.drain().len(), 266);
    let answers = server.stop().await;
    assert!(answers.iter().all(|a| !a.status.is_server_error()));
}
