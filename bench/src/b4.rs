//! B4: one chat message fanned out to 1,000 and to 10,000 clients in one
//! room, against a bare axum broadcast server measured the same way, and
//! the server's memory per idle connection.
//!
//! Both servers run as processes of their own (their memory is read from
//! `/proc`), Stoa as the real `stoa serve` binary on SQLite. The clients are
//! the same WebSocket clients for both, on a runtime of their own in this
//! process: Stoa's follow the room `chat:bench` on `/live` with a member's
//! session; the reference's connect to `/ws`. Each broadcast is one message
//! posted over HTTP (to Stoa: a chat message through the JSON API, written to
//! the database before anyone is sent it; to the reference: a body it
//! forwards at once), timed from just before the request until each client
//! has read it. Broadcasts go one at a time, the next once every client has
//! the last (or 10 s passed).

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::procs::{self, Person, Server};
use crate::{machine, results_dir, round};

/// People whose sessions the clients share (a person may have many tabs).
const PEOPLE: usize = 20;

/// Where clients connect, and what they send first.
#[derive(Clone)]
struct Target {
    url: String,
    origin: String,
    /// A `cookie` header per person (empty for the reference).
    cookies: Arc<Vec<String>>,
    subscribe: bool,
}

/// A client's report: which broadcast arrived, and when.
type Arrival = (u32, Instant);

/// The broadcast number in a message, written as `b4-{n}` in its body.
fn number_in(text: &str) -> Option<u32> {
    let at = text.find("b4-")? + 3;
    let digits: String = text[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Opens one client and reads until the connection ends, reporting each
/// broadcast's arrival (and, as broadcast `u32::MAX`, that it is following
/// the room, when it also lets `permit` go for the next to connect).
async fn client(
    target: Target,
    i: usize,
    arrivals: mpsc::UnboundedSender<Arrival>,
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
) -> Result<()> {
    let mut request = target.url.as_str().into_client_request()?;
    request.headers_mut().insert("origin", target.origin.parse()?);
    if !target.cookies.is_empty() {
        request.headers_mut().insert("cookie", target.cookies[i % target.cookies.len()].parse()?);
    }
    let mut socket = procs::websocket(request).await?;
    if target.subscribe {
        socket.send(Message::text(json!({"type": "subscribe", "topic": "chat:bench"}).to_string())).await?;
    }
    // Joined once the server says so.
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(t))) if t.contains("\"subscribed\"") => break,
            Some(Ok(_)) => {}
            _ => anyhow::bail!("client {i} lost its connection before subscribing"),
        }
    }
    let _ = arrivals.send((u32::MAX, Instant::now()));
    drop(permit);
    while let Some(message) = socket.next().await {
        if let Ok(Message::Text(t)) = message
            && t.contains("\"chat\"")
            && let Some(n) = number_in(&t)
        {
            let _ = arrivals.send((n, Instant::now()));
        }
    }
    Ok(())
}

/// One measurement: `clients` connected, `broadcasts` sent one at a time.
struct Fanout {
    clients: usize,
    latencies: Vec<Duration>,
    /// Per broadcast: deliveries, and the time until the last one.
    broadcasts: Vec<(usize, Duration)>,
    /// Server memory before connecting and once every client was idle in
    /// the room.
    rss_before: u64,
    rss_idle: u64,
    connect_seconds: f64,
}

impl Fanout {
    fn percentile(&self, p: f64) -> Duration {
        crate::percentile(&self.latencies, p)
    }

    fn bytes_per_idle_connection(&self) -> f64 {
        self.rss_idle.saturating_sub(self.rss_before) as f64 / self.clients as f64
    }

    fn deliveries_per_second(&self) -> f64 {
        let (n, t) = self.broadcasts.iter().fold((0usize, Duration::ZERO), |(n, t), (k, d)| (n + k, t + *d));
        n as f64 / t.as_secs_f64().max(1e-9)
    }

    /// Broadcasts that reached every client within `limit`.
    fn complete_within(&self, limit: Duration) -> f64 {
        let ok = self.broadcasts.iter().filter(|(n, d)| *n == self.clients && *d <= limit).count();
        ok as f64 / self.broadcasts.len().max(1) as f64
    }

    fn share_within(&self, limit: Duration) -> f64 {
        let total = self.clients * self.broadcasts.len();
        self.latencies.iter().filter(|l| **l <= limit).count() as f64 / total.max(1) as f64
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "clients": self.clients,
            "broadcasts": self.broadcasts.len(),
            "deliveries": self.latencies.len(),
            "expected_deliveries": self.clients * self.broadcasts.len(),
            "p50_ms": round(self.percentile(0.5).as_secs_f64() * 1e3),
            "p99_ms": round(self.percentile(0.99).as_secs_f64() * 1e3),
            "max_ms": round(self.percentile(1.0).as_secs_f64() * 1e3),
            "deliveries_per_s": round(self.deliveries_per_second()),
            "broadcasts_complete_within_500ms": round(self.complete_within(Duration::from_millis(500))),
            "deliveries_within_500ms": round(self.share_within(Duration::from_millis(500))),
            "server_rss_before_mib": round(self.rss_before as f64 / 1048576.0),
            "server_rss_idle_mib": round(self.rss_idle as f64 / 1048576.0),
            "bytes_per_idle_connection": self.bytes_per_idle_connection().round(),
            "connect_seconds": round(self.connect_seconds),
        })
    }
}

