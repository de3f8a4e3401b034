//! The server guards its connections (issue #7, finding 4): idle
//! connections by the thousand and slowloris clients are closed by the
//! header timeout, one address holds a bounded number of connections, and
//! a body that stops arriving fails its request.

use std::time::{Duration, Instant};

use stoa_core::CoreConfig;
use stoa_web::{ServerLimits, WebConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn limits(header: u64, per_address: usize) -> WebConfig {
    WebConfig {
        limits: ServerLimits {
            header_timeout: Duration::from_secs(header),
            body_timeout: Duration::from_secs(2),
            connections_per_address: per_address,
            ..ServerLimits::default()
        },
        ..WebConfig::default()
    }
}

/// Whether the server closes `tcp` within `wait` (reads end, or fail).
async fn closed_within(tcp: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline.into(), tcp.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn two_thousand_idle_connections_are_closed_by_the_header_timeout() {
    let app = crate::spawn(CoreConfig::default(), limits(1, 0)).await;
    let mut idle = Vec::new();
    for _ in 0..2000 {
        idle.push(TcpStream::connect(app.addr).await.expect("connect"));
    }
    // One that made a request and then kept the connection open.
    let mut kept = TcpStream::connect(app.addr).await.expect("connect");
    kept.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.expect("write");
    let mut buf = [0u8; 1024];
    let n = kept.read(&mut buf).await.expect("answer");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    for tcp in &mut idle {
        assert!(closed_within(tcp, Duration::from_secs(5)).await, "an idle connection stayed open");
    }
    assert!(closed_within(&mut kept, Duration::from_secs(5)).await, "an idle keep-alive connection stayed open");
    assert!(started.elapsed() < Duration::from_secs(5));
    // The server still answers.
    assert_eq!(app.visitor().get("/healthz").await.status(), reqwest::StatusCode::OK);
}

#[tokio::test]
async fn a_slowloris_client_is_closed_before_its_headers_end() {
    let app = crate::spawn(CoreConfig::default(), limits(1, 0)).await;
    let mut tcp = TcpStream::connect(app.addr).await.expect("connect");
    let started = Instant::now();
    let request = b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let mut closed = false;
    for byte in request {
        if tcp.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(closed || closed_within(&mut tcp, Duration::from_secs(1)).await, "the slow headers were waited for");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[tokio::test]
async fn one_address_holds_a_bounded_number_of_connections() {
    let app = crate::spawn(CoreConfig::default(), limits(30, 5)).await;
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(TcpStream::connect(app.addr).await.expect("connect"));
    }
    // Accepted in order: the sixth is closed at once.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut sixth = TcpStream::connect(app.addr).await.expect("connect");
    assert!(closed_within(&mut sixth, Duration::from_secs(2)).await, "a sixth connection was kept");
    for tcp in &mut held {
        assert!(!closed_within(tcp, Duration::from_millis(50)).await, "a connection within the bound was closed");
    }
    // Once one goes, another may come.
    held.pop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut again = TcpStream::connect(app.addr).await.expect("connect");
    again.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.expect("write");
    let mut answer = String::new();
    again.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_body_that_stops_arriving_fails_its_request() {
    let app = crate::spawn(CoreConfig::default(), limits(30, 0)).await;
    let ana = app.person("ana").await;
    let session = ana.cookie("stoa_session").expect("session");
    let csrf = ana.cookie("stoa_csrf").expect("csrf");
    let mut tcp = TcpStream::connect(app.addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/spaces HTTP/1.1\r\nhost: {}\r\ncookie: stoa_session={session}; stoa_csrf={csrf}\r\nx-csrf-token: {csrf}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{{\"name\":",
        app.addr
    );
    tcp.write_all(head.as_bytes()).await.expect("write");
    let started = Instant::now();
    let mut answer = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_string(&mut answer)).await;
    assert!(started.elapsed() < Duration::from_secs(8), "waited {:?} for the body", started.elapsed());
    assert!(!answer.starts_with("HTTP/1.1 2"), "{answer}");
}
