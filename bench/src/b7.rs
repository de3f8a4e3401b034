//! B7: cold start, and search from the first second.
//!
//! The real `stoa` binary (built beside this one) is started as a process,
//! and the time from `spawn` to the first `200` from `/readyz` (the
//! database answers and takes writes) is measured on a fresh, empty data
//! directory, on the demo (first start with `--demo`, which loads it, and a
//! restart), and on a data directory holding a generated community of
//! 1,000,000 posts (B3's corpus, written through Stoa's store). The
//! reference is this binary's bare axum server (`serve-broadcast`), started
//! and timed the same way in the same run: what any process takes to exec,
//! bind and answer.
//!
//! On the large directory it also times `stoa reindex` (the search index
//! rebuilt on disk, from the tables) in documents a second, and, with the
//! index directory deleted, how soon a search answers (saying its results
//! are partial while the index fills in the background).
//!
//! Targets (issue #8): ready in under 200 ms on an empty database and under
//! 2 s at 1,000,000 posts; reindex at least 10,000 documents a second.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::json;
use stoa_core::{CoreConfig, Stoa};
use stoa_store::dialect::Synchronous;
use stoa_store::{Store, StoreOptions};

use crate::{machine, results_dir, round};

/// Starts timed per case (the median is the figure).
const RUNS: usize = 5;
/// A word of B3's collocations, found in many posts.
const QUERY: &str = "connection pool";

/// A process killed (and reaped) when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<SocketAddr> {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?)
}

/// One blocking `GET` with `Connection: close`: the status and the body, or
/// `None` while nothing listens.
fn get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

