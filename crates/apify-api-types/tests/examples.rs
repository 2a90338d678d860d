//! Every example in the spec decodes into its generated type and encodes back to the same JSON.

mod support;

use apify_api_types::{ErrorResponse, WebhookDispatchResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `example` as `T`, encodes it again, and compares (timestamps as instants).
fn round_trip<T: DeserializeOwned + Serialize>(example: &Value) -> Result<(), String> {
    let decoded: T =
        serde_json::from_value(example.clone()).map_err(|e| format!("does not decode: {e}"))?;
    let encoded = serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))?;
    same_json(example, &encoded, "")
}

fn same_json(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for key in e.keys().chain(a.keys()) {
                let here = format!("{at}/{key}");
                match (e.get(key), a.get(key)) {
                    (Some(x), Some(y)) => same_json(x, y, &here)?,
                    (x, y) => {
                        return Err(format!(
                            "at {here}: {x:?} in the example, {y:?} after the round trip"
                        ));
                    }
                }
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .try_for_each(|(i, (x, y))| same_json(x, y, &format!("{at}/{i}"))),
        (Value::String(e), Value::String(a)) if e != a => {
            match (
                chrono::DateTime::parse_from_rfc3339(e),
                chrono::DateTime::parse_from_rfc3339(a),
            ) {
                (Ok(x), Ok(y)) if x == y => Ok(()),
                _ => Err(format!(
                    "at {at}: {e:?} in the example, {a:?} after the round trip"
                )),
            }
        }
        _ if expected == actual => Ok(()),
        _ => Err(format!(
            "at {at}: {expected} in the example, {actual} after the round trip"
        )),
    }
}

fn round_trip_as(schema_name: &str, example: &Value) -> Result<(), String> {
    match schema_name {
        "WebhookDispatchResponse" => round_trip::<WebhookDispatchResponse>(example),
        "ErrorResponse" => round_trip::<ErrorResponse>(example),
        other => Err(format!(
            "no round-trip case for schema {other}: add it to round_trip_as"
        )),
    }
}

/// Every `example` of every response body: the 201 body and each error body.
#[test]
fn response_examples_round_trip() {
    let spec = support::spec();
    let mut responses: Vec<(String, &Value)> = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            for (status, response) in op["responses"].as_object().expect("responses") {
                responses.push((
                    format!("{method} {path} {status}"),
                    support::resolve(&spec, response),
                ));
            }
        }
    }
    let mut checked = 0;
    let mut problems = Vec::new();
    for (name, response) in responses {
        let Some(media) = response
            .get("content")
            .and_then(|c| c.get("application/json"))
        else {
            continue;
        };
        let schema = support::ref_name(&media["schema"])
            .unwrap_or_else(|| panic!("{name}: the body schema is not a $ref"));
        let example = media
            .get("example")
            .unwrap_or_else(|| panic!("{name}: the body has no example"));
        checked += 1;
        if let Err(e) = round_trip_as(schema, example) {
            problems.push(format!("{name} ({schema}): {e}"));
        }
    }
    assert_eq!(
        checked, 7,
        "the 201 body and six error bodies have examples"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A null in a nullable field survives the round trip where the type keeps it.
#[test]
fn nullable_event_data_round_trips_as_absent_or_object() {
    let with_null: Value = serde_json::json!({"data": {
        "id": "a", "userId": "u", "webhookId": "w", "createdAt": "2019-12-12T07:34:14.202Z",
        "status": "FAILED", "eventType": "TEST", "eventData": null,
        "calls": [{"startedAt": null, "finishedAt": null, "errorMessage": "Cannot send request", "responseStatus": null, "responseBody": null}]
    }});
    let decoded: WebhookDispatchResponse = serde_json::from_value(with_null).expect("nulls decode");
    assert!(decoded.data.event_data.is_none());
    assert_eq!(
        decoded.data.calls[0].error_message.as_deref(),
        Some("Cannot send request")
    );
    assert!(decoded.data.calls[0].response_status.is_none());
}

#[test]
fn a_changed_timestamp_is_a_difference() {
    let example = serde_json::json!({"at": "2019-12-12T07:34:14.202Z"});
    assert!(
        same_json(
            &example,
            &serde_json::json!({"at": "2019-12-12T07:34:14.202Z"}),
            ""
        )
        .is_ok()
    );
    assert!(
        same_json(
            &example,
            &serde_json::json!({"at": "2019-12-12T07:34:14Z"}),
            ""
        )
        .is_err()
    );
    assert!(
        same_json(
            &example,
            &serde_json::json!({"at": "2019-12-12T07:34:14.202Z", "x": 1}),
            ""
        )
        .is_err()
    );
}
