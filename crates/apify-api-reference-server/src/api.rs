//! [`ReferenceApi`]: the implementation of the generated [`Api`] trait.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use apify_api_server::{
    Api, ApiError, ErrorType, WebhookTestPostRequest, WebhookTestPostResponse, error_body,
};
use apify_api_types::{
    WebhookDispatch, WebhookDispatchEventData, WebhookDispatchResponse, WebhookDispatchStatus,
    WebhookEventType,
};
use chrono::{SubsecRound, Utc};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::RngExt;
use rand::distr::Alphanumeric;

use crate::config::{Config, ConfigError, Problem, RateLimit};
use crate::delivery::Deliverer;
use crate::payload::{self, DUMMY_ACTOR_ID, DUMMY_ACTOR_RUN_ID, TestEvent};

/// The reference implementation of the Apify API: tokens, webhooks, real deliveries, a
/// per-token rate limit and an in-memory record of every dispatch.
///
/// `POST /v2/webhooks/{webhookId}/test` is answered, in this order:
///
/// 1. `401 token-not-valid` when the token is not in the registry (a request without any token
///    is answered `401` by the generated glue before this code runs);
/// 2. `429 rate-limit-exceeded` when the token has used up its rate limit;
/// 3. `404 record-not-found` when no webhook has this id;
/// 4. `403 permission-denied` when the webhook belongs to another user;
/// 5. otherwise the payload is POSTed to the webhook's URL, the dispatch is recorded, and the
///    answer is `201` with the dispatch: `SUCCEEDED` when the receiver answered `2xx`, else
///    `FAILED`. The answer waits for the delivery attempt, which the delivery timeout bounds.
pub struct ReferenceApi {
    inner: Arc<Inner>,
}

struct Inner {
    /// Token value -> its account.
    accounts: HashMap<String, Account>,
    /// Webhook id -> webhook.
    webhooks: HashMap<String, Arc<Webhook>>,
    limiter: Option<Limiter>,
    deliverer: Deliverer,
    log: Mutex<DispatchLog>,
}

struct Account {
    user_id: String,
    /// The token's key in the rate limiter (its index in the registry), so the limiter does not
    /// hold copies of tokens.
    key: usize,
}

struct Webhook {
    user_id: String,
    request_url: String,
    template: Option<String>,
}

struct Limiter {
    rate: RateLimit,
    limiter: DefaultKeyedRateLimiter<usize>,
}

struct DispatchLog {
    kept: VecDeque<WebhookDispatch>,
    capacity: usize,
    created: u64,
}

impl ReferenceApi {
    /// Checks `config` and builds the implementation. Fails with every problem of the
    /// registry, or when the HTTP client for deliveries cannot be built.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let source = "the configuration";
        config.registry.check(source)?;
        if config.delivery_timeout.is_zero()
            || config.delivery_timeout > crate::config::MAX_DELIVERY_TIMEOUT
        {
            return Err(ConfigError {
                source: source.to_owned(),
                problems: vec![Problem {
                    at: "delivery timeout".to_owned(),
                    what: format!("{:?} is out of range", config.delivery_timeout),
                    fix: format!(
                        "choose between 1 ms and {} s",
                        crate::config::MAX_DELIVERY_TIMEOUT.as_secs()
                    ),
                }],
            });
        }
        let deliverer = Deliverer::new(config.delivery_timeout).map_err(|e| ConfigError {
            source: source.to_owned(),
            problems: vec![Problem {
                at: String::new(),
                what: format!("the HTTP client for deliveries cannot be built: {e}"),
                fix: "check the system's TLS setup".to_owned(),
            }],
        })?;
        let accounts = config
            .registry
            .tokens
            .iter()
            .enumerate()
            .map(|(key, entry)| {
                let account = Account {
                    user_id: entry.user_id.clone(),
                    key,
                };
                (entry.token.clone(), account)
            })
            .collect();
        let webhooks = config
            .registry
            .webhooks
            .into_iter()
            .map(|entry| {
                let webhook = Webhook {
                    user_id: entry.user_id,
                    request_url: entry.request_url,
                    template: entry.payload_template,
                };
                (entry.id, Arc::new(webhook))
            })
            .collect();
        let limiter = config.rate_limit.map(|rate| Limiter {
            rate,
            limiter: RateLimiter::keyed(Quota::per_second(rate.per_second).allow_burst(rate.burst)),
        });
        Ok(Self {
            inner: Arc::new(Inner {
                accounts,
                webhooks,
                limiter,
                deliverer,
                log: Mutex::new(DispatchLog {
                    kept: VecDeque::new(),
                    capacity: config.max_recorded_dispatches,
                    created: 0,
                }),
            }),
        })
    }

    /// Every kept dispatch, oldest first (at most `max_recorded_dispatches` of them).
    pub fn dispatches(&self) -> Vec<WebhookDispatch> {
        self.inner.log().kept.iter().cloned().collect()
    }

    /// The kept dispatch with this id.
    pub fn dispatch(&self, id: &str) -> Option<WebhookDispatch> {
        self.inner.log().kept.iter().find(|d| d.id == id).cloned()
    }

    /// How many dispatches were created since start, including those no longer kept.
    pub fn dispatches_created(&self) -> u64 {
        self.inner.log().created
    }
}

