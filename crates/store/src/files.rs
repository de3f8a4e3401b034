//! Uploaded files' metadata; the bytes are in [`crate::blobs`].

use serde::Serialize;
use sqlx::AnyConnection;

use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct FileRow {
    pub id: String,
    pub space_id: String,
    pub uploader_id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub storage_key: String,
    pub created_at: i64,
}

pub async fn insert(conn: &mut AnyConnection, file: &FileRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO files (id, space_id, uploader_id, name, content_type, size, sha256, storage_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&file.id)
    .bind(&file.space_id)
    .bind(&file.uploader_id)
    .bind(&file.name)
    .bind(&file.content_type)
    .bind(file.size)
    .bind(&file.sha256)
    .bind(&file.storage_key)
    .bind(file.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<FileRow>> {
    Ok(sqlx::query_as(
        "SELECT id, space_id, uploader_id, name, content_type, size, sha256, storage_key, created_at
         FROM files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}
