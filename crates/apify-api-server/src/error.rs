//! Errors an implementation returns, and how they become documented error responses.

use std::fmt;

use apify_api_types::{ErrorResponse, ErrorType};
use http::StatusCode;

/// The documented error body: `{"error": {"type": ..., "message": ...}}`.
pub fn error_body(error_type: ErrorType, message: impl Into<String>) -> ErrorResponse {
    ErrorResponse::new(error_type, message)
}

/// An error an [`Api`](crate::Api) method returns instead of a response.
///
/// It carries what the client sees (a status and an error body) and, separately, the internal
/// cause, which is logged and never sent. `?` converts any `std::error::Error` into an internal
/// error (500); map your own errors to a documented status with [`ApiError::new`] and keep the
/// cause with [`ApiError::with_cause`].
pub struct ApiError {
    status: StatusCode,
    body: ErrorResponse,
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The `type` of the body sent for internal errors. It is not in the spec's `ErrorType` list,
/// which documents no 5xx; clients decode it as `ErrorType::Unknown`.
pub const INTERNAL_ERROR_TYPE: &str = "internal-server-error";

impl ApiError {
    /// An error answered with `status` and the body `{"error": {"type": error_type, "message": message}}`.
    pub fn new(status: StatusCode, error_type: ErrorType, message: impl Into<String>) -> Self {
        Self {
            status,
            body: error_body(error_type, message),
            cause: None,
        }
    }

    /// An internal error: 500 with a generic message; `cause` is logged, not sent.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: error_body(
                ErrorType::Unknown(INTERNAL_ERROR_TYPE.to_owned()),
                "Internal server error.",
            ),
            cause: Some(cause.into()),
        }
    }

    /// Keeps `cause` for the log line written when this error is answered.
    pub fn with_cause(
        mut self,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// The status the client gets.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body the client gets.
    pub fn body(&self) -> &ErrorResponse {
        &self.body
    }

    /// The internal cause, if any.
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.cause.as_deref()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("body", &self.body)
            .field("cause", &self.cause.as_ref().map(|c| c.to_string()))
            .finish()
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for ApiError {
    fn from(cause: E) -> Self {
        Self::internal(cause)
    }
}
