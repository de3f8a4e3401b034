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
    /// How the server guards its connections.
    pub limits: ServerLimits,
    /// Send `Strict-Transport-Security` when `public_url` is https.
    pub hsts: bool,
    /// The address the server listens on, for absolute links when there is
    /// no `public_url` and a request's `Host` is not this machine.
    pub listen: Option<SocketAddr>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            trust_proxy_headers: false,
            live_ping_every: live::PING_EVERY,
            limits: ServerLimits::default(),
            hsts: true,
            listen: None,
        }
    }
}

/// How the server guards its connections against clients that hold them
/// (slowloris, idle connections by the thousand) and how long it waits for
/// requests in flight when told to stop.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Time a client has to send a request's headers, counted from when
    /// the connection is ready for a request: so also the longest an idle
    /// keep-alive connection stays open.
    pub header_timeout: Duration,
    /// The longest a request's body may pause between two pieces.
    pub body_timeout: Duration,
    /// Connections one client address may hold at once; 0 for no limit.
    /// Not applied behind a trusted proxy, which holds them all.
    pub connections_per_address: usize,
    /// How long requests in flight may take to finish after a shutdown
    /// signal; then the process stops anyway.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(15),
            body_timeout: Duration::from_secs(30),
            connections_per_address: 256,
            shutdown_grace: Duration::from_secs(20),
        }
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

/// The live editors' pages (a wiki page's, an event's live room): as
/// [`CONTENT_SECURITY_POLICY`], and a style element carrying `nonce` (a
/// fresh one per response) may be CodeMirror's, where a browser cannot
/// take its styles as a constructed stylesheet. Collaborators' cursors are
/// coloured by classes, so no style attribute is needed.
pub fn live_editor_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' https: data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// A fresh nonce for a response's CSP.
pub(crate) fn csp_nonce() -> String {
    use rand::TryRngCore as _;
    let mut bytes = [0u8; 18];
    let _ = rand::rngs::OsRng.try_fill_bytes(&mut bytes);
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
}

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
        // A body that stops arriving fails its request instead of holding it.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(state.config.limits.body_timeout))
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

/// The process can reach its database, and write to it: after a write
/// failed for want of space, it is unready until a write works again.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if let Err(e) = state.app.store.ping().await {
        tracing::warn!(error = %e, "database unreachable");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable");
    }
    if !state.app.store.writable().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "storage full: writes fail");
    }
    (StatusCode::OK, "ready")
}

/// A bound, ready-to-serve application.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
    limits: ServerLimits,
    /// Connections per address are counted (not behind a trusted proxy).
    per_address: Option<usize>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port; see [`Server::local_addr`]).
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let limits = state.config.limits.clone();
        let per_address = (limits.connections_per_address > 0 && !state.config.trust_proxy_headers)
            .then_some(limits.connections_per_address);
        Ok(Self { listener, router: router(state), limits, per_address })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then stops accepting connections,
    /// lets requests in flight finish for up to the grace period
    /// ([`ServerLimits::shutdown_grace`]), and returns.
    ///
    /// Our own accept loop on hyper, rather than `axum::serve`, which has
    /// no header-read or keep-alive timeout, no bound per address and no
    /// deadline for a shutdown.
    pub async fn run_until<F>(self, shutdown: F) -> std::io::Result<()>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
        use tower::{Service as _, ServiceExt as _};

        let Self { listener, router, limits, per_address } = self;
        let mut make = router.into_make_service_with_connect_info::<SocketAddr>();
        let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
        builder
            .http2()
            .timer(TokioTimer::new())
            .enable_connect_protocol()
            .keep_alive_interval(Some(live::PING_EVERY))
            .keep_alive_timeout(live::PING_EVERY);
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let counts = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<std::net::IpAddr, usize>::new()));
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let (tcp, remote) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, or a connection reset
                        // before it was accepted: wait a little, go on.
                        tracing::warn!(error = %e, "could not accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let slot = match per_address {
                Some(limit) => match AddressSlot::take(&counts, remote.ip(), limit) {
                    Some(slot) => Some(slot),
                    None => {
                        tracing::debug!(address = %remote.ip(), "too many connections from one address");
                        continue;
                    }
                },
                None => None,
            };
            // Small messages (a chat line, a keystroke) go out at once:
            // without TCP_NODELAY, Nagle's algorithm holds one back until
            // the client acknowledges the last, which it delays by up to 40 ms.
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
            // Making the service is infallible (a clone of the router).
            let Ok(service) = make.call(remote).await;
            let service =
                service.map_request(|request: Request<hyper::body::Incoming>| request.map(axum::body::Body::new));
            let hyper_service = hyper_util::service::TowerToHyperService::new(service);
            let (builder, watcher, wait) = (builder.clone(), graceful.watcher(), limits.header_timeout);
            tokio::spawn(async move {
                // hyper's header timeout starts once it knows which HTTP
                // the client speaks: a connection that says nothing at all
                // is dropped here, after the same time.
                let mut first = [0u8; 1];
                if !matches!(tokio::time::timeout(wait, tcp.peek(&mut first)).await, Ok(Ok(1..))) {
                    return;
                }
                let connection = builder.serve_connection_with_upgrades(TokioIo::new(tcp), hyper_service);
                if let Err(e) = watcher.watch(connection).await {
                    tracing::trace!(error = %e, "a connection ended with an error");
                }
                drop(slot);
            });
        }
        drop(listener);
        if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
            tracing::warn!(
                grace = ?limits.shutdown_grace,
                "requests were still in flight after the grace period; stopping anyway"
            );
        }
        Ok(())
    }
}

/// One connection's place in its address's count; given back when dropped.
struct AddressSlot {
    counts: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
    address: std::net::IpAddr,
}

impl AddressSlot {
    /// A place for a connection from `address`, unless it holds `limit` already.
    fn take(
        counts: &Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
        address: std::net::IpAddr,
        limit: usize,
    ) -> Option<Self> {
        let mut map = counts.lock().unwrap_or_else(|e| e.into_inner());
        let held = map.entry(address).or_insert(0);
        if *held >= limit {
            return None;
        }
        *held += 1;
        Some(Self { counts: counts.clone(), address })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut map = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = map.get_mut(&self.address) {
            *held -= 1;
            if *held == 0 {
                map.remove(&self.address);
            }
        }
    }
}
