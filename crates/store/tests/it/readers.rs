//! Read connections: more readers than connections take turns, and a read
//! abandoned halfway leaves its connection fit for the next one.

use std::time::Duration;

use stoa_store::direct::{Arg, Columns, FromColumns, Reads};
use stoa_store::testing::each_backend;
use stoa_store::{Store, settings};

async fn echo(store: &Store, n: i64) -> i64 {
    let mut c = store.read().await.expect("read");
    sqlx::query_scalar("SELECT CAST($1 AS BIGINT)").bind(n).fetch_one(&mut *c).await.expect("select")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn more_readers_than_connections_take_turns_and_each_gets_its_own_answer() {
    each_backend(|store| async move {
        let mut tasks = Vec::new();
        // Test stores have 4 connections; 64 readers
        // hold theirs across an await, so most must wait for one to come back.
        for i in 0..64 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut c = store.read().await.expect("read");
                tokio::time::sleep(Duration::from_millis(5)).await;
                let got: i64 =
                    sqlx::query_scalar("SELECT CAST($1 AS BIGINT)").bind(i).fetch_one(&mut *c).await.expect("select");
                assert_eq!(got, i);
            }));
        }
        for t in tasks {
            t.await.expect("reader");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_abandoned_halfway_leaves_its_connection_fit_for_the_next() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        settings::set(&mut tx, "k", "v").await.expect("set");
        tx.commit().await.expect("commit");
        for round in 0..3 {
            // A long query, given up on after a few milliseconds (a client
            // that went away); its connection goes back to the readers.
            let long = async {
                let mut c = store.read().await.expect("read");
                sqlx::query_scalar::<_, i64>(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
                     SELECT COUNT(*) FROM n",
                )
                .fetch_one(&mut *c)
                .await
            };
            assert!(tokio::time::timeout(Duration::from_millis(3), long).await.is_err(), "round {round}");
            // Whichever connection each read gets, it answers its own query.
            for i in 0..20 {
                assert_eq!(echo(&store, i).await, i);
            }
            let mut c = store.read().await.expect("read");
            assert_eq!(settings::get(&mut c, "k").await.expect("get").as_deref(), Some("v"));
        }
    })
    .await;
}

/// A setting's value, read through [`Reads`] (on SQLite, on the caller's thread).
#[derive(Debug, PartialEq)]
struct Value(String);

impl FromColumns for Value {
    fn from_columns(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self(row.text("value")?))
    }
}

async fn value<C: Reads + ?Sized>(c: &mut C, key: &str) -> Option<Value> {
    c.fetch_optional_as("SELECT value FROM instance_settings WHERE key = $1", &[Arg::Text(Some(key))])
        .await
        .expect("direct read")
}

#[tokio::test]
async fn a_direct_read_sees_each_commit_at_once_and_never_waits_for_the_writer() {
    each_backend(|store| async move {
        // One reader, kept across commits: its statements must not hold an
        // old snapshot between reads.
        let mut c = store.read().await.expect("read");
        assert_eq!(c.reads_directly(), store.backend() == stoa_store::Backend::Sqlite);
        assert_eq!(value(&mut c, "k").await, None);
        let mut tx = store.begin().await.expect("begin");
        settings::set(&mut tx, "k", "one").await.expect("set");
        tx.commit().await.expect("commit");
        assert_eq!(value(&mut c, "k").await, Some(Value("one".into())));

        // A write in progress is neither seen nor waited for.
        let mut tx = store.begin().await.expect("begin");
        settings::set(&mut tx, "k", "two").await.expect("set");
        assert_eq!(value(&mut tx, "k").await, Some(Value("two".into())), "a transaction reads its own write");
        let read = tokio::time::timeout(Duration::from_secs(2), value(&mut c, "k")).await.expect("no wait");
        assert_eq!(read, Some(Value("one".into())));
        tx.commit().await.expect("commit");
        assert_eq!(value(&mut c, "k").await, Some(Value("two".into())));
        // The same reader's sqlx connection agrees.
        assert_eq!(value(&mut *c, "k").await, Some(Value("two".into())));
        assert_eq!(value(&mut c, "missing").await, None);
    })
    .await;
}

/// A column that is not there is an error on both paths, not a panic.
#[tokio::test]
async fn a_row_that_does_not_decode_is_an_error_on_both_paths() {
    each_backend(|store| async move {
        let mut tx = store.begin().await.expect("begin");
        settings::set(&mut tx, "k", "v").await.expect("set");
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        let sql = "SELECT key FROM instance_settings WHERE key = $1";
        let direct = c.fetch_optional_as::<Value>(sql, &[Arg::Text(Some("k"))]).await;
        let through_sqlx = (*c).fetch_optional_as::<Value>(sql, &[Arg::Text(Some("k"))]).await;
        assert!(direct.is_err() && through_sqlx.is_err(), "{direct:?} {through_sqlx:?}");
    })
    .await;
}
