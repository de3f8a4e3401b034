//! Stoa's HTTP adapters: server-rendered pages, the JSON API with its
//! OpenAPI document, and the operational endpoints.
//!
//! Handlers are thin: they parse input, call one `stoa_core` function and
//! render its result, as HTML ([`html`]) or JSON ([`api`]). They contain no
//! SQL and no permission rules; `core` refuses what the policy refuses, and
//! the adapters only choose how to say so.
//!
//! Entry points: [`router`] builds the whole application; [`Server`] binds it
//! to an address and serves it until told to stop, finishing requests in
//! flight.

pub mod api;
mod assets;
mod avatars;
mod calendar;
mod coedit;
pub mod ctx;
pub mod error;
mod files;
pub mod html;
pub mod i18n;
mod live;
pub mod mail;
mod syndication;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use stoa_core::Stoa;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Settings of the web adapter.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address people use to reach this instance (`https://stoa.example.org`).
    /// When it is `https`, cookies are marked `Secure`.
    pub public_url: Option<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// How often a `/live` connection is pinged; one that has not answered
    /// by the next ping is closed (see `live.rs`).
    pub live_ping_every: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { public_url: None, trust_proxy_headers: false, live_ping_every: live::PING_EVERY }
    }
}

impl WebConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// What every handler can reach. Axum clones it for every middleware and
/// handler of every request, so it is one shared pointer.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The state behind [`AppState`].
pub struct Shared {
    pub app: Stoa,
    pub config: Arc<WebConfig>,
    instance_name: RwLock<(String, Instant)>,
    /// Rendered posts of thread pages.
    fragments: html::fragments::PostFragments,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(app: Stoa, config: WebConfig) -> Self {
        let stale = Instant::now().checked_sub(Duration::from_secs(3600)).unwrap_or_else(Instant::now);
        Self(Arc::new(Shared {
            app,
            config: Arc::new(config),
            instance_name: RwLock::new((String::new(), stale)),
            fragments: html::fragments::PostFragments::default(),
        }))
    }

    /// The instance's name, cached for a few seconds: it is on every page and
    /// changes about once in an instance's life.
    pub async fn instance_name(&self) -> String {
        if let Ok(cached) = self.instance_name.read()
            && cached.1.elapsed() < Duration::from_secs(10)
        {
            return cached.0.clone();
        }
        let name = stoa_core::admin::instance_name(&self.app)
            .await
            .unwrap_or_else(|_| stoa_core::admin::DEFAULT_INSTANCE_NAME.to_owned());
        if let Ok(mut cached) = self.instance_name.write() {
            *cached = (name.clone(), Instant::now());
        }
        name
    }

    /// Forgets the cached instance name after an admin changed it.
    pub fn forget_instance_name(&self) {
        if let Ok(mut cached) = self.instance_name.write() {
            cached.1 = Instant::now().checked_sub(Duration::from_secs(3600)).unwrap_or_else(Instant::now);
        }
    }
}

/// The live editor's page only: as [`CONTENT_SECURITY_POLICY`], but the
/// editor (CodeMirror) writes its own `<style>` element and colours each
/// collaborator's cursor with a `style` attribute. Scripts stay our own, and
/// the page shows no HTML anyone wrote (the text is in the editor as text,
/// titles and names are escaped), so nobody else can put a style there.
pub const LIVE_EDITOR_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' https: data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

/// The Content-Security-Policy of every response: our own scripts, styles
/// and fonts only; images may come from https (Markdown embeds them).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

/// Builds the whole application.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api::router();

    let csrf = CsrfLayer::new()
        // The API answers cross-site requests only with a bearer token or the
        // X-CSRF-Token header, which a cross-site form cannot send. Unsubscribe
        // links are posted to by mail programs (RFC 8058), from no site at all.
        .with_insecure_bypass(|_, uri| uri.path().starts_with("/api/") || uri.path().starts_with("/unsubscribe/"))
        .with_rejection_response(|_| {
            (StatusCode::FORBIDDEN, "This request came from another site and was refused.").into_response()
        });

    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    };

    Router::new()
        .merge(html::router())
        .nest("/api/v1", api_router.with_state(state.clone()))
        .merge(api::docs::router(&openapi))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(assets::router())
        .merge(files::router())
        .merge(avatars::router())
        .merge(live::router())
        .merge(coedit::router())
        .merge(syndication::router())
        .merge(calendar::router())
        .fallback(html::errors::not_found)
        // Bodies read by extractors (forms, JSON) are capped here; uploads
        // lift the cap on their own routes and enforce the upload limit.
        .layer(DefaultBodyLimit::max(4 * 1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(state.clone(), ctx::context))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<_>| {
                            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                        })
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::custom(|_| {
                    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.").into_response()
                }))
                .layer(csrf)
                .layer(header("content-security-policy", CONTENT_SECURITY_POLICY))
                .layer(header("x-content-type-options", "nosniff"))
                .layer(header("referrer-policy", "same-origin"))
                .layer(header("x-frame-options", "DENY"))
                .layer(header("cross-origin-opener-policy", "same-origin"))
                .layer(header("permissions-policy", "camera=(), microphone=(), geolocation=()")),
        )
        .with_state(state)
}

/// The process is alive.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can reach its database.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// A bound, ready-to-serve application.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port; see [`Server::local_addr`]).
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Self { listener, router: router(state) })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then stops accepting connections and
    /// waits for requests in flight to finish.
    pub async fn run_until<F>(self, shutdown: F) -> std::io::Result<()>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        use axum::serve::ListenerExt as _;
        // Small messages (a chat line, a keystroke) go out at once: without
        // TCP_NODELAY, Nagle's algorithm holds one back until the client
        // acknowledges the last, which a client delays by up to 40 ms.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        });
        axum::serve(listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
    }
}
