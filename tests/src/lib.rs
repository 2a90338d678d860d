//! Helpers for the end-to-end tests: the reference server started in-process on a loopback
//! port, a local webhook receiver, and a check of every answer against `openapi.yaml`.
//!
//! Everything binds `127.0.0.1:0`; every wait is bounded by [`within`].

#![warn(missing_docs)]

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use apify_api_reference_server::config::{Config, Registry, TokenEntry, WebhookEntry};
use apify_api_reference_server::{ReferenceApi, app, serve_router};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// The longest any single step of a test may wait.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// Token of the user who owns the test webhooks.
pub const OWNER_TOKEN: &str = "e2e_owner_token";
/// Id of the user who owns the test webhooks.
pub const OWNER_ID: &str = "OwnerUserId000001";
/// Token of a second user.
pub const OTHER_TOKEN: &str = "e2e_other_token";
/// Id of the second user.
pub const OTHER_ID: &str = "OtherUserId000001";

/// Posts to the receiver, which answers `200` with [`OK_BODY`].
pub const HOOK_OK: &str = "HookOk00000000001";
/// Posts to the receiver with a payload template ([`TEMPLATE`]).
pub const HOOK_TEMPLATE: &str = "HookTemplate00001";
/// Posts to the receiver, which answers `500` with [`FAIL_BODY`].
pub const HOOK_FAIL: &str = "HookFail000000001";
/// Posts to the receiver, which answers `200` with a body longer than the kept 1 KiB.
pub const HOOK_BIG: &str = "HookBig0000000001";
/// Posts to the receiver, which answers only once [`Receiver::open_gate`] is called.
pub const HOOK_GATE: &str = "HookGate000000001";
/// Posts to a loopback port nobody listens on.
pub const HOOK_DOWN: &str = "HookDown000000001";
/// Belongs to the second user.
pub const HOOK_OTHER: &str = "HookOther00000001";

/// The body the receiver answers on `/ok`.
pub const OK_BODY: &str = r#"{"thanks": true}"#;
/// The body the receiver answers on `/fail`.
pub const FAIL_BODY: &str = "receiver broke";
/// The payload template of [`HOOK_TEMPLATE`].
pub const TEMPLATE: &str = r#"{"event": {{eventType}}, "run": {{resource.id}}, "data": {{eventData}}, "fixed": [1, "two"]}"#;

/// Awaits `future`, failing the test if it takes longer than [`STEP_TIMEOUT`].
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(STEP_TIMEOUT, future).await {
        Ok(value) => value,
        Err(_) => panic!("timed out after {STEP_TIMEOUT:?}: {what}"),
    }
}

/// A request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request path.
    pub path: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The request body.
    pub body: Bytes,
}

