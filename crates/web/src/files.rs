//! Uploads and downloads, shared by the pages and the API.
//!
//! An upload is a `multipart/form-data` body with one `file` part and any
//! number of small text fields. The permission check runs before the first
//! byte is read; the file part streams into a staging file with the size
//! limit enforced as it arrives, so an oversized upload is refused with 413
//! and leaves nothing behind.
//!
//! Downloads are served only to people who may read the file's space, with
//! `Content-Disposition`, a sandboxing Content-Security-Policy, and single
//! byte ranges (`Range: bytes=a-b`) so audio and video can seek.

use std::collections::HashMap;
use std::io::SeekFrom;

use axum::Router;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use stoa_core::files::{self, FileInfo};
use stoa_core::{Actor, CoreError};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::AppState;
use crate::html::PageCtx;

/// Text fields of an upload form are small.
const MAX_FIELD_BYTES: usize = 200 * 1024;

/// Why an upload did not happen.
#[derive(Debug)]
pub enum UploadError {
    /// Refused by `core` (permission, validation).
    Core(CoreError),
    /// Larger than the limit, in bytes.
    TooLarge,
    /// Not a multipart body, or a broken one.
    Malformed(String),
    /// No `file` part.
    NoFile,
}

impl From<CoreError> for UploadError {
    fn from(e: CoreError) -> Self {
        UploadError::Core(e)
    }
}

/// An upload as received: the stored file (if the form had one) and the
/// other fields.
pub struct Received {
    /// The part named `file`.
    pub file: Option<FileInfo>,
    /// Other named file parts (a blog post's `cover` and `audio`).
    pub files: HashMap<String, FileInfo>,
    pub fields: HashMap<String, String>,
}

/// The names of the parts taken as files; each at most once.
const FILE_PARTS: [&str; 3] = ["file", "cover", "audio"];

/// Receives a multipart upload into the space `slug`. With `require_file`,
/// a form without a file part is refused.
pub async fn receive(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    headers: &HeaderMap,
    mut multipart: Multipart,
    require_file: bool,
) -> Result<Received, UploadError> {
    let app = &state.app;
    let target = files::may_upload(app, actor, slug).await?;
    let limit = app.config.max_upload_bytes;
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    // Multipart framing adds a little; anything far above the limit is refused unread.
    if declared.is_some_and(|len| len > limit.saturating_add(64 * 1024)) {
        return Err(UploadError::TooLarge);
    }
    let mut fields = HashMap::new();
    let mut files_in: HashMap<String, FileInfo> = HashMap::new();
    while let Some(mut part) = multipart.next_field().await.map_err(|e| UploadError::Malformed(e.body_text()))? {
        let name = part.name().unwrap_or_default().to_owned();
        if FILE_PARTS.contains(&name.as_str()) && part.file_name().is_some() && !files_in.contains_key(&name) {
            let file_name = part.file_name().unwrap_or("file").to_owned();
            let mut staged = files::stage(app).await?;
            while let Some(chunk) = part.chunk().await.map_err(|e| UploadError::Malformed(e.body_text()))? {
                let size = staged
                    .write(&chunk)
                    .await
                    .map_err(|e| UploadError::Core(CoreError::io("writing an upload", &e)))?;
                if size > limit {
                    // Dropping `staged` removes what was written.
                    return Err(UploadError::TooLarge);
                }
            }
            if staged.size() == 0 {
                // A file input left empty sends a part with a name and no bytes.
                continue;
            }
            files_in.insert(name, files::finish(app, actor, &target, &file_name, staged).await?);
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|e| UploadError::Malformed(e.body_text()))? {
                if value.len() + chunk.len() > MAX_FIELD_BYTES {
                    return Err(UploadError::Malformed(format!("the field {name} is too long")));
                }
                value.extend_from_slice(&chunk);
            }
            fields.insert(name, String::from_utf8_lossy(&value).into_owned());
        }
    }
    let file = files_in.remove("file");
    if require_file && file.is_none() {
        return Err(UploadError::NoFile);
    }
    Ok(Received { file, files: files_in, fields })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/files/{id}", get(download)).route("/files/{id}/{name}", get(download_named))
}

