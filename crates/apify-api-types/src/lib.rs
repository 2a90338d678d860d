//! The Apify API's data types, generated from `openapi.yaml` by `cargo xtask codegen`.
//!
//! Every schema in the spec's `components/schemas` is a type here, generated once and used by
//! both `apify-api-client` and `apify-api-server`, so the two cannot disagree on the wire format.
//!
//! - Objects are structs (typify); optional and nullable fields are `Option`s, `date-time`
//!   strings are [`chrono::DateTime<Utc>`](chrono::DateTime).
//! - String enums are open: a value the spec does not list decodes to an `Unknown(String)`
//!   variant that keeps the value, because the API adds values over time. Extra object fields are
//!   ignored for the same reason.
//! - Every type derives [`schemars::JsonSchema`]; the crate's tests pin those schemas and check
//!   them against the spec.
//!
//! `src/generated.rs` is generated; this file holds the few hand-written helpers.

#![deny(missing_docs)]

mod generated;

pub use generated::*;

impl ErrorResponse {
    /// An error body `{"error": {"type": ..., "message": ...}}`.
    pub fn new(error_type: ErrorType, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                type_: Some(error_type),
                message: Some(message.into()),
            },
        }
    }
}
