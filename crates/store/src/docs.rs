//! Shared documents edited live: a snapshot and the updates after it.
//! The bytes are Yjs updates; the store does not look inside them.

use sqlx::AnyConnection;

use crate::{Result, dialect};

/// A document's row, without its updates.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocRow {
    pub id: String,
    pub space_id: String,
    pub page_id: Option<String>,
    pub snapshot: Vec<u8>,
    pub snapshot_seq: i64,
    pub base_revision: i64,
    pub updated_at: i64,
    /// When the document was found unreadable, and why (see `quarantine`).
    pub quarantined_at: Option<i64>,
    pub quarantine_reason: Option<String>,
}

/// One update as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UpdateRow {
    pub seq: i64,
    pub body: Vec<u8>,
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<DocRow>> {
    Ok(sqlx::query_as(
        "SELECT id, space_id, page_id, snapshot, snapshot_seq, base_revision, updated_at, quarantined_at,
                quarantine_reason
         FROM docs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Creates a document unless it exists; returns whether it was created.
pub async fn create(
    conn: &mut AnyConnection,
    id: &str,
    space_id: &str,
    page_id: Option<&str>,
    snapshot: &[u8],
    base_revision: i64,
    now: i64,
) -> Result<bool> {
    dialect::lock(conn, &format!("doc:{id}")).await?;
    let done = sqlx::query(
        "INSERT INTO docs (id, space_id, page_id, snapshot, snapshot_seq, base_revision, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 0, $5, $6, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(space_id)
    .bind(page_id)
    .bind(snapshot)
    .bind(base_revision)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Appends an update and returns its `seq` (dense per document).
pub async fn append(
    conn: &mut AnyConnection,
    doc_id: &str,
    body: &[u8],
    user_id: Option<&str>,
    now: i64,
) -> Result<i64> {
    let seqs = append_many(conn, doc_id, &[(body, user_id)], now).await?;
    seqs.first().copied().ok_or(crate::StoreError::NotFound)
}

/// The most updates one statement appends.
pub const APPEND_MAX: usize = 256;

/// Appends updates in order (at most [`APPEND_MAX`]), with dense `seq`s
/// after the newest, and returns them. Three statements however many there
/// are, so people typing at once share the cost.
pub async fn append_many(
    conn: &mut AnyConnection,
    doc_id: &str,
    updates: &[(&[u8], Option<&str>)],
    now: i64,
) -> Result<Vec<i64>> {
    if updates.is_empty() {
        return Ok(Vec::new());
    }
    assert!(updates.len() <= APPEND_MAX, "at most APPEND_MAX updates at once");
    dialect::lock(conn, &format!("doc:{doc_id}")).await?;
    let last: i64 = sqlx::query_scalar(
        "SELECT COALESCE((SELECT MAX(seq) FROM doc_updates WHERE doc_id = $1), (SELECT snapshot_seq FROM docs WHERE id = $1))",
    )
    .bind(doc_id)
    .fetch_one(&mut *conn)
    .await?;
    // Rows of ($1 doc, seq, body, user, $2 time): 3 placeholders each after the first two.
    let rows: Vec<String> =
        (0..updates.len()).map(|i| format!("($1, ${}, ${}, ${}, $2)", 3 + 3 * i, 4 + 3 * i, 5 + 3 * i)).collect();
    let sql = format!("INSERT INTO doc_updates (doc_id, seq, body, user_id, created_at) VALUES {}", rows.join(", "));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(doc_id).bind(now);
    let seqs: Vec<i64> = (1..=updates.len() as i64).map(|i| last + i).collect();
    for ((body, user), seq) in updates.iter().zip(&seqs) {
        query = query.bind(*seq).bind(*body).bind(*user);
    }
    query.execute(&mut *conn).await?;
    sqlx::query("UPDATE docs SET updated_at = $2 WHERE id = $1").bind(doc_id).bind(now).execute(conn).await?;
    Ok(seqs)
}

/// Up to `limit` updates after `seq`, oldest first.
pub async fn updates_after(conn: &mut AnyConnection, doc_id: &str, seq: i64, limit: i64) -> Result<Vec<UpdateRow>> {
    Ok(sqlx::query_as("SELECT seq, body FROM doc_updates WHERE doc_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
        .bind(doc_id)
        .bind(seq)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Replaces the snapshot with `snapshot`, which holds every update up to
/// `seq`, and drops those updates. Does nothing if a newer snapshot is
/// already there.
pub async fn compact(conn: &mut AnyConnection, doc_id: &str, snapshot: &[u8], seq: i64) -> Result<bool> {
    dialect::lock(conn, &format!("doc:{doc_id}")).await?;
    let done = sqlx::query("UPDATE docs SET snapshot = $2, snapshot_seq = $3 WHERE id = $1 AND snapshot_seq < $3")
        .bind(doc_id)
        .bind(snapshot)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM doc_updates WHERE doc_id = $1 AND seq <= $2").bind(doc_id).bind(seq).execute(conn).await?;
    Ok(true)
}

/// Records that the text is in step with wiki revision `revision`.
pub async fn set_base_revision(conn: &mut AnyConnection, doc_id: &str, revision: i64) -> Result<()> {
    sqlx::query("UPDATE docs SET base_revision = $2 WHERE id = $1").bind(doc_id).bind(revision).execute(conn).await?;
    Ok(())
}

/// Marks a document quarantined: it could not be loaded. Kept as it is, for
/// an admin to look at, until they discard it ([`discard`]).
pub async fn quarantine(conn: &mut AnyConnection, doc_id: &str, reason: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE docs SET quarantined_at = $2, quarantine_reason = $3 WHERE id = $1 AND quarantined_at IS NULL")
        .bind(doc_id)
        .bind(now)
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(())
}

/// A quarantined document, for the admins' list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuarantinedDoc {
    pub id: String,
    pub space_id: String,
    pub page_id: Option<String>,
    pub quarantined_at: i64,
    pub quarantine_reason: String,
}

/// Every quarantined document, most recent first.
pub async fn quarantined(conn: &mut AnyConnection) -> Result<Vec<QuarantinedDoc>> {
    Ok(sqlx::query_as(
        "SELECT id, space_id, page_id, quarantined_at, COALESCE(quarantine_reason, '') AS quarantine_reason
         FROM docs WHERE quarantined_at IS NOT NULL ORDER BY quarantined_at DESC, id",
    )
    .fetch_all(conn)
    .await?)
}

/// Deletes a document and its updates; it is created afresh (from its
/// page's text, or empty for notes) the next time someone opens it.
pub async fn discard(conn: &mut AnyConnection, doc_id: &str) -> Result<bool> {
    dialect::lock(conn, &format!("doc:{doc_id}")).await?;
    sqlx::query("DELETE FROM doc_updates WHERE doc_id = $1").bind(doc_id).execute(&mut *conn).await?;
    let done = sqlx::query("DELETE FROM docs WHERE id = $1").bind(doc_id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}