async fn download_named(
    state: State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((id, _name)): Path<(String, String)>,
) -> Response {
    download(state, ctx, headers, Path(id)).await
}

/// Serves a file to someone who may read its space.
async fn download(State(state): State<AppState>, ctx: PageCtx, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let download = match files::open(&state.app, &ctx.actor(), &id).await {
        Ok(d) => d,
        Err(e) => return crate::html::errors::for_get(&ctx, e),
    };
    let info = &download.info;
    let len = download.len;
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok()).map(|r| parse_range(r, len));
    let (status, start, end) = match range {
        Some(Some(Range::Satisfiable(a, b))) => (StatusCode::PARTIAL_CONTENT, a, b),
        Some(Some(Range::Unsatisfiable)) => {
            let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return response;
        }
        // No range, or one we do not serve (several ranges): the whole file.
        _ => (StatusCode::OK, 0, len.saturating_sub(1)),
    };
    let mut file = download.file;
    if start > 0 && file.seek(SeekFrom::Start(start)).await.is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let count = if len == 0 { 0 } else { end - start + 1 };
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file.take(count)));
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    let content_type = if info.inline { info.content_type.as_str() } else { "application/octet-stream" };
    let set = |h: &mut HeaderMap, name, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(h, header::CONTENT_TYPE, content_type);
    set(h, header::CONTENT_LENGTH, &count.to_string());
    set(h, header::ACCEPT_RANGES, "bytes");
    set(h, header::CONTENT_DISPOSITION, &disposition(info.inline, &info.name));
    set(h, header::CACHE_CONTROL, "private, max-age=300");
    // Whatever a file holds, it never runs as part of this site.
    set(h, header::CONTENT_SECURITY_POLICY, "default-src 'none'; img-src 'self'; media-src 'self'; sandbox");
    if status == StatusCode::PARTIAL_CONTENT {
        set(h, header::CONTENT_RANGE, &format!("bytes {start}-{end}/{len}"));
    }
    response
}

/// `inline` or `attachment`, with the name in ASCII and in UTF-8 (RFC 6266).
fn disposition(inline: bool, name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded = stoa_domain::markdown::percent_encode_path(name);
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[derive(Debug, PartialEq, Eq)]
enum Range {
    Satisfiable(u64, u64),
    Unsatisfiable,
}

/// Parses a single `bytes=` range against a length; `None` for anything else.
fn parse_range(value: &str, len: u64) -> Option<Range> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        // The last `b` bytes.
        let n: u64 = b.parse().ok()?;
        if n == 0 || len == 0 {
            return Some(Range::Unsatisfiable);
        }
        Range::Satisfiable(len.saturating_sub(n), len - 1)
    } else {
        let start: u64 = a.parse().ok()?;
        let end: u64 =
            if b.is_empty() { len.saturating_sub(1) } else { b.parse::<u64>().ok()?.min(len.saturating_sub(1)) };
        if start >= len || end < start {
            return Some(Range::Unsatisfiable);
        }
        Range::Satisfiable(start, end)
    };
    Some(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-4", 10), Some(Range::Satisfiable(0, 4)));
        assert_eq!(parse_range("bytes=5-", 10), Some(Range::Satisfiable(5, 9)));
        assert_eq!(parse_range("bytes=-3", 10), Some(Range::Satisfiable(7, 9)));
        assert_eq!(parse_range("bytes=8-100", 10), Some(Range::Satisfiable(8, 9)));
        assert_eq!(parse_range("bytes=10-", 10), Some(Range::Unsatisfiable));
        assert_eq!(parse_range("bytes=5-2", 10), Some(Range::Unsatisfiable));
        assert_eq!(parse_range("bytes=0-1,3-4", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
        assert_eq!(parse_range("bytes=x-", 10), None);
    }

    #[test]
    fn dispositions_quote_safely() {
        assert_eq!(disposition(false, "a\"b.html"), "attachment; filename=\"a_b.html\"; filename*=UTF-8''a%22b.html");
        assert!(disposition(true, "café.png").starts_with("inline; filename=\"caf_.png\""));
    }
}
