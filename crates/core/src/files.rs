//! Uploaded files: received as a stream into a staging file, typed by their
//! content (never by their name), kept in the blob store, and handed out only
//! to people who may read the space they were uploaded to.
//!
//! An upload is three steps so that nobody can fill the disk of a space they
//! may not write to: [`may_upload`] before the first byte is read, the adapter
//! streams the body into a [`Staged`] file with the size limit enforced as it
//! goes, and [`finish`] keeps it. Anything that fails on the way leaves no file
//! behind (a dropped [`Staged`] deletes itself).

use serde::Serialize;
use stoa_domain::Action;
use stoa_domain::markdown::percent_encode_path;
use stoa_store::blobs::Staged;
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::files::{self as store, FileRow};
use stoa_store::new_id;

use crate::spaces;
use crate::{Actor, CoreError, Result, Stoa};

/// Types a browser may show inline: pictures, sound and video, which cannot
/// run scripts in the page. Everything else (HTML, SVG, PDF, text, archives)
/// is served as a download.
const INLINE_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-wav",
    "audio/mp4",
    "audio/x-flac",
    "video/mp4",
    "video/webm",
];

/// A stored file as shown.
#[derive(Debug, Clone, Serialize)]
pub struct FileInfo {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// Where it is served.
    pub url: String,
    /// Whether it is shown in the page (a picture, sound, video) rather than downloaded.
    pub inline: bool,
    /// Markdown that embeds or links it.
    pub markdown: String,
    pub created_at: i64,
}

impl FileInfo {
    pub(crate) fn of(row: &FileRow) -> Self {
        let inline = INLINE_TYPES.contains(&row.content_type.as_str());
        let url = format!("/files/{}/{}", row.id, percent_encode_path(&row.name));
        // Names stored before bidirectional controls were stripped lose them here.
        let name = clean_name(&row.name);
        let label: String = name.chars().filter(|c| !matches!(c, '[' | ']' | '\\')).collect();
        let markdown = if row.content_type.starts_with("image/") && inline {
            format!("![{label}]({url})")
        } else {
            format!("[{label}]({url})")
        };
        Self {
            id: row.id.clone(),
            name,
            content_type: row.content_type.clone(),
            size: row.size,
            url,
            inline,
            markdown,
            created_at: row.created_at,
        }
    }
}

/// Where an upload may go: checked before the body is read.
#[derive(Debug, Clone)]
pub struct UploadTarget {
    pub space_id: String,
    pub space_slug: String,
}

/// Whether `actor` may upload to the space; the adapter asks before reading the body.
pub async fn may_upload(app: &Stoa, actor: &Actor, space_slug: &str) -> Result<UploadTarget> {
    actor.require()?;
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, space_slug, Action::Post).await?;
    Ok(UploadTarget { space_id: view.space.id, space_slug: view.space.slug })
}

/// Starts receiving an upload.
pub async fn stage(app: &Stoa) -> Result<Staged> {
    app.blobs.stage().await.map_err(|e| CoreError::io("staging an upload", &e))
}

/// Keeps a fully received upload and records it.
pub async fn finish(
    app: &Stoa,
    actor: &Actor,
    target: &UploadTarget,
    file_name: &str,
    staged: Staged,
) -> Result<FileInfo> {
    let me = actor.require()?;
    if staged.size() == 0 {
        return Err(CoreError::field("file", "file-empty"));
    }
    if staged.size() > app.config.max_upload_bytes {
        return Err(CoreError::Conflict("file-too-large"));
    }
    let row = FileRow {
        id: new_id(),
        space_id: target.space_id.clone(),
        uploader_id: me.id.clone(),
        name: clean_name(file_name),
        content_type: sniff(staged.head()).to_owned(),
        size: i64::try_from(staged.size()).unwrap_or(i64::MAX),
        sha256: staged.sha256(),
        storage_key: new_id(),
        created_at: app.now(),
    };
    app.blobs.keep(staged, &row.storage_key).await.map_err(|e| CoreError::io("keeping an upload", &e))?;
    let recorded = async {
        let mut tx = app.store.begin().await?;
        // The space may have been left or removed while the bytes arrived.
        spaces::load_by_id(&mut tx, actor, &target.space_id, Action::Post).await?;
        store::insert(&mut tx, &row).await?;
        events::append(
            &mut tx,
            NewEvent {
                kind: kind::FILE_UPLOADED,
                actor_id: Some(&me.id),
                space_id: Some(&row.space_id),
                subject_id: Some(&row.id),
                data: serde_json::json!({"name": row.name, "size": row.size, "content_type": row.content_type}),
            },
            row.created_at,
        )
        .await?;
        stoa_store::commit(tx).await?;
        Ok::<_, CoreError>(())
    }
    .await;
    if let Err(e) = recorded {
        let _ = app.blobs.delete(&row.storage_key).await;
        return Err(e);
    }
    Ok(FileInfo::of(&row))
}

