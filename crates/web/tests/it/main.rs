//! HTTP black-box tests: the real router on 127.0.0.1:0 with a database of
//! its own (PostgreSQL when `STOA_TEST_POSTGRES_URL` is set, else SQLite),
//! driven by cookie-keeping clients, one helper per page or endpoint.

mod access;
mod api;
mod browser;
mod chat;
mod coedit;
mod coedit_guard;
mod connections;
mod events;
mod facilitation;
mod feeds;
mod hardening;
mod knowledge;
mod learning;
mod live;
mod moderation;
mod network;
mod nodes;
mod pages;
mod robustness;
mod security;
mod social;

use std::net::SocketAddr;

use reqwest::{Client, Response, StatusCode};
use stoa_core::{CoreConfig, Stoa};
use stoa_store::testing::TestDb;
use stoa_web::{AppState, Server, WebConfig};

pub const PASSWORD: &str = "a long enough password";

/// A running Stoa.
pub struct TestApp {
    pub addr: SocketAddr,
    pub app: Stoa,
    pub db: TestDb,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(CoreConfig::default()).await
}

pub async fn spawn_app_with(config: CoreConfig) -> TestApp {
    spawn(config, WebConfig::default()).await
}

pub async fn spawn(config: CoreConfig, web: WebConfig) -> TestApp {
    let db = TestDb::from_env().await;
    let app = Stoa::new(db.store.clone(), config);
    let state = AppState::new(app.clone(), web);
    let server = Server::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state).await.expect("bind");
    let addr = server.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let _ = server.run_until(std::future::pending()).await;
    });
    TestApp { addr, app, db, server }
}

/// A second `stoa serve` process on the same database, as behind a load
/// balancer: its own pools, hub, rooms and signal listener.
pub struct Node {
    pub addr: SocketAddr,
    pub app: Stoa,
    server: tokio::task::JoinHandle<()>,
    listening: tokio::task::JoinHandle<()>,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.server.abort();
        self.listening.abort();
    }
}

impl TestApp {
    /// Starts another node on this app's database.
    pub async fn second_node(&self) -> Node {
        let store =
            stoa_store::Store::connect(&stoa_store::StoreOptions::new(self.db.url.clone())).await.expect("connect");
        let app = Stoa::new(store, CoreConfig::default());
        let state = AppState::new(app.clone(), WebConfig::default());
        let server = Server::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state).await.expect("bind");
        let addr = server.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let _ = server.run_until(std::future::pending()).await;
        });
        let listener = app.clone();
        let listening = tokio::spawn(async move { stoa_core::live::listen(&listener).await });
        Node { addr, app, server, listening }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client with its own cookies, signed out.
    pub fn visitor(&self) -> Visitor {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Visitor { client, jar, base: self.url(""), token: None }
    }

    /// Signs up `username` through the sign-up form and returns their client.
    pub async fn person(&self, username: &str) -> Visitor {
        let v = self.visitor();
        let response = v
            .post_form(
                "/signup",
                &[
                    ("username", username),
                    ("display_name", &capitalised(username)),
                    ("email", &format!("{username}@example.org")),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-up of {username} failed");
        v
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// One person's browser (or API client).
pub struct Visitor {
    pub client: Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    base: String,
    /// A bearer token; when set, API helpers send it.
    pub token: Option<String>,
}

impl Visitor {
    /// The same person (same cookies) talking to another node.
    pub fn at(&self, addr: SocketAddr) -> Visitor {
        Visitor {
            client: self.client.clone(),
            jar: self.jar.clone(),
            base: format!("http://{addr}"),
            token: self.token.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The CSRF token from this browser's cookie, fetching a page first if needed.
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.cookie("stoa_csrf") {
            return token;
        }
        self.get("/").await;
        self.cookie("stoa_csrf").expect("a CSRF cookie after visiting a page")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().expect("url");
        let header = self.jar.cookies(&url)?;
        header.to_str().ok()?.split("; ").find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.text().await.expect("body"))
    }

    /// Posts a form with this browser's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.client.post(self.url(path)).form(&all).send().await.expect("POST")
    }

    fn api(&self, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => builder.bearer_auth(t),
            None => builder,
        }
    }

    pub async fn api_get(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let r = self.api(self.client.get(self.url(&format!("/api/v1{path}")))).send().await.expect("API GET");
        json(r).await
    }

    pub async fn api_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut b = self.api(self.client.request(method, self.url(&format!("/api/v1{path}"))));
        if self.token.is_none()
            && let Some(csrf) = self.cookie("stoa_csrf")
        {
            b = b.header("x-csrf-token", csrf);
        }
        if let Some(body) = body {
            b = b.json(&body);
        }
        json(b.send().await.expect("API request")).await
    }

    pub async fn api_post(&self, path: &str, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
        self.api_send(reqwest::Method::POST, path, Some(body)).await
    }

    /// Creates an API token for this (signed-in) person and uses it from now on.
    pub async fn with_token(mut self) -> Self {
        let (status, body) = self.api_post("/me/tokens", serde_json::json!({"name": "tests"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.token = Some(body["secret"].as_str().expect("secret").to_owned());
        self
    }
}

pub async fn json(r: Response) -> (StatusCode, serde_json::Value) {
    let status = r.status();
    let text = r.text().await.expect("body");
    let value = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
    };
    (status, value)
}

/// Creates a space through the API as `owner` and returns its slug.
pub async fn space(owner: &Visitor, slug: &str, visibility: &str, join_policy: &str) -> String {
    let (status, body) = owner
        .api_post("/spaces", serde_json::json!({"kind": "community", "name": format!("Space {slug}"), "slug": slug, "visibility": visibility, "join_policy": join_policy}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["slug"].as_str().expect("slug").to_owned()
}

/// Starts a thread through the API and returns its id.
pub async fn thread(author: &Visitor, slug: &str, title: &str, body: &str) -> String {
    let (status, json) =
        author.api_post(&format!("/spaces/{slug}/threads"), serde_json::json!({"title": title, "body": body})).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json["thread_id"].as_str().expect("thread id").to_owned()
}

/// Who is asking, in the access matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    Outsider,
    Member,
    Facilitator,
    Owner,
}

pub async fn username(v: &Visitor) -> String {
    let (_, me) = v.api_get("/me").await;
    me["username"].as_str().expect("username").to_owned()
}

/// Makes `v` a member (or a facilitator) of `slug`: `owner` invites, `v` accepts.
pub async fn enrol(owner: &Visitor, v: &Visitor, slug: &str, facilitator: bool) {
    let name = username(v).await;
    let (status, body) =
        owner.api_post(&format!("/spaces/{slug}/invites"), serde_json::json!({"username": name})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, invites) = v.api_get("/me/invites").await;
    for invite in invites.as_array().into_iter().flatten() {
        let id = invite["id"].as_str().expect("id");
        let (status, body) = v.api_post(&format!("/me/invites/{id}/accept"), serde_json::json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    if facilitator {
        let (status, _) = owner
            .api_send(
                reqwest::Method::PATCH,
                &format!("/spaces/{slug}/members/{name}"),
                Some(serde_json::json!({"role": "facilitator"})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
}

/// One line of a matrix test's failure report.
pub fn mismatch(visibility: &str, who: Who, want: &[u16], got: &[u16]) -> String {
    format!("{visibility} {who:?}: expected {want:?}\n{:>w$}got      {got:?}", "", w = visibility.len() + 13)
}
