//! Load without loss: 20,000 requests over 64 concurrent connections to the reference server on
//! loopback. Every request must succeed, and every 201 must correspond to exactly one recorded
//! dispatch and one delivery. Bounded in time by a hang guard, never by a timed assertion.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use apify_api_e2e::*;
use apify_api_reference_server::config::Config;

const REQUESTS: usize = 20_000;
const CONNECTIONS: usize = 64;
/// Guards against a hang; far above what the run takes (a few seconds to a minute).
const HANG_GUARD: Duration = Duration::from_secs(600);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_requests_over_64_connections_lose_nothing() {
    let mut receiver = Receiver::start().await;
    let server = TestServer::start(Config::new(registry(&receiver)).with_rate_limit(None)).await;
    let authorized = Arc::new(server.client(OWNER_TOKEN));

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let client = authorized.clone();
            let next = next.clone();
            tokio::spawn(async move {
                let mut ids = Vec::new();
                let mut failures = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < REQUESTS {
                    match client.webhook_test_post(HOOK_OK).await {
                        Ok(response) if response.status().as_u16() == 201 => {
                            ids.push(response.into_inner().data.id)
                        }
                        Ok(response) => failures.push(format!("status {}", response.status())),
                        Err(error) => failures.push(format!("{error:?}")),
                    }
                }
                (ids, failures)
            })
        })
        .collect();
    let mut ids = Vec::with_capacity(REQUESTS);
    let mut failures = Vec::new();
    for worker in workers {
        let (worker_ids, worker_failures) = tokio::time::timeout(HANG_GUARD, worker)
            .await
            .expect("the load run ends")
            .expect("no worker panics");
        ids.extend(worker_ids);
        failures.extend(worker_failures);
    }
    let took = started.elapsed();
    println!(
        "{REQUESTS} requests over {CONNECTIONS} connections in {took:.1?} ({:.0} requests/s)",
        REQUESTS as f64 / took.as_secs_f64()
    );

    assert!(
        failures.is_empty(),
        "{} requests failed, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert_eq!(ids.len(), REQUESTS);
    let answered: HashSet<&String> = ids.iter().collect();
    assert_eq!(answered.len(), REQUESTS, "dispatch ids are unique");

    let recorded = server.api.dispatches();
    assert_eq!(server.api.dispatches_created(), REQUESTS as u64);
    assert_eq!(recorded.len(), REQUESTS, "one recorded dispatch per 201");
    let recorded_ids: HashSet<&String> = recorded.iter().map(|d| &d.id).collect();
    assert_eq!(
        recorded_ids, answered,
        "every 201 is a recorded dispatch and every recorded dispatch was answered"
    );
    assert!(
        recorded.iter().all(|d| d.calls.len() == 1),
        "each dispatch records its one call"
    );

    let delivered = receiver.drain();
    assert_eq!(delivered.len(), REQUESTS, "one delivery per dispatch");
    let delivered_ids: HashSet<String> = delivered
        .iter()
        .map(|r| {
            r.header(apify_api_reference_server::delivery::DISPATCH_ID_HEADER)
                .expect("dispatch id header")
                .to_owned()
        })
        .collect();
    assert_eq!(delivered_ids.iter().collect::<HashSet<_>>(), answered);

    let answers = server.stop().await;
    assert_eq!(
        answers.len(),
        REQUESTS,
        "every answer validated against openapi.yaml"
    );
}
