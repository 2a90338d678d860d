//! What the server serves: which tokens belong to which users, which webhooks exist, and the
//! runtime settings (rate limit, delivery timeout, how many dispatches are kept).
//!
//! The registry of tokens and webhooks comes from a JSON file ([`Registry::load`]) or from the
//! built-in demo ([`Registry::builtin`]); the settings come from the command line or from code.

use std::collections::HashSet;
use std::fmt;
use std::num::NonZeroU32;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::payload;

/// The id of the built-in demo webhook. It is the spec's example webhook id, so the spec's
/// example request works against the demo as it is.
pub const DEMO_WEBHOOK_ID: &str = "pVJtoTelgYUq4qJOt";
/// The built-in token of the demo user, who owns the demo webhook.
pub const DEMO_TOKEN: &str = "apify_api_demo_token";
/// The demo user's id (the spec's example user id).
pub const DEMO_USER_ID: &str = "wRsJZtadYvn4mBZmm";
/// The built-in token of a second user, who owns no webhook: testing the demo webhook with it
/// is answered `403`.
pub const OTHER_TOKEN: &str = "apify_api_other_token";
/// The second built-in user's id.
pub const OTHER_USER_ID: &str = "hT5bQk9XuWr2LmNpZ";

/// How long a delivery may take, connecting included, unless configured otherwise.
pub const DEFAULT_DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest delivery timeout accepted: the generated client gives up after 15 s, and the
/// server answers only after the delivery attempt.
pub const MAX_DELIVERY_TIMEOUT: Duration = Duration::from_secs(60);
/// How many dispatches are kept in memory unless configured otherwise; older ones are dropped.
pub const DEFAULT_MAX_RECORDED_DISPATCHES: usize = 100_000;
/// The rate limit unless configured otherwise: 100 requests per second per token, bursts of 100.
pub const DEFAULT_RATE_LIMIT: RateLimit = RateLimit {
    per_second: NonZeroU32::new(100).expect("non-zero"),
    burst: NonZeroU32::new(100).expect("non-zero"),
};

/// Everything [`ReferenceApi::new`](crate::ReferenceApi::new) needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The tokens and webhooks.
    pub registry: Registry,
    /// The per-token rate limit; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// How long one delivery may take, connecting and reading the response included.
    pub delivery_timeout: Duration,
    /// How many dispatches are kept for [`ReferenceApi::dispatches`](crate::ReferenceApi::dispatches);
    /// when more are created, the oldest are dropped.
    pub max_recorded_dispatches: usize,
}

impl Config {
    /// `registry` with the default settings ([`DEFAULT_RATE_LIMIT`], [`DEFAULT_DELIVERY_TIMEOUT`],
    /// [`DEFAULT_MAX_RECORDED_DISPATCHES`]).
    pub fn new(registry: Registry) -> Self {
        Self {
            registry,
            rate_limit: Some(DEFAULT_RATE_LIMIT),
            delivery_timeout: DEFAULT_DELIVERY_TIMEOUT,
            max_recorded_dispatches: DEFAULT_MAX_RECORDED_DISPATCHES,
        }
    }

    /// The same configuration with another rate limit (`None` turns it off).
    pub fn with_rate_limit(mut self, rate_limit: Option<RateLimit>) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// The same configuration with another delivery timeout.
    pub fn with_delivery_timeout(mut self, timeout: Duration) -> Self {
        self.delivery_timeout = timeout;
        self
    }
}

/// A per-token rate limit (GCRA, as implemented by `governor`): a token may send `burst`
/// requests at once, then one more every `1 / per_second` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_second: NonZeroU32,
    /// Requests that may arrive at once.
    pub burst: NonZeroU32,
}

/// The tokens and webhooks the server knows: the content of the config file.
///
/// ```json
/// {
///   "tokens": [{ "token": "my-secret-token", "userId": "wRsJZtadYvn4mBZmm" }],
///   "webhooks": [{
///     "id": "pVJtoTelgYUq4qJOt",
///     "userId": "wRsJZtadYvn4mBZmm",
///     "requestUrl": "http://127.0.0.1:9000/webhook",
///     "payloadTemplate": "{\"event\": {{eventType}}, \"run\": {{resource.id}}}"
///   }]
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Registry {
    /// API tokens and the user each belongs to. A user may have several tokens.
    pub tokens: Vec<TokenEntry>,
    /// The webhooks that can be tested.
    #[serde(default)]
    pub webhooks: Vec<WebhookEntry>,
}

/// An API token and the user it belongs to.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenEntry {
    /// The token, as sent in `Authorization: Bearer <token>` or `?token=<token>`.
    pub token: String,
    /// The id of the user the token belongs to.
    pub user_id: String,
}

impl TokenEntry {
    /// `token` belonging to `user_id`.
    pub fn new(token: impl Into<String>, user_id: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            user_id: user_id.into(),
        }
    }
}

impl fmt::Debug for TokenEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEntry")
            .field("token", &"<redacted>")
            .field("user_id", &self.user_id)
            .finish()
    }
}

