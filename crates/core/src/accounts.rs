//! Accounts: signing up and in, sessions, profiles, passwords and API tokens.
//!
//! Sessions and API tokens are random secrets handed to the client once; the
//! database keeps only their hashes. Failed sign-ins are counted per account
//! and per client address in the database, so the limit holds across nodes
//! and restarts.

use std::time::Duration;

use serde::Serialize;
use stoa_domain::{Bio, DisplayName, Email, Password, TokenName, Username, markdown};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::users::{self, NewUser, ProfileUpdate, ThrottleScope, UserRow};
use stoa_store::{new_id, settings, spaces as store_spaces};

use crate::{Actor, CoreError, CurrentUser, FieldError, Result, Stoa, field, secrets, spaces};

/// Whether people may create accounts themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    /// Anyone may sign up.
    Open,
    /// Only people holding an invite link may sign up.
    Invite,
}

impl Registration {
    pub fn as_str(self) -> &'static str {
        match self {
            Registration::Open => "open",
            Registration::Invite => "invite",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "open" => Some(Registration::Open),
            "invite" => Some(Registration::Invite),
            _ => None,
        }
    }
}

/// The instance's current registration setting (open unless an admin changed it).
pub async fn registration(app: &Stoa) -> Result<Registration> {
    let mut conn = app.store.read().await?;
    let value = settings::get(&mut conn, settings::key::REGISTRATION).await?;
    Ok(value.as_deref().and_then(Registration::parse).unwrap_or(Registration::Open))
}

/// What a person fills in to sign up, as typed.
#[derive(Debug, Clone, Default)]
pub struct SignUpInput {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
    /// An invite-link token, required when registration is invite-only; the
    /// new account joins that space.
    pub invite_token: Option<String>,
    /// The language the person was browsing in.
    pub locale: Option<String>,
    /// The client's address, which sign-ups are throttled by; empty when
    /// there is none (the command line).
    pub address: String,
}

/// A session handed to a client: the secret goes into its cookie.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret: String,
    pub user: CurrentUser,
    pub expires_at: i64,
}

/// The fields of a new account, parsed.
struct NewAccount {
    username: Username,
    display_name: DisplayName,
    email: Option<Email>,
    password: Password,
}

/// Parses what a person (or an admin) typed for a new account, naming every
/// refused field at once. An empty display name falls back to the username.
fn parse_new_account(input: &SignUpInput) -> Result<NewAccount> {
    let mut errors = Vec::new();
    let username = field(&mut errors, "username", Username::parse(&input.username));
    let display_name = if input.display_name.trim().is_empty() {
        username.as_ref().and_then(|u| DisplayName::parse(u.as_str()).ok())
    } else {
        field(&mut errors, "display_name", DisplayName::parse(&input.display_name))
    };
    let email =
        if input.email.trim().is_empty() { None } else { field(&mut errors, "email", Email::parse(&input.email)) };
    let password = field(&mut errors, "password", Password::parse_new(&input.password));
    match (username, display_name, password) {
        (Some(username), Some(display_name), Some(password)) if errors.is_empty() => {
            Ok(NewAccount { username, display_name, email, password })
        }
        _ => Err(CoreError::Invalid(errors)),
    }
}

