//! Who is asking, in what language, and whether their form is genuine.
//!
//! One middleware ([`context`]) runs before every handler. It authenticates
//! the request (a bearer token, else the session cookie), checks the CSRF
//! token of state-changing requests, picks the language, and leaves a
//! [`RequestContext`] in the request for handlers to extract.
//!
//! CSRF defence has two layers. tower-http's `CsrfLayer` refuses cross-site
//! requests by their `Sec-Fetch-Site` and `Origin` headers. Behind it, every
//! state-changing request that relies on the session cookie must carry the
//! token from the `stoa_csrf` cookie, in the `_csrf` form field or the
//! `X-CSRF-Token` header. A request authenticated by bearer token carries no
//! ambient authority and needs neither.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use fluent_templates::LanguageIdentifier;
use rand::TryRngCore;
use stoa_core::{Actor, accounts};

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "stoa_session";
pub const CSRF_COOKIE: &str = "stoa_csrf";
pub const FLASH_COOKIE: &str = "stoa_flash";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Largest form body read for the CSRF check; larger forms are refused.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Everything a handler needs to know about the request besides its input.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub actor: Actor,
    /// The session secret from the cookie, when the session is live.
    pub session: Option<String>,
    /// A session cookie was sent but is no longer valid.
    pub session_expired: bool,
    /// Authenticated by an API token rather than a session.
    pub via_token: bool,
    pub csrf: String,
    pub lang: LanguageIdentifier,
    pub address: String,
    pub user_agent: String,
    /// A one-time notice to show (a catalog message id), from the flash cookie.
    pub flash: Option<String>,
    /// Path and query of this request, for coming back after signing in.
    pub path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, StatusCode> {
        parts.extensions.get::<RequestContext>().cloned().ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // Without randomness the token is merely predictable-free zeros; the
    // Origin check still stands, and the OS RNG failing is not expected.
    let _ = rand::rngs::OsRng.try_fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn client_address(parts: &HeaderMap, connect: Option<&ConnectInfo<SocketAddr>>, trust_proxy: bool) -> String {
    // The last address is the one our own proxy added; the ones before it
    // came from the client and prove nothing.
    if trust_proxy
        && let Some(forwarded) = parts.get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(last) = forwarded.rsplit(',').next().map(str::trim).filter(|a| !a.is_empty())
    {
        return last.to_owned();
    }
    connect.map(|c| c.0.ip().to_string()).unwrap_or_else(|| "unknown".to_owned())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Builds the session cookie for `secret`, or a removal cookie when `None`.
pub fn session_cookie(secret: Option<String>, secure: bool, max_age_secs: i64) -> Cookie<'static> {
    let mut cookie = Cookie::build((SESSION_COOKIE, secret.clone().unwrap_or_default()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build();
    if secret.is_some() {
        cookie.set_max_age(time::Duration::seconds(max_age_secs));
    } else {
        cookie.make_removal();
    }
    cookie
}

/// A one-time notice shown on the next page.
pub fn flash_cookie(message_id: &'static str) -> Cookie<'static> {
    Cookie::build((FLASH_COOKIE, message_id)).path("/").http_only(true).same_site(SameSite::Lax).build()
}

/// The middleware; see the module documentation.
pub async fn context(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let jar = CookieJar::from_headers(&parts.headers);
    let path = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let api = is_api(parts.uri.path());

    // Authenticate: a bearer token wins over a cookie.
    let mut actor = Actor::ANONYMOUS;
    let mut session = None;
    let mut session_expired = false;
    let mut via_token = false;
    if let Some(token) = bearer(&parts.headers) {
        match accounts::authenticate_token(&state.app, token).await {
            Ok(Some(user)) => {
                actor = Actor::signed_in(user);
                via_token = true;
            }
            Ok(None) => return ApiError::unauthorized("the API token is not valid").into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else if let Some(cookie) = jar.get(SESSION_COOKIE).filter(|c| !c.value().is_empty()) {
        match accounts::authenticate_session(&state.app, cookie.value()).await {
            Ok(Some(user)) => {
                actor = Actor::signed_in(user);
                session = Some(cookie.value().to_owned());
            }
            Ok(None) => session_expired = true,
            Err(e) => return crate::error::internal(api, &e.to_string()),
        }
    }

    let existing_csrf = jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()).filter(|v| v.len() >= 32);
    // Signed in, the token is the session's own (so a token known before
    // the sign-in, or from another session, does not work); signed out, it
    // is the cookie's, submitted twice.
    let expected_csrf = match &session {
        Some(secret) => Some(accounts::csrf_for_session(secret)),
        None => existing_csrf.clone(),
    };
    let csrf = expected_csrf.clone().unwrap_or_else(random_token);

    // Check the CSRF token of state-changing requests that ride on the cookie.
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    // An unsubscribe link carries its own signed proof, and mail programs
    // post to it in one click (RFC 8058) with no cookie or token.
    let unsubscribe = parts.uri.path().starts_with("/unsubscribe/");
    let needs_token = unsafe_method && !via_token && !unsubscribe && (!api || session.is_some() || session_expired);
    let body = if needs_token {
        let (ok, body) = match check_csrf(&parts.headers, parts.uri.query(), body, expected_csrf.as_deref()).await {
            Ok(result) => result,
            Err(response) => return response,
        };
        if !ok {
            return csrf_refusal(api, &parts.headers, &actor);
        }
        body
    } else {
        body
    };

    let chosen = actor.user.as_ref().and_then(|u| u.locale.clone());
    let lang =
        crate::i18n::negotiate(chosen.as_deref(), parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let connect = parts.extensions.get::<ConnectInfo<SocketAddr>>();
    let address = client_address(&parts.headers, connect, state.config.trust_proxy_headers);
    let user_agent =
        parts.headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").chars().take(200).collect();
    let flash = jar.get(FLASH_COOKIE).map(|c| c.value().to_owned()).filter(|v| crate::html::is_flash_message(v));

    let had_flash = jar.get(FLASH_COOKIE).is_some();
    parts.extensions.insert(RequestContext {
        actor,
        session,
        session_expired,
        via_token,
        csrf: csrf.clone(),
        lang,
        address,
        user_agent,
        flash,
        path,
    });
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if response.status() == StatusCode::INSUFFICIENT_STORAGE {
        // `/readyz` says so until a write works again.
        state.app.store.note_storage_full();
    }

    let secure = state.config.secure_cookies();
    // A new session (signing in or up) or none (signing out) comes with a
    // new CSRF token: the old one stops working.
    let new_session = response.headers().get_all(axum::http::header::SET_COOKIE).iter().find_map(|v| {
        let value = v.to_str().ok()?.strip_prefix(SESSION_COOKIE)?.strip_prefix('=')?;
        Some(value.split(';').next().unwrap_or_default().to_owned())
    });
    let csrf = match &new_session {
        Some(secret) if !secret.is_empty() => accounts::csrf_for_session(secret),
        Some(_) => random_token(),
        None => csrf,
    };
    let mut set = Vec::new();
    if existing_csrf.as_deref() != Some(csrf.as_str()) && (!api || new_session.is_some()) {
        set.push(
            Cookie::build((CSRF_COOKIE, csrf))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(secure)
                .build(),
        );
    }
    if had_flash
        && !response
            .headers()
            .get_all(axum::http::header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|s| s.starts_with(FLASH_COOKIE)))
    {
        let mut gone = Cookie::build((FLASH_COOKIE, "")).path("/").build();
        gone.make_removal();
        set.push(gone);
    }
    if session_expired {
        set.push(session_cookie(None, state.config.secure_cookies(), 0));
    }
    for cookie in set {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(axum::http::header::SET_COOKIE, value);
        }
    }
    if secure {
        secure_every_cookie(response.headers_mut());
        if state.config.hsts {
            response.headers_mut().insert(
                axum::http::header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            );
        }
    }
    response
}

/// Marks `Secure` every cookie a response sets (over https, a one-time
/// notice is as private as the rest).
fn secure_every_cookie(headers: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = headers.get_all(axum::http::header::SET_COOKIE).iter().cloned().collect();
    if cookies.iter().all(|v| v.to_str().is_ok_and(|s| s.contains("; Secure"))) {
        return;
    }
    headers.remove(axum::http::header::SET_COOKIE);
    for value in cookies {
        let value = match value.to_str() {
            Ok(s) if !s.contains("; Secure") => HeaderValue::from_str(&format!("{s}; Secure")).unwrap_or(value),
            _ => value,
        };
        headers.append(axum::http::header::SET_COOKIE, value);
    }
}

/// Compares the request's CSRF token with the cookie, reading a urlencoded
/// form body if the header does not carry it. Returns the body to pass on.
///
/// A multipart upload streams its body to disk as it arrives, so its form
/// carries the token in the query string (`?_csrf=`) instead of a field.
async fn check_csrf(
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
    cookie: Option<&str>,
) -> Result<(bool, Body), Response> {
    let Some(cookie) = cookie else {
        return Ok((false, body));
    };
    let matches = |candidate: &str| {
        use subtle::ConstantTimeEq;
        candidate.len() == cookie.len() && bool::from(candidate.as_bytes().ct_eq(cookie.as_bytes()))
    };
    if let Some(header) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Ok((matches(header), body));
    }
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        let ok =
            url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).any(|(k, v)| k == CSRF_FIELD && matches(&v));
        return Ok((ok, body));
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Ok((false, body));
    }
    let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return Err((StatusCode::PAYLOAD_TOO_LARGE, "This form is too large.").into_response()),
    };
    let ok = url::form_urlencoded::parse(&bytes).any(|(k, v)| k == CSRF_FIELD && matches(&v));
    Ok((ok, Body::from(bytes)))
}

fn csrf_refusal(api: bool, headers: &HeaderMap, actor: &Actor) -> Response {
    if api {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "this request needs the X-CSRF-Token header (or use an API token)",
        )
        .into_response();
    }
    let lang = crate::i18n::negotiate(
        actor.user.as_ref().and_then(|u| u.locale.as_deref()),
        headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    );
    crate::html::errors::simple_page(&lang, StatusCode::FORBIDDEN, "error-csrf-title", "error-csrf-body")
}
