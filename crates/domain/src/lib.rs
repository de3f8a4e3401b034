//! Stoa's domain: the pure types and rules every other crate agrees on.
//!
//! Nothing here does IO, knows SQL, HTTP or an async runtime. The crate holds
//! the validated newtypes that user input is parsed into ([`names`]), the
//! vocabulary of spaces and roles ([`space`]), the one permission policy
//! ([`policy`]) and the Markdown renderer and sanitizer ([`markdown`]).

pub mod markdown;
pub mod names;
pub mod policy;
pub mod reactions;
pub mod review;
pub mod space;
pub mod wiki;

pub use names::{
    Bio, ChatBody, DisplayName, Email, Invalid, Password, PostBody, Slug, SpaceDescription, SpaceName, Title,
    TokenName, Username,
};
pub use policy::{Action, Decision, Denial, SpaceFacts, Viewer};
pub use space::{JoinPolicy, Role, SpaceKind, Visibility};
