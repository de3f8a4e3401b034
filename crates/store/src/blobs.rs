//! Where uploaded files' bytes live.
//!
//! The database keeps each file's metadata ([`crate::files`]); the bytes go to
//! a blob store behind this small interface: write an upload to a staging
//! file while it streams in, then [`Blobs::keep`] it under a key, [`Blobs::open`]
//! it for reading, [`Blobs::delete`] it. Today the one backend is a directory
//! (`<data dir>/files`); an S3-compatible store for several nodes is another
//! variant of [`Blobs`] with the same four operations.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// A blob store.
#[derive(Debug, Clone)]
pub enum Blobs {
    /// Files in a directory on this machine (or a volume shared by the nodes).
    Local { root: PathBuf },
}

/// An upload being received: bytes are appended as they arrive, counted and
/// hashed. Dropping it without [`Blobs::keep`] removes the staging file.
#[derive(Debug)]
pub struct Staged {
    file: Option<tokio::fs::File>,
    path: PathBuf,
    size: u64,
    hasher: Sha256,
    /// The first bytes, kept for sniffing the type.
    head: Vec<u8>,
    kept: bool,
}

/// How many leading bytes are kept for sniffing a file's type.
pub const SNIFF_BYTES: usize = 8192;

impl Staged {
    /// Appends a chunk; returns the size so far.
    pub async fn write(&mut self, chunk: &[u8]) -> std::io::Result<u64> {
        let Some(file) = self.file.as_mut() else {
            return Err(std::io::Error::other("upload already finished"));
        };
        file.write_all(chunk).await?;
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        Ok(self.size)
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes of the upload.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The SHA-256 of everything written, in hex.
    pub fn sha256(&self) -> String {
        hex::encode(self.hasher.clone().finalize())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Blobs {
    /// A store in `root`, created if missing. Uploads left half-received by
    /// a crash (staging files older than an hour) are removed.
    pub fn local(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        let staging = root.join("staging");
        std::fs::create_dir_all(&staging)?;
        let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for entry in std::fs::read_dir(&staging)?.flatten() {
            let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < stale);
            if old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(Blobs::Local { root })
    }

    fn path_of(root: &Path, key: &str) -> std::io::Result<PathBuf> {
        // Keys are ours (ULIDs), but never let one name a path outside the root.
        if key.len() < 4 || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad blob key"));
        }
        Ok(root.join(&key[..2]).join(key))
    }

    /// Starts receiving an upload.
    pub async fn stage(&self) -> std::io::Result<Staged> {
        match self {
            Blobs::Local { root } => {
                let path = root.join("staging").join(ulid::Ulid::new().to_string());
                let file = tokio::fs::File::create(&path).await?;
                Ok(Staged { file: Some(file), path, size: 0, hasher: Sha256::new(), head: Vec::new(), kept: false })
            }
        }
    }

    /// Makes a finished upload durable under `key`.
    pub async fn keep(&self, mut staged: Staged, key: &str) -> std::io::Result<()> {
        match self {
            Blobs::Local { root } => {
                let target = Self::path_of(root, key)?;
                if let Some(mut file) = staged.file.take() {
                    file.flush().await?;
                    file.sync_all().await?;
                }
                if let Some(dir) = target.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                tokio::fs::rename(&staged.path, &target).await?;
                staged.kept = true;
                Ok(())
            }
        }
    }

    /// Opens a blob for reading, with its length.
    pub async fn open(&self, key: &str) -> std::io::Result<(tokio::fs::File, u64)> {
        match self {
            Blobs::Local { root } => {
                let file = tokio::fs::File::open(Self::path_of(root, key)?).await?;
                let len = file.metadata().await?.len();
                Ok((file, len))
            }
        }
    }

    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        match self {
            Blobs::Local { root } => match tokio::fs::remove_file(Self::path_of(root, key)?).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        }
    }

    /// How many uploads are being received or were abandoned unfinished; for tests.
    pub fn staging_count(&self) -> usize {
        match self {
            Blobs::Local { root } => std::fs::read_dir(root.join("staging")).map(|d| d.count()).unwrap_or(0),
        }
    }

    /// How many blobs are kept; for tests.
    pub fn kept_count(&self) -> usize {
        match self {
            Blobs::Local { root } => std::fs::read_dir(root)
                .map(|dirs| {
                    dirs.flatten()
                        .filter(|d| d.file_name() != "staging" && d.path().is_dir())
                        .map(|d| std::fs::read_dir(d.path()).map(|f| f.count()).unwrap_or(0))
                        .sum()
                })
                .unwrap_or(0),
        }
    }
}