/// Creates an account and signs it in. The first account on an empty
/// instance becomes its admin.
pub async fn sign_up(app: &Stoa, input: SignUpInput, user_agent: &str) -> Result<NewSession> {
    let NewAccount { username, display_name, email, password } = parse_new_account(&input)?;
    let invite_hash = input.invite_token.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(secrets::hash);
    if registration(app).await? == Registration::Invite && invite_hash.is_none() {
        return Err(CoreError::Conflict("registration-invite-only"));
    }
    let now = app.now();
    // Accounts made from one address back off after a few (counted before
    // the password is hashed, the costly part).
    if !input.address.is_empty() {
        let mut tx = app.store.begin().await?;
        stoa_store::dialect::lock(&mut tx, &format!("sign-up:{}", input.address)).await?;
        attempt(&mut tx, ThrottleScope::SignUp, &input.address, &app.config.sign_ups_per_address, now).await?;
        stoa_store::commit(tx).await?;
    }
    let password_hash = secrets::hash_password(password.expose().to_owned()).await?;

    let id = new_id();
    let mut tx = app.store.begin().await?;
    // An invitation is checked before the account exists, so a bad link
    // leaves no half-made account behind.
    let invite = match &invite_hash {
        Some(hash) => Some(spaces::usable_invite_link(&mut tx, hash, now).await?),
        None => None,
    };
    let is_first = users::count(&mut tx).await? == 0;
    let locale = input.locale.as_deref().filter(|l| crate::accounts::is_plausible_locale(l));
    // An address that has an account already: the new account is made
    // without it, and its owner is told by mail. The answer is the same as
    // for any address, so sign-up tells nobody which addresses have accounts.
    let owner = match &email {
        Some(email) => users::by_email(&mut tx, email.as_str()).await?,
        None => None,
    };
    let email = if owner.is_some() { None } else { email };
    let inserted = users::insert(
        &mut tx,
        &NewUser {
            id: &id,
            username: username.as_str(),
            email: email.as_ref().map(Email::as_str),
            display_name: display_name.as_str(),
            password_hash: &password_hash,
            is_admin: is_first,
            locale,
            created_at: now,
        },
    )
    .await;
    if let Err(e) = inserted {
        return Err(taken_or_internal(e));
    }
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::USER_SIGNED_UP,
            actor_id: Some(&id),
            space_id: None,
            subject_id: Some(&id),
            data: serde_json::json!({"username": username.as_str(), "first_admin": is_first}),
        },
        now,
    )
    .await?;
    if let Some(invite) = invite {
        spaces::accept_link_in_tx(&mut tx, &invite, &id, now).await?;
    }
    if let Some(owner) = &owner {
        crate::mail::queue_account_exists(app, &mut tx, &owner.id).await?;
    }
    let session = start_session(&mut tx, app, &id, user_agent, now).await?;
    stoa_store::commit(tx).await?;
    let user = CurrentUser {
        id,
        username: username.into_inner(),
        display_name: display_name.into_inner(),
        is_admin: is_first,
        locale: locale.map(str::to_owned),
    };
    Ok(NewSession { secret: session.0, user, expires_at: session.1 })
}

/// Maps a unique violation on the users table to the field that clashed.
fn taken_or_internal(error: stoa_store::StoreError) -> CoreError {
    match error {
        stoa_store::StoreError::Conflict { column } => match column.as_deref() {
            Some("email") => CoreError::Invalid(vec![FieldError::taken("email", "email-taken")]),
            _ => CoreError::Invalid(vec![FieldError::taken("username", "username-taken")]),
        },
        other => other.into(),
    }
}

