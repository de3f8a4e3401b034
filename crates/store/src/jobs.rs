//! A durable job queue in the database (sending email today).
//!
//! A job is written in the same transaction as whatever caused it, so it
//! exists exactly when its cause does. A worker **claims** a due job by
//! leasing it: it sets `leased_until` and a fresh `lease_token` in one
//! conditional update, so two workers (or two nodes) never hold the same job.
//! Finishing, retrying and failing all check the token: a worker whose lease
//! ran out and was taken over cannot mark the job done a second time. A
//! worker that dies simply lets its lease run out.

use sqlx::AnyConnection;

use crate::Result;

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub created_at: i64,
    pub run_at: i64,
    pub attempts: i64,
    pub leased_until: Option<i64>,
    pub lease_token: Option<String>,
    pub done_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_error: Option<String>,
}

const COLUMNS: &str =
    "id, kind, payload, created_at, run_at, attempts, leased_until, lease_token, done_at, failed_at, last_error";

/// Queues a job to run at `run_at`.
pub async fn enqueue(
    conn: &mut AnyConnection,
    id: &str,
    kind: &str,
    payload: &str,
    now: i64,
    run_at: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO jobs (id, kind, payload, created_at, run_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(kind)
        .bind(payload)
        .bind(now)
        .bind(run_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Leases the oldest due job (not done, not failed, not leased by a live
/// worker) until `now + lease_ms` under `token`, counting the attempt.
pub async fn claim(conn: &mut AnyConnection, now: i64, lease_ms: i64, token: &str) -> Result<Option<JobRow>> {
    loop {
        let candidate: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT id, lease_token FROM jobs
             WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1
               AND (leased_until IS NULL OR leased_until < $1)
             ORDER BY run_at, id LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((id, previous)) = candidate else {
            return Ok(None);
        };
        // Conditional on the lease seen, so of two workers that saw the same
        // job only one takes it; the other looks again.
        let sql = format!(
            "UPDATE jobs SET leased_until = $2, lease_token = $3, attempts = attempts + 1
             WHERE id = $1 AND done_at IS NULL AND failed_at IS NULL
               AND (leased_until IS NULL OR leased_until < $4)
               AND COALESCE(lease_token, '') = $5
             RETURNING {COLUMNS}"
        );
        let taken: Option<JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&id)
            .bind(now + lease_ms)
            .bind(token)
            .bind(now)
            .bind(previous.unwrap_or_default())
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_some() {
            return Ok(taken);
        }
    }
}

/// Marks a job done, if `token` still holds its lease.
pub async fn complete(conn: &mut AnyConnection, id: &str, token: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET done_at = $3, leased_until = NULL WHERE id = $1 AND lease_token = $2 AND done_at IS NULL",
    )
    .bind(id)
    .bind(token)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a leased job back to run again at `run_at`, noting why it failed.
pub async fn retry(conn: &mut AnyConnection, id: &str, token: &str, run_at: i64, error: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET run_at = $3, leased_until = NULL, last_error = $4
         WHERE id = $1 AND lease_token = $2 AND done_at IS NULL",
    )
    .bind(id)
    .bind(token)
    .bind(run_at)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives up on a leased job for good.
pub async fn fail(conn: &mut AnyConnection, id: &str, token: &str, now: i64, error: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET failed_at = $3, leased_until = NULL, last_error = $4
         WHERE id = $1 AND lease_token = $2 AND done_at IS NULL",
    )
    .bind(id)
    .bind(token)
    .bind(now)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One job, for tests and tools.
pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<JobRow>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// Jobs of a kind, oldest first (for tests and tools).
pub async fn of_kind(conn: &mut AnyConnection, kind: &str, limit: i64) -> Result<Vec<JobRow>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE kind = $1 ORDER BY created_at, id LIMIT $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind).bind(limit).fetch_all(conn).await?)
}

/// Counts jobs not yet done or failed.
pub async fn pending(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND failed_at IS NULL")
        .fetch_one(conn)
        .await?)
}

/// Deletes finished jobs older than `before`.
pub async fn prune(conn: &mut AnyConnection, before: i64) -> Result<u64> {
    let done = sqlx::query(
        "DELETE FROM jobs WHERE (done_at IS NOT NULL AND done_at < $1) OR (failed_at IS NOT NULL AND failed_at < $1)",
    )
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
