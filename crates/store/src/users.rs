//! People and how they prove who they are: users, sessions, API tokens and
//! the failed sign-in counts that throttle password guessing.
//!
//! Session ids and API tokens arrive here already hashed; the store never
//! sees a secret a client holds.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::{Result, StoreError};

/// A person's account as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub display_name: String,
    pub bio: String,
    pub bio_html: String,
    #[serde(skip)]
    pub password_hash: String,
    pub is_admin: i64,
    pub locale: Option<String>,
    pub created_at: i64,
    pub suspended_at: Option<i64>,
}

impl UserRow {
    pub fn is_admin(&self) -> bool {
        self.is_admin != 0
    }

    pub fn is_suspended(&self) -> bool {
        self.suspended_at.is_some()
    }
}

/// The columns of [`UserRow`], read from the `users` table aliased `u`.
pub(crate) const USER_COLUMNS: &str = "u.id, u.username, u.email, u.display_name, u.bio, u.bio_html, \
     u.password_hash, u.is_admin, u.locale, u.created_at, u.suspended_at";

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub locale: Option<&'a str>,
    pub created_at: i64,
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(conn).await?)
}

/// Inserts an account. A taken username or email is [`StoreError::Conflict`].
pub async fn insert(conn: &mut AnyConnection, user: &NewUser<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, username, email, display_name, password_hash, is_admin, locale, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(user.id)
    .bind(user.username)
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(i64::from(user.is_admin))
    .bind(user.locale)
    .bind(user.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(conn).await?)
}

pub async fn by_email(conn: &mut AnyConnection, email: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(email).fetch_optional(conn).await?)
}

/// A page of accounts for the admin list, optionally filtered by a fragment of
/// the username or display name, ordered by username.
pub async fn list(conn: &mut AnyConnection, filter: Option<&str>, limit: i64, offset: i64) -> Result<Vec<UserRow>> {
    let pattern = filter.map(|f| format!("%{}%", f.to_lowercase().replace(['%', '_'], "")));
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u
         WHERE $1 IS NULL OR u.username LIKE $1 OR LOWER(u.display_name) LIKE $1
         ORDER BY u.username LIMIT $2 OFFSET $3"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(pattern).bind(limit).bind(offset).fetch_all(conn).await?)
}

/// The fields a person edits on their profile.
#[derive(Debug, Clone)]
pub struct ProfileUpdate<'a> {
    pub display_name: &'a str,
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub bio: &'a str,
    pub bio_html: &'a str,
    pub locale: Option<&'a str>,
}

pub async fn update_profile(conn: &mut AnyConnection, id: &str, update: &ProfileUpdate<'_>) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET display_name = $2, username = $3, email = $4, bio = $5, bio_html = $6, locale = $7
         WHERE id = $1",
    )
    .bind(id)
    .bind(update.display_name)
    .bind(update.username)
    .bind(update.email)
    .bind(update.bio)
    .bind(update.bio_html)
    .bind(update.locale)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn set_password_hash(conn: &mut AnyConnection, id: &str, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1").bind(id).bind(hash).execute(conn).await?;
    Ok(())
}

pub async fn set_admin(conn: &mut AnyConnection, id: &str, is_admin: bool) -> Result<()> {
    sqlx::query("UPDATE users SET is_admin = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(is_admin))
        .execute(conn)
        .await?;
    Ok(())
}

/// Suspends (`Some(time)`) or reinstates (`None`) an account.
pub async fn set_suspended(conn: &mut AnyConnection, id: &str, at: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE users SET suspended_at = $2 WHERE id = $1").bind(id).bind(at).execute(conn).await?;
    Ok(())
}

/// A person's picture as stored: where its bytes are, its type, and when it
/// last changed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AvatarRow {
    pub display_name: String,
    pub avatar_key: Option<String>,
    pub avatar_type: Option<String>,
    pub avatar_updated_at: Option<i64>,
}