/// A BCP 47-looking tag, short and made of letters, digits and hyphens.
pub(crate) fn is_plausible_locale(tag: &str) -> bool {
    (2..=35).contains(&tag.len()) && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

async fn start_session(
    tx: &mut stoa_store::Tx,
    app: &Stoa,
    user_id: &str,
    user_agent: &str,
    now: i64,
) -> Result<(String, i64)> {
    let secret = secrets::generate("")?;
    let expires_at = now + millis(app.config.session_idle);
    let agent: String = user_agent.chars().take(200).collect();
    users::insert_session(tx, &secrets::hash(&secret), user_id, now, expires_at, &agent).await?;
    Ok((secret, expires_at))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Counts an attempt of `subject` against `backoff` in `tx` (which holds
/// the subject's lock), refusing it while the backoff says to wait.
/// Returns the recorded attempt's id.
async fn attempt(
    tx: &mut stoa_store::Tx,
    scope: ThrottleScope,
    subject: &str,
    backoff: &crate::Backoff,
    now: i64,
) -> Result<String> {
    let (count, last) = users::sign_in_failures_since(tx, scope, subject, backoff.since(now)).await?;
    if let Some(wait) = backoff.wait(count, last, now) {
        let retry_after_secs = u64::try_from((wait + 999) / 1000).unwrap_or(1).max(1);
        return Err(CoreError::RateLimited { retry_after_secs });
    }
    Ok(users::record_sign_in_failure(tx, scope, subject, now).await?)
}

/// Signs a person in with username (or email) and password, from `address`.
///
/// Every attempt is counted against the account at this address (whichever
/// name was typed for it) and against the address, before the password is
/// checked, in one write transaction, so parallel guesses cannot slip under
/// the limit together; a successful attempt is then forgotten. Past a few
/// attempts each backs off exponentially ([`crate::Backoff`]): refused with
/// [`CoreError::RateLimited`] without checking the password. Never counted
/// per account alone, so nobody can lock the owner out by guessing from
/// elsewhere. Any session the client already had is replaced by the caller
/// (the session id is cycled).
pub async fn sign_in(app: &Stoa, login: &str, password: &str, address: &str, user_agent: &str) -> Result<NewSession> {
    let login = login.trim().to_lowercase();
    let now = app.now();
    let row = {
        let mut conn = app.store.read().await?;
        if login.contains('@') {
            users::by_email(&mut conn, &login).await?
        } else {
            users::by_username(&mut conn, &login).await?
        }
    };
    // An unknown name is a bucket of its own, so guessing names is throttled too.
    let account_key = row.as_ref().map_or_else(|| format!("name:{login}"), |r| r.id.clone());
    let pair = format!("{account_key}|{address}");
    let mut tx = app.store.begin().await?;
    let mut keys = [format!("sign-in:pair:{pair}"), format!("sign-in:address:{address}")];
    keys.sort();
    for key in &keys {
        stoa_store::dialect::lock(&mut tx, key).await?;
    }
    attempt(&mut tx, ThrottleScope::Pair, &pair, &app.config.sign_in_per_pair, now).await?;
    let address_attempt =
        attempt(&mut tx, ThrottleScope::Address, address, &app.config.sign_in_per_address, now).await?;
    stoa_store::commit(tx).await?;

    let password = Password::for_sign_in(password);
    let ok = match &row {
        Some(row) => secrets::verify_password(password.expose().to_owned(), row.password_hash.clone()).await?,
        None => {
            // Spend the same time as for a real account, then fail.
            let _ =
                secrets::verify_password(password.expose().to_owned(), secrets::dummy_hash().await.to_owned()).await;
            false
        }
    };
    let row = match row {
        Some(row) if ok && !row.is_suspended() => row,
        _ => return Err(CoreError::BadCredentials),
    };
    let mut tx = app.store.begin().await?;
    users::clear_sign_in_failures(&mut tx, ThrottleScope::Pair, &pair).await?;
    users::delete_sign_in_failure(&mut tx, &address_attempt).await?;
    let (secret, expires_at) = start_session(&mut tx, app, &row.id, user_agent, now).await?;
    stoa_store::commit(tx).await?;
    Ok(NewSession { secret, user: CurrentUser::from_row(&row), expires_at })
}

/// A person's username now, by their id (where a mention leads).
pub async fn username_of(app: &Stoa, user_id: &str) -> Result<String> {
    let mut conn = app.store.read().await?;
    Ok(users::by_id(&mut conn, user_id).await?.ok_or(CoreError::NotFound)?.username)
}

/// The CSRF token of the browser holding the session `secret`: derived from
/// it, so it changes with the session (at every sign-in), works for that
/// session only, and cannot be worked out without the secret.
pub fn csrf_for_session(secret: &str) -> String {
    secrets::hash(&format!("stoa-csrf\u{0}{secret}"))
}

/// Ends the session with this secret.
pub async fn sign_out(app: &Stoa, session_secret: &str) -> Result<()> {
    let hash = secrets::hash(session_secret);
    let mut tx = app.store.begin().await?;
    users::delete_session(&mut tx, &hash).await?;
    stoa_store::commit(tx).await?;
    app.sessions.forget(&hash);
    Ok(())
}

/// Sessions looked up in the last few seconds, so that a burst of requests
/// from one browser costs one database read.
///
/// An entry is trusted for [`SessionCache::TTL`]. Signing out, changing a
/// password, a suspension or a profile change forget the person's entries on
/// this node at once; on other nodes of a cluster a revoked session may live
/// on for at most the TTL.
#[derive(Debug, Default)]
pub(crate) struct SessionCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, (CurrentUser, i64, std::time::Instant)>>,
    /// Bumped by every `forget`: a lookup that began before a forget must not
    /// put back what the forget removed.
    epoch: std::sync::atomic::AtomicU64,
}

impl SessionCache {
    const TTL: Duration = Duration::from_secs(5);
    const CAPACITY: usize = 10_000;

    fn get(&self, hash: &str, now: i64) -> Option<CurrentUser> {
        let entries = self.entries.lock().ok()?;
        let (user, expires_at, fetched) = entries.get(hash)?;
        (fetched.elapsed() < Self::TTL && *expires_at > now).then(|| user.clone())
    }

    fn epoch(&self) -> u64 {
        self.epoch.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Remembers a session looked up since `epoch`, unless something was
    /// forgotten meanwhile (then the lookup may be stale, and is not kept).
    fn put(&self, hash: String, user: CurrentUser, expires_at: i64, epoch: u64) {
        if let Ok(mut entries) = self.entries.lock() {
            if self.epoch() != epoch {
                return;
            }
            if entries.len() >= Self::CAPACITY {
                entries.retain(|_, (_, _, fetched)| fetched.elapsed() < Self::TTL);
            }
            entries.insert(hash, (user, expires_at, std::time::Instant::now()));
        }
    }

    fn forget(&self, hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            entries.remove(hash);
        }
    }

    /// Forgets every session of `user_id`.
    pub(crate) fn forget_user(&self, user_id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            entries.retain(|_, (user, _, _)| user.id != user_id);
        }
    }
}

/// The person a session cookie belongs to, if the session is live and the
/// person is not suspended. Extends the session when it is used, at most once
/// an hour, so page views do not turn into writes.
pub async fn authenticate_session(app: &Stoa, session_secret: &str) -> Result<Option<CurrentUser>> {
    let now = app.now();
    let hash = secrets::hash(session_secret);
    if let Some(user) = app.sessions.get(&hash, now) {
        return Ok(Some(user));
    }
    let epoch = app.sessions.epoch();
    let found = {
        let mut conn = app.store.read().await?;
        users::session_user(&mut conn, &hash, now).await?
    };
    let Some(found) = found else {
        return Ok(None);
    };
    if found.user.is_suspended() {
        return Ok(None);
    }
    let mut expires_at = found.session_expires_at;
    if now - found.session_last_seen_at > 3_600_000 {
        expires_at = now + millis(app.config.session_idle);
        let mut tx = app.store.begin().await?;
        users::touch_session(&mut tx, &hash, now, expires_at).await?;
        stoa_store::commit(tx).await?;
    }
    let user = CurrentUser::from_row(&found.user);
    app.sessions.put(hash, user.clone(), expires_at, epoch);
    Ok(Some(user))
}

/// The person a bearer token belongs to, if the token is live.
pub async fn authenticate_token(app: &Stoa, token: &str) -> Result<Option<CurrentUser>> {
    let now = app.now();
    let found = {
        let mut conn = app.store.read().await?;
        users::token_user(&mut conn, &secrets::hash(token.trim())).await?
    };
    let Some(found) = found else {
        return Ok(None);
    };
    if found.user.is_suspended() {
        return Ok(None);
    }
    if found.token_last_used_at.is_none_or(|t| now - t > 60_000) {
        let mut tx = app.store.begin().await?;
        users::touch_token(&mut tx, &found.token_id, now).await?;
        stoa_store::commit(tx).await?;
    }
    Ok(Some(CurrentUser::from_row(&found.user)))
}

/// A person's profile as others see it.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// Whether the viewer follows them, and has blocked them.
    pub following: bool,
    pub blocked: bool,
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub bio_html: String,
    pub created_at: i64,
    pub is_admin: bool,
    /// The spaces this person belongs to that the viewer may read.
    pub spaces: Vec<spaces::SpaceSummary>,
    /// What they know, and what they want to learn.
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    /// What they wrote lately that the viewer may read.
    pub contributions: Vec<crate::activity::ActivityItem>,
    /// The address of the space holding their own blog, if they started one.
    pub blog_slug: Option<String>,
}

