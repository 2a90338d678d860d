//! The dummy payload of a test dispatch, and payload templates.
//!
//! Like Apify, a test dispatch sends the webhook's payload template filled with dummy event
//! data. A template is JSON in which `{{variable}}` placeholders stand for JSON values (no
//! quotes around them); a dotted path such as `{{resource.id}}` picks a field. The variables:
//!
//! | variable | value in a test dispatch |
//! | --- | --- |
//! | `userId` | the id of the webhook's owner |
//! | `createdAt` | when the dispatch was created, ISO 8601 with milliseconds |
//! | `eventType` | `"TEST"` |
//! | `eventData` | `{"actorId": DUMMY_ACTOR_ID, "actorRunId": DUMMY_ACTOR_RUN_ID}` |
//! | `resource` | a dummy Actor run: `id`, `actId`, `userId`, `status`, `startedAt`, `finishedAt` |
//!
//! A webhook without a template gets [`DEFAULT_TEMPLATE`], Apify's default.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// The template used when a webhook has none: Apify's default payload template.
pub const DEFAULT_TEMPLATE: &str = r#"{
    "userId": {{userId}},
    "createdAt": {{createdAt}},
    "eventType": {{eventType}},
    "eventData": {{eventData}},
    "resource": {{resource}}
}"#;

/// The variables a template may use.
pub const VARIABLES: &[&str] = &["userId", "createdAt", "eventType", "eventData", "resource"];

/// The placeholder Actor id of a test dispatch's `eventData.actorId`.
pub const DUMMY_ACTOR_ID: &str = "TestActorId000000";
/// The placeholder run id of a test dispatch's `eventData.actorRunId` and `resource.id`.
pub const DUMMY_ACTOR_RUN_ID: &str = "TestActorRunId000";

/// The values a test dispatch's template is filled with.
#[derive(Debug, Clone, PartialEq)]
pub struct TestEvent {
    /// The webhook owner's id.
    pub user_id: String,
    /// When the dispatch was created.
    pub created_at: DateTime<Utc>,
}

impl TestEvent {
    /// The template variables, as one JSON object keyed by variable name.
    pub fn variables(&self) -> Value {
        let created_at = self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true);
        json!({
            "userId": self.user_id,
            "createdAt": created_at,
            "eventType": "TEST",
            "eventData": {
                "actorId": DUMMY_ACTOR_ID,
                "actorRunId": DUMMY_ACTOR_RUN_ID,
            },
            "resource": {
                "id": DUMMY_ACTOR_RUN_ID,
                "actId": DUMMY_ACTOR_ID,
                "userId": self.user_id,
                "status": "SUCCEEDED",
                "startedAt": created_at,
                "finishedAt": created_at,
            },
        })
    }
}

/// Fills `template`'s placeholders with `variables` (a JSON object). The result is JSON when
/// the template passed [`check_template`].
pub fn render(template: &str, variables: &Value) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| {
            format!(
                "the placeholder at byte {} is not closed with `}}}}`",
                template.len() - rest.len() + start
            )
        })?;
        let name = after[..end].trim();
        let value = lookup(variables, name).ok_or_else(|| {
            format!(
                "`{{{{{name}}}}}` is not a known variable (known: {}, and their fields such as `resource.id`)",
                VARIABLES.join(", ")
            )
        })?;
        out.push_str(&value.to_string());
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Checks that `template` uses known variables only and renders to JSON.
pub fn check_template(template: &str) -> Result<(), String> {
    let sample = TestEvent {
        user_id: "wRsJZtadYvn4mBZmm".to_owned(),
        created_at: DateTime::UNIX_EPOCH,
    };
    let rendered = render(template, &sample.variables())?;
    serde_json::from_str::<Value>(&rendered)
        .map(|_| ())
        .map_err(|e| format!("is not JSON once its placeholders are filled: {e}"))
}

fn lookup<'a>(variables: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return None;
    }
    path.split('.')
        .try_fold(variables, |value, key| value.as_object()?.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> TestEvent {
        TestEvent {
            user_id: "u1".to_owned(),
            created_at: "2019-12-12T07:34:14.202Z".parse().expect("date"),
        }
    }

    #[test]
    fn the_default_template_gives_the_apify_shape() {
        let body = render(DEFAULT_TEMPLATE, &event().variables()).expect("renders");
        let payload: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(
            payload,
            json!({
                "userId": "u1",
                "createdAt": "2019-12-12T07:34:14.202Z",
                "eventType": "TEST",
                "eventData": {"actorId": DUMMY_ACTOR_ID, "actorRunId": DUMMY_ACTOR_RUN_ID},
                "resource": {
                    "id": DUMMY_ACTOR_RUN_ID,
                    "actId": DUMMY_ACTOR_ID,
                    "userId": "u1",
                    "status": "SUCCEEDED",
                    "startedAt": "2019-12-12T07:34:14.202Z",
                    "finishedAt": "2019-12-12T07:34:14.202Z",
                },
            })
        );
    }

    #[test]
    fn dotted_paths_and_spaces_inside_braces_work() {
        let body = render(
            r#"{"run": {{ resource.id }}, "user": {{userId}}, "n": 1}"#,
            &event().variables(),
        )
        .expect("renders");
        assert_eq!(
            serde_json::from_str::<Value>(&body).expect("JSON"),
            json!({"run": DUMMY_ACTOR_RUN_ID, "user": "u1", "n": 1})
        );
    }

    #[test]
    fn values_are_json_escaped() {
        let mut event = event();
        event.user_id = "a\"b\\c".to_owned();
        let body = render(r#"{"u": {{userId}}}"#, &event.variables()).expect("renders");
        assert_eq!(
            serde_json::from_str::<Value>(&body).expect("JSON"),
            json!({"u": "a\"b\\c"})
        );
    }

    #[test]
    fn bad_templates_are_explained() {
        for (template, expected) in [
            (r#"{"a": {{nope}}}"#, "`{{nope}}` is not a known variable"),
            (r#"{"a": {{resource.nope}}}"#, "`{{resource.nope}}`"),
            (r#"{"a": {{}}}"#, "`{{}}`"),
            (r#"{"a": {{userId"#, "not closed"),
            (r#"{"a": {{userId}} "#, "is not JSON"),
            (r#"{"a": "{{userId}}"}"#, "is not JSON"),
        ] {
            let error = check_template(template).expect_err(template);
            assert!(error.contains(expected), "{template}: {error}");
        }
        check_template(DEFAULT_TEMPLATE).expect("the default template is valid");
    }
}