/// A file to serve: what it is and where its bytes are.
#[derive(Debug)]
pub struct Download {
    pub info: FileInfo,
    pub file: tokio::fs::File,
    pub len: u64,
}

/// Opens a file for someone who may read its space.
pub async fn open(app: &Stoa, actor: &Actor, file_id: &str) -> Result<Download> {
    let mut conn = app.store.read().await?;
    let row = store::get(&mut conn, file_id).await?.ok_or(CoreError::NotFound)?;
    spaces::load_by_id(&mut conn, actor, &row.space_id, Action::ReadContent).await?;
    drop(conn);
    let (file, len) = app.blobs.open(&row.storage_key).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CoreError::NotFound,
        _ => CoreError::Internal(format!("opening a file: {e}")),
    })?;
    Ok(Download { info: FileInfo::of(&row), file, len })
}

/// Metadata of a file for someone who may read its space.
pub async fn info(app: &Stoa, actor: &Actor, file_id: &str) -> Result<FileInfo> {
    let mut conn = app.store.read().await?;
    let row = store::get(&mut conn, file_id).await?.ok_or(CoreError::NotFound)?;
    spaces::load_by_id(&mut conn, actor, &row.space_id, Action::ReadContent).await?;
    Ok(FileInfo::of(&row))
}

/// The type of a file from its first bytes. Text is recognised as text of
/// some kind, but never as HTML or SVG: nothing uploaded is ever served as a
/// document a browser would run.
pub fn sniff(head: &[u8]) -> &'static str {
    if let Some(kind) = infer::get(head) {
        let mime = kind.mime_type();
        let document = mime.starts_with("text/") || mime.contains("xml") || mime.contains("html");
        return if document { "text/plain" } else { mime };
    }
    let text = match std::str::from_utf8(head) {
        Ok(t) => Some(t),
        // The head may end in the middle of a character.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(t) if !t.contains('\0') => "text/plain",
        _ => "application/octet-stream",
    }
}

/// A file name fit to show and to send back: no directories, no control
/// characters, no bidirectional controls (a right-to-left override shows
/// `gnp.exe` as `exe.png`), at most 120 characters, never empty.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && !matches!(c, '"' | '<' | '>'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "file".to_owned() } else { cleaned }
}

/// The characters that reorder text around them: embeddings, overrides,
/// isolates and the invisible direction marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];
        assert_eq!(sniff(&png), "image/png");
        assert_eq!(sniff(b"<html><script>alert(1)</script></html>"), "text/plain");
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), "text/plain");
        assert_eq!(sniff("caf\u{e9}".as_bytes()), "text/plain");
        assert_eq!(sniff(&[0, 159, 146, 150]), "application/octet-stream");
    }

    #[test]
    fn names_lose_paths_and_controls() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\ana\\notes.txt"), "notes.txt");
        assert_eq!(clean_name("a\u{0}b\"<c>.png"), "abc.png");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(clean_name(""), "file");
        // Issue #17, finding 8: a right-to-left override hid the real extension.
        assert_eq!(clean_name("invoice\u{202E}gnp.exe"), "invoicegnp.exe");
        assert_eq!(clean_name("a\u{2066}b\u{2069}\u{200F}.pdf"), "ab.pdf");
    }
}
