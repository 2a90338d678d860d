//! One log line per request.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// Middleware that logs one `info` line per request when its response is ready: method, path,
/// status and latency in milliseconds.
///
/// Only the path is logged, never the query string (it may carry `?token=`) or any header.
pub async fn log_requests(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = %format_args!("{latency_ms:.1}"),
        "request"
    );
    response
}
