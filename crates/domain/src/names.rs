//! Validated newtypes for everything a person types.
//!
//! Input arrives as raw strings; `parse` turns it into one of these types or an
//! [`Invalid`] that says what is wrong in words a form can show. Once a value
//! has one of these types, its invariant holds: code further in never checks
//! lengths or characters again ("parse, don't validate").

use std::fmt;

/// Why a piece of input was refused.
///
/// Each variant maps to a message in the UI catalogs (see [`Invalid::message_id`]),
/// so the same refusal reads the same in the browser and in the JSON API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// Nothing but whitespace was given where text is required.
    #[error("must not be empty")]
    Empty,
    /// Longer than the limit, counted in characters.
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    /// Shorter than the limit, counted in characters.
    #[error("must be at least {min} characters")]
    TooShort { min: usize },
    /// Holds characters the field does not allow.
    #[error("may only contain {allowed}")]
    BadCharacters { allowed: &'static str },
    /// Not one of the values the field accepts.
    #[error("is not one of the accepted values")]
    NotAnOption,
    /// Does not look like an email address.
    #[error("is not an email address")]
    NotAnEmail,
}

impl Invalid {
    /// The message id in the UI catalogs that explains this refusal.
    pub fn message_id(&self) -> &'static str {
        match self {
            Invalid::Empty => "invalid-empty",
            Invalid::TooLong { .. } => "invalid-too-long",
            Invalid::TooShort { .. } => "invalid-too-short",
            Invalid::BadCharacters { .. } => "invalid-characters",
            Invalid::NotAnOption => "invalid-option",
            Invalid::NotAnEmail => "invalid-email",
        }
    }

    /// The number that goes into the message (a length limit), if any.
    pub fn limit(&self) -> Option<usize> {
        match self {
            Invalid::TooLong { max } => Some(*max),
            Invalid::TooShort { min } => Some(*min),
            _ => None,
        }
    }

    /// The allowed characters, spelled out, for [`Invalid::BadCharacters`].
    pub fn allowed(&self) -> Option<&'static str> {
        match self {
            Invalid::BadCharacters { allowed } => Some(allowed),
            _ => None,
        }
    }
}

/// Trims `raw` and checks it is non-empty and at most `max` characters.
pub(crate) fn bounded_text(raw: &str, max: usize) -> Result<String, Invalid> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Invalid::Empty);
    }
    if trimmed.chars().count() > max {
        return Err(Invalid::TooLong { max });
    }
    Ok(trimmed.to_owned())
}

/// Strips control characters other than newlines and tabs, which have no place
/// in text people write and can hide content from reviewers.
pub(crate) fn without_controls(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect::<String>().replace("\r\n", "\n")
}

macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Gives up the wrapper.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}
pub(crate) use text_newtype;

text_newtype!(
    /// A person's unique handle: 3 to 32 characters of `a-z`, `0-9`, `_` and `-`,
    /// starting with a letter or digit, always lower case.
    ///
    /// Lower case is enforced rather than compared case-insensitively, so that
    /// `@Ana` and `@ana` can never be two people.
    Username
);

impl Username {
    pub const MIN: usize = 3;
    pub const MAX: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(Invalid::Empty);
        }
        let len = value.chars().count();
        if len < Self::MIN {
            return Err(Invalid::TooShort { min: Self::MIN });
        }
        if len > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
        let starts_well = value.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !value.chars().all(allowed) || !starts_well {
            return Err(Invalid::BadCharacters { allowed: "a-z 0-9 _ -" });
        }
        Ok(Self(value))
    }
}

text_newtype!(
    /// A space's address in URLs: 2 to 64 characters of `a-z`, `0-9` and single
    /// hyphens, not starting or ending with a hyphen.
    Slug
);

