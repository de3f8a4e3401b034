//! Use-case tests: the actions as a person takes them, against a real
//! database (PostgreSQL when `STOA_TEST_POSTGRES_URL` is set, else SQLite).

mod accounts;
mod coedit;
mod discussions;
mod facilitation;
mod learning;
mod library;
mod moderation;
mod network;
mod search;
mod social;
mod spaces;
mod wiki;

use stoa_core::accounts::SignUpInput;
use stoa_core::{Actor, CoreConfig, Stoa};
use stoa_store::testing::TestDb;

/// An application on a fresh database, with a clock the test moves.
pub struct TestApp {
    pub app: Stoa,
    _db: TestDb,
}

impl std::ops::Deref for TestApp {
    type Target = Stoa;
    fn deref(&self) -> &Stoa {
        &self.app
    }
}

pub async fn app() -> TestApp {
    let db = TestDb::from_env().await;
    let app = Stoa::new(db.store.clone(), CoreConfig::default()).with_manual_clock(1_700_000_000_000);
    TestApp { app, _db: db }
}

pub const PASSWORD: &str = "a long enough password";

/// Signs up `username` and returns them as an actor.
pub async fn person(app: &Stoa, username: &str) -> Actor {
    let session = stoa_core::accounts::sign_up(
        app,
        SignUpInput {
            username: username.into(),
            display_name: String::new(),
            email: format!("{username}@example.org"),
            password: PASSWORD.into(),
            ..SignUpInput::default()
        },
        "test",
    )
    .await
    .expect("sign up");
    Actor::signed_in(session.user)
}

/// Creates a community owned by `owner` and returns its address.
pub async fn community(app: &Stoa, owner: &Actor, name: &str, visibility: &str, join_policy: &str) -> String {
    stoa_core::spaces::create_space(
        app,
        owner,
        stoa_core::spaces::NewSpaceInput {
            kind: "community".into(),
            name: name.into(),
            visibility: visibility.into(),
            join_policy: join_policy.into(),
            ..Default::default()
        },
    )
    .await
    .expect("space")
    .slug
}
