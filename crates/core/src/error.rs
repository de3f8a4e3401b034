//! Why an action did not happen.

use stoa_domain::{Denial, Invalid};
use stoa_store::StoreError;

/// A refusal of one form field, with the message id from the UI catalogs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    /// The catalog message explaining the problem (`invalid-too-long`, `username-taken`, ...).
    pub message_id: &'static str,
    /// A number the message mentions, such as a length limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// The characters allowed, for `invalid-characters`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<&'static str>,
    /// Whether the value is valid but already taken by someone else.
    #[serde(skip)]
    pub taken: bool,
}

impl FieldError {
    pub fn invalid(field: &'static str, invalid: &Invalid) -> Self {
        Self {
            field,
            message_id: invalid.message_id(),
            limit: invalid.limit(),
            allowed: invalid.allowed(),
            taken: false,
        }
    }

    pub fn new(field: &'static str, message_id: &'static str) -> Self {
        Self { field, message_id, limit: None, allowed: None, taken: false }
    }

    pub fn taken(field: &'static str, message_id: &'static str) -> Self {
        Self { taken: true, ..Self::new(field, message_id) }
    }
}

/// A failed action.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The thing does not exist, or the actor may not know that it does.
    #[error("not found")]
    NotFound,
    /// The action needs a signed-in person.
    #[error("sign in required")]
    SignInRequired,
    /// The actor may see the thing but not do this.
    #[error("forbidden")]
    Forbidden,
    /// Some of the input was refused; nothing was written.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The action cannot happen in the current state (the message id explains why).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A link or invitation that no longer works (expired, revoked, used up).
    #[error("gone: {0}")]
    Gone(&'static str),
    /// The username and password do not match an account that may sign in.
    #[error("wrong username or password")]
    BadCredentials,
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    /// Slow mode: this person may post here again after this many seconds.
    #[error("slow mode; post again in {retry_after_secs}s")]
    SlowMode { retry_after_secs: u64 },
    /// A live document that could not be loaded and is set aside until an
    /// admin looks at it (see `coedit`).
    #[error("this document is quarantined")]
    Quarantined,
    /// Storage is full: nothing was written, and nothing can be until an
    /// operator frees space.
    #[error("storage is full")]
    StorageFull,
    /// Something failed that the actor cannot fix.
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    /// One refused field.
    pub fn field(field: &'static str, message_id: &'static str) -> Self {
        CoreError::Invalid(vec![FieldError::new(field, message_id)])
    }

    /// A file system error while `doing` something: storage full when the
    /// disk (or a quota) is, else internal.
    pub fn io(doing: &str, error: &std::io::Error) -> Self {
        // ENOSPC and EDQUOT, should the kind not say so.
        if error.kind() == std::io::ErrorKind::StorageFull || matches!(error.raw_os_error(), Some(28 | 122)) {
            return CoreError::StorageFull;
        }
        CoreError::Internal(format!("{doing}: {error}"))
    }
}

impl From<Denial> for CoreError {
    fn from(denial: Denial) -> Self {
        match denial {
            Denial::NotFound => CoreError::NotFound,
            Denial::SignInRequired => CoreError::SignInRequired,
            Denial::Forbidden => CoreError::Forbidden,
        }
    }
}

impl From<StoreError> for CoreError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => CoreError::NotFound,
            StoreError::StorageFull => CoreError::StorageFull,
            other => CoreError::Internal(other.to_string()),
        }
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
