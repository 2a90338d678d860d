//! The router answers every request, including every failure the framework itself produces, in
//! the shape `openapi.yaml` documents. Driven in process with `tower::ServiceExt::oneshot`.

use std::sync::{Arc, Mutex};

use apify_api_server::{
    Api, ApiError, ErrorType, WebhookTestPostRequest, WebhookTestPostResponse, error_body, router,
};
use apify_api_types::{
    WebhookDispatch, WebhookDispatchResponse, WebhookDispatchStatus, WebhookEventType,
};
use axum::body::Body;
use http::{Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

/// Records what the handler was given; answers according to the webhook id.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(String, String)>>,
}

impl Api for Recorder {
    async fn webhook_test_post(
        &self,
        request: WebhookTestPostRequest,
    ) -> Result<WebhookTestPostResponse, ApiError> {
        self.seen.lock().unwrap().push((
            request.webhook_id.clone(),
            request.token.expose().to_owned(),
        ));
        match request.webhook_id.as_str() {
            "forbidden" => Ok(WebhookTestPostResponse::Forbidden(error_body(
                ErrorType::PermissionDenied,
                "not yours",
            ))),
            "fails" => Err(ApiError::internal(std::io::Error::other("disk on fire"))),
            "refused" => {
                Err(
                    ApiError::new(StatusCode::NOT_FOUND, ErrorType::RecordNotFound, "gone")
                        .with_cause(std::io::Error::other("row deleted")),
                )
            }
            "panics" => panic!("handler bug"),
            id => Ok(WebhookTestPostResponse::Created(WebhookDispatchResponse {
                data: WebhookDispatch {
                    id: "d1".into(),
                    user_id: "u1".into(),
                    webhook_id: id.to_owned(),
                    created_at: "2019-12-12T07:34:14.202Z".parse().unwrap(),
                    status: WebhookDispatchStatus::Active,
                    event_type: WebhookEventType::Test,
                    event_data: None,
                    calls: Vec::new(),
                },
            })),
        }
    }
}

struct Answer {
    status: StatusCode,
    body: Value,
}

async fn send(api: &Arc<Recorder>, request: Request<Body>) -> Answer {
    let response = router(api.clone())
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{status}: the body is not JSON ({e}): {bytes:?}"));
    assert_eq!(
        content_type.as_ref().map(|v| v.to_str().unwrap()),
        Some("application/json"),
        "{status}"
    );
    Answer { status, body }
}

fn post(uri: &str) -> http::request::Builder {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, "Bearer secret-token")
}

fn assert_error(answer: &Answer, status: StatusCode, error_type: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["error"]["type"], error_type, "{}", answer.body);
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn created_with_the_token_and_the_decoded_id() {
    let api = Arc::new(Recorder::default());
    let answer = send(
        &api,
        post("/v2/webhooks/a%20b~c/test")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.body["data"]["webhookId"], "a b~c");
    assert_eq!(answer.body["data"]["eventType"], "TEST");
    assert_eq!(
        api.seen.lock().unwrap().as_slice(),
        [("a b~c".to_owned(), "secret-token".to_owned())]
    );
}

#[tokio::test]
async fn the_token_may_come_from_the_query() {
    let api = Arc::new(Recorder::default());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/v2/webhooks/w/test?token=q%2Btoken")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&api, request).await.status, StatusCode::CREATED);
    assert_eq!(api.seen.lock().unwrap()[0].1, "q+token");
}

#[tokio::test]
async fn a_missing_or_malformed_token_is_401() {
    let api = Arc::new(Recorder::default());
    let none = Request::builder()
        .method(Method::POST)
        .uri("/v2/webhooks/w/test")
        .body(Body::empty())
        .unwrap();
    assert_error(
        &send(&api, none).await,
        StatusCode::UNAUTHORIZED,
        "token-not-valid",
    );
    for authorization in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "token"] {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/v2/webhooks/w/test?token=also-here")
            .header(header::AUTHORIZATION, authorization)
            .body(Body::empty())
            .unwrap();
        assert_error(
            &send(&api, request).await,
            StatusCode::UNAUTHORIZED,
            "token-not-valid",
        );
    }
    assert!(
        api.seen.lock().unwrap().is_empty(),
        "the implementation is not called without a token"
    );
}

