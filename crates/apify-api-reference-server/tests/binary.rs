//! The binary as the README runs it: the built-in demo answers the README's curl with a 201
//! dispatch, SIGTERM stops it cleanly, bad input is explained.

use std::process::Stdio;
use std::time::Duration;

use apify_api_reference_server::config::{DEMO_TOKEN, DEMO_WEBHOOK_ID, OTHER_TOKEN};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const BINARY: &str = env!("CARGO_BIN_EXE_apify-api-reference-server");
const STEP: Duration = Duration::from_secs(30);

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(STEP, future)
        .await
        .unwrap_or_else(|_| panic!("timed out after {STEP:?}: {what}"))
}

#[tokio::test]
async fn the_demo_answers_the_readme_request_and_stops_on_sigterm() {
    let mut child = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut log = Vec::new();
    let address = within("the server logs its address", async {
        loop {
            let line = lines
                .next_line()
                .await
                .expect("stdout is readable")
                .expect("the server logs before exiting");
            log.push(line.clone());
            if let Some((_, rest)) = line.split_once("listening on http://") {
                break rest.trim().to_owned();
            }
        }
    })
    .await;

    let http = reqwest::Client::builder()
        .timeout(STEP)
        .no_proxy()
        .build()
        .expect("client");
    let url = format!("http://{address}/v2/webhooks/{DEMO_WEBHOOK_ID}/test");
    let response = within("201", http.post(&url).bearer_auth(DEMO_TOKEN).send())
        .await
        .expect("the server answers");
    assert_eq!(response.status().as_u16(), 201);
    let body: serde_json::Value =
        serde_json::from_slice(&within("body", response.bytes()).await.expect("body"))
            .expect("JSON");
    assert_eq!(body["data"]["status"], "SUCCEEDED", "{body}");
    assert_eq!(body["data"]["eventType"], "TEST", "{body}");
    assert_eq!(body["data"]["calls"][0]["responseStatus"], 200, "{body}");

    let forbidden = within(
        "403",
        http.post(format!("{url}?token={OTHER_TOKEN}")).send(),
    )
    .await
    .expect("the server answers");
    assert_eq!(forbidden.status().as_u16(), 403);

    let pid = child.id().expect("running").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = within("the server exits", child.wait())
        .await
        .expect("exit status");
    assert!(status.success(), "{status}");
    while let Some(line) = within("the rest of the log", lines.next_line())
        .await
        .expect("stdout is readable")
    {
        log.push(line);
    }

    let requests: Vec<&String> = log.iter().filter(|l| l.contains(" request ")).collect();
    assert_eq!(requests.len(), 2, "{log:#?}");
    assert!(requests[0].contains("method=POST"), "{}", requests[0]);
    assert!(
        requests[0].contains(&format!("path=/v2/webhooks/{DEMO_WEBHOOK_ID}/test")),
        "{}",
        requests[0]
    );
    assert!(requests[0].contains("status=201"), "{}", requests[0]);
    assert!(requests[0].contains("latency_ms="), "{}", requests[0]);
    assert!(requests[1].contains("status=403"), "{}", requests[1]);
    assert!(
        requests.iter().all(|l| !l.contains("token")),
        "tokens are never logged: {requests:#?}"
    );
    assert!(
        log.iter()
            .any(|l| l.contains("demo receiver: webhook payload received")),
        "{log:#?}"
    );
    assert!(log.iter().any(|l| l.contains("shutting down")), "{log:#?}");
}

#[tokio::test]
async fn a_bad_config_file_is_explained() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("webhooks.json");
    std::fs::write(
        &path,
        r#"{"tokens": [{"token": "t", "userId": "u"}], "webhooks": [{"id": "w", "userId": "u", "requestUrl": "ftp://example.com"}]}"#,
    )
    .expect("write");
    let output = within(
        "the binary exits",
        Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0", "--config"])
            .arg(&path)
            .output(),
    )
    .await
    .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(stderr.contains("webhooks[0].requestUrl"), "{stderr}");
    assert!(stderr.contains("fix:"), "{stderr}");
}

#[tokio::test]
async fn bad_flags_are_explained() {
    for args in [
        &["--log-level", "loud=="][..],
        &["--rate-limit", "0"][..],
        &["--delivery-timeout-ms", "0"][..],
        &["--no-rate-limit", "--rate-limit", "5"][..],
    ] {
        let output = within("the binary exits", Command::new(BINARY).args(args).output())
            .await
            .expect("the binary runs");
        assert!(!output.status.success(), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[tokio::test]
async fn help_explains_every_flag() {
    let output = within("--help", Command::new(BINARY).arg("--help").output())
        .await
        .expect("the binary runs");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen",
        "--config",
        "--rate-limit",
        "--rate-limit-burst",
        "--no-rate-limit",
        "--delivery-timeout-ms",
        "--log-level",
        DEMO_WEBHOOK_ID,
        DEMO_TOKEN,
    ] {
        assert!(help.contains(flag), "{flag} is not in --help:\n{help}");
    }
}
