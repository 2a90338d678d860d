//! The generic HTTP glue the generated routes call: extractors whose rejections are documented
//! error responses, the JSON response writers, and the fallbacks for unknown paths, undeclared
//! methods and panics.

use std::panic::AssertUnwindSafe;

use apify_api_types::{ErrorResponse, ErrorType};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, error_body};

/// A JSON response with `status`.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => respond_error(ApiError::internal(e)),
    }
}

/// A response with `status` and no body.
#[allow(dead_code)] // used by generated code when the spec documents a response without a body
pub(crate) fn empty_response(status: StatusCode) -> Response {
    status.into_response()
}

/// The documented error envelope with `status`.
pub(crate) fn error_response(
    status: StatusCode,
    error_type: ErrorType,
    message: impl Into<String>,
) -> Response {
    json_response(status, &error_body(error_type, message))
}

/// Runs an implementation's method and answers its result. Errors are logged with their cause,
/// never with the request's token; a panic in the implementation becomes a logged internal error
/// with the documented envelope, and the connection stays up.
pub(crate) async fn respond<R: IntoResponse>(
    call: impl Future<Output = Result<R, ApiError>>,
) -> Response {
    match AssertUnwindSafe(call).catch_unwind().await {
        Ok(Ok(response)) => response.into_response(),
        Ok(Err(error)) => respond_error(error),
        Err(_panic) => {
            tracing::error!("a request handler panicked");
            respond_error(ApiError::internal("a request handler panicked"))
        }
    }
}

fn respond_error(error: ApiError) -> Response {
    match error.cause() {
        Some(cause) if error.status().is_server_error() => {
            tracing::error!(status = error.status().as_u16(), cause = %cause, "request failed")
        }
        Some(cause) => {
            tracing::info!(status = error.status().as_u16(), cause = %cause, "request refused")
        }
        None => {}
    }
    json_response(error.status(), error.body())
}

/// `405 method-not-allowed` with an `Allow` header, in the form the spec documents.
pub(crate) fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorType::MethodNotAllowed,
        format!(
            "This API end-point can only be accessed using the following HTTP methods: {}",
            allow.replace(' ', "")
        ),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// `404 record-not-found` for a path the spec does not declare.
async fn not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        ErrorType::RecordNotFound,
        "The requested resource was not found.",
    )
}

/// Adds what every generated router shares: the 404 fallback.
pub(crate) fn finish(routes: Router) -> Router {
    routes.fallback(not_found)
}

/// Path parameters, percent-decoded; an undecodable one is answered `400 invalid-input`.
pub(crate) struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(error_response(
                StatusCode::BAD_REQUEST,
                ErrorType::InvalidInput,
                format!("Invalid input: {}", rejection.body_text()),
            )),
        }
    }
}

/// The body of an operation that takes none: any `Content-Type` or `Content-Length` is accepted
/// as long as the body is empty; a non-empty body is answered `400 invalid-input`.
pub(crate) struct EmptyBody;

/// How much of an unexpected body is read before the request is refused.
const EMPTY_BODY_LIMIT: usize = 64 * 1024;

impl<S: Send + Sync> FromRequest<S> for EmptyBody {
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        // The common case, a body known to be empty, needs no reading.
        if http_body::Body::is_end_stream(request.body()) {
            return Ok(Self);
        }
        match axum::body::to_bytes(request.into_body(), EMPTY_BODY_LIMIT).await {
            Ok(bytes) if bytes.is_empty() => Ok(Self),
            _ => Err(json_response(
                StatusCode::BAD_REQUEST,
                &ErrorResponse::new(
                    ErrorType::InvalidInput,
                    "Invalid input: The request body contains invalid data.",
                ),
            )),
        }
    }
}