#[tokio::test]
async fn an_empty_body_is_accepted_whatever_the_headers_say() {
    let api = Arc::new(Recorder::default());
    let variants: [&[(&str, &str)]; 4] = [
        &[],
        &[
            ("content-type", "application/json"),
            ("content-length", "0"),
        ],
        &[
            ("content-type", "text/plain; charset=utf-8"),
            ("accept", "text/html"),
        ],
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("accept", "*/*"),
        ],
    ];
    for headers in variants {
        let mut request = post("/v2/webhooks/w/test");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        assert_eq!(
            send(&api, request.body(Body::empty()).unwrap())
                .await
                .status,
            StatusCode::CREATED,
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn a_body_on_this_body_less_operation_is_400() {
    let api = Arc::new(Recorder::default());
    for body in [Body::from("{}"), Body::from(vec![b'x'; 200_000])] {
        let request = post("/v2/webhooks/w/test")
            .header("content-type", "application/json")
            .body(body)
            .unwrap();
        let answer = send(&api, request).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid-input");
        assert_eq!(
            answer.body["error"]["message"],
            "Invalid input: The request body contains invalid data."
        );
    }
    assert!(api.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_undeclared_method_is_405_with_allow() {
    let api = Arc::new(Recorder::default());
    for method in [
        "GET",
        "PUT",
        "DELETE",
        "PATCH",
        "OPTIONS",
        "HEAD",
        "TRACE",
        "QUERY",
        "FROBNICATE",
    ] {
        let request = post("/v2/webhooks/w/test")
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .body(Body::empty())
            .unwrap();
        let response = router(api.clone()).oneshot(request).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        assert_eq!(response.headers()[header::ALLOW], "POST", "{method}");
        if method == "HEAD" {
            continue; // no body on HEAD
        }
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error"]["type"], "method-not-allowed", "{method}");
        assert_eq!(
            body["error"]["message"],
            "This API end-point can only be accessed using the following HTTP methods: POST",
            "{method}"
        );
    }
}

#[tokio::test]
async fn an_unknown_path_is_404() {
    let api = Arc::new(Recorder::default());
    for uri in [
        "/",
        "/v2/webhooks/w",
        "/v2/webhooks/w/test/extra",
        "/v2/webhooks/w/test/",
        "/v3/webhooks/w/test",
    ] {
        assert_error(
            &send(&api, post(uri).body(Body::empty()).unwrap()).await,
            StatusCode::NOT_FOUND,
            "record-not-found",
        );
    }
}

/// An empty id is a valid string (the spec sets no minLength): it reaches the implementation.
#[tokio::test]
async fn an_empty_id_reaches_the_implementation() {
    let api = Arc::new(Recorder::default());
    assert_eq!(
        send(
            &api,
            post("/v2/webhooks//test").body(Body::empty()).unwrap()
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(api.seen.lock().unwrap()[0].0, "");
}

#[tokio::test]
async fn an_undecodable_path_parameter_is_400() {
    let api = Arc::new(Recorder::default());
    // %FF is not UTF-8.
    let answer = send(
        &api,
        post("/v2/webhooks/%FF/test").body(Body::empty()).unwrap(),
    )
    .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid-input");
}

#[tokio::test]
async fn documented_responses_of_the_implementation_pass_through() {
    let api = Arc::new(Recorder::default());
    let answer = send(
        &api,
        post("/v2/webhooks/forbidden/test")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(&answer, StatusCode::FORBIDDEN, "permission-denied");
    let answer = send(
        &api,
        post("/v2/webhooks/refused/test")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(&answer, StatusCode::NOT_FOUND, "record-not-found");
    assert_eq!(
        answer.body["error"]["message"], "gone",
        "the cause is logged, not sent"
    );
}

#[tokio::test]
async fn handler_errors_and_panics_are_json_500s() {
    let api = Arc::new(Recorder::default());
    for id in ["fails", "panics"] {
        let answer = send(
            &api,
            post(&format!("/v2/webhooks/{id}/test"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_error(
            &answer,
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-server-error",
        );
        assert!(
            !answer.body.to_string().contains("disk on fire"),
            "internal causes are not sent"
        );
    }
    // The router keeps serving after a panic.
    assert_eq!(
        send(
            &api,
            post("/v2/webhooks/w/test").body(Body::empty()).unwrap()
        )
        .await
        .status,
        StatusCode::CREATED
    );
}

#[test]
fn tokens_are_not_printed() {
    let token = apify_api_server::ApiToken::new("super-secret");
    assert!(!format!("{token:?}").contains("super-secret"));
}