/// How many recent contributions a profile lists.
pub const PROFILE_CONTRIBUTIONS: i64 = 10;

/// The profile of `username`, with only the memberships `actor` may see.
pub async fn profile(app: &Stoa, actor: &Actor, username: &str) -> Result<Profile> {
    let username = Username::parse(username).map_err(|_| CoreError::NotFound)?;
    let mut conn = app.store.read().await?;
    let row = users::by_username(&mut conn, username.as_str()).await?.ok_or(CoreError::NotFound)?;
    // The person's memberships, each shown only if the actor could read the
    // space's member list anyway.
    // Two queries, not one per membership: their spaces, and every space as the actor sees it.
    let theirs: std::collections::HashSet<String> =
        store_spaces::views_of_member(&mut conn, &row.id).await?.into_iter().map(|v| v.space.id).collect();
    let visible = store_spaces::all_views(&mut conn, actor.id())
        .await?
        .iter()
        .filter(|v| theirs.contains(&v.space.id) && spaces::allowed(actor, v, stoa_domain::Action::ReadContent))
        .map(spaces::SpaceSummary::of)
        .collect();
    let tags = users::tags_of(&mut conn, std::slice::from_ref(&row.id)).await?;
    let (following, blocked) = match actor.id() {
        Some(me) => (
            stoa_store::social::is_following(&mut conn, me, crate::social::PERSON, &row.id).await?,
            stoa_store::social::blocking(&mut conn, &row.id, &[me.to_owned()]).await?.len() == 1,
        ),
        None => (false, false),
    };
    let contributions = crate::activity::contributions(&mut conn, actor, &row.id, PROFILE_CONTRIBUTIONS).await?;
    let blog_slug = crate::blogs::personal_slug(&mut conn, actor, &row.id).await?;
    let of = |kind: &str| tags.iter().filter(|t| t.1 == kind).map(|t| t.2.clone()).collect();
    Ok(Profile {
        contributions,
        blog_slug,
        skills: of(SKILL),
        interests: of(INTEREST),
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        bio: row.bio,
        bio_html: row.bio_html,
        created_at: row.created_at,
        is_admin: row.is_admin != 0,
        spaces: visible,
        following,
        blocked,
    })
}

