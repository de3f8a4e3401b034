//! Community health for a space's facilitators: unanswered questions by
//! age, time to first answer, a participation table (also as CSV), who
//! answers whom, activity over time, and the people who have gone quiet.
//!
//! The figures, exactly:
//! - A person's **posts** are their posts that are not deleted, opening
//!   posts included; **answers** are those among them that reply in a
//!   question; **accepted** those that are their question's accepted answer.
//!   **Submissions** are the submissions they saved to the space's
//!   assignments; **reviews given** the peer reviews they submitted.
//! - An **unanswered** question has no reply that is not deleted; its age
//!   runs from when it was asked.
//! - **Time to first answer** is, for each question with a reply that is not
//!   deleted, the time from asking to the first such reply (never below
//!   zero: a reply merged in from an older thread counts as immediate); the
//!   median is the middle one (the lower middle of an even count).
//! - The **reply network** counts, for each reply that is not deleted, an
//!   edge from its author to the author of the post it replies to (the
//!   thread's author when it names none); nobody answers themselves.
//! - **Activity** counts posts (not deleted) per week over the last twelve
//!   weeks, the current week last.
//! - Members **gone quiet** posted here, but not in the last fourteen days;
//!   members who **never posted** joined more than fourteen days ago.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use stoa_domain::{Action, Role};
use stoa_store::health as store;

use crate::spaces::{self, SpaceSummary};
use crate::{Actor, Result, Stoa};

pub const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;
pub const WEEKS: usize = 12;
pub const QUIET_AFTER_MS: i64 = 14 * 24 * 3600 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub posts: i64,
    pub answers: i64,
    pub accepted: i64,
    pub submissions: i64,
    pub reviews_given: i64,
    pub last_post_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unanswered {
    pub thread_id: String,
    pub title: String,
    pub asked_at: i64,
    pub age_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct FirstAnswer {
    /// Questions with an answer.
    pub answered: usize,
    pub median_ms: Option<i64>,
    pub mean_ms: Option<i64>,
}

/// Who answered whom, and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quiet {
    pub username: String,
    pub display_name: String,
    /// `None`: never posted here.
    pub last_post_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub space: SpaceSummary,
    pub now: i64,
    pub unanswered: Vec<Unanswered>,
    pub first_answer: FirstAnswer,
    pub participation: Vec<Participation>,
    /// Edges between usernames.
    pub network: Vec<Edge>,
    /// Posts per week, oldest first; the last is the current week.
    pub activity: Vec<i64>,
    pub gone_quiet: Vec<Quiet>,
    pub never_posted: Vec<Quiet>,
}

