//! The caller's API token, taken from the request as the spec's security schemes say.

use std::fmt;

use apify_api_types::ErrorType;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;

use crate::glue::error_response;

/// The API token of a request: `Authorization: Bearer <token>`, else the `token` query parameter.
///
/// Its `Debug` output hides the value, so tokens never reach logs. A request with neither is
/// answered `401 token-not-valid` before the implementation is called; checking that the token
/// is valid is the implementation's job.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// A token with this value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The token's value. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Finds the token in a request's headers and query string.
    pub fn from_parts(parts: &Parts) -> Option<Self> {
        if let Some(header) = parts.headers.get(http::header::AUTHORIZATION) {
            // A present but unusable header is not silently replaced by the query parameter.
            let value = header.to_str().ok()?;
            let (scheme, token) = value.trim().split_once(' ')?;
            let token = token.trim();
            return (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
                .then(|| Self(token.to_owned()));
        }
        let query = parts.uri.query()?;
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "token")
            .map(|(_, value)| value.into_owned())
            .filter(|token| !token.is_empty())
            .map(Self)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

/// Rejection when a request carries no usable token: `401 token-not-valid`.
#[derive(Debug)]
pub struct MissingToken;

impl IntoResponse for MissingToken {
    fn into_response(self) -> Response {
        error_response(
            StatusCode::UNAUTHORIZED,
            ErrorType::TokenNotValid,
            "Authentication token was not provided or is malformed: send `Authorization: Bearer <token>` or the `token` query parameter.",
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiToken {
    type Rejection = MissingToken;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::from_parts(parts).ok_or(MissingToken)
    }
}