impl Received {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the payload is not JSON ({e}): {:?}", self.body))
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A local webhook receiver: records every request, answers according to the path.
pub struct Receiver {
    address: std::net::SocketAddr,
    requests: mpsc::UnboundedReceiver<Received>,
    gate: watch::Sender<bool>,
    task: JoinHandle<()>,
}

#[derive(Clone)]
struct ReceiverState {
    requests: mpsc::UnboundedSender<Received>,
    gate: watch::Receiver<bool>,
}

impl Receiver {
    /// Starts a receiver on a free loopback port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the receiver");
        let address = listener.local_addr().expect("receiver address");
        let (sender, requests) = mpsc::unbounded_channel();
        let (gate, gate_receiver) = watch::channel(false);
        let state = ReceiverState {
            requests: sender,
            gate: gate_receiver,
        };
        let router = axum::Router::new().fallback(receive).with_state(state);
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("receiver serves");
        });
        Self {
            address,
            requests,
            gate,
            task,
        }
    }

    /// The URL of `path` on this receiver.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The next request the receiver got, waiting for it.
    pub async fn next(&mut self) -> Received {
        within("the receiver gets a request", self.requests.recv())
            .await
            .expect("the receiver is running")
    }

    /// The requests received and not yet taken, without waiting.
    pub fn drain(&mut self) -> Vec<Received> {
        std::iter::from_fn(|| self.requests.try_recv().ok()).collect()
    }

    /// Lets requests to `/gate` be answered.
    pub fn open_gate(&self) {
        self.gate.send_replace(true);
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(state): State<ReceiverState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let _ = state.requests.send(Received {
        path: path.clone(),
        headers: parts.headers,
        body,
    });
    match path.as_str() {
        "/ok" => (StatusCode::OK, OK_BODY).into_response(),
        "/fail" => (StatusCode::INTERNAL_SERVER_ERROR, FAIL_BODY).into_response(),
        "/big" => (StatusCode::OK, big_body()).into_response(),
        "/gate" => {
            let mut gate = state.gate.clone();
            let _ = gate.wait_for(|open| *open).await;
            (StatusCode::OK, OK_BODY).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The body the receiver answers on `/big`: 3000 three-byte characters.
pub fn big_body() -> String {
    "€".repeat(3000)
}

/// A loopback URL on a port that nobody listens on (it was free a moment ago).
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/down")
}

/// The registry of the tests: both users, and every `HOOK_*` webhook pointing at `receiver`.
pub fn registry(receiver: &Receiver) -> Registry {
    let owned = |id: &str, url: String| WebhookEntry::new(id, OWNER_ID, url);
    Registry {
        tokens: vec![
            TokenEntry::new(OWNER_TOKEN, OWNER_ID),
            TokenEntry::new(OTHER_TOKEN, OTHER_ID),
        ],
        webhooks: vec![
            owned(HOOK_OK, receiver.url("/ok")),
            owned(HOOK_TEMPLATE, receiver.url("/ok")).with_payload_template(TEMPLATE),
            owned(HOOK_FAIL, receiver.url("/fail")),
            owned(HOOK_BIG, receiver.url("/big")),
            owned(HOOK_GATE, receiver.url("/gate")),
            owned(HOOK_DOWN, closed_port_url()),
            WebhookEntry::new(HOOK_OTHER, OTHER_ID, receiver.url("/ok")),
        ],
    }
}

/// One answer the server sent, as it went on the wire.
#[derive(Debug, Clone)]
pub struct Captured {
    /// Request method.
    pub method: String,
    /// Request path (without the query).
    pub path: String,
    /// Response status.
    pub status: StatusCode,
    /// Response `Content-Type`.
    pub content_type: Option<String>,
    /// Response body.
    pub body: Bytes,
}

/// The reference server, started in-process on a free loopback port. Every answer it sends is
/// captured; [`TestServer::stop`] checks them all against the spec.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The implementation, to read the recorded dispatches.
    pub api: Arc<ReferenceApi>,
    captured: Arc<Mutex<Vec<Captured>>>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl TestServer {
    /// Starts the server with `config`.
    pub async fn start(config: Config) -> Self {
        let api = Arc::new(ReferenceApi::new(config).expect("the test configuration is valid"));
        let captured = Arc::new(Mutex::new(Vec::new()));
        let router = app(api.clone()).layer(axum::middleware::from_fn_with_state(
            captured.clone(),
            capture,
        ));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_router(listener, router, async {
            let _ = stopped.await;
        }));
        Self {
            base_url,
            api,
            captured,
            stop: Some(stop),
            task,
        }
    }

    /// A generated client sending `token` as `Authorization: Bearer`.
    pub fn client(&self, token: &str) -> apify_api_client::Client {
        apify_api_client::Client::with_token(&self.base_url, token).expect("a valid header value")
    }

    /// A generated client sending no token.
    pub fn anonymous_client(&self) -> apify_api_client::Client {
        apify_api_client::Client::new(&self.base_url)
    }

    /// `base_url` followed by `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url)
    }

    /// Starts the graceful shutdown (as SIGTERM does in the binary) without waiting for it.
    pub fn begin_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Whether the server still accepts connections.
    pub async fn accepts_connections(&self) -> bool {
        let address = self.base_url.trim_start_matches("http://");
        tokio::net::TcpStream::connect(address).await.is_ok()
    }

    /// Stops the server gracefully, then checks that every answer it sent validates against
    /// `openapi.yaml`. Returns the answers.
    pub async fn stop(mut self) -> Vec<Captured> {
        self.begin_shutdown();
        within("the server stops", self.task)
            .await
            .expect("the server task ends")
            .expect("the server ends without error");
        let captured = self
            .captured
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let violations: Vec<String> = captured.iter().flat_map(spec_violations).collect();
        assert!(
            violations.is_empty(),
            "answers that break openapi.yaml:\n{}",
            violations.join("\n")
        );
        captured
    }
}

async fn capture(
    State(captured): State<Arc<Mutex<Vec<Captured>>>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("the server's answer can be read");
    captured
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Captured {
            method,
            path,
            status: parts.status,
            content_type: parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: body.clone(),
        });
    Response::from_parts(parts, Body::from(body))
}

/// The spec's schemas for the bodies of this API's answers.
pub struct SpecSchemas {
    dispatch_response: jsonschema::Validator,
    error_response: jsonschema::Validator,
}

/// The validators, built once from `openapi.yaml` with the xtask helpers.
pub fn spec_schemas() -> &'static SpecSchemas {
    static SCHEMAS: OnceLock<SpecSchemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
        let spec = xtask::spec::load(&path).unwrap_or_else(|e| panic!("openapi.yaml: {e}"));
        let validator = |pointer: &str| {
            xtask::openapi_schema::validator_for(&spec, pointer).unwrap_or_else(|e| panic!("{e}"))
        };
        SpecSchemas {
            dispatch_response: validator("#/components/schemas/WebhookDispatchResponse"),
            error_response: validator("#/components/schemas/ErrorResponse"),
        }
    })
}

/// How an answer breaks the spec: an undocumented status, a body that is not JSON, or a body
/// that does not validate against the documented schema. Empty when it conforms.
pub fn spec_violations(answer: &Captured) -> Vec<String> {
    let at = format!("{} {} -> {}", answer.method, answer.path, answer.status);
    let schemas = spec_schemas();
    let validator = match answer.status.as_u16() {
        201 => &schemas.dispatch_response,
        400 | 401 | 403 | 404 | 405 | 429 => &schemas.error_response,
        _ => return vec![format!("{at}: status not documented")],
    };
    if answer.content_type.as_deref() != Some("application/json") {
        return vec![format!(
            "{at}: Content-Type {:?}, not application/json",
            answer.content_type
        )];
    }
    match serde_json::from_slice(&answer.body) {
        Ok(json) => xtask::openapi_schema::errors(validator, &json)
            .into_iter()
            .map(|e| format!("{at}: {e}"))
            .collect(),
        Err(e) => vec![format!("{at}: the body is not JSON: {e}")],
    }
}

/// A plain HTTP client for what the generated client cannot send (a body, another method, a
/// query token), with a bounded timeout.
pub fn raw_http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(STEP_TIMEOUT)
        .no_proxy()
        .build()
        .expect("an HTTP client")
}
