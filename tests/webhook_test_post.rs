//! `POST /v2/webhooks/{webhookId}/test` end to end: the reference server on a loopback port,
//! driven by the generated client (raw HTTP only for what that client cannot send), every
//! documented status checked in its typed form, and every answer checked against
//! `openapi.yaml` when the server stops.

use std::num::NonZeroU32;
use std::time::Duration;

use apify_api_client::{Error, ResponseValue};
use apify_api_e2e::*;
use apify_api_reference_server::config::{Config, RateLimit};
use apify_api_reference_server::delivery::{
    DISPATCH_ID_HEADER, RESPONSE_BODY_LIMIT, WEBHOOK_ID_HEADER,
};
use apify_api_types::{
    ErrorResponse, ErrorType, WebhookDispatch, WebhookDispatchResponse, WebhookDispatchStatus,
    WebhookEventType,
};
use serde_json::json;

type TestResult = Result<ResponseValue<WebhookDispatchResponse>, Error<ErrorResponse>>;

/// A server whose registry points at `receiver`, with the default settings.
async fn start(receiver: &Receiver) -> TestServer {
    TestServer::start(Config::new(registry(receiver))).await
}

/// The dispatch of a `201`.
fn created(result: TestResult) -> WebhookDispatch {
    match result {
        Ok(response) => {
            assert_eq!(response.status().as_u16(), 201);
            response.into_inner().data
        }
        Err(error) => panic!("expected 201, got {error:?}"),
    }
}

/// The typed body of a documented error with `status`.
fn documented_error(result: TestResult, status: u16) -> ErrorResponse {
    match result {
        Err(Error::ErrorResponse(value)) => {
            assert_eq!(value.status().as_u16(), status, "{value:?}");
            value.into_inner()
        }
        other => panic!("expected the documented {status} error, got {other:?}"),
    }
}

fn assert_error_type(body: &ErrorResponse, expected: ErrorType) {
    assert_eq!(body.error.type_.as_ref(), Some(&expected), "{body:?}");
    assert!(
        body.error.message.as_deref().is_some_and(|m| !m.is_empty()),
        "{body:?}"
    );
}

/// Status, headers and typed error body of a raw answer.
async fn raw_error(
    response: reqwest::Response,
) -> (u16, reqwest::header::HeaderMap, ErrorResponse) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = within("read the answer", response.bytes())
        .await
        .expect("the answer can be read");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{status}: not an error envelope ({e}): {bytes:?}"));
    (status, headers, body)
}

