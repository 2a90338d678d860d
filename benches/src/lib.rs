//! The fixtures of the benchmarks in `benches/overhead.rs`, shared with this crate's tests.
//!
//! Each comparison pits generated code against the hand-written code it replaces, doing the same
//! work on the same input:
//!
//! - **server**: [`generated_router`] (the generated `router()` with a trivial [`Api`]
//!   implementation) against [`handwritten_router`] (one axum handler that takes the path
//!   parameter, checks the bearer token and serializes the same value) and
//!   [`static_router`] (one axum handler that returns the finished bytes: the floor). In
//!   process, [`handwritten_owned_router`] also serializes a value it owns, as the trait's
//!   implementation must return one: it splits the overhead into that copy and the rest;
//! - **client**: the generated `Client::webhook_test_post` against [`raw_call`], reqwest plus
//!   serde_json, both over the same connection pool to the same local server;
//! - **decode**: the spec's 201 example body, as `WebhookDispatchResponse` and as
//!   `serde_json::Value`.
//!
//! The tests below check that the contenders really are interchangeable (same status, content
//! type and bytes; same decoded value), so a ratio compares like with like.
//!
//! Criterion measures each contender on its own, one after the other; on a shared 2-core machine
//! the load changes between those periods by more than the 5% the goals are about. So the ratios
//! come from [`paired`]: the contenders of a comparison take turns in short rounds, each round
//! yields one ratio per pair, and the median over the rounds is the ratio reported.

use std::net::SocketAddr;
use std::sync::Arc;

use apify_api_server::{Api, ApiError, WebhookTestPostRequest, WebhookTestPostResponse};
use apify_api_types::WebhookDispatchResponse;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, Request, StatusCode, header};

/// The body of the spec's `201` example for `POST /v2/webhooks/{webhookId}/test`, as JSON.
///
/// A test checks it against `openapi.yaml`. The servers answer the same value, serialized from
/// the generated type (fields in the type's order): [`response_body`].
pub const EXAMPLE_BODY: &str = r#"{"data":{"id":"asdLZtadYvn4mBZmm","userId":"wRsJZtadYvn4mBZmm","webhookId":"asdLZtadYvn4mBZmm","createdAt":"2019-12-12T07:34:14.202Z","status":"ACTIVE","eventType":"ACTOR.BUILD.ABORTED","eventData":{"actorId":"vvE7iMKuMc5qTHHsR","actorRunId":"JgwXN9BdwxGcu9MMF"},"calls":[{"startedAt":"2019-12-12T07:34:14.202Z","finishedAt":"2019-12-12T07:34:14.202Z","errorMessage":"Cannot send request","responseStatus":200,"responseBody":"{\"foo\": \"bar\"}"}]}}"#;

/// The path every request goes to.
pub const PATH: &str = "/v2/webhooks/pVJtoTelgYUq4qJOt/test";
/// The webhook ID in [`PATH`].
pub const WEBHOOK_ID: &str = "pVJtoTelgYUq4qJOt";
/// The bearer token every request carries.
pub const TOKEN: &str = "bench-token";

/// The example dispatch, decoded.
pub fn dispatch() -> WebhookDispatchResponse {
    serde_json::from_str(EXAMPLE_BODY).expect("the example body decodes")
}

/// What every server answers: [`dispatch`] serialized, as the generated server writes it.
pub fn response_body() -> Bytes {
    serde_json::to_vec(&dispatch())
        .expect("the dispatch serializes")
        .into()
}

/// A trivial [`Api`]: every call answers `201` with the same dispatch.
pub struct FixedApi {
    dispatch: WebhookDispatchResponse,
}

impl Api for FixedApi {
    async fn webhook_test_post(
        &self,
        _request: WebhookTestPostRequest,
    ) -> Result<WebhookTestPostResponse, ApiError> {
        Ok(WebhookTestPostResponse::Created(self.dispatch.clone()))
    }
}

/// The generated router serving [`FixedApi`].
pub fn generated_router() -> Router {
    apify_api_server::router(Arc::new(FixedApi {
        dispatch: dispatch(),
    }))
}

/// What one would write by hand without the generator: the path parameter, a bearer token check
/// and the same value serialized with the same status and content type.
pub fn handwritten_router() -> Router {
    handwritten(serde_json::to_vec)
}

/// [`handwritten_router`], but the handler serializes a copy of the value it owns, as a handler
/// that builds its response does (and as the trait's implementation must: it returns the value).
pub fn handwritten_owned_router() -> Router {
    handwritten(|dispatch| {
        let owned: WebhookDispatchResponse = dispatch.clone();
        serde_json::to_vec(&owned)
    })
}

fn handwritten(body: fn(&WebhookDispatchResponse) -> serde_json::Result<Vec<u8>>) -> Router {
    let dispatch = Arc::new(dispatch());
    Router::new().route(
        "/v2/webhooks/{webhookId}/test",
        axum::routing::post(
            move |Path(_webhook_id): Path<String>, headers: HeaderMap| async move {
                let authorized = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .is_some_and(|token| !token.is_empty());
                if !authorized {
                    return StatusCode::UNAUTHORIZED.into_response();
                }
                match body(std::hint::black_box(&dispatch)) {
                    Ok(bytes) => json(StatusCode::CREATED, bytes.into()),
                    Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                }
            },
        ),
    )
}