/// The picture of `username`, if the account exists.
pub async fn avatar(conn: &mut AnyConnection, username: &str) -> Result<Option<AvatarRow>> {
    Ok(sqlx::query_as("SELECT display_name, avatar_key, avatar_type, avatar_updated_at FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(conn)
        .await?)
}

/// Sets (or, with `None`, removes) a person's picture; returns the key of
/// the one it replaced, whose bytes the caller deletes after committing.
pub async fn set_avatar(
    conn: &mut AnyConnection,
    id: &str,
    picture: Option<(&str, &str)>,
    now: i64,
) -> Result<Option<String>> {
    let old: Option<String> = sqlx::query_scalar("SELECT avatar_key FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .flatten();
    sqlx::query("UPDATE users SET avatar_key = $2, avatar_type = $3, avatar_updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(picture.map(|p| p.0))
        .bind(picture.map(|p| p.1))
        .bind(now)
        .execute(conn)
        .await?;
    Ok(old)
}

/// The space holding a person's own blog, if they started one.
pub async fn blog_space(conn: &mut AnyConnection, user_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT blog_space_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?
        .flatten())
}

/// Makes `space_id` a person's blog unless they have one already; returns
/// whether it did.
pub async fn set_blog_space(conn: &mut AnyConnection, user_id: &str, space_id: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET blog_space_id = $2 WHERE id = $1 AND blog_space_id IS NULL")
        .bind(user_id)
        .bind(space_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_admins(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE is_admin = 1 AND suspended_at IS NULL")
        .fetch_one(conn)
        .await?)
}

// ---------------------------------------------------------------- sessions

/// A signed-in session joined with its person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub session_created_at: i64,
    pub session_last_seen_at: i64,
    pub session_expires_at: i64,
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    id_hash: &str,
    user_id: &str,
    now: i64,
    expires_at: i64,
    user_agent: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(user_agent)
    .execute(conn)
    .await?;
    Ok(())
}

/// The session with this id hash and its person, if it has not expired.
pub async fn session_user(conn: &mut AnyConnection, id_hash: &str, now: i64) -> Result<Option<SessionUser>> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.created_at AS session_created_at, s.last_seen_at AS session_last_seen_at,
                s.expires_at AS session_expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = $1 AND s.expires_at > $2"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id_hash).bind(now).fetch_optional(conn).await?)
}

/// Extends a session that is in use.
pub async fn touch_session(conn: &mut AnyConnection, id_hash: &str, now: i64, expires_at: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1")
        .bind(id_hash)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_session(conn: &mut AnyConnection, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(conn).await?;
    Ok(())
}

/// Ends every session of `user_id` except the one with `keep_hash` (if any).
pub async fn delete_sessions_of_user(conn: &mut AnyConnection, user_id: &str, keep_hash: Option<&str>) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id_hash <> $2)")
        .bind(user_id)
        .bind(keep_hash)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete_expired_sessions(conn: &mut AnyConnection, now: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(conn).await?;
    Ok(done.rows_affected())
}

pub async fn count_sessions_of_user(conn: &mut AnyConnection, user_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await?)
}

// ---------------------------------------------------------------- API tokens

/// A personal API token as listed to its owner (the secret is not stored).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct TokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn insert_token(
    conn: &mut AnyConnection,
    id: &str,
    user_id: &str,
    name: &str,
    token_hash: &str,
    prefix: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's tokens that have not been revoked, newest first.
pub async fn list_tokens(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<TokenRow>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Revokes one of `user_id`'s tokens; false when there was no such live token.
pub async fn revoke_token(conn: &mut AnyConnection, user_id: &str, id: &str, now: i64) -> Result<bool> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
            .bind(id)
            .bind(user_id)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A live token with this hash, and its person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenUser {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub token_id: String,
    pub token_last_used_at: Option<i64>,
}

pub async fn token_user(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<TokenUser>> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, t.id AS token_id, t.last_used_at AS token_last_used_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(conn).await?)
}

pub async fn touch_token(conn: &mut AnyConnection, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1").bind(id).bind(now).execute(conn).await?;
    Ok(())
}

// ---------------------------------------------------------------- sign-in throttling

/// What a failed sign-in is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleScope {
    /// Sign-in attempts at one account from one address (`account|address`).
    Pair,
    /// Sign-in attempts from one address, at any account.
    Address,
    /// Accounts made from one address.
    SignUp,
    /// Checks of a person's current password (to change it), by person.
    Password,
}

impl ThrottleScope {
    fn as_str(self) -> &'static str {
        match self {
            ThrottleScope::Pair => "pair",
            ThrottleScope::Address => "ip",
            ThrottleScope::SignUp => "signup",
            ThrottleScope::Password => "password",
        }
    }
}

