//! Email: notifications sent at once, digests, and unsubscribe links.
//!
//! Nothing here sends mail in a request. A notification that calls for email
//! queues a job in the transaction that writes it ([`queue_notification`]);
//! digests are queued by [`queue_digests`]; [`deliver_due`] leases due jobs
//! from the database queue (`stoa_store::jobs`) and sends them over SMTP.
//! A job is composed when it is sent, so it only says what the recipient may
//! read at that moment, in their language.
//!
//! Delivery is at least once with a window of one SMTP transaction: a
//! process killed after the server accepted a message and before the job was
//! marked done sends it again when the lease runs out. Every message carries
//! a `Message-ID` made from its job id, the same on every attempt, so a
//! receiving server can recognise the repeat.
//!
//! The words of each message come from a [`Letters`] implementation that the
//! web adapter provides (core renders nothing).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::Sha256;
use stoa_store::notifications::{self as store};
use stoa_store::users::UserRow;
use stoa_store::{Conn, jobs, new_id, settings, users};

use crate::notifications::{self, INVITATION, path_of};
use crate::{Actor, CoreError, CurrentUser, Result, Stoa};

/// How to reach the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Plain SMTP (a relay on the same host or network).
    None,
    /// Plain, then upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Wrapper,
}

/// Mail settings an operator gives.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, as `Name <address>` or `address`.
    pub from: String,
    /// Where links in messages point: this site's address, without a
    /// trailing slash (`https://stoa.example.org`).
    pub public_url: String,
    /// How long one SMTP exchange may take, and how long a worker holds a
    /// job before another may take it over (longer than the timeout).
    pub timeout: Duration,
    pub lease: Duration,
    /// Attempts before a job is given up, and the wait before the first
    /// retry (each further one waits four times longer, up to a day).
    pub max_attempts: i64,
    pub retry_after: Duration,
}

impl MailSettings {
    pub fn new(host: &str, port: u16, from: &str, public_url: &str) -> Self {
        Self {
            host: host.to_owned(),
            port,
            tls: Tls::None,
            username: None,
            password: None,
            from: from.to_owned(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            timeout: Duration::from_secs(30),
            lease: Duration::from_secs(120),
            max_attempts: 8,
            retry_after: Duration::from_secs(30),
        }
    }
}

/// One notification, ready to be put into words.
#[derive(Debug, Clone)]
pub struct Notice {
    pub recipient_name: String,
    pub locale: Option<String>,
    /// One of [`notifications::KINDS`].
    pub kind: String,
    /// `None` when the person wrote anonymously.
    pub actor_name: Option<String>,
    pub title: String,
    /// For an event's change: `moved` or `cancelled`; otherwise empty.
    pub change: String,
    pub space_name: String,
    /// The first words of the post, when it is about one.
    pub excerpt: String,
    /// Absolute links: what it is about, how to stop this kind of email,
    /// and the notification settings.
    pub link: String,
    pub unsubscribe: String,
    pub settings: String,
}

/// A digest, ready to be put into words.
#[derive(Debug, Clone)]
pub struct DigestNotice {
    pub recipient_name: String,
    pub locale: Option<String>,
    /// `daily` or `weekly`.
    pub every: String,
    pub items: Vec<Notice>,
    pub unsubscribe: String,
    pub settings: String,
}

/// A message's words.
#[derive(Debug, Clone)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Someone signed up with the address of an existing account: its owner is
/// told (the sign-up itself answers as for any address, so nobody learns
/// from it which addresses have accounts).
#[derive(Debug, Clone)]
pub struct AccountExists {
    pub recipient_name: String,
    pub locale: Option<String>,
    /// The existing account's username.
    pub username: String,
    pub sign_in: String,
}

/// Puts notifications into words (provided by the web adapter).
pub trait Letters: Send + Sync {
    fn notice(&self, notice: &Notice) -> Letter;
    fn digest(&self, digest: &DigestNotice) -> Letter;
    fn account_exists(&self, notice: &AccountExists) -> Letter;
}

/// What sends mail: the settings, the words and the SMTP client.
pub struct Mailer {
    pub settings: MailSettings,
    letters: Arc<dyn Letters>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(settings: MailSettings, letters: Arc<dyn Letters>) -> Result<Self> {
        let bad = |what: &str, e: &dyn std::fmt::Display| CoreError::Internal(format!("mail settings: {what}: {e}"));
        let builder = match settings.tls {
            Tls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            Tls::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host).map_err(|e| bad("host", &e))?
            }
            Tls::Wrapper => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host).map_err(|e| bad("host", &e))?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
        if let Some(user) = &settings.username {
            builder =
                builder.credentials(Credentials::new(user.clone(), settings.password.clone().unwrap_or_default()));
        }
        let from: Mailbox = settings.from.parse().map_err(|e| bad("from", &e))?;
        Ok(Self { transport: builder.build(), from, letters, settings })
    }
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("host", &self.settings.host).field("port", &self.settings.port).finish()
    }
}