/// The floor: a handler that answers the finished bytes of [`response_body`].
pub fn static_router() -> Router {
    let body = response_body();
    Router::new().route(
        "/v2/webhooks/{webhookId}/test",
        axum::routing::post(move || async move { json(StatusCode::CREATED, Body::from(body)) }),
    )
}

fn json(status: StatusCode, body: Body) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The request every server benchmark sends in process: `POST` with a bearer token, no body.
pub fn request() -> Request<Body> {
    Request::post(PATH)
        .header(header::AUTHORIZATION, bearer())
        .body(Body::empty())
        .expect("a valid request")
}

fn bearer() -> HeaderValue {
    HeaderValue::from_static("Bearer bench-token")
}

/// Sends [`request`] to `router` in process; returns the status, content type and body.
pub async fn oneshot(router: &Router) -> (StatusCode, Option<HeaderValue>, Bytes) {
    use tower::ServiceExt;
    let response = router
        .clone()
        .oneshot(request())
        .await
        .expect("routers are infallible");
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("an in-memory body");
    (status, content_type, body)
}

/// Serves `router` on a free loopback port, on the current runtime.
pub async fn serve(router: Router) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(addr)
}

/// One keep-alive reqwest client for every loopback benchmark: the bearer token is a default
/// header (as `Client::with_token` sets it), proxies are ignored.
pub fn http_client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, bearer());
    reqwest::Client::builder()
        .default_headers(headers)
        .no_proxy()
        .build()
        .expect("a reqwest client")
}

/// Sends `POST {base}{PATH}` and returns the status and body.
pub async fn post_bytes(
    client: &reqwest::Client,
    url: &str,
) -> reqwest::Result<(StatusCode, Bytes)> {
    let response = client.post(url).send().await?;
    let status = response.status();
    Ok((status, response.bytes().await?))
}

/// The hand-written client call the generated one replaces: reqwest plus serde_json.
pub async fn raw_call(
    client: &reqwest::Client,
    base: &str,
    webhook_id: &str,
) -> Result<WebhookDispatchResponse, Box<dyn std::error::Error + Send + Sync>> {
    let response = client
        .post(format!("{base}/v2/webhooks/{webhook_id}/test"))
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await?;
    if response.status() != StatusCode::CREATED {
        return Err(format!("unexpected status {}", response.status()).into());
    }
    Ok(serde_json::from_slice(&response.bytes().await?)?)
}

/// The generated client's call.
pub async fn generated_call(
    client: &apify_api_client::Client,
    webhook_id: &str,
) -> Result<WebhookDispatchResponse, apify_api_client::Error<apify_api_types::ErrorResponse>> {
    Ok(client.webhook_test_post(webhook_id).await?.into_inner())
}

/// One contender of a paired comparison.
pub struct Contender<'a> {
    pub name: &'static str,
    /// One call of the code under test.
    pub call: Box<dyn FnMut() + 'a>,
}

/// The per-call times of every contender, round by round, from [`paired`].
#[derive(Debug, Clone)]
pub struct PairedRun {
    pub names: Vec<&'static str>,
    /// `times[c][r]`: nanoseconds per call of contender `c` in round `r`.
    pub times: Vec<Vec<f64>>,
}

/// The ratio of two contenders' times over the rounds of a [`PairedRun`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    pub median: f64,
    /// The first and third quartile of the per-round ratios.
    pub p25: f64,
    pub p75: f64,
}

impl PairedRun {
    /// The median nanoseconds per call of contender `name`.
    pub fn median_ns(&self, name: &str) -> Option<f64> {
        let c = self.names.iter().position(|n| *n == name)?;
        Some(quantiles(self.times[c].clone())[1])
    }

    /// `numerator / denominator`, round by round: both were measured in the same round.
    pub fn ratio(&self, numerator: &str, denominator: &str) -> Option<Ratio> {
        let a = self.names.iter().position(|n| *n == numerator)?;
        let b = self.names.iter().position(|n| *n == denominator)?;
        let per_round: Vec<f64> = self.times[a]
            .iter()
            .zip(&self.times[b])
            .map(|(a, b)| a / b)
            .collect();
        let [p25, median, p75] = quantiles(per_round);
        Some(Ratio { median, p25, p75 })
    }
}

/// The first quartile, median and third quartile (nearest rank); NaN for no values.
fn quantiles(mut values: Vec<f64>) -> [f64; 3] {
    if values.is_empty() {
        return [f64::NAN; 3];
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.25), at(0.5), at(0.75)]
}

