//! The vocabulary of spaces: kinds, visibility, join policy and roles.
//!
//! Each enum has one spelling, used alike in SQL, URLs, JSON and the UI
//! catalogs (`as_str` / `parse`).

use crate::names::Invalid;
use serde::{Deserialize, Serialize};

macro_rules! spelled_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in the order the UI offers them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The one spelling of this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Reads the spelling back; anything else is [`Invalid::NotAnOption`].
            pub fn parse(raw: &str) -> Result<Self, Invalid> {
                match raw.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Invalid::NotAnOption),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = Invalid;

            fn try_from(value: String) -> Result<Self, Invalid> {
                Self::parse(&value)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spelled_enum!(
    /// What kind of group a space is.
    SpaceKind {
        /// A community of practice or a network around a topic.
        Community => "community",
        /// A small group with a shared problem, inside a community or on its own.
        Team => "team",
    }
);

spelled_enum!(
    /// Who may see that a space exists and read what is in it.
    Visibility {
        /// Anyone, signed in or not, reads everything.
        Public => "public",
        /// Listed in the directory for everyone; content for members only.
        Members => "members",
        /// Unlisted: outsiders cannot tell that it exists.
        Secret => "secret",
    }
);

spelled_enum!(
    /// How an outsider becomes a member.
    JoinPolicy {
        /// Anyone who may see the space joins with one click.
        Open => "open",
        /// Outsiders ask; an owner or facilitator approves or denies.
        Request => "request",
        /// Only by an invitation (to a username, or through an invite link).
        Invite => "invite",
    }
);

spelled_enum!(
    /// A member's role in one space. The order is meaningful: each role can do
    /// everything the ones before it can.
    Role {
        /// Reads, starts threads, replies.
        Member => "member",
        /// Orchestrates: invites, approves requests, moderates posts, forms teams.
        Facilitator => "facilitator",
        /// Runs the space: settings, roles, removing members.
        Owner => "owner",
    }
);

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Member => 1,
            Role::Facilitator => 2,
            Role::Owner => 3,
        }
    }

    /// Whether this role includes everything `other` may do.
    pub fn at_least(self, other: Role) -> bool {
        self.rank() >= other.rank()
    }
}

impl PartialOrd for Role {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Role {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.as_str()), Ok(*v));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(*r));
        }
        assert_eq!(JoinPolicy::parse("sometimes"), Err(Invalid::NotAnOption));
    }

    #[test]
    fn roles_are_ordered_by_what_they_may_do() {
        assert!(Role::Owner.at_least(Role::Facilitator));
        assert!(Role::Facilitator.at_least(Role::Member));
        assert!(!Role::Member.at_least(Role::Facilitator));
        assert_eq!(Role::Member.max(Role::Facilitator), Role::Facilitator);
    }
}