const SKILL: &str = "skill";
const INTEREST: &str = "interest";

/// Sets what the signed-in person knows and wants to learn: up to ten tags
/// each, separated by spaces or commas (`#` optional).
pub async fn set_expertise(app: &Stoa, actor: &Actor, skills: &str, interests: &str) -> Result<()> {
    let me = actor.require()?;
    let mut errors = Vec::new();
    let skills = field(&mut errors, "skills", stoa_domain::wiki::parse_tags(skills));
    let interests = field(&mut errors, "interests", stoa_domain::wiki::parse_tags(interests));
    let (Some(skills), Some(interests)) = (skills, interests) else {
        return Err(CoreError::Invalid(errors));
    };
    let mut tx = app.store.begin().await?;
    users::set_user_tags(&mut tx, &me.id, SKILL, &skills).await?;
    users::set_user_tags(&mut tx, &me.id, INTEREST, &interests).await?;
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::USER_UPDATED,
            actor_id: Some(&me.id),
            space_id: None,
            subject_id: Some(&me.id),
            data: serde_json::json!({"skills": skills, "interests": interests}),
        },
        app.now(),
    )
    .await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Who to look for in the people directory.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub skill: Option<String>,
    pub interest: Option<String>,
    /// Part of a name.
    pub text: Option<String>,
}

/// A person as the directory lists them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonSummary {
    pub username: String,
    pub display_name: String,
    /// The first line of their bio, as plain text.
    pub headline: String,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
}

/// People per page in the directory.
pub const PEOPLE_PER_PAGE: i64 = 30;

/// The people directory, filtered by a skill, an interest or a name, for
/// signed-in people (a list of everyone is not for the open web).
pub async fn people(app: &Stoa, actor: &Actor, filter: &PeopleFilter, page: i64) -> Result<(Vec<PersonSummary>, bool)> {
    actor.require()?;
    let page = page.max(1);
    let clean = |t: &Option<String>| {
        t.as_deref().map(|t| t.trim().trim_start_matches('#').to_lowercase()).filter(|t| !t.is_empty())
    };
    let by_tag = match (clean(&filter.skill), clean(&filter.interest)) {
        (Some(s), _) => Some((SKILL, s)),
        (None, Some(i)) => Some((INTEREST, i)),
        (None, None) => None,
    };
    let text = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let mut conn = app.store.read().await?;
    let rows = users::people(
        &mut conn,
        by_tag.as_ref().map(|(k, t)| (*k, t.as_str())),
        text,
        PEOPLE_PER_PAGE + 1,
        crate::offset(page, PEOPLE_PER_PAGE),
    )
    .await?;
    let has_more = rows.len() as i64 > PEOPLE_PER_PAGE;
    let rows: Vec<users::PersonRow> = rows.into_iter().take(PEOPLE_PER_PAGE as usize).collect();
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let tags = users::tags_of(&mut conn, &ids).await?;
    let of = |id: &str, kind: &str| tags.iter().filter(|t| t.0 == id && t.1 == kind).map(|t| t.2.clone()).collect();
    let people = rows
        .iter()
        .map(|r| PersonSummary {
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            headline: markdown::plain_text(r.bio.lines().next().unwrap_or_default(), 140),
            skills: of(&r.id, SKILL),
            interests: of(&r.id, INTEREST),
        })
        .collect();
    Ok((people, has_more))
}

