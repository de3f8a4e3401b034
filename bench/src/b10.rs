//! B10: a hostile member's texts (issue #7). Every pathological input named
//! in the issue, at the longest its field takes, is sent over and over
//! while eight signed-in people read a thread page. Targets: each input is
//! answered within 1 s, and the readers' p99 stays under 100 ms. The
//! reference is the same readers' p99 with nobody sending anything,
//! measured in the same run (the ratio shows what the attack costs them).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;
use stoa_core::wiki::{self, PageInput};
use stoa_store::dialect::Synchronous;

use crate::{Load, browser_cookies, load, machine, people, percentile, round, space_and_thread, start_server};

/// What the attacker sends, by name: a method, a path and a JSON body
/// (`{n}` in it is replaced by a counter, so no two are the same).
fn inputs(attack_thread: &str, event: &str) -> Vec<(&'static str, reqwest::Method, String, serde_json::Value)> {
    use reqwest::Method;
    let reply = format!("/api/v1/threads/{attack_thread}/posts");
    vec![
        ("reply of 50,000 >", Method::POST, reply.clone(), json!({"body": ">".repeat(50_000)})),
        ("reply of 24,999 '- '", Method::POST, reply.clone(), json!({"body": "- ".repeat(24_999) + "x"})),
        (
            "reply of 30,000 > then 9,000 lazy lines",
            Method::POST,
            reply,
            json!({"body": format!("{}a\n{}", ">".repeat(30_000), "b\n".repeat(9_000))}),
        ),
        (
            "wiki page of 99,999 >",
            Method::POST,
            "/api/v1/spaces/bench/wiki".into(),
            json!({"title": "Deep {n}", "body": ">".repeat(99_999)}),
        ),
        (
            "wiki save merged over 100 kB",
            Method::PUT,
            "/api/v1/spaces/bench/wiki/long".into(),
            json!({"title": "Long", "body": scrambled(3, 33_000), "base_revision": 1}),
        ),
        (
            "diff of two 100 kB revisions",
            Method::GET,
            "/api/v1/spaces/bench/wiki/long/diff?from=1&to=2".into(),
            json!(null),
        ),
        (
            "event notes of 20,000 >",
            Method::PUT,
            format!("/api/v1/events/{event}/notes"),
            json!({"base": "", "text": format!("{{n}}\n\n{}", ">".repeat(20_000))}),
        ),
        ("50 anonymous reads of those notes", Method::GET, format!("/events/{event}"), json!(null)),
    ]
}

/// A text of a few kinds of line, shuffled by `seed`: the worst case for a
/// diff or a merge.
fn scrambled(seed: u64, lines: usize) -> String {
    let mut x = seed;
    (0..lines)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ["a\n", "b\n", "- c\n"][(x >> 33) as usize % 3]
        })
        .collect()
}

