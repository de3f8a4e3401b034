//! Moderation: flags, the queue, hiding (and what a hidden post no longer
//! reaches), warnings, and the audit log.

use stoa_core::discussions::{self, ReplyInput};
use stoa_core::moderation::{self, Decision};
use stoa_core::spaces::{self, NewSpaceInput};
use stoa_core::{Actor, CoreError, admin, feed, notifications, search};
use stoa_domain::Role;

use crate::network::thread;
use crate::{TestApp, app, community, person};

async fn reply(app: &TestApp, who: &Actor, thread_id: &str, body: &str) -> String {
    discussions::reply(app, who, thread_id, ReplyInput { body: body.into(), ..Default::default() })
        .await
        .expect("reply")
        .post
        .id
}

fn denied(result: Result<impl std::fmt::Debug, CoreError>) -> &'static str {
    match result {
        Err(CoreError::NotFound) => "404",
        Err(CoreError::Forbidden) => "403",
        Err(CoreError::SignInRequired) => "401",
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Who may flag, see the queue and decide, for a public space, a
/// members-only one and a secret one: the owner and a facilitator moderate,
/// an admin moderates everywhere, a member flags only, an outsider flags
/// what they can read and learns nothing of a secret space.
#[tokio::test]
async fn the_moderation_matrix_by_role_and_visibility() {
    let app = app().await;
    let admin = person(&app, "admin").await; // the first account is the instance admin
    let owner = person(&app, "owner").await;
    let facilitator = person(&app, "facil").await;
    let member = person(&app, "member").await;
    let outsider = person(&app, "outsider").await;
    let author = person(&app, "author").await;
    for (visibility, outsider_reads) in [("public", true), ("members", false), ("secret", false)] {
        let slug = community(&app, &owner, &format!("Space {visibility}"), visibility, "invite").await;
        for (who, role) in [(&facilitator, Role::Facilitator), (&member, Role::Member), (&author, Role::Member)] {
            let username = who.user.as_ref().expect("user").username.clone();
            let invite = spaces::invite_person(&app, &owner, &slug, &username, role).await.expect("invite");
            spaces::answer_invite(&app, who, &invite.id, true).await.expect("accept");
        }
        let t = thread(&app, &author, &slug, "A thread", "Opening words").await;
        let post = reply(&app, &author, &t.thread_id, "A reply someone dislikes").await;

        // Flagging: anyone who may read, not the author; one open flag each.
        moderation::flag(&app, &member, &post, "spam", "").await.expect("member flags");
        assert!(matches!(
            moderation::flag(&app, &member, &post, "abuse", "again").await,
            Err(CoreError::Conflict("already-flagged"))
        ));
        assert!(matches!(
            moderation::flag(&app, &author, &post, "spam", "").await,
            Err(CoreError::Conflict("flag-own-post"))
        ));
        let by_outsider = moderation::flag(&app, &outsider, &post, "off_topic", "").await;
        match (visibility, outsider_reads) {
            (_, true) => by_outsider.expect("an outsider flags a public post"),
            ("secret", _) => assert_eq!(denied(by_outsider), "404", "{visibility}"),
            _ => assert_eq!(denied(by_outsider), "403", "{visibility}"),
        }
        assert_eq!(denied(moderation::flag(&app, &Actor::ANONYMOUS, &post, "spam", "").await), "401");

        // The queue and decisions: owner, facilitator and admin only.
        for who in [&owner, &facilitator, &admin] {
            let queue = moderation::queue(&app, who, Some(&slug)).await.expect("queue");
            assert_eq!(queue.flagged.len(), 1, "{visibility}");
        }
        let outsider_code = if visibility == "secret" { "404" } else { "403" };
        for (who, code) in [(&member, "403"), (&author, "403"), (&outsider, outsider_code)] {
            assert_eq!(denied(moderation::queue(&app, who, Some(&slug)).await), code, "{visibility} queue");
            assert_eq!(
                denied(moderation::decide(&app, who, &post, Decision::Hide, "").await),
                if who.id() == outsider.id() && !outsider_reads { outsider_code } else { "403" },
                "{visibility} hide"
            );
            assert_eq!(
                denied(moderation::warn(&app, who, &post, "stop").await),
                if who.id() == outsider.id() && !outsider_reads { outsider_code } else { "403" },
                "{visibility} warn"
            );
        }
        assert_eq!(denied(moderation::queue(&app, &Actor::ANONYMOUS, None).await), "401");
        moderation::decide(&app, &facilitator, &post, Decision::Hide, "").await.expect("facilitator hides");
        moderation::decide(&app, &admin, &post, Decision::Restore, "").await.expect("admin restores");
        moderation::decide(&app, &owner, &post, Decision::Dismiss, "").await.expect("owner dismisses");
    }
    // Someone who moderates nothing has no queue at all.
    assert_eq!(denied(moderation::queue(&app, &member, None).await), "403");
    // The audit log is for admins.
    for who in [&owner, &facilitator, &member] {
        assert_eq!(denied(moderation::audit_log(&app, who, None).await), "403");
    }
    assert_eq!(denied(moderation::audit_log(&app, &Actor::ANONYMOUS, None).await), "401");
}

#[tokio::test]
async fn a_hidden_post_is_masked_everywhere_but_for_its_author_and_the_moderators() {
    let app = app().await;
    let _admin = person(&app, "root").await;
    let owner = person(&app, "owner").await;
    let troll = person(&app, "troll").await;
    let reader = person(&app, "reader").await;
    let slug = community(&app, &owner, "Open", "public", "open").await;
    spaces::join(&app, &troll, &slug).await.expect("join");
    spaces::join(&app, &reader, &slug).await.expect("join");
    let t = thread(&app, &owner, &slug, "Welcome", "Say hello").await;
    let bad = reply(&app, &troll, &t.thread_id, "Buy zanzibarpills now #deals").await;
    search::catch_up(&app).await.expect("index");
    assert_eq!(search::search(&app, &reader, "zanzibarpills", 1).await.expect("search").results.total, 1);

    moderation::flag(&app, &reader, &bad, "other", "").await.expect_err("other needs a note");
    moderation::flag(&app, &reader, &bad, "other", "Selling pills").await.expect("flag");
    notifications::catch_up(&app).await.expect("notify");
    let owners = notifications::list(&app, &owner, None, 10).await.expect("list");
    assert_eq!(owners.items[0].kind, notifications::FLAG);
    assert_eq!(notifications::open(&app, &owner, &owners.items[0].id).await.expect("open"), "/moderation");

    moderation::decide(&app, &owner, &bad, Decision::Hide, "pills").await.expect("hide");
    // The flags closed with the decision.
    let queue = moderation::queue(&app, &owner, Some(&slug)).await.expect("queue");
    assert!(queue.flagged.is_empty());
    assert_eq!(queue.hidden.len(), 1);
    assert_eq!(queue.hidden[0].hidden_by.as_deref(), Some("owner"));

    // Readers, signed in or not, see the place but not the words.
    for who in [&reader, &Actor::ANONYMOUS] {
        let page = discussions::thread_page(&app, who, &t.thread_id, None).await.expect("page");
        let post = page.posts.iter().find(|p| p.id == bad).expect("still in its place");
        assert!(post.hidden && post.body.is_empty() && post.body_html.is_empty());
        let one = discussions::post(&app, who, &bad).await.expect("post");
        assert!(one.body.is_empty());
        assert!(discussions::post_versions(&app, who, &bad).await.expect("versions").is_empty());
    }
    // Its author and the moderators still read it.
    for who in [&troll, &owner] {
        let one = discussions::post(&app, who, &bad).await.expect("post");
        assert!(one.hidden);
        assert!(one.body.contains("zanzibarpills"));
    }
    search::catch_up(&app).await.expect("index");
    assert_eq!(search::search(&app, &reader, "zanzibarpills", 1).await.expect("search").results.total, 0);
    let feed = feed::syndicate_space(&app, &slug).await.expect("feed");
    assert!(feed.items.iter().all(|i| i.id != bad && !i.html.contains("zanzibarpills")));
    let tag = feed::tag(&app, &reader, "deals", 1).await.expect("tag");
    assert!(tag.items.is_empty(), "a hidden post still listed under its tag");

    // Restored, it is back everywhere.
    moderation::decide(&app, &owner, &bad, Decision::Restore, "").await.expect("restore");
    let one = discussions::post(&app, &reader, &bad).await.expect("post");
    assert!(!one.hidden && one.body.contains("zanzibarpills"));
    search::catch_up(&app).await.expect("index");
    assert_eq!(search::search(&app, &reader, "zanzibarpills", 1).await.expect("search").results.total, 1);
    assert_eq!(feed::tag(&app, &reader, "deals", 1).await.expect("tag").items.len(), 1);
}

#[tokio::test]
async fn a_warning_reaches_the_author_even_through_a_block() {
    let app = app().await;
    let owner = person(&app, "owner").await;
    let troll = person(&app, "troll").await;
    let slug = community(&app, &owner, "Open", "public", "open").await;
    spaces::join(&app, &troll, &slug).await.expect("join");
    let t = thread(&app, &owner, &slug, "Welcome", "Say hello").await;
    let bad = reply(&app, &troll, &t.thread_id, "rude words").await;
    stoa_core::social::block(&app, &troll, "owner", true).await.expect("block");
    assert!(matches!(
        moderation::warn(&app, &owner, &bad, "   ").await,
        Err(CoreError::Invalid(fields)) if fields[0].field == "message"
    ));
    moderation::warn(&app, &owner, &bad, "Please keep it civil.").await.expect("warn");
    notifications::catch_up(&app).await.expect("notify");
    let page = notifications::list(&app, &troll, None, 10).await.expect("list");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].kind, notifications::WARNING);
    assert_eq!(page.items[0].message, "Please keep it civil.");
    assert_eq!(page.items[0].actor_username, "owner");
}

