//! The API adds enum values and fields over time: responses carrying them must still decode, and
//! an unknown value must be kept as sent, not mapped to some other value.

use apify_api_types::{
    ErrorResponse, ErrorType, WebhookDispatchResponse, WebhookDispatchStatus, WebhookEventType,
};
use serde_json::json;

fn dispatch(status: &str, event_type: &str) -> serde_json::Value {
    json!({"data": {
        "id": "asdLZtadYvn4mBZmm", "userId": "wRsJZtadYvn4mBZmm", "webhookId": "asdLZtadYvn4mBZmm",
        "createdAt": "2019-12-12T07:34:14.202Z", "status": status, "eventType": event_type,
        "newTopLevelField": {"added": "later"},
        "calls": [{"startedAt": "2019-12-12T07:34:14.202Z", "newCallField": 1}]
    }})
}

#[test]
fn unknown_enum_values_and_extra_fields_decode_and_are_kept() {
    let decoded: WebhookDispatchResponse =
        serde_json::from_value(dispatch("RETRYING", "ACTOR.RUN.MIGRATED"))
            .expect("a response with new values decodes");
    assert_eq!(
        decoded.data.status,
        WebhookDispatchStatus::Unknown("RETRYING".into())
    );
    assert_eq!(
        decoded.data.event_type,
        WebhookEventType::Unknown("ACTOR.RUN.MIGRATED".into())
    );
    assert!(!decoded.data.status.is_known());
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(encoded["data"]["status"], "RETRYING");
    assert_eq!(encoded["data"]["eventType"], "ACTOR.RUN.MIGRATED");
}

#[test]
fn known_values_decode_to_their_variants() {
    let decoded: WebhookDispatchResponse =
        serde_json::from_value(dispatch("SUCCEEDED", "ACTOR.BUILD.TIMED_OUT")).expect("decodes");
    assert_eq!(decoded.data.status, WebhookDispatchStatus::Succeeded);
    assert_eq!(
        decoded.data.event_type,
        WebhookEventType::ActorBuildTimedOut
    );
    assert!(decoded.data.event_type.is_known());
}

#[test]
fn every_known_value_round_trips_through_its_string() {
    for value in WebhookEventType::KNOWN {
        assert_eq!(&WebhookEventType::from(value.as_str()), value);
        assert_eq!(value.to_string(), value.as_str());
    }
    assert_eq!(WebhookEventType::KNOWN.len(), 12);
    assert_eq!(WebhookDispatchStatus::KNOWN.len(), 3);
    assert_eq!(ErrorType::KNOWN.len(), 16);
    // Case matters on the wire: a differently cased value is a different value.
    assert_eq!(
        ErrorType::from("Invalid-Input"),
        ErrorType::Unknown("Invalid-Input".into())
    );
}

#[test]
fn an_unknown_error_type_is_kept() {
    let decoded: ErrorResponse = serde_json::from_value(
        json!({"error": {"type": "quota-exceeded", "message": "m", "details": {}}}),
    )
    .expect("decodes");
    assert_eq!(
        decoded.error.type_,
        Some(ErrorType::Unknown("quota-exceeded".into()))
    );
}

#[test]
fn a_wrong_json_type_is_still_an_error() {
    assert!(
        serde_json::from_value::<WebhookDispatchResponse>(
            dispatch("SUCCEEDED", "TEST")
                .pointer("/data")
                .cloned()
                .unwrap()
        )
        .is_err()
    );
    assert!(serde_json::from_value::<ErrorResponse>(json!({"error": {"type": 5}})).is_err());
}
