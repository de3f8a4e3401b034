//! Random secrets (session ids, API tokens, invite links) and their hashes.
//!
//! Secrets are 32 random bytes from the operating system, encoded as
//! URL-safe base64. Only their SHA-256 hash is stored: the secrets are random
//! enough that a fast hash is safe, unlike passwords.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

use crate::{CoreError, Result};

/// A new random secret, with an optional readable prefix (`stoa_` for API tokens).
pub(crate) fn generate(prefix: &str) -> Result<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| CoreError::Internal(format!("no randomness available: {e}")))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The stored form of a secret.
pub(crate) fn hash(secret: &str) -> String {
    hex_encode(&Sha256::digest(secret.as_bytes()))
}

fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Hashes a password with Argon2id (the crate's defaults: 19 MiB, two passes)
/// on a blocking thread, so the async runtime keeps serving others meanwhile.
pub(crate) async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::PasswordHasher;
        argon2::Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| CoreError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| CoreError::Internal(format!("password hashing task failed: {e}")))?
}

/// Checks a password against a stored hash on a blocking thread.
pub(crate) async fn verify_password(password: String, stored: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::PasswordVerifier;
        let Ok(parsed) = argon2::password_hash::phc::PasswordHash::new(&stored) else {
            return false;
        };
        argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(|e| CoreError::Internal(format!("password check task failed: {e}")))
}

/// A hash of a password nobody has, verified against when the username is
/// unknown so that a wrong username takes as long as a wrong password.
pub(crate) async fn dummy_hash() -> &'static str {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_init(|| async { hash_password("no-one-has-this-password".to_owned()).await.unwrap_or_default() }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_hashes_are_stable() {
        let a = generate("stoa_").expect("random");
        let b = generate("stoa_").expect("random");
        assert_ne!(a, b);
        assert!(a.starts_with("stoa_") && a.len() == 5 + 43, "{a}");
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[tokio::test]
    async fn passwords_verify_only_with_the_right_password() {
        let stored = hash_password("correct horse".to_owned()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify_password("correct horse".to_owned(), stored.clone()).await.expect("verify"));
        assert!(!verify_password("wrong horse".to_owned(), stored).await.expect("verify"));
        assert!(!verify_password("x".to_owned(), "not a hash".to_owned()).await.expect("verify"));
    }
}
