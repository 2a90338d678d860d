//! The endpoint the built-in demo webhook posts to, so the quick start shows a `SUCCEEDED`
//! dispatch with no other program running.
//!
//! The binary starts it on an ephemeral loopback port when no config file is given. It accepts
//! `POST /webhook`, logs the payload it got and answers `200 {"received": true}`.

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;

use crate::delivery::truncate_body;

/// The path the demo webhook posts to.
pub const PATH: &str = "/webhook";

/// The demo receiver's routes.
pub fn router() -> Router {
    Router::new()
        .route(PATH, post(receive))
        .fallback(|| async { StatusCode::NOT_FOUND })
}

async fn receive(body: Bytes) -> impl IntoResponse {
    // One line: the payload re-encoded compactly when it is JSON, else its start as text.
    let payload = serde_json::from_slice::<serde_json::Value>(&body)
        .map(|json| json.to_string())
        .unwrap_or_else(|_| truncate_body(&body));
    tracing::info!(payload = %payload, "demo receiver: webhook payload received");
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"received": true}"#,
    )
}