/// The signed-in person's own account, with the private fields.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub bio: String,
    pub bio_html: String,
    pub locale: Option<String>,
    pub is_admin: bool,
    pub created_at: i64,
    /// Whether they uploaded a picture (else one is drawn from their name).
    pub has_avatar: bool,
}

impl Account {
    fn of(row: UserRow) -> Self {
        Self {
            is_admin: row.is_admin(),
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            email: row.email,
            bio: row.bio,
            bio_html: row.bio_html,
            locale: row.locale,
            created_at: row.created_at,
            has_avatar: false,
        }
    }
}

pub async fn account(app: &Stoa, actor: &Actor) -> Result<Account> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    let row = users::by_id(&mut conn, &me.id).await?.ok_or(CoreError::SignInRequired)?;
    let picture = users::avatar(&mut conn, &row.username).await?;
    let mut account = Account::of(row);
    account.has_avatar = picture.is_some_and(|p| p.avatar_key.is_some());
    Ok(account)
}

/// Profile fields as typed; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub bio: Option<String>,
    /// `Some("")` goes back to following the browser's language.
    pub locale: Option<String>,
}

pub async fn update_profile(app: &Stoa, actor: &Actor, input: ProfileInput) -> Result<Account> {
    let me = actor.require()?;
    let current = account(app, actor).await?;
    let mut errors = Vec::new();
    let username = match &input.username {
        Some(raw) => field(&mut errors, "username", Username::parse(raw)).map(Username::into_inner),
        None => Some(current.username.clone()),
    };
    let display_name = match &input.display_name {
        Some(raw) => field(&mut errors, "display_name", DisplayName::parse(raw)).map(DisplayName::into_inner),
        None => Some(current.display_name.clone()),
    };
    let email = match input.email.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(raw) => field(&mut errors, "email", Email::parse(raw)).map(|e| Some(e.into_inner())),
        None => Some(current.email.clone()),
    };
    let bio = match &input.bio {
        Some(raw) => field(&mut errors, "bio", Bio::parse(raw)).map(Bio::into_inner),
        None => Some(current.bio.clone()),
    };
    let locale = match input.locale.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(tag) if is_plausible_locale(tag) => Some(Some(tag.to_owned())),
        Some(_) => {
            errors.push(FieldError::new("locale", "invalid-option"));
            None
        }
        None => Some(current.locale.clone()),
    };
    let (Some(username), Some(display_name), Some(email), Some(bio), Some(locale)) =
        (username, display_name, email, bio, locale)
    else {
        return Err(CoreError::Invalid(errors));
    };
    let bio_html = if bio == current.bio { current.bio_html.clone() } else { markdown::render(&bio) };
    let now = app.now();
    let mut tx = app.store.begin().await?;
    let update = ProfileUpdate {
        display_name: &display_name,
        username: &username,
        email: email.as_deref(),
        bio: &bio,
        bio_html: &bio_html,
        locale: locale.as_deref(),
    };
    users::update_profile(&mut tx, &me.id, &update).await.map_err(taken_or_internal)?;
    if username != current.username || display_name != current.display_name {
        // Posts show their author's current name: threads they wrote in read differently now.
        stoa_store::threads::bump_revisions_of_author(&mut tx, &me.id).await?;
    }
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::USER_UPDATED,
            actor_id: Some(&me.id),
            space_id: None,
            subject_id: Some(&me.id),
            data: serde_json::json!({"username": username}),
        },
        now,
    )
    .await?;
    stoa_store::commit(tx).await?;
    app.sessions.forget_user(&me.id);
    account(app, actor).await
}

