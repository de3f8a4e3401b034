//! Rendering Markdown where it delays nobody: before a write transaction
//! begins (the writer is shared by everyone), and for long texts on a
//! blocking thread, one at a time, so the async workers keep answering
//! other people's requests meanwhile. Rendering itself is bounded
//! (`stoa_domain::markdown`); this module decides where it runs.

use crate::{CoreError, Result, Stoa};

/// Texts shorter than this are rendered where they are: a blocking thread
/// costs more than they do.
const INLINE_BELOW: usize = 8 * 1024;

/// Runs `work` (rendering `size` bytes of text): inline when short, else on
/// a blocking thread, one long rendering at a time per process.
pub(crate) async fn off_workers<T: Send + 'static>(
    app: &Stoa,
    size: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    if size < INLINE_BELOW {
        return Ok(work());
    }
    let _turn = turn(app).await?;
    off_workers_in_turn(size, work).await
}

/// The turn to render a long text; held, it makes others wait (so a caller
/// may look in a cache again once it has it).
pub(crate) async fn turn(app: &Stoa) -> Result<tokio::sync::SemaphorePermit<'_>> {
    app.rendering.acquire().await.map_err(|e| CoreError::Internal(e.to_string()))
}

/// [`off_workers`] for a caller that holds the [`turn`].
pub(crate) async fn off_workers_in_turn<T: Send + 'static>(
    size: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    if size < INLINE_BELOW {
        return Ok(work());
    }
    tokio::task::spawn_blocking(work).await.map_err(|e| CoreError::Internal(format!("rendering failed: {e}")))
}