pub fn b10(duration: Duration) -> Result<()> {
    println!("B10: pathological texts at the longest, sent while eight people read a thread page");
    let (tx, rx) = std::sync::mpsc::channel();
    let running = start_server(Synchronous::Full, move |app| {
        Box::pin(async move {
            let people = people(&app, 9).await?;
            let owner = people[0].0.clone();
            let thread = space_and_thread(&app, &owner, &people, 50).await?;
            let attack = stoa_core::discussions::create_thread(
                &app,
                &owner,
                "bench",
                stoa_core::discussions::NewThreadInput {
                    title: "Attack".into(),
                    body: "Replies go here.".into(),
                    ..Default::default()
                },
            )
            .await?
            .thread_id;
            let page = |body: String| PageInput { title: "Long".into(), body, summary: String::new(), parent: None };
            wiki::create(&app, &owner, "bench", page(scrambled(1, 33_000))).await?;
            wiki::save(&app, &owner, "bench", "long", 1, page(scrambled(2, 33_000))).await?;
            let event = stoa_core::calendar::schedule(
                &app,
                &owner,
                "bench",
                stoa_core::calendar::EventInput {
                    title: "Notes".into(),
                    starts_at: Some(4_102_444_800_000),
                    duration_minutes: Some(60),
                    ..Default::default()
                },
            )
            .await?;
            tx.send((people.into_iter().map(|(_, s)| s).collect::<Vec<_>>(), thread, attack, event))?;
            Ok(())
        })
    })?;
    let (cookies, thread, attack, event) = rx.recv()?;
    let base = format!("http://{}", running.addr);
    let page_url = format!("{base}/s/bench/t/{thread}");
    let readers = Arc::new(cookies[1..].to_vec());
    let read = |duration: Duration| {
        let (readers, url) = (readers.clone(), page_url.clone());
        load(8, duration, move |i, c| c.get(&url).header("cookie", browser_cookies(&readers[i % readers.len()])))
    };
    read(Duration::from_secs(1)); // warm-up
    let quiet = read(duration);

    let stop = Arc::new(AtomicBool::new(false));
    let attacker = {
        let (stop, base, session) = (stop.clone(), base.clone(), cookies[0].clone());
        let inputs = inputs(&attack, &event);
        std::thread::spawn(move || -> Result<BTreeMap<&'static str, Vec<Duration>>> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async move {
                let client = reqwest::Client::new();
                let anonymous = reqwest::Client::new();
                let mut times: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    for (name, method, path, body) in &inputs {
                        n += 1;
                        let started = Instant::now();
                        if *name == "50 anonymous reads of those notes" {
                            let reads: Vec<_> = (0..50)
                                .map(|_| {
                                    let (c, url) = (anonymous.clone(), format!("{base}{path}"));
                                    tokio::spawn(async move { c.get(url).send().await.map(|r| r.status()) })
                                })
                                .collect();
                            for r in reads {
                                let status = r.await??;
                                anyhow::ensure!(status.is_success(), "{name}: {status}");
                            }
                        } else {
                            let mut request = client
                                .request(method.clone(), format!("{base}{path}"))
                                .header("cookie", browser_cookies(&session))
                                .header("x-csrf-token", stoa_core::accounts::csrf_for_session(&session));
                            if !body.is_null() {
                                let text = body.to_string().replace("{n}", &n.to_string());
                                request = request.header("content-type", "application/json").body(text);
                            }
                            let r = request.send().await?;
                            let status = r.status();
                            let _ = r.bytes().await?;
                            // The merge over a concurrent save is a conflict, by design.
                            anyhow::ensure!(status.is_success() || status == 409, "{name}: {status}");
                        }
                        times.entry(name).or_default().push(started.elapsed());
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                    }
                }
                Ok(times)
            })
        })
    };
    let hostile = read(duration);
    stop.store(true, Ordering::Relaxed);
    let times = attacker.join().map_err(|_| anyhow::anyhow!("the attacker panicked"))??;

    let p99 = |l: &Load| l.percentile(0.99).as_secs_f64() * 1000.0;
    println!(
        "  readers alone: {:.0} pages/s, p99 {:.1} ms; during the attack: {:.0} pages/s, p99 {:.1} ms ({:.2}x) (target under 100 ms), {} errors",
        quiet.throughput(),
        p99(&quiet),
        hostile.throughput(),
        p99(&hostile),
        p99(&hostile) / p99(&quiet).max(0.001),
        quiet.errors + hostile.errors
    );
    let mut per_input = serde_json::Map::new();
    let mut slowest = Duration::ZERO;
    for (name, samples) in &times {
        let worst = samples.iter().max().copied().unwrap_or_default();
        slowest = slowest.max(worst);
        println!(
            "  {name:<40} {:>3} sent, median {:>6.1} ms, slowest {:>6.1} ms (target under 1 s)",
            samples.len(),
            percentile(samples, 0.5).as_secs_f64() * 1000.0,
            worst.as_secs_f64() * 1000.0
        );
        per_input.insert(
            (*name).to_owned(),
            json!({"sent": samples.len(), "median_ms": round(percentile(samples, 0.5).as_secs_f64() * 1000.0),
                   "slowest_ms": round(worst.as_secs_f64() * 1000.0)}),
        );
    }
    let result = json!({
        "benchmark": "B10",
        "machine": machine(),
        "seconds": duration.as_secs(),
        "readers_alone": quiet.json(),
        "readers_during_attack": hostile.json(),
        "p99_ratio_attack_vs_alone": round(p99(&hostile) / p99(&quiet).max(0.001)),
        "inputs": per_input,
        "slowest_input_ms": round(slowest.as_secs_f64() * 1000.0),
        "targets": {"slowest_input_ms": 1000, "readers_p99_ms": 100},
        "met": slowest < Duration::from_secs(1) && p99(&hostile) < 100.0,
    });
    std::fs::write(crate::results_dir().join("b10.json"), serde_json::to_string_pretty(&result)?)
        .context("writing results")?;
    drop(running);
    Ok(())
}
