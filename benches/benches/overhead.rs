//! Generated code against the hand-written code it replaces; see the crate docs for the fixtures.
//!
//! Run with `cargo xtask bench` (which prints the ratios) or
//! `cargo bench -p apify-api-benches --bench overhead`. Each criterion group holds the
//! contenders of one comparison, measured one after the other in the same process on the same
//! input. Then the paired phase measures the same contenders again, taking turns in short rounds,
//! for the ratios (see `apify_api_benches::paired`); it prints them and writes them to
//! `$CRITERION_HOME/paired.json` (default `target/criterion/paired.json`).

use std::hint::black_box;
use std::time::Duration;

use apify_api_benches::{
    Contender, EXAMPLE_BODY, PATH, PairedRun, WEBHOOK_ID, generated_call, generated_router,
    handwritten_owned_router, handwritten_router, http_client, oneshot, paired, post_bytes,
    raw_call, serve, static_router,
};
use apify_api_types::WebhookDispatchResponse;
use criterion::{Criterion, Throughput, criterion_group};
use tokio::runtime::Runtime;

/// Where the benchmark thread drives requests: a current-thread runtime, so a request costs no
/// wake-up of another thread on the client side.
fn client_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Where the loopback servers run: one worker thread, so client and server each have a core.
fn server_runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The generated router + trait dispatch against hand-written axum, in process (tower `oneshot`).
fn server_in_process(c: &mut Criterion) {
    let rt = client_runtime();
    let mut group = c.benchmark_group("server_in_process");
    for (name, router) in [
        ("generated", generated_router()),
        ("handwritten", handwritten_router()),
        ("handwritten_owned", handwritten_owned_router()),
        ("static", static_router()),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(async { black_box(oneshot(&router).await) }))
        });
    }
    group.finish();
}

/// The same servers over loopback, with one keep-alive client.
fn server_loopback(c: &mut Criterion) {
    let servers = server_runtime();
    let rt = client_runtime();
    let client = http_client();
    let mut group = c.benchmark_group("server_loopback");
    for (name, router) in [
        ("generated", generated_router()),
        ("handwritten", handwritten_router()),
        ("static", static_router()),
    ] {
        let addr = servers.block_on(serve(router)).expect("serve on loopback");
        let url = format!("http://{addr}{PATH}");
        group.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(async {
                    let (status, body) = post_bytes(&client, &url).await.expect("request");
                    black_box((status, body))
                })
            })
        });
    }
    group.finish();
}

/// The generated client against reqwest + serde_json, same pool, same local server.
fn client(c: &mut Criterion) {
    let servers = server_runtime();
    let rt = client_runtime();
    let http = http_client();
    let addr = servers
        .block_on(serve(static_router()))
        .expect("serve on loopback");
    let base = format!("http://{addr}");
    let generated = apify_api_client::Client::new_with_client(&base, http.clone());
    let mut group = c.benchmark_group("client");
    group.bench_function("generated", |b| {
        b.iter(|| {
            rt.block_on(async {
                black_box(
                    generated_call(&generated, black_box(WEBHOOK_ID))
                        .await
                        .expect("call"),
                )
            })
        })
    });
    group.bench_function("raw_reqwest", |b| {
        b.iter(|| {
            rt.block_on(async {
                black_box(
                    raw_call(&http, &base, black_box(WEBHOOK_ID))
                        .await
                        .expect("call"),
                )
            })
        })
    });
    group.finish();
}

