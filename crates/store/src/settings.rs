//! Instance settings, stored as text under well-known keys.

use sqlx::AnyConnection;

use crate::Result;

/// Known setting keys.
pub mod key {
    /// `open` or `invite`: whether anyone may sign up, or only people with an invitation.
    pub const REGISTRATION: &str = "registration";
    /// The instance's name, shown in the header and page titles.
    pub const INSTANCE_NAME: &str = "instance_name";
    /// The key that signs links sent by email (unsubscribe links). Secret.
    pub const SIGNING_KEY: &str = "secret.signing_key";
}

pub async fn get(conn: &mut AnyConnection, key: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM instance_settings WHERE key = $1").bind(key).fetch_optional(conn).await?)
}

pub async fn set(conn: &mut AnyConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO instance_settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// The value under `key`, storing `value` first if there is none; when two
/// callers race, both get the one that was stored first.
pub async fn get_or_insert(conn: &mut AnyConnection, key: &str, value: &str) -> Result<String> {
    sqlx::query("INSERT INTO instance_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar("SELECT value FROM instance_settings WHERE key = $1").bind(key).fetch_one(conn).await?)
}

/// Every setting but the secret ones.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT key, value FROM instance_settings WHERE key NOT LIKE 'secret.%' ORDER BY key")
        .fetch_all(conn)
        .await?)
}
