//! Servers run as processes of their own, so that their memory can be read
//! from `/proc` apart from the load generator's: the `stoa` binary (built
//! beside this one), this binary's own reference servers, and Node.
//!
//! Also the few HTTP steps that put people into a running Stoa: signing up
//! through the form, and API calls with the session's CSRF token.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A server process, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// A line of `/proc/{pid}/status`, in KiB (`VmRSS`, `VmHWM`).
    fn status_kib(&self, key: &str) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let line = status.lines().find(|l| l.starts_with(key)).with_context(|| format!("no {key}"))?;
        Ok(line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0))
    }

    /// Resident memory now, in bytes.
    pub fn rss(&self) -> Result<u64> {
        Ok(self.status_kib("VmRSS:")? * 1024)
    }

    /// The most resident memory so far, in bytes.
    pub fn peak_rss(&self) -> Result<u64> {
        Ok(self.status_kib("VmHWM:")? * 1024)
    }

    /// Processor time used so far (user and system, all threads).
    pub fn cpu(&self) -> Result<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        // utime and stime are the 14th and 15th fields, the 12th and 13th after the name.
        Ok(Duration::from_secs_f64((ticks(11) + ticks(12)) as f64 / clock_ticks()))
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Clock ticks per second, the unit of `/proc/{pid}/stat`'s times.
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Opens a WebSocket with TCP_NODELAY, as browsers do, and small buffers
/// (thousands of clients live in this one process).
pub async fn websocket(
    request: tokio_tungstenite::tungstenite::handshake::client::Request,
) -> Result<tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>> {
    use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
    let host = request.uri().host().context("host")?.to_owned();
    let port = request.uri().port_u16().context("port")?;
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
    tcp.set_nodelay(true)?;
    let config = WebSocketConfig::default().read_buffer_size(8192).write_buffer_size(8192);
    let (socket, _) = tokio_tungstenite::client_async_with_config(request, tcp, Some(config)).await?;
    Ok(socket)
}

/// A port free on `ip` just now.
fn free_port(ip: Ipv4Addr) -> Result<SocketAddr> {
    let listener = std::net::TcpListener::bind((ip, 0))?;
    Ok(listener.local_addr()?)
}

/// Waits until `url` answers 200.
async fn ready(url: &str) -> Result<()> {
    let client = reqwest::Client::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(r) = client.get(url).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{url} did not answer within a minute")
}

/// A binary built beside this one (`cargo build --release -p stoa-cli`).
fn sibling(name: &str) -> Result<PathBuf> {
    let here = std::env::current_exe()?;
    let path = here.parent().context("no directory")?.join(name);
    anyhow::ensure!(
        path.exists(),
        "{} is missing: build it with `cargo build --release -p stoa-cli` (the benchmark runs the real binary)",
        path.display()
    );
    Ok(path)
}