impl Slug {
    pub const MIN: usize = 2;
    pub const MAX: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(Invalid::Empty);
        }
        let len = value.chars().count();
        if len < Self::MIN {
            return Err(Invalid::TooShort { min: Self::MIN });
        }
        if len > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        let chars_ok = value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !chars_ok || value.starts_with('-') || value.ends_with('-') || value.contains("--") {
            return Err(Invalid::BadCharacters { allowed: "a-z 0-9 -" });
        }
        Ok(Self(value))
    }

    /// Derives a slug from a free-text name ("Rust Guild!" becomes `rust-guild`),
    /// for suggesting one when a person creates a space. Returns `None` when
    /// nothing usable is left, so the caller asks the person for one.
    pub fn suggest(name: &str) -> Option<Self> {
        let mut out = String::new();
        for c in name.trim().to_lowercase().chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            if out.len() >= Self::MAX {
                break;
            }
        }
        let trimmed = out.trim_matches('-');
        Self::parse(trimmed).ok()
    }
}

text_newtype!(
    /// The name shown for a person: 1 to 80 characters, trimmed.
    DisplayName
);

impl DisplayName {
    pub const MAX: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(&without_controls(raw).replace('\n', " "), Self::MAX).map(Self)
    }
}

text_newtype!(
    /// A thread's title: 1 to 200 characters on one line.
    Title
);

impl Title {
    pub const MAX: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(&without_controls(raw).replace(['\n', '\t'], " "), Self::MAX).map(Self)
    }
}

text_newtype!(
    /// A space's name: 1 to 80 characters on one line.
    SpaceName
);

impl SpaceName {
    pub const MAX: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(&without_controls(raw).replace(['\n', '\t'], " "), Self::MAX).map(Self)
    }
}

text_newtype!(
    /// A personal API token's label, so its owner recognises it in the list.
    TokenName
);

impl TokenName {
    pub const MAX: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(&without_controls(raw).replace(['\n', '\t'], " "), Self::MAX).map(Self)
    }
}

text_newtype!(
    /// The Markdown source of a post: 1 to 50,000 characters.
    PostBody
);

/// Markdown written by someone: control characters (but newlines) gone,
/// not blank, at most `max` characters.
fn markdown_text(raw: &str, max: usize) -> Result<String, Invalid> {
    let cleaned = without_controls(raw);
    if cleaned.trim().is_empty() {
        return Err(Invalid::Empty);
    }
    if cleaned.chars().count() > max {
        return Err(Invalid::TooLong { max });
    }
    Ok(cleaned)
}

impl PostBody {
    pub const MAX: usize = 50_000;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        markdown_text(raw, Self::MAX).map(|text| Self(text.trim_end().to_owned()))
    }
}

text_newtype!(
    /// The Markdown source of a chat message: 1 to 4,000 characters.
    ChatBody
);

impl ChatBody {
    pub const MAX: usize = 4_000;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        markdown_text(raw, Self::MAX).map(|text| Self(text.trim().to_owned()))
    }
}

text_newtype!(
    /// The Markdown description of a space: up to 4,000 characters, may be empty.
    SpaceDescription
);

impl SpaceDescription {
    pub const MAX: usize = 4_000;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let cleaned = without_controls(raw).trim().to_owned();
        if cleaned.chars().count() > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        Ok(Self(cleaned))
    }
}

text_newtype!(
    /// A person's Markdown bio: up to 2,000 characters, may be empty.
    Bio
);

impl Bio {
    pub const MAX: usize = 2_000;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let cleaned = without_controls(raw).trim().to_owned();
        if cleaned.chars().count() > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        Ok(Self(cleaned))
    }
}

text_newtype!(
    /// An email address, lower-cased. Only the shape is checked here; whether
    /// mail arrives is a question for the mail system.
    Email
);

impl Email {
    pub const MAX: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(Invalid::Empty);
        }
        if value.len() > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(Invalid::NotAnEmail);
        };
        let domain_ok = domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.');
        if local.is_empty() || !domain_ok || value.chars().any(char::is_whitespace) || domain.contains('@') {
            return Err(Invalid::NotAnEmail);
        }
        Ok(Self(value))
    }
}