/// Spawns `command` and polls `path` every millisecond until it answers
/// `200`: the time from spawn, the answer's body and the running process.
fn until_ok(mut command: Command, addr: SocketAddr, path: &str) -> Result<(Duration, String, Proc)> {
    let started = Instant::now();
    let child = Proc(command.stdout(Stdio::null()).stderr(Stdio::inherit()).spawn().context("spawn")?);
    while started.elapsed() < Duration::from_secs(120) {
        if let Some((200, body)) = get(addr, path) {
            return Ok((started.elapsed(), body, child));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    bail!("{path} did not answer 200 within two minutes")
}

/// A binary built beside this one.
fn sibling(name: &str) -> Result<PathBuf> {
    let path = std::env::current_exe()?.parent().context("no directory")?.join(name);
    anyhow::ensure!(path.exists(), "{} is missing: build it with `cargo build --release -p stoa-cli`", path.display());
    Ok(path)
}

fn stoa(dir: &Path, args: &[&str]) -> Result<Command> {
    let mut command = Command::new(sibling("stoa")?);
    command.args(args).arg("--data-dir").arg(dir).env("RUST_LOG", "warn");
    Ok(command)
}

fn serve(dir: &Path, addr: SocketAddr, demo: bool) -> Result<Command> {
    let listen = addr.to_string();
    let mut args = vec!["serve", "--listen", listen.as_str()];
    if demo {
        args.push("--demo");
    }
    stoa(dir, &args)
}

/// The median of some durations, in milliseconds.
fn median_ms(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs.get(runs.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn all_ms(runs: &[Duration]) -> Vec<f64> {
    runs.iter().map(|d| round(d.as_secs_f64() * 1000.0)).collect()
}

/// Starts `make()` `RUNS` times, each to `/readyz`, and returns the times.
fn starts(mut make: impl FnMut(SocketAddr) -> Result<(Command, &'static str)>) -> Result<Vec<Duration>> {
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let addr = free_port()?;
        let (command, path) = make(addr)?;
        let (took, _, process) = until_ok(command, addr, path)?;
        drop(process);
        runs.push(took);
    }
    Ok(runs)
}

/// Writes `posts` posts of B3's corpus into a Stoa data directory (schema
/// made by the binary's own `stoa migrate`), through the store.
fn generate(dir: &Path, posts: usize) -> Result<()> {
    let status = stoa(dir, &["migrate"])?.stdout(Stdio::null()).status()?;
    anyhow::ensure!(status.success(), "stoa migrate failed");
    let threads = (posts / crate::b3::POSTS_PER_THREAD).max(1);
    let corpus = crate::b3::corpus(threads);
    let url = format!("sqlite://{}?mode=rwc", dir.join("stoa.db").display());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let mut options = StoreOptions::new(url);
        // Not measured, and not a person's writing: no fsync per commit.
        options.sqlite_synchronous = Synchronous::Normal;
        let store = Store::connect(&options).await?;
        let app = Stoa::new(store, CoreConfig::default());
        let (space, author_id) = crate::b3::search_guild(&app).await?;
        crate::b3::write_corpus(&app, &space.id, &author_id, &corpus).await?;
        app.store.close().await;
        Ok::<_, anyhow::Error>(())
    })
}

/// Bytes under `path`, recursively.
fn size_of(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    };
    entries.filter_map(|e| e.ok()).map(|e| size_of(&e.path())).sum()
}

fn search_path() -> String {
    format!("/api/v1/search?q={}", QUERY.replace(' ', "+"))
}

pub fn b7(posts: usize) -> Result<()> {
    println!("B7: cold start of the stoa binary (spawn to the first 200 from /readyz), {RUNS} starts per case");
    let started = Instant::now();

    let reference = starts(|addr| {
        let mut command = Command::new(std::env::current_exe()?);
        command.args(["serve-broadcast".to_owned(), addr.to_string()]);
        Ok((command, "/healthz"))
    })?;
    let reference_ms = median_ms(reference.clone());
    println!("  reference, a bare axum server (spawn to /healthz): median {reference_ms:.1} ms");

    let scratch = tempfile::tempdir()?;
    let mut n = 0;
    let mut fresh = || {
        n += 1;
        scratch.path().join(format!("run{n}"))
    };
    let empty = starts(|addr| Ok((serve(&fresh(), addr, false)?, "/readyz")))?;
    let empty_ms = median_ms(empty.clone());
    println!("  empty data directory (creates and migrates the database): median {empty_ms:.1} ms");

    let demo_first = starts(|addr| Ok((serve(&fresh(), addr, true)?, "/readyz")))?;
    let demo_first_ms = median_ms(demo_first.clone());
    let demo_dir = fresh();
    let status = stoa(&demo_dir, &["demo"])?.stdout(Stdio::null()).status()?;
    anyhow::ensure!(status.success(), "stoa demo failed");
    let demo = starts(|addr| Ok((serve(&demo_dir, addr, false)?, "/readyz")))?;
    let demo_ms = median_ms(demo.clone());
    println!("  demo: first start with --demo (loads it) median {demo_first_ms:.1} ms; restart median {demo_ms:.1} ms");

    let large = fresh();
    let t = Instant::now();
    generate(&large, posts)?;
    let generate_seconds = t.elapsed().as_secs_f64();
    println!(
        "  {posts} posts written through the store in {generate_seconds:.0} s ({:.0} MiB of database)",
        size_of(&large.join("stoa.db")) as f64 / 1048576.0 + size_of(&large.join("stoa.db-wal")) as f64 / 1048576.0
    );

    let t = Instant::now();
    let output = stoa(&large, &["reindex"])?.stderr(Stdio::inherit()).output()?;
    let reindex_seconds = t.elapsed().as_secs_f64();
    anyhow::ensure!(output.status.success(), "stoa reindex failed");
    let said = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    // "Rebuilt the search index: N documents in S s (R a second), up to event E."
    let docs: u64 = said
        .split_once(": ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .context("reindex did not say how many documents it indexed")?;
    let reindex_rate = docs as f64 / reindex_seconds;
    println!("  stoa reindex: {said}");
    println!(
        "  stoa reindex as a process: {docs} documents in {reindex_seconds:.1} s = {reindex_rate:.0} a second (index {:.0} MiB)",
        size_of(&large.join("search")) as f64 / 1048576.0
    );

    let large_runs = starts(|addr| Ok((serve(&large, addr, false)?, "/readyz")))?;
    let large_ms = median_ms(large_runs.clone());
    let addr = free_port()?;
    let (search_took, body, process) = until_ok(serve(&large, addr, false)?, addr, &search_path())?;
    drop(process);
    let answer: serde_json::Value = serde_json::from_str(&body).context("the search's answer")?;
    println!(
        "  {posts} posts, index in place: ready median {large_ms:.1} ms; first search answered {:.1} ms after spawn ({} matches, partial: {})",
        search_took.as_secs_f64() * 1000.0,
        answer["total"],
        answer["partial"]
    );

    std::fs::remove_dir_all(large.join("search")).context("removing the index")?;
    let addr = free_port()?;
    let (lost_ready, _, process) = until_ok(serve(&large, addr, false)?, addr, "/readyz")?;
    let t = Instant::now();
    let (status, body) = get(addr, &search_path()).context("search did not answer")?;
    let lost_search = lost_ready + t.elapsed();
    anyhow::ensure!(status == 200, "search answered {status} while the index filled: {body}");
    let lost: serde_json::Value = serde_json::from_str(&body).context("the search's answer")?;
    drop(process);
    println!(
        "  index deleted: ready after {:.1} ms; a search answered at {:.1} ms (partial: {}, {} matches so far)",
        lost_ready.as_secs_f64() * 1000.0,
        lost_search.as_secs_f64() * 1000.0,
        lost["partial"],
        lost["total"]
    );

    let empty_ok = empty_ms < 200.0;
    let large_ok = large_ms < 2000.0;
    let reindex_ok = reindex_rate >= 10_000.0;
    println!(
        "  ratios to the reference: empty {:.2}, demo {:.2}, {posts} posts {:.2}",
        empty_ms / reference_ms,
        demo_ms / reference_ms,
        large_ms / reference_ms
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "  targets: empty < 200 ms {}; {posts} posts < 2 s {}; reindex ≥ 10,000 documents a second {}",
        verdict(empty_ok),
        verdict(large_ok),
        verdict(reindex_ok)
    );
    println!("  total time {:.0} s", started.elapsed().as_secs_f64());

    let result = json!({
        "benchmark": "B7",
        "machine": machine(),
        "runs_per_case": RUNS,
        "reference_bare_axum_ms": {"median": round(reference_ms), "runs": all_ms(&reference)},
        "empty_ms": {"median": round(empty_ms), "runs": all_ms(&empty), "ratio": round(empty_ms / reference_ms)},
        "demo_first_start_ms": {"median": round(demo_first_ms), "runs": all_ms(&demo_first)},
        "demo_restart_ms": {"median": round(demo_ms), "runs": all_ms(&demo), "ratio": round(demo_ms / reference_ms)},
        "large": {
            "posts": posts,
            "generate_seconds_untimed": round(generate_seconds),
            "ready_ms": {"median": round(large_ms), "runs": all_ms(&large_runs), "ratio": round(large_ms / reference_ms)},
            "first_search_ms": round(search_took.as_secs_f64() * 1000.0),
            "reindex": {"documents": docs, "seconds": round(reindex_seconds), "per_second": round(reindex_rate), "said": said},
            "index_lost": {
                "ready_ms": round(lost_ready.as_secs_f64() * 1000.0),
                "first_search_ms": round(lost_search.as_secs_f64() * 1000.0),
                "partial": lost["partial"],
                "matches_so_far": lost["total"],
            },
        },
        "targets": {"empty_under_200_ms": empty_ok, "large_under_2_s": large_ok, "reindex_at_least_10000_per_s": reindex_ok},
    });
    std::fs::write(results_dir().join("b7.json"), serde_json::to_string_pretty(&result)?)?;
    Ok(())
}
