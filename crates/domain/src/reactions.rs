//! The small, fixed set of reactions a post can get: chosen for a place
//! where people learn, so they say more than "like".

use crate::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reaction {
    Helpful,
    Insightful,
    Thanks,
    Celebrate,
    Curious,
}

impl Reaction {
    pub const ALL: [Reaction; 5] =
        [Reaction::Helpful, Reaction::Insightful, Reaction::Thanks, Reaction::Celebrate, Reaction::Curious];

    pub fn as_str(self) -> &'static str {
        match self {
            Reaction::Helpful => "helpful",
            Reaction::Insightful => "insightful",
            Reaction::Thanks => "thanks",
            Reaction::Celebrate => "celebrate",
            Reaction::Curious => "curious",
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Reaction::Helpful => "👍",
            Reaction::Insightful => "💡",
            Reaction::Thanks => "🙏",
            Reaction::Celebrate => "🎉",
            Reaction::Curious => "🤔",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Reaction::ALL.into_iter().find(|r| r.as_str() == raw.trim()).ok_or(Invalid::NotAnOption)
    }
}