/// A webhook: who owns it and where its payload is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookEntry {
    /// The webhook's id, as in `/v2/webhooks/{webhookId}/test`.
    pub id: String,
    /// The id of the user who owns the webhook; only their tokens may test it.
    pub user_id: String,
    /// Where the payload is sent with an HTTP POST (`http://` or `https://`).
    pub request_url: String,
    /// The payload: JSON with `{{variable}}` placeholders, as in Apify; see [`payload`].
    /// Without it, [`payload::DEFAULT_TEMPLATE`] is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_template: Option<String>,
}

impl WebhookEntry {
    /// A webhook `id` owned by `user_id` that posts the default payload to `request_url`.
    pub fn new(
        id: impl Into<String>,
        user_id: impl Into<String>,
        request_url: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            user_id: user_id.into(),
            request_url: request_url.into(),
            payload_template: None,
        }
    }

    /// The same webhook with a payload template.
    pub fn with_payload_template(mut self, template: impl Into<String>) -> Self {
        self.payload_template = Some(template.into());
        self
    }
}

impl Registry {
    /// The built-in demo: the demo user ([`DEMO_TOKEN`]) owns the demo webhook
    /// ([`DEMO_WEBHOOK_ID`]), which posts to `demo_request_url`; a second user
    /// ([`OTHER_TOKEN`]) owns nothing.
    pub fn builtin(demo_request_url: impl Into<String>) -> Self {
        Self {
            tokens: vec![
                TokenEntry::new(DEMO_TOKEN, DEMO_USER_ID),
                TokenEntry::new(OTHER_TOKEN, OTHER_USER_ID),
            ],
            webhooks: vec![WebhookEntry::new(
                DEMO_WEBHOOK_ID,
                DEMO_USER_ID,
                demo_request_url,
            )],
        }
    }

    /// Reads, parses and checks the config file at `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let source = format!("the config file `{}`", path.display());
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::single(
                &source,
                Problem::new(
                    "",
                    format!("cannot be read: {e}"),
                    "pass the path of an existing JSON file with --config, or leave --config out to use the built-in demo",
                ),
            )
        })?;
        Self::from_json(&text, &source)
    }

    /// Parses and checks a config file's text; `source` names it in errors.
    pub fn from_json(text: &str, source: &str) -> Result<Self, ConfigError> {
        let registry: Self = serde_json::from_str(text).map_err(|e| {
            ConfigError::single(
                source,
                Problem::new(
                    format!("line {} column {}", e.line(), e.column()),
                    e.to_string(),
                    "the file must be a JSON object {\"tokens\": [{\"token\", \"userId\"}], \"webhooks\": [{\"id\", \"userId\", \"requestUrl\", \"payloadTemplate\"?}]}; see examples/webhooks.json",
                ),
            )
        })?;
        registry.check(source)?;
        Ok(registry)
    }

    /// Checks what JSON parsing cannot: every problem is reported, not only the first.
    pub fn check(&self, source: &str) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        if self.tokens.is_empty() {
            problems.push(Problem::new(
                "tokens",
                "is empty, so no request could ever be authenticated",
                "add at least one {\"token\": \"...\", \"userId\": \"...\"}",
            ));
        }
        let mut tokens = HashSet::new();
        for (i, entry) in self.tokens.iter().enumerate() {
            let at = format!("tokens[{i}]");
            if entry.token.is_empty() || !entry.token.bytes().all(|b| b.is_ascii_graphic()) {
                problems.push(Problem::new(
                    format!("{at}.token"),
                    "is empty or contains characters other than visible ASCII",
                    "use letters, digits and punctuation only, so the token fits in an `Authorization: Bearer` header",
                ));
            } else if !tokens.insert(entry.token.as_str()) {
                problems.push(Problem::new(
                    format!("{at}.token"),
                    "repeats a token listed earlier",
                    "give every token exactly one entry (a user may have several tokens, a token has one user)",
                ));
            }
            if entry.user_id.is_empty() {
                problems.push(Problem::new(
                    format!("{at}.userId"),
                    "is empty",
                    "name the user the token belongs to, e.g. \"wRsJZtadYvn4mBZmm\"",
                ));
            }
        }
        let mut ids = HashSet::new();
        for (i, webhook) in self.webhooks.iter().enumerate() {
            let at = format!("webhooks[{i}]");
            if webhook.id.is_empty() {
                problems.push(Problem::new(
                    format!("{at}.id"),
                    "is empty",
                    "give the webhook an id, e.g. \"pVJtoTelgYUq4qJOt\"",
                ));
            } else if !ids.insert(webhook.id.as_str()) {
                problems.push(Problem::new(
                    format!("{at}.id"),
                    format!("`{}` is the id of an earlier webhook too", webhook.id),
                    "give every webhook its own id",
                ));
            }
            if webhook.user_id.is_empty() {
                problems.push(Problem::new(
                    format!("{at}.userId"),
                    "is empty",
                    "name the user who owns the webhook (a `userId` from `tokens`)",
                ));
            }
            if let Err(what) = check_request_url(&webhook.request_url) {
                problems.push(Problem::new(
                    format!("{at}.requestUrl"),
                    what,
                    "write an absolute http:// or https:// URL, e.g. \"http://127.0.0.1:9000/webhook\"",
                ));
            }
            if let Some(template) = &webhook.payload_template
                && let Err(what) = payload::check_template(template)
            {
                problems.push(Problem::new(
                    format!("{at}.payloadTemplate"),
                    what,
                    format!(
                        "write JSON with placeholders among {}, e.g. \"{{\\\"event\\\": {{{{eventType}}}}}}\"",
                        payload::VARIABLES.join(", ")
                    ),
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError {
                source: source.to_owned(),
                problems,
            })
        }
    }
}