impl Inner {
    fn log(&self) -> MutexGuard<'_, DispatchLog> {
        // A panic while holding the lock cannot leave the log half-written (push and pop only).
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Creates the dispatch, delivers it, records it.
    async fn dispatch(
        &self,
        webhook_id: String,
        webhook: Arc<Webhook>,
        user_id: String,
    ) -> Result<WebhookDispatch, ApiError> {
        let created_at = Utc::now().trunc_subsecs(3);
        let id = new_id();
        let event = TestEvent {
            user_id: user_id.clone(),
            created_at,
        };
        let template = webhook
            .template
            .as_deref()
            .unwrap_or(payload::DEFAULT_TEMPLATE);
        let body = payload::render(template, &event.variables())
            .map_err(|e| ApiError::internal(std::io::Error::other(e)))?;
        let outcome = self
            .deliverer
            .deliver(&webhook.request_url, &webhook_id, &id, body)
            .await;
        let dispatch = WebhookDispatch {
            id,
            user_id,
            webhook_id,
            created_at,
            status: if outcome.succeeded {
                WebhookDispatchStatus::Succeeded
            } else {
                WebhookDispatchStatus::Failed
            },
            event_type: WebhookEventType::Test,
            event_data: Some(WebhookDispatchEventData {
                actor_id: DUMMY_ACTOR_ID.to_owned(),
                actor_run_id: DUMMY_ACTOR_RUN_ID.to_owned(),
            }),
            calls: vec![outcome.call],
        };
        tracing::debug!(
            dispatch = %dispatch.id,
            webhook = %dispatch.webhook_id,
            status = %dispatch.status,
            "webhook dispatched"
        );
        let mut log = self.log();
        log.created += 1;
        if log.capacity > 0 {
            if log.kept.len() == log.capacity {
                log.kept.pop_front();
            }
            log.kept.push_back(dispatch.clone());
        }
        Ok(dispatch)
    }
}

impl Api for ReferenceApi {
    async fn webhook_test_post(
        &self,
        request: WebhookTestPostRequest,
    ) -> Result<WebhookTestPostResponse, ApiError> {
        let inner = &self.inner;
        let Some(account) = inner.accounts.get(request.token.expose()) else {
            return Ok(WebhookTestPostResponse::Unauthorized(error_body(
                ErrorType::TokenNotValid,
                "Authentication token is not valid.",
            )));
        };
        if let Some(limiter) = &inner.limiter
            && limiter.limiter.check_key(&account.key).is_err()
        {
            return Ok(WebhookTestPostResponse::TooManyRequests(error_body(
                ErrorType::RateLimitExceeded,
                format!(
                    "You have exceeded the rate limit of {} requests per second (bursts of {}). Please try again later.",
                    limiter.rate.per_second, limiter.rate.burst
                ),
            )));
        }
        let Some(webhook) = inner.webhooks.get(&request.webhook_id) else {
            return Ok(WebhookTestPostResponse::NotFound(error_body(
                ErrorType::RecordNotFound,
                "Webhook was not found.",
            )));
        };
        if webhook.user_id != account.user_id {
            return Ok(WebhookTestPostResponse::Forbidden(error_body(
                ErrorType::PermissionDenied,
                "You do not have permission to test this webhook: it belongs to another user.",
            )));
        }
        // The delivery runs in its own task: if the caller hangs up, the receiver still gets
        // one complete attempt and the dispatch is still recorded.
        let task = tokio::spawn({
            let inner = Arc::clone(inner);
            let webhook = Arc::clone(webhook);
            let user_id = account.user_id.clone();
            async move { inner.dispatch(request.webhook_id, webhook, user_id).await }
        });
        let dispatch = task.await.map_err(ApiError::internal)??;
        Ok(WebhookTestPostResponse::Created(WebhookDispatchResponse {
            data: dispatch,
        }))
    }
}

/// A new Apify-style id: 17 random letters and digits.
pub fn new_id() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(17)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_apify_ids() {
        let id = new_id();
        assert_eq!(id.len(), 17);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
        assert_ne!(new_id(), id);
    }
}