#[tokio::test]
async fn the_queue_and_the_audit_log_show_every_action_with_actor_and_time() {
    let app = app().await;
    let root = person(&app, "root").await;
    let owner = person(&app, "owner").await;
    let member = person(&app, "member").await;
    let slug = community(&app, &owner, "Open", "public", "open").await;
    spaces::join(&app, &member, &slug).await.expect("join");
    let t = thread(&app, &member, &slug, "Member's thread", "words").await;
    let one = reply(&app, &member, &t.thread_id, "first").await;
    let two = reply(&app, &member, &t.thread_id, "second").await;
    let three = reply(&app, &member, &t.thread_id, "third").await;

    let mut expected: Vec<(&str, &str, i64)> = Vec::new();
    let mut step = |app: &TestApp, action: &'static str, actor: &'static str| {
        app.clock.advance(std::time::Duration::from_secs(60));
        expected.push((action, actor, app.now()));
    };
    step(&app, "post.flagged", "root");
    moderation::flag(&app, &root, &one, "spam", "looks like spam").await.expect("flag");
    step(&app, "post.hidden", "owner");
    moderation::decide(&app, &owner, &one, Decision::Hide, "spam indeed").await.expect("hide");
    step(&app, "post.restored", "root");
    moderation::decide(&app, &root, &one, Decision::Restore, "").await.expect("restore");
    step(&app, "post.flagged", "owner");
    moderation::flag(&app, &owner, &two, "off_topic", "").await.expect("flag");
    step(&app, "post.flags_dismissed", "root");
    moderation::decide(&app, &root, &two, Decision::Dismiss, "fine").await.expect("dismiss");
    step(&app, "post.author_warned", "owner");
    moderation::warn(&app, &owner, &two, "Mind the topic").await.expect("warn");
    step(&app, "post.flagged", "root");
    moderation::flag(&app, &root, &three, "abuse", "").await.expect("flag");
    step(&app, "post.deleted", "owner");
    discussions::delete_post(&app, &owner, &three).await.expect("moderator deletes");
    assert!(
        moderation::queue(&app, &owner, Some(&slug)).await.expect("queue").flagged.is_empty(),
        "a deleted post leaves the queue"
    );
    step(&app, "member.removed", "owner");
    spaces::remove_member(&app, &owner, &slug, "member").await.expect("remove");
    step(&app, "admin.user_changed", "root");
    admin::set_suspended(&app, &root, "member", true).await.expect("suspend");
    // Nothing done twice is written twice; a member's own deletion is not
    // a moderator's action.
    moderation::decide(&app, &root, &one, Decision::Restore, "").await.expect("restore again");

    // The admins' log: every action but the flags (which are not a
    // moderator's), newest first, with who and when.
    let log = moderation::audit_log(&app, &root, None).await.expect("log");
    let seen: Vec<(&str, &str, i64)> =
        log.entries.iter().map(|e| (e.action.as_str(), e.actor_username.as_str(), e.at)).collect();
    let want: Vec<(&str, &str, i64)> = expected.iter().rev().filter(|e| e.0 != "post.flagged").copied().collect();
    assert_eq!(seen, want);
    let hidden = log.entries.iter().find(|e| e.action == "post.hidden").expect("hidden");
    assert_eq!(hidden.target.as_ref().map(|t| t.path.clone()), Some(format!("/p/{one}")));
    assert_eq!(hidden.target.as_ref().map(|t| t.label.as_str()), Some("Member's thread"));
    assert!(hidden.details.contains(&("note".into(), "spam indeed".into())));
    assert_eq!(hidden.space_slug.as_deref(), Some(slug.as_str()));
    let removed = log.entries.iter().find(|e| e.action == "member.removed").expect("removed");
    assert_eq!(removed.target.as_ref().map(|t| t.path.as_str()), Some("/u/member"));

    // The space's queue: flags and decisions in that space, with who and when.
    let queue = moderation::queue(&app, &owner, Some(&slug)).await.expect("queue");
    let history: Vec<(&str, &str, i64)> =
        queue.history.iter().map(|e| (e.action.as_str(), e.actor_username.as_str(), e.at)).collect();
    let want: Vec<(&str, &str, i64)> = expected.iter().rev().filter(|e| e.0.starts_with("post.")).copied().collect();
    assert_eq!(history, want);
    let warned = queue.history.iter().find(|e| e.action == "post.author_warned").expect("warned");
    assert!(warned.details.contains(&("message".into(), "Mind the topic".into())));

    // Paging the log goes on where a page stopped.
    let first = moderation::audit_log(&app, &root, None).await.expect("log");
    assert!(first.next_before.is_none(), "fewer entries than a page");
    // Space creation by someone else elsewhere does not enter the log.
    spaces::create_space(
        &app,
        &member_again(&app).await,
        NewSpaceInput {
            kind: "community".into(),
            name: "Elsewhere".into(),
            visibility: "public".into(),
            join_policy: "open".into(),
            ..Default::default()
        },
    )
    .await
    .expect("space");
    assert_eq!(moderation::audit_log(&app, &root, None).await.expect("log").entries.len(), want_len(&expected));
}

async fn member_again(app: &TestApp) -> Actor {
    person(app, "newcomer").await
}

fn want_len(expected: &[(&str, &str, i64)]) -> usize {
    expected.iter().filter(|e| e.0 != "post.flagged").count()
}
