//! Errors of the JSON API: `{"error": {"code": "...", "message": "..."}}`
//! with the status that fits. Field errors add `"fields"`.
//!
//! Internal errors are logged with the request's span and shown to the
//! client only as "internal error".

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use stoa_core::{CoreError, FieldError};
use utoipa::ToSchema;

/// The body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code (`not_found`, `validation_failed`, ...).
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// For `validation_failed`: what is wrong with each field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldMessage {
    pub field: String,
    /// The catalog id of the problem (`invalid-too-long`, `username-taken`, ...).
    pub code: String,
    pub message: String,
}

/// An API error response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: ErrorDetail { code: code.to_owned(), message: message.into(), fields: Vec::new() },
            },
            retry_after: None,
        }
    }

    pub fn unauthorized(message: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "there is nothing here, or you may not see it")
    }
}

fn field_messages(errors: &[FieldError]) -> Vec<FieldMessage> {
    let en = crate::i18n::english();
    errors
        .iter()
        .map(|e| FieldMessage {
            field: e.field.to_owned(),
            code: e.message_id.to_owned(),
            message: crate::html::field_error_text(&en, e),
        })
        .collect()
}

impl From<CoreError> for ApiError {
    fn from(error: CoreError) -> Self {
        let en = crate::i18n::english();
        match error {
            CoreError::NotFound => Self::not_found(),
            CoreError::SignInRequired => Self::unauthorized("this needs an API token (Authorization: Bearer ...)"),
            CoreError::Forbidden => Self::new(StatusCode::FORBIDDEN, "forbidden", "you may not do this"),
            CoreError::Invalid(errors) => {
                let all_taken = !errors.is_empty() && errors.iter().all(|e| e.taken);
                let (status, code, message) = if all_taken {
                    (StatusCode::CONFLICT, "conflict", "that is already taken")
                } else {
                    (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "some fields are not valid")
                };
                let mut e = Self::new(status, code, message);
                e.body.error.fields = field_messages(&errors);
                e
            }
            CoreError::Conflict(id) => Self::new(StatusCode::CONFLICT, id, crate::i18n::text(&en, id)),
            CoreError::Gone(id) => Self::new(StatusCode::GONE, id, crate::i18n::text(&en, id)),
            CoreError::BadCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, "bad_credentials", "wrong username or password")
            }
            CoreError::RateLimited { retry_after_secs } => {
                let mut e = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("too many attempts; try again in {retry_after_secs} s"),
                );
                e.retry_after = Some(retry_after_secs);
                e
            }
            CoreError::SlowMode { retry_after_secs } => {
                let mut e = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "slow_mode",
                    format!("slow mode is on here: you can post again in {retry_after_secs} s"),
                );
                e.retry_after = Some(retry_after_secs);
                e
            }
            CoreError::Quarantined => Self::new(
                StatusCode::CONFLICT,
                "quarantined",
                "this live text could not be read and is set aside for an admin; the page keeps its last version",
            ),
            CoreError::StorageFull => {
                tracing::error!("a write failed: storage is full");
                Self::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "storage_full",
                    "the server's storage is full, so nothing was saved; try again once an operator has freed space",
                )
            }
            CoreError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        // The rejection knows its status: 415 without a JSON content type,
        // 400 for bad syntax, 422 for bad fields, 413 past the body limit.
        let status = rejection.status();
        let code = match status {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid_json_fields",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            _ => "malformed_json",
        };
        Self::new(status, code, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        Self::not_found()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_query", rejection.body_text())
    }
}

/// A JSON body whose rejections use the API error format.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

/// A query string whose rejections use the API error format.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters whose rejections are a plain 404.
#[derive(Debug, Clone, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// A plain internal-error response for places without a request context.
pub fn internal(api: bool, detail: &str) -> Response {
    tracing::error!(%detail, "internal error");
    if api {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error").into_response()
    } else {
        (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again.").into_response()
    }
}