/// Changes the actor's password after checking the current one, and ends
/// every other session of theirs (the one in use, `keep_session`, stays).
pub async fn change_password(
    app: &Stoa,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_session: Option<&str>,
) -> Result<()> {
    let me = actor.require()?;
    let new =
        Password::parse_new(new).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("new_password", &e)]))?;
    let stored = {
        let mut conn = app.store.read().await?;
        users::by_id(&mut conn, &me.id).await?.ok_or(CoreError::SignInRequired)?.password_hash
    };
    // Whoever holds a session or a token could otherwise guess the password
    // here, unthrottled: each check counts, and backs off as sign-in does.
    let now = app.now();
    {
        let mut tx = app.store.begin().await?;
        stoa_store::dialect::lock(&mut tx, &format!("password:{}", me.id)).await?;
        attempt(&mut tx, ThrottleScope::Password, &me.id, &app.config.password_checks, now).await?;
        stoa_store::commit(tx).await?;
    }
    if !secrets::verify_password(Password::for_sign_in(current).expose().to_owned(), stored).await? {
        return Err(CoreError::field("current_password", "password-wrong"));
    }
    let hash = secrets::hash_password(new.expose().to_owned()).await?;
    let keep = keep_session.map(secrets::hash);
    let mut tx = app.store.begin().await?;
    users::set_password_hash(&mut tx, &me.id, &hash).await?;
    users::delete_sessions_of_user(&mut tx, &me.id, keep.as_deref()).await?;
    // A stolen token must not outlive the password it was stolen with.
    users::revoke_tokens_of_user(&mut tx, &me.id, now).await?;
    users::clear_sign_in_failures(&mut tx, ThrottleScope::Password, &me.id).await?;
    stoa_store::commit(tx).await?;
    app.sessions.forget_user(&me.id);
    Ok(())
}

/// A newly created API token; `secret` is shown once and never again.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedToken {
    pub token: users::TokenRow,
    pub secret: String,
}

pub async fn create_token(app: &Stoa, actor: &Actor, name: &str) -> Result<CreatedToken> {
    let me = actor.require()?;
    let name = TokenName::parse(name).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("name", &e)]))?;
    let secret = secrets::generate("stoa_")?;
    let prefix: String = secret.chars().take(12).collect();
    let id = new_id();
    let now = app.now();
    let mut tx = app.store.begin().await?;
    users::insert_token(&mut tx, &id, &me.id, name.as_str(), &secrets::hash(&secret), &prefix, now).await?;
    stoa_store::commit(tx).await?;
    let token = users::TokenRow {
        id,
        user_id: me.id.clone(),
        name: name.into_inner(),
        prefix,
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    Ok(CreatedToken { token, secret })
}

pub async fn tokens(app: &Stoa, actor: &Actor) -> Result<Vec<users::TokenRow>> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    Ok(users::list_tokens(&mut conn, &me.id).await?)
}

pub async fn revoke_token(app: &Stoa, actor: &Actor, token_id: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let revoked = users::revoke_token(&mut tx, &me.id, token_id, app.now()).await?;
    stoa_store::commit(tx).await?;
    if revoked { Ok(()) } else { Err(CoreError::NotFound) }
}

/// Deletes expired sessions and sign-in attempts older than any throttle window.
pub async fn prune(app: &Stoa) -> Result<()> {
    let now = app.now();
    let mut tx = app.store.begin().await?;
    users::delete_expired_sessions(&mut tx, now).await?;
    let c = &app.config;
    let window = [c.sign_in_per_pair, c.sign_in_per_address, c.sign_ups_per_address, c.password_checks]
        .iter()
        .map(|b| b.window)
        .max()
        .unwrap_or_default();
    users::prune_sign_in_failures(&mut tx, now - millis(window)).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Creates an account without signing it in (for admins and the CLI).
/// Refuses with [`CoreError::Forbidden`] unless `actor` is an admin or
/// `trusted` is set by the CLI, which runs with the operator's authority.
pub async fn create_user(
    app: &Stoa,
    actor: &Actor,
    trusted: crate::admin::Authority,
    input: SignUpInput,
    make_admin: bool,
) -> Result<CurrentUser> {
    if trusted != crate::admin::Authority::Operator && !actor.is_admin() {
        return Err(CoreError::Forbidden);
    }
    let NewAccount { username, display_name, email, password } = parse_new_account(&input)?;
    let hash = secrets::hash_password(password.expose().to_owned()).await?;
    let now = app.now();
    let id = new_id();
    let mut tx = app.store.begin().await?;
    let is_first = users::count(&mut tx).await? == 0;
    let is_admin = make_admin || is_first;
    users::insert(
        &mut tx,
        &NewUser {
            id: &id,
            username: username.as_str(),
            email: email.as_ref().map(Email::as_str),
            display_name: display_name.as_str(),
            password_hash: &hash,
            is_admin,
            locale: None,
            created_at: now,
        },
    )
    .await
    .map_err(taken_or_internal)?;
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::USER_SIGNED_UP,
            actor_id: actor.id().or(Some(&id)),
            space_id: None,
            subject_id: Some(&id),
            data: serde_json::json!({"username": username.as_str(), "created_by_admin": true}),
        },
        now,
    )
    .await?;
    stoa_store::commit(tx).await?;
    Ok(CurrentUser {
        id,
        username: username.into_inner(),
        display_name: display_name.into_inner(),
        is_admin,
        locale: None,
    })
}