const NOTICE_JOB: &str = "mail.notice";
const DIGEST_JOB: &str = "mail.digest";
const ACCOUNT_EXISTS_JOB: &str = "mail.account_exists";

/// Queues the message that tells the owner of `user_id`'s account that
/// someone signed up with its address (see [`AccountExists`]).
pub(crate) async fn queue_account_exists(app: &Stoa, tx: &mut Conn, user_id: &str) -> Result<()> {
    if app.mail.is_none() {
        return Ok(());
    }
    let payload = serde_json::json!({"user_id": user_id});
    let now = app.now();
    jobs::enqueue(tx, &new_id(), ACCOUNT_EXISTS_JOB, &payload.to_string(), now, now).await?;
    Ok(())
}

/// Queues the email of a notification just written in `tx`, when mail is
/// configured and the recipient has an address.
pub(crate) async fn queue_notification(app: &Stoa, tx: &mut Conn, user: &UserRow, notification_id: &str) -> Result<()> {
    if app.mail.is_none() || user.email.is_none() {
        return Ok(());
    }
    let payload = serde_json::json!({"user_id": user.id, "notification_id": notification_id});
    let now = app.now();
    jobs::enqueue(tx, &new_id(), NOTICE_JOB, &payload.to_string(), now, now).await?;
    Ok(())
}

/// Queues the digests that are due: daily ones a day after the last, weekly
/// ones a week after. The notifications a digest takes are marked at once,
/// so the next digest does not repeat them. Returns how many were queued.
pub async fn queue_digests(app: &Stoa) -> Result<usize> {
    if app.mail.is_none() {
        return Ok(0);
    }
    let now = app.now();
    let mut queued = 0;
    for (every, period) in [("daily", 24 * 3600 * 1000), ("weekly", 7 * 24 * 3600 * 1000)] {
        let due = {
            let mut conn = app.store.read().await?;
            store::digest_due(&mut conn, every, now - period, 500).await?
        };
        for user_id in due {
            let mut tx = app.store.begin().await?;
            let rows = store::for_digest(&mut tx, &user_id, 200).await?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            store::mark_digested(&mut tx, &user_id, &ids, now).await?;
            if !ids.is_empty() {
                let payload = serde_json::json!({"user_id": user_id, "notification_ids": ids, "every": every});
                jobs::enqueue(&mut tx, &new_id(), DIGEST_JOB, &payload.to_string(), now, now).await?;
                queued += 1;
            }
            stoa_store::commit(tx).await?;
        }
    }
    Ok(queued)
}

/// Sends due mail jobs until none is left; returns how many were sent.
pub async fn deliver_due(app: &Stoa) -> Result<usize> {
    let Some(mailer) = app.mail.clone() else {
        return Ok(0);
    };
    let lease_ms = i64::try_from(mailer.settings.lease.as_millis()).unwrap_or(i64::MAX);
    let mut sent = 0;
    loop {
        let token = new_id();
        let job = {
            let mut tx = app.store.begin().await?;
            let job = jobs::claim(&mut tx, app.now(), lease_ms, &token).await?;
            stoa_store::commit(tx).await?;
            match job {
                Some(job) => job,
                None => return Ok(sent),
            }
        };
        let outcome = match compose(app, &mailer, &job).await {
            Ok(Some(message)) => {
                mailer.transport.send(message).await.map(|_| true).map_err(|e| (e.is_permanent(), e.to_string()))
            }
            // Nothing left the recipient may read, or no address: done.
            Ok(None) => Ok(false),
            Err(e) => Err((true, e.to_string())),
        };
        let mut tx = app.store.begin().await?;
        let now = app.now();
        match outcome {
            Ok(delivered) => {
                jobs::complete(&mut tx, &job.id, &token, now).await?;
                sent += usize::from(delivered);
            }
            Err((permanent, error)) if permanent || job.attempts >= mailer.settings.max_attempts => {
                tracing::warn!(job = %job.id, %error, "giving up on an email");
                jobs::fail(&mut tx, &job.id, &token, now, &error).await?;
            }
            Err((_, error)) => {
                // 30 s, 2 min, 8 min, ... up to a day (by default).
                let first = i64::try_from(mailer.settings.retry_after.as_millis()).unwrap_or(30_000);
                let backoff = first.saturating_mul(1 << (2 * (job.attempts - 1).clamp(0, 8))).min(24 * 3600 * 1000);
                tracing::info!(job = %job.id, %error, "an email will be tried again");
                jobs::retry(&mut tx, &job.id, &token, now + backoff, &error).await?;
            }
        }
        stoa_store::commit(tx).await?;
    }
}

