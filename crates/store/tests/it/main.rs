//! The store conformance suite: every store function, on SQLite and (when
//! `STOA_TEST_POSTGRES_URL` is set) on PostgreSQL, each test on a database of
//! its own.

mod calendar;
mod chat;
mod docs;
mod events;
mod facilitation;
mod jobs;
mod moderation;
mod notifications;
mod readers;
mod spaces;
mod threads;
mod users;
mod wiki;
mod writer;

use stoa_store::users::NewUser;
use stoa_store::{Store, new_id};

/// Inserts a person and returns their id.
pub async fn person(store: &Store, username: &str) -> String {
    let id = new_id();
    let mut tx = store.begin().await.expect("begin");
    stoa_store::users::insert(
        &mut tx,
        &NewUser {
            id: &id,
            username,
            email: Some(&format!("{username}@example.org")),
            display_name: &username.to_uppercase(),
            password_hash: "not-a-real-hash",
            is_admin: false,
            locale: None,
            created_at: 1_000,
        },
    )
    .await
    .expect("insert user");
    tx.commit().await.expect("commit");
    id
}