fn check_request_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "`{url}` uses the scheme `{}`; webhooks are sent with HTTP",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{url}` names no host"));
    }
    Ok(())
}

/// A configuration that cannot be used: where it came from and every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What was read, e.g. "the config file `webhooks.json`".
    pub source: String,
    /// What is wrong, each with where and how to fix it.
    pub problems: Vec<Problem>,
}

impl ConfigError {
    fn single(source: &str, problem: Problem) -> Self {
        Self {
            source: source.to_owned(),
            problems: vec![problem],
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} cannot be used:", self.source)?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// One problem in a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: a field path like `webhooks[1].requestUrl`, a text position, or empty for the
    /// whole file.
    pub at: String,
    /// What is wrong.
    pub what: String,
    /// How to fix it.
    pub fix: String,
}

impl Problem {
    fn new(at: impl Into<String>, what: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            at: at.into(),
            what: what.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            write!(f, "{} (fix: {})", self.what, self.fix)
        } else {
            write!(f, "at {}: {} (fix: {})", self.at, self.what, self.fix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "the test file";

    fn problems(text: &str) -> Vec<Problem> {
        Registry::from_json(text, SOURCE)
            .expect_err("the file is refused")
            .problems
    }

    #[test]
    fn the_example_file_is_accepted() {
        let text = include_str!("../examples/webhooks.json");
        let registry = Registry::from_json(text, SOURCE).expect("the example is valid");
        assert!(!registry.tokens.is_empty());
        assert!(
            registry
                .webhooks
                .iter()
                .any(|w| w.payload_template.is_some())
        );
    }

    #[test]
    fn the_builtin_registry_is_valid() {
        Registry::builtin("http://127.0.0.1:1/webhook")
            .check(SOURCE)
            .expect("valid");
    }

    #[test]
    fn syntax_errors_name_the_position() {
        let found = problems("{\"tokens\": [}");
        assert_eq!(found.len(), 1);
        assert!(found[0].at.starts_with("line 1 column"), "{found:?}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let found = problems(r#"{"tokens": [{"token": "t", "user": "u"}]}"#);
        assert!(found[0].what.contains("unknown field `user`"), "{found:?}");
    }

    #[test]
    fn every_problem_is_reported_with_its_location() {
        let found = problems(
            r#"{
              "tokens": [{"token": "a b", "userId": ""}, {"token": "t", "userId": "u"}, {"token": "t", "userId": "v"}],
              "webhooks": [
                {"id": "w", "userId": "u", "requestUrl": "ftp://example.com/"},
                {"id": "w", "userId": "u", "requestUrl": "not a url"},
                {"id": "", "userId": "", "requestUrl": "http://127.0.0.1/", "payloadTemplate": "{\"a\": {{nope}}}"}
              ]
            }"#,
        );
        let at: Vec<&str> = found.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(
            at,
            [
                "tokens[0].token",
                "tokens[0].userId",
                "tokens[2].token",
                "webhooks[0].requestUrl",
                "webhooks[1].id",
                "webhooks[1].requestUrl",
                "webhooks[2].id",
                "webhooks[2].userId",
                "webhooks[2].payloadTemplate",
            ]
        );
        assert!(found.iter().all(|p| !p.fix.is_empty()));
    }

    #[test]
    fn a_registry_without_tokens_is_refused() {
        let found = problems(r#"{"tokens": []}"#);
        assert_eq!(found[0].at, "tokens");
    }

    #[test]
    fn a_missing_file_names_the_file_and_the_fix() {
        let error = Registry::load(Path::new("/nonexistent/webhooks.json")).expect_err("refused");
        let text = error.to_string();
        assert!(text.contains("/nonexistent/webhooks.json"), "{text}");
        assert!(text.contains("--config"), "{text}");
    }

    #[test]
    fn a_file_is_loaded_from_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("webhooks.json");
        std::fs::write(
            &path,
            r#"{"tokens": [{"token": "t", "userId": "u"}], "webhooks": [{"id": "w", "userId": "u", "requestUrl": "https://example.com/hook"}]}"#,
        )
        .expect("write");
        let registry = Registry::load(&path).expect("valid");
        assert_eq!(registry.webhooks[0].id, "w");
    }

    #[test]
    fn tokens_are_not_printed_in_debug_output() {
        let debug = format!("{:?}", TokenEntry::new("very-secret", "u"));
        assert!(!debug.contains("very-secret"), "{debug}");
    }
}