/// Builds the message a job sends, as things are now; `None` when there is
/// nothing the recipient may still read, or nowhere to send it.
async fn compose(app: &Stoa, mailer: &Mailer, job: &jobs::JobRow) -> Result<Option<Message>> {
    let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    let field = |k: &str| payload.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let mut conn = app.store.read().await?;
    let Some(user) = users::by_id(&mut conn, &field("user_id")).await?.filter(|u| !u.is_suspended()) else {
        return Ok(None);
    };
    let Some(address) = user.email.clone() else {
        return Ok(None);
    };
    let reader = Actor::signed_in(CurrentUser::from_row(&user));
    let base = &mailer.settings.public_url;
    let settings_link = format!("{base}/settings/notifications");
    // The letter, and the unsubscribe link its headers carry.
    let (letter, unsubscribe) = match job.kind.as_str() {
        NOTICE_JOB => {
            let Some(row) = store::by_id(&mut conn, &user.id, &field("notification_id")).await? else {
                return Ok(None);
            };
            let Some(notice) = notice(app, &mut conn, &reader, &user, &row, base).await? else {
                return Ok(None);
            };
            (mailer.letters.notice(&notice), notice.unsubscribe)
        }
        DIGEST_JOB => {
            let ids: Vec<String> = payload
                .get("notification_ids")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            let mut items = Vec::new();
            for id in ids {
                if let Some(row) = store::by_id(&mut conn, &user.id, &id).await?
                    && let Some(n) = notice(app, &mut conn, &reader, &user, &row, base).await?
                {
                    items.push(n);
                }
            }
            if items.is_empty() {
                return Ok(None);
            }
            let digest = DigestNotice {
                recipient_name: user.display_name.clone(),
                locale: user.locale.clone(),
                every: field("every"),
                items,
                unsubscribe: format!("{base}/unsubscribe/{}", unsubscribe_token(app, &user.id, DIGEST).await?),
                settings: settings_link,
            };
            (mailer.letters.digest(&digest), digest.unsubscribe)
        }
        ACCOUNT_EXISTS_JOB => {
            let notice = AccountExists {
                recipient_name: user.display_name.clone(),
                locale: user.locale.clone(),
                username: user.username.clone(),
                sign_in: format!("{base}/signin"),
            };
            // Not a notification: nothing to unsubscribe from but the settings.
            (mailer.letters.account_exists(&notice), settings_link.clone())
        }
        _ => return Err(CoreError::Internal(format!("unknown job kind {}", job.kind))),
    };
    let to = address
        .parse::<lettre::Address>()
        .map(|a| Mailbox::new(Some(user.display_name.clone()), a))
        .map_err(|e| CoreError::Internal(format!("bad address: {e}")))?;
    let domain = mailer.from.email.domain().to_owned();
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(letter.subject)
        .message_id(Some(format!("<{}@{domain}>", job.id)))
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{unsubscribe}>")))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ))
        .multipart(MultiPart::alternative_plain_html(letter.text, letter.html))
        .map_err(|e| CoreError::Internal(format!("could not build a message: {e}")))?;
    Ok(Some(message))
}

/// A notification as its email describes it, if its reader may still see
/// what it is about.
async fn notice(
    app: &Stoa,
    conn: &mut Conn,
    reader: &Actor,
    user: &UserRow,
    row: &store::NotificationRow,
    base: &str,
) -> Result<Option<Notice>> {
    let path = match path_of(conn, reader, row).await {
        Ok(p) => p,
        Err(CoreError::NotFound | CoreError::Forbidden | CoreError::SignInRequired) => return Ok(None),
        Err(e) => return Err(e),
    };
    if row.kind != INVITATION && row.kind != notifications::MESSAGE && row.space_id.is_none() {
        return Ok(None);
    }
    let data: serde_json::Value = serde_json::from_str(&row.data).unwrap_or_default();
    let actor_name = match &row.actor_id {
        Some(id) => users::by_id(conn, id).await?.map(|u| u.display_name),
        None => None,
    };
    let space_name = match &row.space_id {
        Some(id) => stoa_store::spaces::view_by_id(conn, id, None).await?.map(|v| v.space.name).unwrap_or_default(),
        None => String::new(),
    };
    let warning = data.get("message").and_then(|v| v.as_str()).filter(|_| row.kind == notifications::WARNING);
    let excerpt = match (&row.post_id, warning) {
        // A warning's email carries the moderator's words, not the post's.
        (_, Some(message)) => message.to_owned(),
        (Some(id), None) => stoa_store::threads::post(conn, id)
            .await?
            .filter(|p| p.deleted_at.is_none() && p.hidden_at.is_none())
            .map(|p| stoa_domain::markdown::plain_text(&p.body, 400))
            .unwrap_or_default(),
        (None, None) => String::new(),
    };
    Ok(Some(Notice {
        recipient_name: user.display_name.clone(),
        locale: user.locale.clone(),
        kind: row.kind.clone(),
        actor_name,
        title: data.get("title").and_then(|v| v.as_str()).unwrap_or_default().to_owned(),
        change: data.get("change").and_then(|v| v.as_str()).unwrap_or_default().to_owned(),
        space_name,
        excerpt,
        link: format!("{base}/n/{}?to={}", row.id, percent(&path)),
        unsubscribe: format!("{base}/unsubscribe/{}", unsubscribe_token(app, &user.id, &row.kind).await?),
        settings: format!("{base}/settings/notifications"),
    }))
}

