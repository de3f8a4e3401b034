//! Schema migrations: numbered SQL files compiled into the binary.
//!
//! One tree serves both databases (see the header of the first migration).
//! Each migration runs in its own transaction with its bookkeeping row, so a
//! failed migration leaves the schema as it was.

use sqlx::{AnyConnection, Connection};

use crate::{Backend, Result, dialect};

/// `(version, name, sql)`, in order. Append only: a released migration never changes.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "knowledge", include_str!("../migrations/0002_knowledge.sql")),
    (3, "facilitation", include_str!("../migrations/0003_facilitation.sql")),
    (4, "learning", include_str!("../migrations/0004_learning.sql")),
    (5, "social", include_str!("../migrations/0005_social.sql")),
    (6, "network", include_str!("../migrations/0006_network.sql")),
    (7, "blogs", include_str!("../migrations/0007_blogs.sql")),
    (8, "messages", include_str!("../migrations/0008_messages.sql")),
    (9, "moderation", include_str!("../migrations/0009_moderation.sql")),
    (10, "avatars", include_str!("../migrations/0010_avatars.sql")),
    (11, "personal_blogs", include_str!("../migrations/0011_personal_blogs.sql")),
    (12, "chat", include_str!("../migrations/0012_chat.sql")),
    (13, "docs", include_str!("../migrations/0013_docs.sql")),
    (14, "events", include_str!("../migrations/0014_events.sql")),
    (15, "quarantine", include_str!("../migrations/0015_quarantine.sql")),
    (16, "health_probe", include_str!("../migrations/0016_health_probe.sql")),
    (17, "hidden_threads", include_str!("../migrations/0017_hidden_threads.sql")),
    (18, "pinned_threads", include_str!("../migrations/0018_pinned_threads.sql")),
    (19, "unread_notifications", include_str!("../migrations/0019_unread_notifications.sql")),
];

/// Applies what has not been applied and returns how many migrations ran.
pub(crate) async fn run(conn: &mut AnyConnection, backend: Backend) -> Result<usize> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .execute(&mut *conn)
    .await?;
    let mut applied = 0;
    for (version, name, sql) in MIGRATIONS {
        let mut tx = conn.begin().await?;
        dialect::lock_migrations(&mut tx, backend).await?;
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(*version)
            .fetch_optional(&mut *tx)
            .await?;
        if done.is_some() {
            continue;
        }
        tracing::info!(version, name, "applying migration");
        sqlx::raw_sql(*sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(*version)
            .bind(*name)
            .bind(crate::events::now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        applied += 1;
    }
    Ok(applied)
}

/// The newest migration this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}