/// A password as typed: 10 to 256 characters. Never displayed or logged; the
/// `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 10;
    pub const MAX: usize = 256;

    /// Checks the length rules that apply when a password is *chosen*.
    pub fn parse_new(raw: &str) -> Result<Self, Invalid> {
        let len = raw.chars().count();
        if raw.trim().is_empty() {
            return Err(Invalid::Empty);
        }
        if len < Self::MIN {
            return Err(Invalid::TooShort { min: Self::MIN });
        }
        if len > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        Ok(Self(raw.to_owned()))
    }

    /// Wraps a password typed at sign-in, which is only compared, never checked
    /// against today's rules (an older, shorter password must still work).
    pub fn for_sign_in(raw: &str) -> Self {
        Self(raw.chars().take(Self::MAX * 4).collect())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_case_and_limited_to_safe_characters() {
        assert_eq!(Username::parse(" Ana_B ").map(|u| u.into_inner()), Ok("ana_b".to_owned()));
        assert_eq!(Username::parse("ab"), Err(Invalid::TooShort { min: 3 }));
        assert!(matches!(Username::parse("<script>"), Err(Invalid::BadCharacters { .. })));
        assert!(matches!(Username::parse("-lead"), Err(Invalid::BadCharacters { .. })));
        assert_eq!(Username::parse(&"a".repeat(33)), Err(Invalid::TooLong { max: 32 }));
    }

    #[test]
    fn slugs_refuse_hyphens_at_the_edges_and_doubled() {
        assert!(Slug::parse("rust-guild").is_ok());
        assert!(Slug::parse("-rust").is_err());
        assert!(Slug::parse("rust--guild").is_err());
        assert!(Slug::parse("Rust Guild").is_err());
    }

    #[test]
    fn a_slug_is_suggested_from_a_name() {
        assert_eq!(
            Slug::suggest("Platform Engineering Guild!").map(Slug::into_inner),
            Some("platform-engineering-guild".into())
        );
        assert_eq!(Slug::suggest("¿¿??"), None);
    }

    #[test]
    fn titles_are_one_line_and_bounded() {
        assert_eq!(Title::parse("  a\nb  ").map(Title::into_inner), Ok("a b".to_owned()));
        assert_eq!(Title::parse("   "), Err(Invalid::Empty));
        assert_eq!(Title::parse(&"x".repeat(100 * 1024)), Err(Invalid::TooLong { max: 200 }));
    }

    #[test]
    fn post_bodies_drop_control_characters_but_keep_newlines() {
        let body = PostBody::parse("line one\r\nline\u{0007} two\n\n").expect("valid");
        assert_eq!(body.as_str(), "line one\nline two");
        assert_eq!(PostBody::parse("\n \t"), Err(Invalid::Empty));
    }

    #[test]
    fn chat_messages_are_short_and_trimmed() {
        assert_eq!(ChatBody::parse("  hi there\n").expect("valid").as_str(), "hi there");
        assert_eq!(ChatBody::parse(" \n"), Err(Invalid::Empty));
        assert!(ChatBody::parse(&"é".repeat(ChatBody::MAX)).is_ok(), "counted in characters, not bytes");
        assert_eq!(ChatBody::parse(&"x".repeat(ChatBody::MAX + 1)), Err(Invalid::TooLong { max: ChatBody::MAX }));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("ana@example.org").is_ok());
        assert_eq!(Email::parse("ana@localhost"), Err(Invalid::NotAnEmail));
        assert_eq!(Email::parse("@example.org"), Err(Invalid::NotAnEmail));
    }

    #[test]
    fn passwords_are_never_printed() {
        let pw = Password::parse_new("correct horse battery").expect("valid");
        assert_eq!(format!("{pw:?}"), "Password(<redacted>)");
        assert_eq!(Password::parse_new("short"), Err(Invalid::TooShort { min: 10 }));
    }
}