// ---------------------------------------------------------------- avatars

/// The largest picture one may upload for oneself.
pub const AVATAR_MAX_BYTES: u64 = 1024 * 1024;

/// The kinds of picture taken as avatars (sniffed from their bytes).
pub const AVATAR_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Sets the actor's picture from an upload received into `staged`. Only
/// pictures (PNG, JPEG, GIF, WebP, by their bytes) up to
/// [`AVATAR_MAX_BYTES`] are taken.
pub async fn set_avatar(app: &Stoa, actor: &Actor, staged: stoa_store::blobs::Staged) -> Result<()> {
    let me = actor.require()?;
    if staged.size() == 0 {
        return Err(CoreError::field("avatar", "file-empty"));
    }
    if staged.size() > AVATAR_MAX_BYTES {
        return Err(CoreError::field("avatar", "avatar-too-large"));
    }
    let content_type = crate::files::sniff(staged.head());
    if !AVATAR_TYPES.contains(&content_type) {
        return Err(CoreError::field("avatar", "avatar-not-picture"));
    }
    let key = new_id();
    app.blobs.keep(staged, &key).await.map_err(|e| CoreError::io("keeping an avatar", &e))?;
    match replace_avatar(app, &me.id, Some((&key, content_type))).await {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = app.blobs.delete(&key).await;
            Err(e)
        }
    }
}

/// Goes back to the picture drawn from one's name.
pub async fn remove_avatar(app: &Stoa, actor: &Actor) -> Result<()> {
    let me = actor.require()?;
    replace_avatar(app, &me.id, None).await
}

async fn replace_avatar(app: &Stoa, user_id: &str, picture: Option<(&str, &str)>) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let old = users::set_avatar(&mut tx, user_id, picture, app.now()).await?;
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::USER_UPDATED,
            actor_id: Some(user_id),
            space_id: None,
            subject_id: Some(user_id),
            data: serde_json::json!({"avatar": picture.is_some()}),
        },
        app.now(),
    )
    .await?;
    stoa_store::commit(tx).await?;
    if let Some(old) = old {
        // The row no longer points at it; a failure here leaves only unused bytes.
        let _ = app.blobs.delete(&old).await;
    }
    Ok(())
}

/// A person's picture, for anyone: profiles are public, and so are names.
pub enum Avatar {
    /// The picture they uploaded.
    Uploaded { file: tokio::fs::File, len: u64, content_type: String, version: i64 },
    /// None uploaded: the adapter draws one from the name.
    Drawn { display_name: String, version: i64 },
}

pub async fn avatar(app: &Stoa, username: &str) -> Result<Avatar> {
    let username = Username::parse(username).map_err(|_| CoreError::NotFound)?;
    let row = {
        let mut conn = app.store.read().await?;
        users::avatar(&mut conn, username.as_str()).await?.ok_or(CoreError::NotFound)?
    };
    let version = row.avatar_updated_at.unwrap_or(0);
    if let (Some(key), Some(content_type)) = (row.avatar_key, row.avatar_type) {
        match app.blobs.open(&key).await {
            Ok((file, len)) => return Ok(Avatar::Uploaded { file, len, content_type, version }),
            // Bytes lost from the store: fall back to the drawn one.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(CoreError::Internal(format!("opening an avatar: {e}"))),
        }
    }
    Ok(Avatar::Drawn { display_name: row.display_name, version })
}
