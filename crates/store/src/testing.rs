//! Throwaway databases for tests, on SQLite and on PostgreSQL.
//!
//! Every test gets a database of its own: a fresh file in a temporary
//! directory, or a fresh PostgreSQL database created next to the one
//! `STOA_TEST_POSTGRES_URL` names and dropped when the test ends (even when it
//! fails). Store tests run on both with [`each_backend`]; tests of the whole
//! application use [`TestDb::from_env`], which picks PostgreSQL when the
//! variable is set.

use std::future::Future;

use crate::{Store, StoreOptions, dialect};

/// The environment variable naming a PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "STOA_TEST_POSTGRES_URL";

/// The PostgreSQL URL tests should use, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR).ok().filter(|v| !v.trim().is_empty())
}

/// A migrated database that disappears with this value.
pub struct TestDb {
    pub store: Store,
    /// The URL the store was opened with, for tests that start a second process on it.
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh SQLite database in a temporary directory.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory for the test database");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("stoa.db").display());
        let store = open(&url).await;
        Self { store, url, postgres: None, _dir: Some(dir) }
    }

    /// A fresh PostgreSQL database on the server at `admin_url`.
    ///
    /// # Panics
    /// When the server cannot be reached: a test run that asked for
    /// PostgreSQL must fail rather than quietly test less.
    pub async fn postgres(admin_url: &str) -> Self {
        let name = format!("stoa_test_{}", crate::new_id());
        let url = dialect::create_postgres_database(admin_url, &name)
            .await
            .unwrap_or_else(|e| panic!("cannot create a test database on {}: {e}", dialect::redact_url(admin_url)));
        let store = open(&url).await;
        Self { store, url, postgres: Some((admin_url.to_owned(), name)), _dir: None }
    }

    /// PostgreSQL when `STOA_TEST_POSTGRES_URL` is set, SQLite otherwise.
    pub async fn from_env() -> Self {
        match postgres_url() {
            Some(url) => Self::postgres(&url).await,
            None => Self::sqlite().await,
        }
    }
}

async fn open(url: &str) -> Store {
    let mut options = StoreOptions::new(url);
    options.max_connections = Some(4);
    let store = Store::connect(&options).await.expect("test database opens");
    store.migrate().await.expect("test database migrates");
    store
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop cannot await, so the database is dropped from a short-lived
        // runtime on its own thread. The pool is not closed first: its
        // connections belong to the test's runtime, which is blocked here;
        // `DROP DATABASE ... WITH (FORCE)` ends them from the server side.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(dialect::drop_postgres_database(&admin_url, &name)).ok()
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("warning: could not drop a test database");
        }
    }
}

/// Runs `test` on a fresh SQLite database, then on a fresh PostgreSQL one when
/// `STOA_TEST_POSTGRES_URL` is set.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let sqlite = TestDb::sqlite().await;
    test(sqlite.store.clone()).await;
    drop(sqlite);
    if let Some(url) = postgres_url() {
        let postgres = TestDb::postgres(&url).await;
        test(postgres.store.clone()).await;
        postgres.store.close().await;
    }
}
