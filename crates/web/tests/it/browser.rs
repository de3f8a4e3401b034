//! The end-to-end journey in a real headless Chromium (see `e2e/journey.mjs`).
//!
//! It runs when Chromium and the e2e npm packages are installed (`.ci/run`
//! installs both). With `STOA_REQUIRE_E2E=1`, as in CI, their absence fails
//! the test instead of skipping it.

use std::path::Path;

use crate::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_journey_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e");
    let chromium = std::env::var("STOA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let ready = root.join("node_modules/playwright-core").exists() && Path::new(&chromium).exists();
    if !ready {
        assert!(
            std::env::var("STOA_REQUIRE_E2E").is_err(),
            "STOA_REQUIRE_E2E is set but Chromium ({chromium}) or e2e/node_modules is missing: run `npm ci --prefix e2e` and install chromium"
        );
        eprintln!("skipping the browser journey: install chromium and run `npm ci --prefix e2e` to include it");
        return;
    }
    let app = spawn_app().await;
    // As `stoa serve` does: the search index follows the event log.
    let background = app.app.run_background();
    let output = tokio::process::Command::new("node")
        .arg(root.join("journey.mjs"))
        .env("STOA_URL", app.url(""))
        .env("STOA_CHROMIUM", &chromium)
        .env("STOA_ARTIFACTS", root.join("artifacts"))
        .output()
        .await
        .expect("node runs");
    background.abort();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the browser journey failed:\n{stdout}\n{stderr}");
    println!("{stdout}");
}
