//! Stoa's use cases: one function per action a person can take.
//!
//! Every action follows the same shape: load what the permission policy needs,
//! ask the policy ([`stoa_domain::policy::can`]), then write rows and an event
//! in one store transaction and commit. The HTML pages, the JSON API and the
//! CLI all call these functions, so no action is implemented twice and no
//! adapter needs rules of its own.
//!
//! Vocabulary:
//! - [`Stoa`] is the application: the store plus settings and a clock.
//! - An [`Actor`] is whoever performs an action: anonymous, or a signed-in
//!   [`CurrentUser`] (by session or by API token).
//! - A [`CoreError`] says why an action did not happen, in terms every
//!   adapter can map to its own medium (a status code, a form message).

pub mod accounts;
pub mod activity;
pub mod admin;
pub mod assignments;
pub mod blogs;
mod cache;
pub mod calendar;
pub mod chat;
pub mod coedit;
pub mod demo;
pub mod discussions;
mod error;
pub mod facilitation;
pub mod feed;
pub mod files;
pub mod health;
pub mod library;
pub mod live;
pub mod mail;
pub mod messages;
pub mod moderation;
pub mod notifications;
pub mod quests;
mod render;
pub mod search;
mod secrets;
pub mod social;
pub mod spaces;
pub mod teams;
#[cfg(feature = "testing")]
pub mod testing;
mod visits;
pub mod wiki;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub use error::{CoreError, FieldError, Result};
use stoa_domain::Viewer;
pub use stoa_store::blobs::Blobs;
pub use stoa_store::{Store, StoreOptions};

/// A signed-in person, as every action sees them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CurrentUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    /// The language chosen in account settings, if any.
    pub locale: Option<String>,
}

impl CurrentUser {
    fn from_row(row: &stoa_store::users::UserRow) -> Self {
        Self {
            id: row.id.clone(),
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            is_admin: row.is_admin(),
            locale: row.locale.clone(),
        }
    }
}

/// Whoever performs an action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub user: Option<CurrentUser>,
}

impl Actor {
    pub const ANONYMOUS: Actor = Actor { user: None };

    pub fn signed_in(user: CurrentUser) -> Self {
        Self { user: Some(user) }
    }

    pub fn id(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.id.as_str())
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }

    /// The signed-in person, or [`CoreError::SignInRequired`].
    pub fn require(&self) -> Result<&CurrentUser> {
        self.user.as_ref().ok_or(CoreError::SignInRequired)
    }

    /// The policy's view of this actor, given their role in a space.
    pub(crate) fn viewer(&self, role: Option<stoa_domain::Role>) -> Viewer {
        Viewer { signed_in: self.user.is_some(), is_admin: self.is_admin(), role }
    }
}

/// Where the current time comes from: the system clock, or a clock a test moves.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn now(&self) -> i64 {
        match self {
            Clock::System => stoa_store::events::now_ms(),
            Clock::Manual(t) => t.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock forward; does nothing to the system clock.
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(t) = self {
            t.fetch_add(i64::try_from(by.as_millis()).unwrap_or(i64::MAX), Ordering::SeqCst);
        }
    }
}

/// Settings of the use cases that an operator may tune.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// How long a session lasts without being used.
    pub session_idle: Duration,
    /// Sign-in attempts at one account from one address, and from one
    /// address at any account. Never per account alone: anyone could then
    /// lock its owner out.
    pub sign_in_per_pair: Backoff,
    pub sign_in_per_address: Backoff,
    /// Accounts made from one address.
    pub sign_ups_per_address: Backoff,
    /// Checks of one's current password when changing it.
    pub password_checks: Backoff,
    /// The largest file an upload may carry, in bytes.
    pub max_upload_bytes: u64,
    /// What a live document and its clients' messages may hold.
    pub coedit: coedit::Limits,
}

impl Default for CoreConfig {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 24 * 3600),
            sign_in_per_pair: Backoff::new(5, Duration::from_secs(1), Duration::from_secs(15 * 60)),
            sign_in_per_address: Backoff::new(30, Duration::from_secs(1), Duration::from_secs(15 * 60)),
            sign_ups_per_address: Backoff::new(10, Duration::from_secs(30), Duration::from_secs(60 * 60)),
            password_checks: Backoff::new(5, Duration::from_secs(1), Duration::from_secs(15 * 60)),
            max_upload_bytes: 25 * 1024 * 1024,
            coedit: coedit::Limits::default(),
        }
    }
}

/// The rows before page `page` (1-based) of `per_page`: pages past a
/// million read as the millionth, so no page number overflows.
pub(crate) fn offset(page: i64, per_page: i64) -> i64 {
    (page.clamp(1, 1_000_000) - 1).saturating_mul(per_page)
}

/// Exponential backoff: `free` attempts within `window`, then each next one
/// only `base`, `2 × base`, `4 × base`, ... after the last (never more than
/// `window`), until attempts age out of the window.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub free: i64,
    pub base: Duration,
    pub window: Duration,
}

