//! A runnable reference implementation of the Apify API's "Test webhook" endpoint,
//! `POST /v2/webhooks/{webhookId}/test`, built on the generated `apify-api-server` trait.
//!
//! - [`ReferenceApi`] implements [`apify_api_server::Api`]: it authenticates tokens, applies a
//!   per-token rate limit, checks that the webhook exists and belongs to the caller, really
//!   POSTs the test payload to the webhook's URL and answers `201` with the recorded dispatch.
//! - [`config`] holds what it serves: tokens, webhooks (from a JSON file or the built-in demo)
//!   and settings.
//! - [`app`] adds a per-request log line to the generated router; [`serve`] runs it with a
//!   graceful shutdown; [`demo_receiver`] is the local endpoint the built-in demo webhook posts
//!   to.
//!
//! Start it in-process, e.g. in a test, on an ephemeral port:
//!
//! ```no_run
//! use std::sync::Arc;
//! use apify_api_reference_server::{ReferenceApi, config::{Config, Registry}, serve};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let registry = Registry::builtin("http://127.0.0.1:9000/webhook");
//! let api = Arc::new(ReferenceApi::new(Config::new(registry))?);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let server = tokio::spawn(serve(listener, api.clone(), async { let _ = stopped.await; }));
//! // ... send requests, then read `api.dispatches()` ...
//! let _ = stop.send(());
//! server.await??;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod config;
pub mod delivery;
pub mod demo_receiver;
pub mod payload;

mod api;
mod request_log;

use std::future::Future;
use std::sync::Arc;

pub use api::{ReferenceApi, new_id};
pub use request_log::log_requests;

/// The generated router for `api`, with one log line per request (see [`log_requests`]).
pub fn app(api: Arc<ReferenceApi>) -> axum::Router {
    apify_api_server::router(api).layer(axum::middleware::from_fn(log_requests))
}

/// Serves [`app`]`(api)` on `listener` until `shutdown` completes; requests in flight then
/// finish (their deliveries included) before this returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    api: Arc<ReferenceApi>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, app(api), shutdown).await
}

/// Serves any `router` like [`serve`] does: lets a test wrap [`app`] in more layers.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