/// The health of a space, for its facilitators.
pub async fn health(app: &Stoa, actor: &Actor, slug: &str) -> Result<Health> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::Facilitate).await?;
    let now = app.now();
    let members = stoa_store::spaces::members(&mut conn, &view.space.id, i64::MAX, 0).await?;
    let posts = store::posts(&mut conn, &view.space.id).await?;
    let submissions: HashMap<String, i64> =
        store::submissions_by_author(&mut conn, &view.space.id).await?.into_iter().collect();
    let reviews: HashMap<String, i64> =
        store::reviews_by_reviewer(&mut conn, &view.space.id).await?.into_iter().collect();
    drop(conn);

    let live: Vec<&store::PostFact> = posts.iter().filter(|p| p.deleted == 0).collect();
    let mut per: HashMap<&str, Participation> = members
        .iter()
        .map(|m| {
            (
                m.user_id.as_str(),
                Participation {
                    user_id: m.user_id.clone(),
                    username: m.username.clone(),
                    display_name: m.display_name.clone(),
                    role: m.role,
                    posts: 0,
                    answers: 0,
                    accepted: 0,
                    submissions: submissions.get(&m.user_id).copied().unwrap_or(0),
                    reviews_given: reviews.get(&m.user_id).copied().unwrap_or(0),
                    last_post_at: None,
                },
            )
        })
        .collect();
    for p in &live {
        if let Some(row) = per.get_mut(p.author_id.as_str()) {
            row.posts += 1;
            row.last_post_at = row.last_post_at.max(Some(p.created_at));
            if p.thread_kind == "question" && p.number > 1 {
                row.answers += 1;
                if p.accepted_post_id.as_deref() == Some(p.id.as_str()) {
                    row.accepted += 1;
                }
            }
        }
    }

    // Questions: first live reply per question thread.
    let mut questions: BTreeMap<&str, (&store::PostFact, Option<i64>)> = BTreeMap::new();
    for p in posts.iter().filter(|p| p.thread_kind == "question") {
        let entry = questions.entry(p.thread_id.as_str()).or_insert((p, None));
        if p.number > 1 && p.deleted == 0 {
            entry.1 = Some(entry.1.map_or(p.created_at, |t: i64| t.min(p.created_at)));
        }
    }
    let mut unanswered: Vec<Unanswered> = questions
        .values()
        .filter(|(_, first)| first.is_none())
        .map(|(p, _)| Unanswered {
            thread_id: p.thread_id.clone(),
            title: p.thread_title.clone(),
            asked_at: p.thread_created_at,
            age_ms: now - p.thread_created_at,
        })
        .collect();
    unanswered.sort_by_key(|u| (u.asked_at, u.thread_id.clone()));
    let mut waits: Vec<i64> =
        questions.values().filter_map(|(p, first)| first.map(|t| (t - p.thread_created_at).max(0))).collect();
    waits.sort_unstable();
    let first_answer = FirstAnswer {
        answered: waits.len(),
        median_ms: (!waits.is_empty()).then(|| waits[(waits.len() - 1) / 2]),
        mean_ms: (!waits.is_empty()).then(|| waits.iter().sum::<i64>() / waits.len() as i64),
    };

    // Who answered whom.
    let usernames: HashMap<&str, &str> = members.iter().map(|m| (m.user_id.as_str(), m.username.as_str())).collect();
    let mut edges: BTreeMap<(String, String), i64> = BTreeMap::new();
    for p in live.iter().filter(|p| p.number > 1) {
        let to = p.reply_to_author_id.as_deref().unwrap_or(&p.thread_author_id);
        if to == p.author_id {
            continue;
        }
        let (Some(from), Some(to)) = (usernames.get(p.author_id.as_str()), usernames.get(to)) else { continue };
        *edges.entry(((*from).to_owned(), (*to).to_owned())).or_default() += 1;
    }
    let network = edges.into_iter().map(|((from, to), count)| Edge { from, to, count }).collect();

    let mut activity = vec![0i64; WEEKS];
    for p in &live {
        let weeks_ago = (now - p.created_at).max(0) / WEEK_MS;
        if let Ok(w) = usize::try_from(weeks_ago)
            && w < WEEKS
        {
            activity[WEEKS - 1 - w] += 1;
        }
    }

    let joined: HashMap<&str, i64> = members.iter().map(|m| (m.user_id.as_str(), m.joined_at)).collect();
    let mut participation: Vec<Participation> = per.into_values().collect();
    participation.sort_by(|a, b| b.posts.cmp(&a.posts).then_with(|| a.username.cmp(&b.username)));
    let quiet = |p: &Participation| Quiet {
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        last_post_at: p.last_post_at,
    };
    let members_only = participation.iter().filter(|p| p.role == Role::Member);
    let gone_quiet =
        members_only.clone().filter(|p| p.last_post_at.is_some_and(|t| now - t > QUIET_AFTER_MS)).map(quiet).collect();
    let never_posted = members_only
        .filter(|p| {
            p.last_post_at.is_none() && joined.get(p.user_id.as_str()).is_some_and(|j| now - j > QUIET_AFTER_MS)
        })
        .map(quiet)
        .collect();
    Ok(Health {
        space: SpaceSummary::of(&view),
        now,
        unanswered,
        first_answer,
        participation,
        network,
        activity,
        gone_quiet,
        never_posted,
    })
}