impl Backoff {
    pub const fn new(free: i64, base: Duration, window: Duration) -> Self {
        Self { free, base, window }
    }

    /// Milliseconds to wait before the next attempt, after `count`
    /// attempts in the window, the last at `last`; `None` when it may go.
    pub fn wait(&self, count: i64, last: Option<i64>, now: i64) -> Option<i64> {
        let last = last?;
        let over = count - self.free;
        if over < 0 {
            return None;
        }
        let base = i64::try_from(self.base.as_millis()).unwrap_or(i64::MAX);
        let window = i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX);
        let delay = base.saturating_mul(1i64 << over.min(40)).min(window);
        let until = last.saturating_add(delay);
        (until > now).then(|| until - now)
    }

    /// The start of the window for an attempt at `now`.
    pub fn since(&self, now: i64) -> i64 {
        now - i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }
}

/// The application: everything an action needs.
#[derive(Clone)]
pub struct Stoa {
    pub store: Store,
    pub config: Arc<CoreConfig>,
    pub clock: Clock,
    /// Where uploaded files' bytes go.
    pub blobs: Blobs,
    /// The full-text index, fed from the event log ([`search`]).
    pub search: stoa_search::SearchIndex,
    indexing: Arc<tokio::sync::Mutex<()>>,
    /// Set while the index is filled from the tables (see [`search`]):
    /// searches meanwhile find only part of what there is.
    filling: Arc<std::sync::atomic::AtomicBool>,
    /// Searches running at once, at most one per core (see [`search`]).
    searching: Arc<tokio::sync::Semaphore>,
    /// A directory that lives as long as the application, when blobs were
    /// not given a place of their own (tests, tools).
    _scratch: Option<Arc<tempfile::TempDir>>,
    visits: Arc<visits::VisitBuffer>,
    posts: Arc<cache::PostsCache>,
    reactions: Arc<cache::ReactionsCache>,
    unread: Arc<cache::UnreadCache>,
    sessions: Arc<accounts::SessionCache>,
    /// Sends email; `None` when no mail server is configured (then no mail
    /// is queued at all).
    pub mail: Option<Arc<mail::Mailer>>,
    /// The key that signs links sent by email, once read (see `mail`).
    signing_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    /// Wakes open `/live` connections when the event log grows ([`live`]).
    pub live: Arc<stoa_live::Hub>,
    /// The threads and spaces followed live on this node ([`live`]).
    pub feeds: Arc<stoa_live::Feeds>,
    /// The chat rooms open on this node ([`chat`]).
    pub rooms: Arc<stoa_live::Rooms>,
    /// This process, among the nodes sharing the database (for presence).
    pub node_id: Arc<str>,
    /// The documents being edited live on this node ([`coedit`]).
    pub docs: Arc<coedit::DocRooms>,
    /// Long texts rendered at once (one; see [`render`]).
    rendering: Arc<tokio::sync::Semaphore>,
    /// Events' notes rendered, by event and text (see `calendar`).
    notes: Arc<cache::RevisionCache<String, String>>,
}

