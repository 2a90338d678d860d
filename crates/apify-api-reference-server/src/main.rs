//! `apify-api-reference-server`: serves the reference implementation; see the crate README.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use apify_api_reference_server::config::{
    Config, DEMO_TOKEN, DEMO_WEBHOOK_ID, OTHER_TOKEN, RateLimit, Registry,
};
use apify_api_reference_server::{ReferenceApi, demo_receiver, serve};
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// A reference server for the Apify API's "Test webhook" endpoint,
/// POST /v2/webhooks/{webhookId}/test.
///
/// It checks the token, the rate limit, the webhook and its owner, then really POSTs a test
/// payload to the webhook's URL and answers 201 with the dispatch it recorded.
///
/// Without --config it serves a built-in demo: webhook pVJtoTelgYUq4qJOt, owned by the user of
/// token apify_api_demo_token, posting to a demo receiver started on a free loopback port.
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
struct Args {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,

    /// JSON file registering tokens and webhooks, e.g. examples/webhooks.json (format in the
    /// README). Without it, the built-in demo configuration is used.
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,

    /// Requests per second each token may send (sustained rate of the per-token limit).
    #[arg(long, value_name = "N", default_value_t = NonZeroU32::new(100).expect("non-zero"))]
    rate_limit: NonZeroU32,

    /// Requests each token may send at once before the per-second rate applies.
    #[arg(long, value_name = "N", default_value_t = NonZeroU32::new(100).expect("non-zero"))]
    rate_limit_burst: NonZeroU32,

    /// Turns the per-token rate limit off (429 is then never answered).
    #[arg(long, conflicts_with_all = ["rate_limit", "rate_limit_burst"])]
    no_rate_limit: bool,

    /// How long one delivery to a webhook's URL may take, in milliseconds, connecting and
    /// reading the answer included (1 to 60000). The API answers after the attempt.
    #[arg(long, value_name = "MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    delivery_timeout_ms: u64,

    /// Log filter: error, warn, info (one line per request), debug, trace, or tracing
    /// directives such as `warn,apify_api_reference_server=debug`.
    #[arg(long, value_name = "FILTER", default_value = "info")]
    log_level: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let filter = EnvFilter::try_new(&args.log_level).map_err(|e| {
        format!(
            "--log-level `{}` is not a log filter: {e}\n  fix: use error, warn, info, debug or trace",
            args.log_level
        )
    })?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();

    let registry = match &args.config {
        Some(path) => Registry::load(path).map_err(|e| e.to_string())?,
        None => {
            let listener = TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| format!("cannot start the demo receiver on a loopback port: {e}"))?;
            let address = listener
                .local_addr()
                .map_err(|e| format!("the demo receiver has no address: {e}"))?;
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, demo_receiver::router()).await {
                    tracing::error!(error = %e, "the demo receiver stopped");
                }
            });
            let url = format!("http://{address}{}", demo_receiver::PATH);
            tracing::info!(url = %url, "demo receiver listening (the demo webhook posts here)");
            Registry::builtin(url)
        }
    };
    let demo = args.config.is_none();
    let config = Config {
        rate_limit: (!args.no_rate_limit).then_some(RateLimit {
            per_second: args.rate_limit,
            burst: args.rate_limit_burst,
        }),
        delivery_timeout: Duration::from_millis(args.delivery_timeout_ms),
        ..Config::new(registry)
    };
    let api = Arc::new(ReferenceApi::new(config).map_err(|e| e.to_string())?);

    let listener = TcpListener::bind(args.listen).await.map_err(|e| {
        format!(
            "cannot listen on {}: {e}\n  fix: stop what uses that port, or pass another one, e.g. --listen 127.0.0.1:0",
            args.listen
        )
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("the listener has no address: {e}"))?;
    tracing::info!("listening on http://{address}");
    if demo {
        tracing::info!(
            "try: curl -X POST -H 'Authorization: Bearer {DEMO_TOKEN}' http://{address}/v2/webhooks/{DEMO_WEBHOOK_ID}/test"
        );
        tracing::info!("a 403: the same with the token {OTHER_TOKEN}");
    }
    serve(listener, api, shutdown_signal())
        .await
        .map_err(|e| format!("the server failed: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