/// Records a sign-in attempt that has not (yet) succeeded and returns its id.
pub async fn record_sign_in_failure(
    conn: &mut AnyConnection,
    scope: ThrottleScope,
    subject: &str,
    now: i64,
) -> Result<String> {
    let id = crate::new_id();
    sqlx::query("INSERT INTO sign_in_failures (id, scope, subject, at) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(scope.as_str())
        .bind(subject)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(id)
}

/// Forgets one recorded attempt (it turned out to succeed).
pub async fn delete_sign_in_failure(conn: &mut AnyConnection, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE id = $1").bind(id).execute(conn).await?;
    Ok(())
}

/// How many attempts `subject` has made since `since`, and when the last
/// of them was (from which a backoff counts).
pub async fn sign_in_failures_since(
    conn: &mut AnyConnection,
    scope: ThrottleScope,
    subject: &str,
    since: i64,
) -> Result<(i64, Option<i64>)> {
    let row: (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MAX(at) FROM sign_in_failures WHERE scope = $1 AND subject = $2 AND at > $3")
            .bind(scope.as_str())
            .bind(subject)
            .bind(since)
            .fetch_one(conn)
            .await?;
    Ok(row)
}

pub async fn clear_sign_in_failures(conn: &mut AnyConnection, scope: ThrottleScope, subject: &str) -> Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND subject = $2")
        .bind(scope.as_str())
        .bind(subject)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn prune_sign_in_failures(conn: &mut AnyConnection, before: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1").bind(before).execute(conn).await?;
    Ok(done.rows_affected())
}

/// Display names and usernames of the given people, for labelling lists.
pub async fn names_by_ids(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<(String, String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql =
        format!("SELECT id, username, display_name FROM users WHERE id IN ({})", crate::placeholders(1, ids.len()));
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// Which of `usernames` belong to active accounts (for linking @mentions).
pub async fn existing_usernames(conn: &mut AnyConnection, usernames: &[String]) -> Result<Vec<String>> {
    if usernames.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT username FROM users WHERE username IN ({}) AND suspended_at IS NULL",
        crate::placeholders(1, usernames.len())
    );
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
    for name in usernames {
        query = query.bind(name.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// Which of `usernames` an `@mention` by `author_id` reaches: active
/// accounts that have not blocked the author.
pub async fn mentionable(
    conn: &mut AnyConnection,
    usernames: &[String],
    author_id: &str,
) -> Result<Vec<(String, String)>> {
    if usernames.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, username FROM users u WHERE username IN ({}) AND suspended_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = u.id AND b.blocked_id = $1)",
        crate::placeholders(2, usernames.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(author_id);
    for name in usernames {
        query = query.bind(name.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// Replaces a person's tags of one kind (`skill` or `interest`).
pub async fn set_user_tags(conn: &mut AnyConnection, user_id: &str, kind: &str, tags: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM user_tags WHERE user_id = $1 AND kind = $2")
        .bind(user_id)
        .bind(kind)
        .execute(&mut *conn)
        .await?;
    for tag in tags {
        sqlx::query("INSERT INTO user_tags (user_id, kind, tag) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(kind)
            .bind(tag.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `(user id, kind, tag)` for the given people, sorted by tag.
pub async fn tags_of(conn: &mut AnyConnection, user_ids: &[String]) -> Result<Vec<(String, String, String)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id, kind, tag FROM user_tags WHERE user_id IN ({}) ORDER BY tag",
        crate::placeholders(1, user_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in user_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// A person in the directory.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct PersonRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub bio: String,
}

/// People who may sign in, optionally only those with the tag `tag` of
/// `kind`, or whose name contains `text`; by display name.
pub async fn people(
    conn: &mut AnyConnection,
    kind_and_tag: Option<(&str, &str)>,
    text: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PersonRow>> {
    let pattern = text.map(|t| format!("%{}%", t.to_lowercase().replace(['%', '_'], "")));
    let (kind, tag) = kind_and_tag.unzip();
    Ok(sqlx::query_as(
        "SELECT u.id, u.username, u.display_name, u.bio FROM users u
         WHERE u.suspended_at IS NULL
           AND ($1 IS NULL OR EXISTS (SELECT 1 FROM user_tags t WHERE t.user_id = u.id AND t.kind = $1 AND t.tag = $2))
           AND ($3 IS NULL OR LOWER(u.display_name) LIKE $3 OR u.username LIKE $3)
         ORDER BY LOWER(u.display_name), u.username
         LIMIT $4 OFFSET $5",
    )
    .bind(kind)
    .bind(tag)
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}

/// Revokes every live API token of a person (their password changed).
pub async fn revoke_tokens_of_user(conn: &mut AnyConnection, user_id: &str, now: i64) -> Result<u64> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