/// Connects `clients`, waits until they idle, then sends `broadcasts` with
/// `send(n)` and collects every arrival.
async fn fanout<F, Fut>(server: &Server, target: &Target, clients: usize, broadcasts: u32, send: F) -> Result<Fanout>
where
    F: Fn(u32) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let rss_before = server.rss()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let started = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(200));
    let mut tasks = Vec::with_capacity(clients);
    for i in 0..clients {
        let (target, tx, gate) = (target.clone(), tx.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            // At most 200 handshakes at once, as a crowd arriving.
            let permit = gate.acquire_owned().await.ok();
            if let Err(e) = client(target, i, tx, permit).await {
                eprintln!("  client {i}: {e:#}");
            }
        }));
    }
    drop(tx);
    // Everyone is in the room once each has said so.
    let mut joined = 0;
    while joined < clients {
        match tokio::time::timeout(Duration::from_secs(120), rx.recv()).await {
            Ok(Some((u32::MAX, _))) => joined += 1,
            Ok(Some(_)) => {}
            _ => anyhow::bail!("only {joined} of {clients} clients joined"),
        }
    }
    let connect_seconds = started.elapsed().as_secs_f64();
    // Idle: nothing moves for a few seconds (presence settles).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_idle = server.rss()?;
    let mut latencies = Vec::with_capacity(clients * broadcasts as usize);
    let mut per_broadcast = Vec::new();
    for n in 0..broadcasts {
        let t0 = Instant::now();
        send(n).await?;
        let mut got = 0;
        let mut last = t0;
        let deadline = t0 + Duration::from_secs(10);
        while got < clients {
            match tokio::time::timeout_at(deadline.into(), rx.recv()).await {
                Ok(Some((m, at))) if m == n => {
                    got += 1;
                    last = at;
                    latencies.push(at - t0);
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        per_broadcast.push((got, last - t0));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for t in tasks {
        t.abort();
    }
    Ok(Fanout { clients, latencies, broadcasts: per_broadcast, rss_before, rss_idle, connect_seconds })
}

fn print(name: &str, f: &Fanout) {
    println!(
        "  {name:<9} {:>6} clients: p50 {:>7.2} ms p99 {:>7.2} ms max {:>7.2} ms | {:>9.0} deliveries/s | {:>5.1}% of broadcasts complete within 500 ms | {:>6.0} B per idle connection ({}/{} delivered)",
        f.clients,
        f.percentile(0.5).as_secs_f64() * 1e3,
        f.percentile(0.99).as_secs_f64() * 1e3,
        f.percentile(1.0).as_secs_f64() * 1e3,
        f.deliveries_per_second(),
        f.complete_within(Duration::from_millis(500)) * 100.0,
        f.bytes_per_idle_connection(),
        f.latencies.len(),
        f.clients * f.broadcasts.len(),
    );
}

pub fn b4() -> Result<()> {
    println!("B4: one chat message fanned out to 1,000 and 10,000 clients, vs a bare axum broadcast server");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let sizes: [(usize, u32); 2] = [(1_000, 30), (10_000, 10)];
        // The reference: connect, and a POST that broadcasts at once. It
        // listens on another loopback address, so the two runs never share
        // client ports.
        let reference = procs::reference("broadcast", Ipv4Addr::new(127, 0, 0, 2)).await?;
        let target = Target {
            url: format!("ws://{}/ws", reference.addr),
            origin: reference.base(),
            cookies: Arc::new(Vec::new()),
            subscribe: true,
        };
        let http = reqwest::Client::new();
        let mut reference_runs = Vec::new();
        for (clients, broadcasts) in sizes {
            let url = format!("{}/send", reference.base());
            let f = fanout(&reference, &target, clients, broadcasts, |n| {
                let (http, url) = (http.clone(), url.clone());
                async move {
                    http.post(&url).body(n.to_string()).send().await?.error_for_status()?;
                    Ok(())
                }
            })
            .await?;
            print("reference", &f);
            reference_runs.push(f);
        }
        drop(reference);

        let stoa = procs::stoa(Ipv4Addr::LOCALHOST).await?;
        let base = stoa.base();
        let mut people: Vec<Person> = Vec::new();
        for i in 0..PEOPLE {
            people.push(procs::sign_up(&base, &format!("fan{i:02}")).await?);
        }
        people[0]
            .api(
                reqwest::Method::POST,
                "/spaces",
                json!({"kind": "community", "name": "Bench", "slug": "bench", "visibility": "public", "join_policy": "open"}),
            )
            .await?;
        for p in &people[1..] {
            p.api(reqwest::Method::POST, "/spaces/bench/join", json!({})).await?;
        }
        let target = Target {
            url: format!("ws://{}/live", stoa.addr),
            origin: base.clone(),
            cookies: Arc::new(people.iter().map(|p| format!("stoa_session={}", p.session)).collect()),
            subscribe: true,
        };
        let sender = &people[0];
        let mut stoa_runs = Vec::new();
        for (clients, broadcasts) in sizes {
            let f = fanout(&stoa, &target, clients, broadcasts, |n| async move {
                sender.api(reqwest::Method::POST, "/spaces/bench/chat", json!({"body": format!("b4-{n}")})).await?;
                Ok(())
            })
            .await?;
            print("stoa", &f);
            stoa_runs.push(f);
        }

        let mut runs = Vec::new();
        for (s, r) in stoa_runs.iter().zip(&reference_runs) {
            let ratio = s.deliveries_per_second() / r.deliveries_per_second();
            println!(
                "  {:>6} clients: Stoa delivers at {:.1}% of the reference's rate; p99 {:.1} ms against {:.1} ms",
                s.clients,
                ratio * 100.0,
                s.percentile(0.99).as_secs_f64() * 1e3,
                r.percentile(0.99).as_secs_f64() * 1e3
            );
            runs.push(json!({"clients": s.clients, "stoa": s.json(), "reference": r.json(),
                "deliveries_per_s_ratio": round(ratio * 100.0) / 100.0}));
        }
        let result = json!({
            "benchmark": "B4",
            "machine": machine(),
            "runs": runs,
            "target": "1,000 clients: Stoa p99 < 100 ms; 10,000 clients: 95% of broadcasts delivered within 500 ms; < 16 KiB of server memory per idle connection",
        });
        std::fs::write(results_dir().join("b4.json"), serde_json::to_string_pretty(&result)?)?;
        Ok::<_, anyhow::Error>(())
    })
}

/// The reference server: WebSocket clients at `/ws` receive every body
/// posted to `/send`, wrapped as a chat message of Stoa's size, through one
/// `tokio::sync::broadcast` channel (the axum chat example's shape).
pub fn serve_broadcast(addr: &str) -> Result<()> {
    use axum::extract::State;
    use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
    use axum::routing::{get, post};
    use tokio::sync::broadcast;

    let addr: std::net::SocketAddr = addr.parse().context("address")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let (tx, _) = broadcast::channel::<Arc<str>>(1024);
        async fn ws(
            State(tx): State<broadcast::Sender<Arc<str>>>,
            upgrade: WebSocketUpgrade,
        ) -> axum::response::Response {
            upgrade.on_upgrade(move |socket: WebSocket| async move {
                let (mut sink, mut stream) = socket.split();
                let mut rx = tx.subscribe();
                loop {
                    tokio::select! {
                        incoming = stream.next() => match incoming {
                            Some(Ok(WsMessage::Text(_))) => {
                                let ok = json!({"type": "subscribed", "topic": "chat:bench", "seq": 0}).to_string();
                                if sink.send(WsMessage::Text(ok.into())).await.is_err() { break; }
                            }
                            Some(Ok(_)) => {}
                            _ => break,
                        },
                        frame = rx.recv() => match frame {
                            Ok(text) => if sink.send(WsMessage::Text(text.to_string().into())).await.is_err() { break },
                            Err(broadcast::error::RecvError::Lagged(_)) => {}
                            Err(broadcast::error::RecvError::Closed) => break,
                        },
                    }
                }
            })
        }
        async fn send(State(tx): State<broadcast::Sender<Arc<str>>>, body: String) -> &'static str {
            let n: u32 = body.trim().parse().unwrap_or(0);
            let frame = json!({"type": "chat", "topic": "chat:bench", "seq": n, "action": "posted", "message": {
                "id": format!("01JREFERENCE{n:014}"), "author": {"username": "fan00", "display_name": "fan00"},
                "body_html": format!("<p>b4-{n}</p>\n"), "created_at": 0, "edited_at": null, "deleted": false}});
            let _ = tx.send(Arc::from(frame.to_string()));
            "sent"
        }
        let app = axum::Router::new()
            .route("/ws", get(ws))
            .route("/send", post(send))
            .route("/healthz", get(|| async { "ok" }))
            .with_state(tx);
        use axum::serve::ListenerExt as _;
        // As Stoa does: small messages go out at once.
        let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app).await?;
        Ok::<_, anyhow::Error>(())
    })
}