/// Sends a raw request and checks that it is answered with the documented error `status` and
/// `error_type`.
async fn expect_raw_error(
    what: &str,
    request: reqwest::RequestBuilder,
    status: u16,
    error_type: ErrorType,
) {
    let response = within(what, request.send())
        .await
        .expect("the server answers");
    let (actual, _, body) = raw_error(response).await;
    assert_eq!(actual, status, "{what}");
    assert_error_type(&body, error_type);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_succeeded_and_the_receiver_got_the_dummy_payload() {
    let mut receiver = Receiver::start().await;
    let server = start(&receiver).await;

    let dispatch =
        created(within("201", server.client(OWNER_TOKEN).webhook_test_post(HOOK_OK)).await);

    assert_eq!(dispatch.status, WebhookDispatchStatus::Succeeded);
    assert_eq!(dispatch.event_type, WebhookEventType::Test);
    assert_eq!(dispatch.webhook_id, HOOK_OK);
    assert_eq!(dispatch.user_id, OWNER_ID);
    assert_eq!(dispatch.id.len(), 17, "{}", dispatch.id);
    assert!(dispatch.id.bytes().all(|b| b.is_ascii_alphanumeric()));
    let event_data = dispatch.event_data.clone().expect("eventData");
    let [call] = dispatch.calls.as_slice() else {
        panic!("one call expected: {:?}", dispatch.calls)
    };
    assert_eq!(call.response_status, Some(200));
    assert_eq!(call.response_body.as_deref(), Some(OK_BODY));
    assert_eq!(call.error_message, None);
    let started = call.started_at.expect("startedAt");
    let finished = call.finished_at.expect("finishedAt");
    assert!(
        dispatch.created_at <= started && started <= finished,
        "{call:?}"
    );

    let got = receiver.next().await;
    assert_eq!(got.path, "/ok");
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert_eq!(got.header(WEBHOOK_ID_HEADER), Some(HOOK_OK));
    assert_eq!(got.header(DISPATCH_ID_HEADER), Some(dispatch.id.as_str()));
    let payload = got.json();
    assert_eq!(payload["userId"], OWNER_ID);
    assert_eq!(payload["eventType"], "TEST");
    assert_eq!(
        payload["eventData"],
        json!({"actorId": event_data.actor_id, "actorRunId": event_data.actor_run_id})
    );
    let created_at: chrono::DateTime<chrono::Utc> = payload["createdAt"]
        .as_str()
        .expect("createdAt is a string")
        .parse()
        .expect("createdAt is a date");
    assert_eq!(created_at, dispatch.created_at);
    assert_eq!(payload["resource"]["id"], json!(event_data.actor_run_id));
    assert_eq!(payload["resource"]["actId"], json!(event_data.actor_id));
    assert_eq!(payload["resource"]["userId"], OWNER_ID);
    assert!(receiver.drain().is_empty(), "one delivery per dispatch");

    assert_eq!(server.api.dispatches(), vec![dispatch.clone()]);
    assert_eq!(server.api.dispatch(&dispatch.id), Some(dispatch));
    let answers = server.stop().await;
    assert_eq!(answers.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_201_is_recorded_exactly_once() {
    let mut receiver = Receiver::start().await;
    let server = start(&receiver).await;
    let client = server.client(OWNER_TOKEN);

    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(created(within("201", client.webhook_test_post(HOOK_OK)).await).id);
    }
    // Refused requests record nothing.
    documented_error(within("404", client.webhook_test_post("nope")).await, 404);
    documented_error(
        within("403", client.webhook_test_post(HOOK_OTHER)).await,
        403,
    );

    let recorded: Vec<String> = server.api.dispatches().into_iter().map(|d| d.id).collect();
    assert_eq!(recorded, ids);
    assert_eq!(server.api.dispatches_created(), 5);
    for id in &ids {
        let got = receiver.next().await;
        assert_eq!(got.header(DISPATCH_ID_HEADER), Some(id.as_str()));
    }
    assert!(receiver.drain().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payload_template_shapes_what_is_sent() {
    let mut receiver = Receiver::start().await;
    let server = start(&receiver).await;

    let dispatch = created(
        within(
            "201",
            server.client(OWNER_TOKEN).webhook_test_post(HOOK_TEMPLATE),
        )
        .await,
    );
    assert_eq!(dispatch.status, WebhookDispatchStatus::Succeeded);
    let event_data = dispatch.event_data.expect("eventData");
    assert_eq!(
        receiver.next().await.json(),
        json!({
            "event": "TEST",
            "run": event_data.actor_run_id,
            "data": {"actorId": event_data.actor_id, "actorRunId": event_data.actor_run_id},
            "fixed": [1, "two"],
        })
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_failed_when_the_receiver_is_down() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;

    let dispatch = created(
        within(
            "201",
            server.client(OWNER_TOKEN).webhook_test_post(HOOK_DOWN),
        )
        .await,
    );

    assert_eq!(dispatch.status, WebhookDispatchStatus::Failed);
    let [call] = dispatch.calls.as_slice() else {
        panic!("one call expected: {:?}", dispatch.calls)
    };
    let message = call.error_message.as_deref().expect("errorMessage");
    assert!(message.starts_with("Cannot send request"), "{message}");
    assert_eq!(call.response_status, None);
    assert_eq!(call.response_body, None);
    assert!(call.started_at.is_some() && call.finished_at >= call.started_at);
    assert_eq!(server.api.dispatches(), vec![dispatch]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_failed_when_the_receiver_does_not_answer_in_time() {
    let mut receiver = Receiver::start().await;
    let config = Config::new(registry(&receiver)).with_delivery_timeout(Duration::from_millis(300));
    let server = TestServer::start(config).await;

    // The receiver holds requests to /gate until the gate opens, which this test never does.
    let dispatch = created(
        within(
            "201",
            server.client(OWNER_TOKEN).webhook_test_post(HOOK_GATE),
        )
        .await,
    );

    assert_eq!(dispatch.status, WebhookDispatchStatus::Failed);
    let call = &dispatch.calls[0];
    assert_eq!(
        call.error_message.as_deref(),
        Some("Cannot send request: no answer within 300 ms")
    );
    assert_eq!(call.response_status, None);
    assert_eq!(receiver.next().await.path, "/gate", "the payload was sent");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_failed_when_the_receiver_answers_an_error() {
    let mut receiver = Receiver::start().await;
    let server = start(&receiver).await;

    let dispatch = created(
        within(
            "201",
            server.client(OWNER_TOKEN).webhook_test_post(HOOK_FAIL),
        )
        .await,
    );

    assert_eq!(dispatch.status, WebhookDispatchStatus::Failed);
    assert_eq!(dispatch.calls[0].response_status, Some(500));
    assert_eq!(dispatch.calls[0].response_body.as_deref(), Some(FAIL_BODY));
    assert_eq!(dispatch.calls[0].error_message, None);
    assert_eq!(receiver.next().await.path, "/fail");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_response_body_is_cut_to_1_kib_at_a_char_boundary() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;

    let dispatch = created(
        within(
            "201",
            server.client(OWNER_TOKEN).webhook_test_post(HOOK_BIG),
        )
        .await,
    );

    assert_eq!(dispatch.status, WebhookDispatchStatus::Succeeded);
    let body = dispatch.calls[0]
        .response_body
        .clone()
        .expect("responseBody");
    // 341 three-byte characters fit in 1024 bytes; a 342nd would not.
    assert_eq!(body.len(), RESPONSE_BODY_LIMIT / 3 * 3);
    assert!(big_body().starts_with(&body));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_request_for_a_body_or_an_id_that_is_not_text() {
    let mut receiver = Receiver::start().await;
    let server = start(&receiver).await;

    // The generated client sends no body for this operation, so this one is raw.
    expect_raw_error(
        "400",
        raw_http()
            .post(server.url(&format!("/v2/webhooks/{HOOK_OK}/test")))
            .bearer_auth(OWNER_TOKEN)
            .header("content-type", "application/json")
            .body(r#"{"unexpected": true}"#),
        400,
        ErrorType::InvalidInput,
    )
    .await;

    // A webhook id that is not text: its percent-encoding is not UTF-8.
    expect_raw_error(
        "400",
        raw_http()
            .post(server.url("/v2/webhooks/%FF%FE/test"))
            .bearer_auth(OWNER_TOKEN),
        400,
        ErrorType::InvalidInput,
    )
    .await;

    assert!(server.api.dispatches().is_empty());
    assert!(receiver.drain().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_without_a_token_or_with_a_wrong_one_in_either_form() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;

    let no_token = documented_error(
        within("401", server.anonymous_client().webhook_test_post(HOOK_OK)).await,
        401,
    );
    assert_error_type(&no_token, ErrorType::TokenNotValid);

    let wrong_header = documented_error(
        within(
            "401",
            server.client("not-a-token").webhook_test_post(HOOK_OK),
        )
        .await,
        401,
    );
    assert_error_type(&wrong_header, ErrorType::TokenNotValid);
    assert_eq!(
        wrong_header.error.message.as_deref(),
        Some("Authentication token is not valid.")
    );

    // The generated client has no way to send the `token` query parameter: raw requests.
    let http = raw_http();
    let url = server.url(&format!("/v2/webhooks/{HOOK_OK}/test"));
    let wrong_query = within(
        "401",
        http.post(&url).query(&[("token", "not-a-token")]).send(),
    )
    .await
    .expect("the server answers");
    let (status, _, body) = raw_error(wrong_query).await;
    assert_eq!(status, 401);
    assert_error_type(&body, ErrorType::TokenNotValid);

    let right_query = within(
        "201",
        http.post(&url).query(&[("token", OWNER_TOKEN)]).send(),
    )
    .await
    .expect("the server answers");
    assert_eq!(right_query.status().as_u16(), 201);
    let bytes = within("read", right_query.bytes()).await.expect("body");
    let dispatch: WebhookDispatchResponse = serde_json::from_slice(&bytes).expect("typed");
    assert_eq!(dispatch.data.user_id, OWNER_ID);

    assert_eq!(server.api.dispatches().len(), 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_for_another_users_webhook() {
    let mut receiver = Receiver::start().await;
    let server = start(&receiver).await;

    let body = documented_error(
        within(
            "403",
            server.client(OWNER_TOKEN).webhook_test_post(HOOK_OTHER),
        )
        .await,
        403,
    );
    assert_error_type(&body, ErrorType::PermissionDenied);
    // Its owner may test it.
    let dispatch = created(
        within(
            "201",
            server.client(OTHER_TOKEN).webhook_test_post(HOOK_OTHER),
        )
        .await,
    );
    assert_eq!(dispatch.user_id, OTHER_ID);
    assert_eq!(
        receiver.next().await.header(DISPATCH_ID_HEADER),
        Some(dispatch.id.as_str())
    );
    assert!(receiver.drain().is_empty(), "the refused test sent nothing");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_for_an_unknown_webhook_and_an_unknown_path() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;

    for id in [
        "NoSuchWebhook0001",
        "",
        "not a webhook/with slash",
        "ünïcødé",
    ] {
        let body = documented_error(
            within("404", server.client(OWNER_TOKEN).webhook_test_post(id)).await,
            404,
        );
        assert_error_type(&body, ErrorType::RecordNotFound);
    }

    expect_raw_error(
        "404 path",
        raw_http()
            .post(server.url("/v2/webhooks"))
            .bearer_auth(OWNER_TOKEN),
        404,
        ErrorType::RecordNotFound,
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_not_allowed_with_an_allow_header() {
    let receiver = Receiver::start().await;
    let server = start(&receiver).await;

    let url = server.url(&format!("/v2/webhooks/{HOOK_OK}/test"));
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let response = within(
            "405",
            raw_http()
                .request(method.clone(), &url)
                .bearer_auth(OWNER_TOKEN)
                .send(),
        )
        .await
        .expect("the server answers");
        let (status, headers, body) = raw_error(response).await;
        assert_eq!(status, 405, "{method}");
        assert_eq!(
            headers.get("allow").and_then(|v| v.to_str().ok()),
            Some("POST"),
            "{method}"
        );
        assert_error_type(&body, ErrorType::MethodNotAllowed);
        assert_eq!(
            body.error.message.as_deref(),
            Some("This API end-point can only be accessed using the following HTTP methods: POST")
        );
    }
    assert!(server.api.dispatches().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_per_token() {
    let receiver = Receiver::start().await;
    let limit = RateLimit {
        per_second: NonZeroU32::MIN,
        burst: NonZeroU32::new(2).expect("non-zero"),
    };
    let server =
        TestServer::start(Config::new(registry(&receiver)).with_rate_limit(Some(limit))).await;
    let owner = server.client(OWNER_TOKEN);

    // A burst of 2, then one request per second: among 20 immediate requests some are refused,
    // however slow the machine. Unknown webhooks (404) keep the receiver out of it.
    let mut limited = None;
    for _ in 0..20 {
        match within("404 or 429", owner.webhook_test_post("NoSuchWebhook0001")).await {
            Err(Error::ErrorResponse(value)) if value.status().as_u16() == 429 => {
                limited = Some(value.into_inner());
                break;
            }
            other => assert_eq!(
                documented_error(other, 404).error.type_,
                Some(ErrorType::RecordNotFound)
            ),
        }
    }
    let body = limited.expect("the rate limit answers 429");
    assert_error_type(&body, ErrorType::RateLimitExceeded);

    // The limit is per token: another token still gets through.
    documented_error(
        within(
            "404",
            server
                .client(OTHER_TOKEN)
                .webhook_test_post("NoSuchWebhook0001"),
        )
        .await,
        404,
    );
    // Invalid tokens are answered 401, not counted.
    documented_error(
        within(
            "401",
            server.client("not-a-token").webhook_test_post(HOOK_OK),
        )
        .await,
        401,
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_request_in_flight_finish() {
    let mut receiver = Receiver::start().await;
    let mut server = start(&receiver).await;
    let client = server.client(OWNER_TOKEN);

    let in_flight = tokio::spawn(async move { client.webhook_test_post(HOOK_GATE).await });
    // The delivery has reached the receiver, which holds it: the request is in flight.
    assert_eq!(receiver.next().await.path, "/gate");
    server.begin_shutdown();
    // The shutdown has begun once the listener is closed; wait for that, bounded.
    within("the listener closes", async {
        while server.accepts_connections().await {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    receiver.open_gate();

    let result = within("the request in flight ends", in_flight)
        .await
        .expect("the request task ends");
    let dispatch = created(result);
    assert_eq!(dispatch.status, WebhookDispatchStatus::Succeeded);
    let answers = server.stop().await;
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].status.as_u16(), 201);
}

#[test]
fn the_spec_check_catches_answers_that_break_the_spec() {
    let answer = |status: u16, content_type: &str, body: &str| Captured {
        method: "POST".to_owned(),
        path: "/v2/webhooks/x/test".to_owned(),
        status: http::StatusCode::from_u16(status).expect("status"),
        content_type: Some(content_type.to_owned()),
        body: body.to_owned().into(),
    };
    let json = "application/json";
    let valid_dispatch = r#"{"data": {"id": "a", "userId": "u", "webhookId": "w",
        "createdAt": "2019-12-12T07:34:14.202Z", "status": "SUCCEEDED", "eventType": "TEST"}}"#;
    assert!(spec_violations(&answer(201, json, valid_dispatch)).is_empty());
    assert!(
        spec_violations(&answer(
            404,
            json,
            r#"{"error": {"type": "record-not-found", "message": "m"}}"#
        ))
        .is_empty()
    );

    for (bad, why) in [
        (answer(201, json, r#"{"data": {"id": "a"}}"#), "required"),
        (
            answer(
                201,
                json,
                &valid_dispatch.replace("2019-12-12T07:34:14.202Z", "yesterday"),
            ),
            "date-time",
        ),
        (
            answer(401, json, r#"{"message": "no envelope"}"#),
            "required",
        ),
        (answer(500, json, r#"{"error": {}}"#), "not documented"),
        (answer(404, "text/plain", "Not Found"), "Content-Type"),
        (answer(400, json, "not json"), "not JSON"),
    ] {
        let violations = spec_violations(&bad);
        assert!(
            violations.iter().any(|v| v.contains(why)),
            "{bad:?}: expected a violation mentioning {why:?}, got {violations:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_hanging_up_does_not_cancel_the_delivery() {
    let mut receiver = Receiver::start().await;
    let server = start(&receiver).await;
    let client = server.client(OWNER_TOKEN);

    let in_flight = tokio::spawn(async move { client.webhook_test_post(HOOK_GATE).await });
    let got = receiver.next().await;
    in_flight.abort();
    let _ = in_flight.await;
    receiver.open_gate();

    // The delivery finishes on its own and is recorded; wait for it, bounded.
    let dispatch_id = got
        .header(DISPATCH_ID_HEADER)
        .expect("dispatch id")
        .to_owned();
    let dispatch = within("the dispatch is recorded", async {
        loop {
            if let Some(dispatch) = server.api.dispatch(&dispatch_id) {
                break dispatch;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert_eq!(dispatch.status, WebhookDispatchStatus::Succeeded);
    server.stop().await;
}