fn percent(path: &str) -> String {
    url::form_urlencoded::byte_serialize(path.as_bytes()).collect()
}

/// The digest, for unsubscribe links.
pub const DIGEST: &str = "digest";

/// The key that signs unsubscribe links: made once per instance, read once
/// per process.
async fn signing_key(app: &Stoa) -> Result<&[u8]> {
    let key = app
        .signing_key
        .get_or_try_init(|| async {
            let mut tx = app.store.begin().await?;
            let fresh = crate::secrets::generate("")?;
            let key = settings::get_or_insert(&mut tx, settings::key::SIGNING_KEY, &fresh).await?;
            stoa_store::commit(tx).await?;
            Ok::<_, CoreError>(key.into_bytes())
        })
        .await?;
    Ok(key)
}

/// A MAC under the instance's signing key for `purpose` (kept apart from
/// every other purpose), ready for the message.
pub(crate) async fn keyed(app: &Stoa, purpose: &str) -> Result<Hmac<Sha256>> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(signing_key(app).await?).map_err(|e| CoreError::Internal(e.to_string()))?;
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    Ok(mac)
}

fn mac(key: &[u8], message: &str) -> Result<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|e| CoreError::Internal(e.to_string()))?;
    mac.update(b"unsubscribe\0");
    mac.update(message.as_bytes());
    Ok(mac)
}

/// A link token that stops email of one kind (or the digest) for one
/// person, signed so nobody can make one for someone else.
pub async fn unsubscribe_token(app: &Stoa, user_id: &str, kind: &str) -> Result<String> {
    let message = format!("{user_id}:{kind}");
    let tag = mac(signing_key(app).await?, &message)?.finalize().into_bytes();
    Ok(format!("{}.{}", URL_SAFE_NO_PAD.encode(message), URL_SAFE_NO_PAD.encode(tag)))
}

/// What an unsubscribe link stops, for its confirmation page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unsubscribe {
    pub display_name: String,
    /// A notification kind, or `digest`.
    pub kind: String,
}

async fn verify(app: &Stoa, token: &str) -> Result<(UserRow, String)> {
    let (message, tag) = token.split_once('.').ok_or(CoreError::NotFound)?;
    let message = URL_SAFE_NO_PAD.decode(message).map_err(|_| CoreError::NotFound)?;
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| CoreError::NotFound)?;
    let message = String::from_utf8(message).map_err(|_| CoreError::NotFound)?;
    mac(signing_key(app).await?, &message)?.verify_slice(&tag).map_err(|_| CoreError::NotFound)?;
    let (user_id, kind) = message.split_once(':').ok_or(CoreError::NotFound)?;
    if kind != DIGEST && !notifications::KINDS.contains(&kind) {
        return Err(CoreError::NotFound);
    }
    let mut conn = app.store.read().await?;
    let user = users::by_id(&mut conn, user_id).await?.ok_or(CoreError::NotFound)?;
    Ok((user, kind.to_owned()))
}

/// Reads an unsubscribe link without acting on it.
pub async fn peek_unsubscribe(app: &Stoa, token: &str) -> Result<Unsubscribe> {
    let (user, kind) = verify(app, token).await?;
    Ok(Unsubscribe { display_name: user.display_name, kind })
}

/// Acts on an unsubscribe link (no sign-in needed: the link is the proof):
/// the kind is kept in the app but no longer emailed, or the digest stops.
pub async fn unsubscribe(app: &Stoa, token: &str) -> Result<Unsubscribe> {
    let (user, kind) = verify(app, token).await?;
    let mut tx = app.store.begin().await?;
    if kind == DIGEST {
        store::set_digest_every(&mut tx, &user.id, "never").await?;
    } else {
        store::set_pref(&mut tx, &user.id, &kind, "app").await?;
    }
    stoa_store::commit(tx).await?;
    Ok(Unsubscribe { display_name: user.display_name, kind })
}