/// Decoding the spec's 201 example body: the generated type against `serde_json::Value`.
fn decode(c: &mut Criterion) {
    let body = EXAMPLE_BODY.as_bytes();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("typed", |b| {
        b.iter(|| {
            serde_json::from_slice::<WebhookDispatchResponse>(black_box(body)).expect("decodes")
        })
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).expect("decodes"))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

criterion_group! {
    name = benches;
    config = config();
    targets = server_in_process, server_loopback, client, decode
}

/// How the paired phase runs, from the command line cargo passes to the bench binary.
struct PairedSettings {
    /// Under `cargo bench` (false: a quick check under `cargo test --benches`; nothing is written).
    full: bool,
    /// The criterion filter, if any: only comparisons whose name contains it run.
    filter: Option<String>,
    /// Time spent per comparison.
    budget: Duration,
    /// Rounds per comparison, at least.
    min_rounds: usize,
}

impl PairedSettings {
    fn from_args() -> Option<Self> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        // Listing, or profiling one benchmark with `--profile-time`: no paired phase.
        if args.iter().any(|a| a == "--list" || a == "--profile-time") {
            return None;
        }
        // `cargo test --benches` runs the binary without `--bench`: one quick round each.
        let full = args.iter().any(|a| a == "--bench");
        // Criterion's options that take a value; any other word is the filter.
        const WITH_VALUE: [&str; 13] = [
            "--save-baseline",
            "--baseline",
            "--load-baseline",
            "--profile-time",
            "--measurement-time",
            "--warm-up-time",
            "--sample-size",
            "--noise-threshold",
            "--confidence-level",
            "--significance-level",
            "--nresamples",
            "--color",
            "--format",
        ];
        let filter = args
            .iter()
            .enumerate()
            .find(|(i, a)| {
                !a.starts_with('-') && (*i == 0 || !WITH_VALUE.contains(&args[i - 1].as_str()))
            })
            .map(|(_, a)| a.clone());
        let budget = std::env::var("PAIRED_SECONDS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .map_or(Duration::from_secs(4), Duration::from_secs_f64);
        Some(if full {
            Self {
                full,
                filter,
                budget,
                min_rounds: 50,
            }
        } else {
            Self {
                full,
                filter,
                budget: Duration::ZERO,
                min_rounds: 1,
            }
        })
    }

    /// Whether the filter selects the comparison `group` (`client` or `client/generated`).
    fn wants(&self, group: &str) -> bool {
        self.filter
            .as_deref()
            .is_none_or(|f| group.contains(f) || f.starts_with(&format!("{group}/")))
    }
}

/// The contenders of each comparison again, taking turns round by round.
fn paired_phase(settings: &PairedSettings) -> Vec<(&'static str, PairedRun)> {
    let mut runs = Vec::new();
    let client_rt = client_runtime();
    let servers = server_runtime();

    if settings.wants("server_in_process") {
        let routers = [
            generated_router(),
            handwritten_router(),
            handwritten_owned_router(),
            static_router(),
        ];
        let mut contenders = ["generated", "handwritten", "handwritten_owned", "static"]
            .into_iter()
            .zip(&routers)
            .map(|(name, router)| Contender {
                name,
                call: Box::new(|| {
                    black_box(client_rt.block_on(oneshot(router)));
                }),
            })
            .collect::<Vec<_>>();
        let run = paired(&mut contenders, 32, settings.budget, settings.min_rounds);
        runs.push(("server_in_process", run));
    }

    if settings.wants("server_loopback") {
        let http = http_client();
        let urls: Vec<String> = [generated_router(), handwritten_router(), static_router()]
            .into_iter()
            .map(|router| {
                let addr = servers.block_on(serve(router)).expect("serve on loopback");
                format!("http://{addr}{PATH}")
            })
            .collect();
        let mut contenders = ["generated", "handwritten", "static"]
            .into_iter()
            .zip(&urls)
            .map(|(name, url)| Contender {
                name,
                call: Box::new(|| {
                    black_box(client_rt.block_on(post_bytes(&http, url)).expect("request"));
                }),
            })
            .collect::<Vec<_>>();
        let run = paired(&mut contenders, 4, settings.budget, settings.min_rounds);
        runs.push(("server_loopback", run));
    }

    if settings.wants("client") {
        let http = http_client();
        let addr = servers
            .block_on(serve(static_router()))
            .expect("serve on loopback");
        let base = format!("http://{addr}");
        let generated = apify_api_client::Client::new_with_client(&base, http.clone());
        let mut contenders = [
            Contender {
                name: "generated",
                call: Box::new(|| {
                    black_box(
                        client_rt
                            .block_on(generated_call(&generated, WEBHOOK_ID))
                            .expect("call"),
                    );
                }),
            },
            Contender {
                name: "raw_reqwest",
                call: Box::new(|| {
                    black_box(
                        client_rt
                            .block_on(raw_call(&http, &base, WEBHOOK_ID))
                            .expect("call"),
                    );
                }),
            },
        ];
        let run = paired(&mut contenders, 4, settings.budget, settings.min_rounds);
        runs.push(("client", run));
    }

    if settings.wants("decode") {
        let body = EXAMPLE_BODY.as_bytes();
        let mut contenders = [
            Contender {
                name: "typed",
                call: Box::new(|| {
                    black_box(
                        serde_json::from_slice::<WebhookDispatchResponse>(black_box(body))
                            .expect("decodes"),
                    );
                }),
            },
            Contender {
                name: "value",
                call: Box::new(|| {
                    black_box(
                        serde_json::from_slice::<serde_json::Value>(black_box(body))
                            .expect("decodes"),
                    );
                }),
            },
        ];
        let run = paired(&mut contenders, 64, settings.budget, settings.min_rounds);
        runs.push(("decode", run));
    }
    runs
}

/// The ratios each comparison reports: (numerator, denominator).
const RATIOS: [(&str, &str, &str); 6] = [
    ("server_in_process", "generated", "handwritten"),
    ("server_in_process", "generated", "handwritten_owned"),
    ("server_in_process", "generated", "static"),
    ("server_loopback", "generated", "handwritten"),
    ("client", "generated", "raw_reqwest"),
    ("decode", "value", "typed"),
];

fn report(runs: &[(&'static str, PairedRun)]) -> serde_json::Value {
    let mut groups = serde_json::Map::new();
    println!("\npaired rounds (contenders take turns; ratio = median of per-round ratios)");
    for (group, run) in runs {
        let rounds = run.times.first().map_or(0, Vec::len);
        let mut medians = serde_json::Map::new();
        for name in &run.names {
            let ns = run.median_ns(name).unwrap_or(f64::NAN);
            println!(
                "  {group}/{name}: median {:.3} µs per call ({rounds} rounds)",
                ns / 1e3
            );
            medians.insert((*name).to_owned(), ns.into());
        }
        let mut ratios = Vec::new();
        for (_, num, den) in RATIOS.iter().filter(|(g, _, _)| g == group) {
            if let Some(r) = run.ratio(num, den) {
                println!(
                    "  {group}: {num} / {den} = {:.3} (quartiles {:.3}..{:.3})",
                    r.median, r.p25, r.p75
                );
                ratios.push(serde_json::json!({
                    "numerator": num, "denominator": den,
                    "median": r.median, "p25": r.p25, "p75": r.p75,
                }));
            }
        }
        groups.insert(
            (*group).to_owned(),
            serde_json::json!({ "rounds": rounds, "median_ns": medians, "ratios": ratios }),
        );
    }
    serde_json::Value::Object(groups)
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let Some(settings) = PairedSettings::from_args() else {
        return;
    };
    let report = report(&paired_phase(&settings));
    if !settings.full {
        return;
    }
    let dir = std::env::var_os("CRITERION_HOME").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion"),
        std::path::PathBuf::from,
    );
    let path = dir.join("paired.json");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&report).expect("JSON") + "\n",
        )
    });
    match written {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
}