impl Stoa {
    /// An application whose uploads go to a temporary directory, removed
    /// when the last clone is dropped; see [`Stoa::with_blobs`].
    pub fn new(store: Store, config: CoreConfig) -> Self {
        let scratch = tempfile::Builder::new().prefix("stoa-blobs-").tempdir().ok().map(Arc::new);
        let blobs = scratch
            .as_ref()
            .and_then(|dir| Blobs::local(dir.path()).ok())
            .unwrap_or_else(|| Blobs::Local { root: std::env::temp_dir().join("stoa-blobs") });
        Self {
            store,
            config: Arc::new(config),
            clock: Clock::System,
            blobs,
            _scratch: scratch,
            search: stoa_search::SearchIndex::in_memory().expect("an in-memory index always opens"),
            indexing: Arc::default(),
            filling: Arc::default(),
            searching: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(2),
            )),
            visits: Arc::default(),
            posts: Arc::default(),
            reactions: Arc::default(),
            unread: Arc::default(),
            sessions: Arc::default(),
            mail: None,
            signing_key: Arc::default(),
            live: Arc::default(),
            feeds: Arc::default(),
            rooms: Arc::default(),
            node_id: Arc::from(stoa_store::new_id()),
            docs: Arc::default(),
            rendering: Arc::new(tokio::sync::Semaphore::new(1)),
            notes: Arc::default(),
        }
    }

    /// The same application sending email through `mailer`.
    pub fn with_mail(mut self, mailer: mail::Mailer) -> Self {
        self.mail = Some(Arc::new(mailer));
        self
    }

    /// The same application searching with `index` (an index on disk).
    pub fn with_search(mut self, index: stoa_search::SearchIndex) -> Self {
        self.search = index;
        self
    }

    /// The same application keeping uploads in `blobs`.
    pub fn with_blobs(mut self, blobs: Blobs) -> Self {
        self.blobs = blobs;
        self._scratch = None;
        self
    }

    /// The same application with a clock that tests move by hand, starting at `start_ms`.
    pub fn with_manual_clock(mut self, start_ms: i64) -> Self {
        self.clock = Clock::Manual(Arc::new(AtomicI64::new(start_ms)));
        self
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Writes buffered reading positions to the database. Called periodically
    /// by [`Stoa::run_background`] and once more at shutdown.
    pub async fn flush(&self) -> Result<()> {
        self.visits.flush(&self.store).await
    }

    /// Periodic housekeeping: flushes reading positions every two seconds and
    /// prunes expired sessions and old sign-in failures every hour. Runs until
    /// the returned task is aborted.
    pub fn run_background(&self) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        let indexer = self.clone();
        // The search index follows the event log: within half a second on a
        // quiet site, and with a commit at most every two seconds on a busy
        // one (each commit has a fixed cost, a term dictionary per field and
        // a fresh indexing arena, which a commit per half second of a busy
        // site's replies made a sixth of the server's work).
        let indexing = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match search::catch_up(&indexer).await {
                    Ok(0) => {}
                    Ok(_) => tokio::time::sleep(search::COMMIT_PAUSE).await,
                    Err(e) => tracing::warn!(error = %e, "could not update the search index"),
                }
            }
        });
        // Live connections learn the log moved on from a signal sent by the
        // commit (on this node or any other sharing the database); a poll
        // every second catches what a lost signal would have told. A node
        // with chat rooms open says it is alive every ten seconds.
        let listener = self.clone();
        let listening = tokio::spawn(async move { live::listen(&listener).await });

        let watcher = self.clone();
        let watching = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut ticks: u64 = 0;
            loop {
                tick.tick().await;
                if let Err(e) = live::watch_log(&watcher).await {
                    tracing::warn!(error = %e, "could not read the event log's end");
                }
                if ticks.is_multiple_of(10)
                    && !watcher.rooms.all().is_empty()
                    && let Err(e) = chat::renew_node(&watcher).await
                {
                    tracing::warn!(error = %e, "could not renew this node's presence");
                }
                ticks += 1;
            }
        });
        // Notifications follow the event log about once a second; the mail
        // they call for goes out from the job queue, in a task of its own so
        // a slow mail server delays nothing else.
        let notifier = self.clone();
        let notifying = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = notifications::catch_up(&notifier).await {
                    tracing::warn!(error = %e, "could not write notifications");
                }
            }
        });
        let postman = self.clone();
        let mailing = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut ticks: u64 = 0;
            loop {
                tick.tick().await;
                if ticks.is_multiple_of(60)
                    && let Err(e) = mail::queue_digests(&postman).await
                {
                    tracing::warn!(error = %e, "could not queue digests");
                }
                if let Err(e) = mail::deliver_due(&postman).await {
                    tracing::warn!(error = %e, "could not send email");
                }
                ticks += 1;
            }
        });
        tokio::spawn(async move {
            let _indexing = AbortOnDrop(indexing);
            let _notifying = AbortOnDrop(notifying);
            let _mailing = AbortOnDrop(mailing);
            let _watching = AbortOnDrop(watching);
            let _listening = AbortOnDrop(listening);

            let mut tick = tokio::time::interval(Duration::from_secs(2));
            let mut ticks: u64 = 0;
            loop {
                tick.tick().await;
                if let Err(e) = app.flush().await {
                    tracing::warn!(error = %e, "could not write reading positions");
                }
                if let Err(e) = facilitation::open_due_prompts(&app).await {
                    tracing::warn!(error = %e, "could not open scheduled prompts");
                }
                if ticks.is_multiple_of(15)
                    && let Err(e) = calendar::remind_due(&app).await
                {
                    tracing::warn!(error = %e, "could not send event reminders");
                }
                if ticks.is_multiple_of(1800)
                    && let Err(e) = accounts::prune(&app).await
                {
                    tracing::warn!(error = %e, "could not prune sessions");
                }
                ticks += 1;
            }
        })
    }
}

/// Stops a task when dropped, so aborting the housekeeping task stops its helpers.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Parses one form field, collecting its refusal under `field`.
pub(crate) fn field<T>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    parsed: std::result::Result<T, stoa_domain::Invalid>,
) -> Option<T> {
    match parsed {
        Ok(v) => Some(v),
        Err(invalid) => {
            errors.push(FieldError::invalid(field, &invalid));
            None
        }
    }
}

/// Rows that the use cases return as they are, re-exported so adapters can
/// name them without depending on the store.
pub mod rows {
    pub use stoa_store::calendar::{Attendee, EventRow};
    pub use stoa_store::learning::{CommentRow, FindingRow, SourceRow, TeamSetRow};
    pub use stoa_store::spaces::{JoinRequestRow, MemberRow};
    pub use stoa_store::threads::PostVersion;
    pub use stoa_store::users::TokenRow;
    pub use stoa_store::wiki::RevisionListItem;
}