/// `stoa serve` on SQLite in a fresh data directory, on `ip`.
pub async fn stoa(ip: Ipv4Addr) -> Result<Server> {
    let dir = tempfile::tempdir()?;
    let addr = free_port(ip)?;
    let child = Command::new(sibling("stoa")?)
        .args(["serve", "--listen", &addr.to_string(), "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "warn")
        // Thousands of clients come from this one address.
        .env("STOA_SERVER__CONNECTIONS_PER_ADDRESS", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("start stoa")?;
    let server = Server { child, addr, _dir: Some(dir) };
    if std::env::var("STOA_BENCH_PROFILE").is_ok() {
        eprintln!("  stoa serve is process {}", server.child.id());
    }
    ready(&format!("{}/readyz", server.base())).await?;
    Ok(server)
}

/// `stoa serve` on SQLite in `dir` (which the caller keeps, so the server can
/// be started again on the same data), its errors written to `log`.
pub async fn stoa_in(dir: &std::path::Path, ip: Ipv4Addr, log: &std::path::Path) -> Result<Server> {
    stoa_on(dir, ip, log, None).await
}

/// [`stoa_in`], on the database at `database_url` when one is given.
pub async fn stoa_on(
    dir: &std::path::Path,
    ip: Ipv4Addr,
    log: &std::path::Path,
    database_url: Option<&str>,
) -> Result<Server> {
    let addr = free_port(ip)?;
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
    let mut command = Command::new(sibling("stoa")?);
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    let child = command
        .args(["serve", "--listen", &addr.to_string(), "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .env("STOA_SERVER__CONNECTIONS_PER_ADDRESS", "0")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("start stoa")?;
    let server = Server { child, addr, _dir: None };
    ready(&format!("{}/readyz", server.base())).await?;
    Ok(server)
}

/// This benchmark binary again, as one of its reference servers
/// (`stoa-bench serve-{which} ADDR`).
pub async fn reference(which: &str, ip: Ipv4Addr) -> Result<Server> {
    let addr = free_port(ip)?;
    let child = Command::new(std::env::current_exe()?)
        .args([format!("serve-{which}"), addr.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("start the reference server")?;
    let server = Server { child, addr, _dir: None };
    ready(&format!("{}/healthz", server.base())).await?;
    Ok(server)
}

/// The npm `@y/websocket-server` (installed by `npm ci --prefix bench/node`),
/// with its documents in memory, or persisted to LevelDB when `persist`.
pub async fn node_yjs(ip: Ipv4Addr, persist: bool) -> Result<Server> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node");
    let script = root.join("node_modules/@y/websocket-server/src/server.js");
    anyhow::ensure!(script.exists(), "the reference Node server is missing: run `npm ci --prefix bench/node`");
    let addr = free_port(ip)?;
    let dir = tempfile::tempdir()?;
    let mut command = Command::new("node");
    command.arg(&script).env("HOST", addr.ip().to_string()).env("PORT", addr.port().to_string());
    if persist {
        command.env("YPERSISTENCE", dir.path());
    }
    let child = command.stdout(Stdio::null()).stderr(Stdio::inherit()).spawn().context("start node")?;
    let server = Server { child, addr, _dir: Some(dir) };
    ready(&server.base()).await?;
    Ok(server)
}

/// A signed-in person on a running Stoa: their HTTP client (cookies kept),
/// session and CSRF token.
pub struct Person {
    pub http: reqwest::Client,
    pub session: String,
    pub csrf: String,
    base: String,
}

fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        v.strip_prefix(&format!("{name}="))?.split(';').next().map(str::to_owned)
    })
}

/// Signs `username` up through the form, as a browser would.
pub async fn sign_up(base: &str, username: &str) -> Result<Person> {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let page = http.get(format!("{base}/signup")).send().await?;
    let csrf = cookie_of(&page, "stoa_csrf").context("a CSRF cookie")?;
    let r = http
        .post(format!("{base}/signup"))
        .header("cookie", format!("stoa_csrf={csrf}"))
        .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", "benchmark password")])
        .send()
        .await?;
    anyhow::ensure!(r.status() == 303, "sign-up of {username}: {}", r.status());
    let session = cookie_of(&r, "stoa_session").context("a session")?;
    // Signed in, the session has a CSRF token of its own.
    let csrf = cookie_of(&r, "stoa_csrf").context("the session's CSRF token")?;
    Ok(Person { http, session, csrf, base: base.to_owned() })
}

impl Person {
    /// The cookies this person's browser sends.
    pub fn cookies(&self) -> String {
        format!("stoa_session={}; stoa_csrf={}", self.session, self.csrf)
    }

    /// A JSON API call; fails unless it succeeds.
    pub async fn api(&self, method: reqwest::Method, path: &str, body: serde_json::Value) -> Result<serde_json::Value> {
        let r = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .header("cookie", self.cookies())
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await?;
        anyhow::ensure!(status.is_success(), "{path}: {status} {text}");
        Ok(if text.is_empty() { serde_json::Value::Null } else { serde_json::from_str(&text)? })
    }
}