/// Runs the contenders in turns: each round times `batch` calls of every contender (the order
/// rotates from round to round), until `budget` is spent (at least `min_rounds` rounds). One
/// untimed round warms every contender up first.
pub fn paired(
    contenders: &mut [Contender<'_>],
    batch: u32,
    budget: std::time::Duration,
    min_rounds: usize,
) -> PairedRun {
    use std::time::Instant;
    let n = contenders.len();
    for contender in contenders.iter_mut() {
        for _ in 0..batch {
            (contender.call)();
        }
    }
    let mut times = vec![Vec::new(); n];
    let started = Instant::now();
    let mut round = 0;
    while round < min_rounds || started.elapsed() < budget {
        for k in 0..n {
            let c = (round + k) % n;
            let call = &mut contenders[c].call;
            let t = Instant::now();
            for _ in 0..batch {
                call();
            }
            times[c].push(t.elapsed().as_nanos() as f64 / f64::from(batch));
        }
        round += 1;
    }
    PairedRun {
        names: contenders.iter().map(|c| c.name).collect(),
        times,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime")
    }

    #[test]
    fn the_example_body_is_the_specs_201_example() {
        let spec: serde_json::Value = serde_norway::from_str(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml"))
                .expect("read openapi.yaml"),
        )
        .expect("openapi.yaml is YAML");
        let example = spec
            .pointer("/paths/~1v2~1webhooks~1{webhookId}~1test/post/responses/201/content/application~1json/example")
            .expect("the spec has a 201 example");
        let body: serde_json::Value = serde_json::from_str(EXAMPLE_BODY).expect("JSON");
        assert_eq!(&body, example);
    }

    #[test]
    fn every_server_answers_the_same_status_content_type_and_bytes_in_process() {
        runtime().block_on(async {
            let expected = (
                StatusCode::CREATED,
                Some(HeaderValue::from_static("application/json")),
                response_body(),
            );
            for (name, router) in [
                ("generated", generated_router()),
                ("handwritten", handwritten_router()),
                ("handwritten_owned", handwritten_owned_router()),
                ("static", static_router()),
            ] {
                assert_eq!(oneshot(&router).await, expected, "{name}");
            }
        });
    }

    #[test]
    fn the_handwritten_server_checks_the_token_like_the_generated_one() {
        runtime().block_on(async {
            for router in [
                generated_router(),
                handwritten_router(),
                handwritten_owned_router(),
            ] {
                let request = Request::post(PATH).body(Body::empty()).expect("request");
                let response = tower::ServiceExt::oneshot(router, request)
                    .await
                    .expect("infallible");
                assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            }
        });
    }

    #[test]
    fn every_server_answers_the_same_over_loopback_and_both_clients_decode_the_same_value() {
        runtime().block_on(async {
            let client = http_client();
            for router in [generated_router(), handwritten_router(), static_router()] {
                let addr = serve(router).await.expect("serve");
                let (status, body) = post_bytes(&client, &format!("http://{addr}{PATH}"))
                    .await
                    .expect("request");
                assert_eq!(status, StatusCode::CREATED);
                assert_eq!(body, response_body());
            }
            let addr = serve(static_router()).await.expect("serve");
            let base = format!("http://{addr}");
            let generated = apify_api_client::Client::new_with_client(&base, client.clone());
            let from_generated = generated_call(&generated, WEBHOOK_ID).await.expect("call");
            let from_raw = raw_call(&client, &base, WEBHOOK_ID).await.expect("call");
            assert_eq!(from_generated, dispatch());
            assert_eq!(from_raw, dispatch());
        });
    }

    #[test]
    fn paired_rounds_compare_contenders_measured_together() {
        let mut contenders = [
            Contender {
                name: "slow",
                call: Box::new(|| std::thread::sleep(std::time::Duration::from_millis(2))),
            },
            Contender {
                name: "fast",
                call: Box::new(|| {
                    std::hint::black_box(1 + 1);
                }),
            },
        ];
        let run = paired(&mut contenders, 2, std::time::Duration::ZERO, 5);
        assert_eq!(run.names, ["slow", "fast"]);
        assert!(run.times.iter().all(|t| t.len() == 5));
        assert!(run.median_ns("slow").expect("slow") >= 2e6);
        let ratio = run.ratio("slow", "fast").expect("ratio");
        assert!(ratio.p25 <= ratio.median && ratio.median <= ratio.p75);
        assert!(ratio.median > 100.0, "{ratio:?}");
        assert_eq!(run.ratio("fast", "fast").expect("ratio").median, 1.0);
        assert!(run.ratio("fast", "missing").is_none());
    }

    #[test]
    fn quantiles_use_the_nearest_rank() {
        assert_eq!(quantiles(vec![5.0, 1.0, 3.0, 2.0, 4.0]), [2.0, 3.0, 4.0]);
        assert!(quantiles(Vec::new())[1].is_nan());
    }

    #[test]
    fn both_decoders_accept_the_example() {
        let typed: WebhookDispatchResponse =
            serde_json::from_slice(EXAMPLE_BODY.as_bytes()).expect("typed");
        let untyped: serde_json::Value =
            serde_json::from_slice(EXAMPLE_BODY.as_bytes()).expect("untyped");
        assert_eq!(serde_json::to_value(&typed).expect("to value"), untyped);
    }
}
