//! Q&A, anonymous posts and the facilitator's controls, as people use them.

use std::time::Duration;

use stoa_core::discussions::{self, Filter, NewThreadInput, ReplyInput};
use stoa_core::facilitation::{self, ThreadChanges};
use stoa_core::spaces::{self, DiscussionRules};
use stoa_core::{Actor, CoreError};
use stoa_domain::Role;

use crate::{TestApp, app, community, person};

/// A members-only community with an owner, a facilitator and two members.
struct Room {
    app: TestApp,
    slug: String,
    owner: Actor,
    facil: Actor,
    ana: Actor,
    bo: Actor,
}

async fn room() -> Room {
    let app = app().await;
    let owner = person(&app, "olga").await;
    let facil = person(&app, "fay").await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "boris").await;
    let slug = community(&app, &owner, "Study group", "members", "open").await;
    for who in [&facil, &ana, &bo] {
        spaces::join(&app, who, &slug).await.expect("join");
    }
    spaces::change_role(&app, &owner, &slug, "fay", Role::Facilitator).await.expect("promote");
    Room { app, slug, owner, facil, ana, bo }
}

async fn start(app: &TestApp, who: &Actor, slug: &str, input: NewThreadInput) -> String {
    discussions::create_thread(app, who, slug, input).await.expect("thread").thread_id
}

async fn question(r: &Room, title: &str) -> String {
    let input = NewThreadInput {
        title: title.into(),
        body: "How do I?".into(),
        kind: Some("question".into()),
        ..Default::default()
    };
    start(&r.app, &r.ana, &r.slug, input).await
}

async fn say(app: &TestApp, who: &Actor, thread: &str, body: &str) -> String {
    discussions::reply(app, who, thread, ReplyInput { body: body.into(), ..Default::default() })
        .await
        .expect("reply")
        .post
        .id
}

fn tick(app: &TestApp, secs: u64) {
    app.clock.advance(Duration::from_secs(secs));
}

#[tokio::test]
async fn answers_are_voted_on_sorted_by_votes_and_one_is_accepted() {
    let r = room().await;
    let q = question(&r, "How do we size a team?").await;
    let first = say(&r.app, &r.bo, &q, "Start small.").await;
    let second = say(&r.app, &r.facil, &q, "Look at the work first.").await;

    // One vote per person, changeable; not on one's own answer.
    let v = facilitation::vote(&r.app, &r.ana, &second, 1).await.expect("vote");
    assert_eq!((v.score, v.my_vote), (1, 1));
    facilitation::vote(&r.app, &r.owner, &second, 1).await.expect("vote");
    let v = facilitation::vote(&r.app, &r.owner, &second, -1).await.expect("change");
    assert_eq!(v.score, 0);
    let v = facilitation::vote(&r.app, &r.owner, &second, 1).await.expect("change back");
    assert_eq!(v.score, 2);
    assert!(matches!(facilitation::vote(&r.app, &r.bo, &first, 1).await, Err(CoreError::Conflict("vote-own-post"))));
    assert!(matches!(facilitation::vote(&r.app, &r.ana, &first, 5).await, Err(CoreError::Invalid(_))));
    let opening = discussions::thread_page(&r.app, &r.ana, &q, None).await.expect("page").posts[0].id.clone();
    assert!(matches!(facilitation::vote(&r.app, &r.bo, &opening, 1).await, Err(CoreError::Conflict("not-an-answer"))));

    let page = discussions::thread_page(&r.app, &r.ana, &q, None).await.expect("page");
    let order: Vec<&str> = page.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(order, [opening.as_str(), second.as_str(), first.as_str()], "sorted by votes");
    assert_eq!(page.posts[1].my_vote, 1);
    assert!(page.posts[1].can_accept && page.posts[1].can_vote && !page.posts[1].can_endorse);

    // Only the asker or a facilitator accepts; the accepted answer comes first.
    assert!(matches!(facilitation::accept(&r.app, &r.bo, &q, Some(&first)).await, Err(CoreError::Forbidden)));
    facilitation::accept(&r.app, &r.ana, &q, Some(&first)).await.expect("accept");
    let page = discussions::thread_page(&r.app, &r.bo, &q, None).await.expect("page");
    assert_eq!(page.posts[1].id, first);
    assert!(page.posts[1].accepted);
    assert_eq!(page.thread.accepted_post_id.as_deref(), Some(first.as_str()));

    // A facilitator endorses; a member may not.
    assert!(matches!(facilitation::endorse(&r.app, &r.ana, &second, true).await, Err(CoreError::Forbidden)));
    facilitation::endorse(&r.app, &r.facil, &second, true).await.expect("endorse");
    let post = discussions::post(&r.app, &r.bo, &second).await.expect("post");
    assert_eq!(post.endorsed_by.as_deref(), Some("fay"));
    facilitation::accept(&r.app, &r.facil, &q, None).await.expect("unaccept");
    let page = discussions::thread_page(&r.app, &r.bo, &q, None).await.expect("page");
    assert_eq!(page.thread.accepted_post_id, None);
}

#[tokio::test]
async fn questions_are_filtered_by_unanswered_and_unaccepted() {
    let r = room().await;
    let unanswered = question(&r, "Nobody knows").await;
    let answered = question(&r, "Somebody knows").await;
    let accepted = question(&r, "Settled").await;
    say(&r.app, &r.bo, &answered, "Maybe this").await;
    let answer = say(&r.app, &r.bo, &accepted, "This").await;
    facilitation::accept(&r.app, &r.ana, &accepted, Some(&answer)).await.expect("accept");
    start(&r.app, &r.bo, &r.slug, NewThreadInput { title: "Chat".into(), body: "hi".into(), ..Default::default() })
        .await;
    // A deleted answer does not answer.
    let gone = say(&r.app, &r.bo, &unanswered, "oops").await;
    discussions::delete_post(&r.app, &r.bo, &gone).await.expect("delete");

    let ids = |list: discussions::ThreadList| {
        let mut v: Vec<String> = list.threads.into_iter().map(|t| t.id).collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<_>>()
    };
    let list = |f| discussions::threads(&r.app, &r.bo, &r.slug, f, 1);
    assert_eq!(ids(list(Filter::Unanswered).await.expect("list")), sorted(vec![&unanswered]));
    assert_eq!(ids(list(Filter::Unaccepted).await.expect("list")), sorted(vec![&unanswered, &answered]));
    assert_eq!(ids(list(Filter::Questions).await.expect("list")), sorted(vec![&unanswered, &answered, &accepted]));
    let all = list(Filter::All).await.expect("list");
    assert_eq!((all.threads.len(), all.total), (4, 4));
    assert_eq!(list(Filter::Unaccepted).await.expect("list").total, 2);
}

#[tokio::test]
async fn anonymous_posts_hide_their_author_from_peers_but_not_from_facilitators() {
    let r = room().await;
    let input = || NewThreadInput {
        title: "A question I hesitate to ask".into(),
        body: "Is it fine not to know Git?".into(),
        anonymous: true,
        ..Default::default()
    };
    // Only where the space allows it.
    let refused = discussions::create_thread(&r.app, &r.ana, &r.slug, input()).await;
    assert!(matches!(refused, Err(CoreError::Invalid(ref f)) if f[0].message_id == "anonymous-not-allowed"));
    let rules = DiscussionRules { allow_anonymous: true, ..Default::default() };
    assert!(matches!(facilitation::set_rules(&r.app, &r.ana, &r.slug, rules).await, Err(CoreError::Forbidden)));
    facilitation::set_rules(&r.app, &r.facil, &r.slug, rules).await.expect("rules");
    let thread = start(&r.app, &r.ana, &r.slug, input()).await;
    let reply = discussions::reply(
        &r.app,
        &r.ana,
        &thread,
        ReplyInput { body: "Asking for a friend.".into(), anonymous: true, ..Default::default() },
    )
    .await
    .expect("reply");
    assert!(!reply.post.author_hidden, "the author sees their own name");

    // A peer sees no name anywhere: thread page, the post, the list, activity.
    let page = discussions::thread_page(&r.app, &r.bo, &thread, None).await.expect("page");
    assert!(page.thread.author_hidden && page.thread.author_username.is_empty());
    for post in &page.posts {
        assert!(post.author_hidden && post.author_username.is_empty() && post.author_display_name.is_empty());
    }
    let post = discussions::post(&r.app, &r.bo, &reply.post.id).await.expect("post");
    assert!(post.author_hidden && post.author_username.is_empty());
    let list = discussions::threads(&r.app, &r.bo, &r.slug, Filter::All, 1).await.expect("list");
    let listed = list.threads.iter().find(|t| t.id == thread).expect("listed");
    assert!(listed.author_hidden && listed.author_username.is_empty() && listed.last_poster_display_name.is_none());
    let activity = stoa_core::activity::recent(&r.app, &r.bo, 50).await.expect("activity");
    let about: Vec<_> = activity.iter().filter(|a| a.thread_id.as_deref() == Some(thread.as_str())).collect();
    assert_eq!(about.len(), 2);
    assert!(about.iter().all(|a| a.actor_hidden && a.actor_username.is_empty()));
    let serialized = serde_json::to_string(&(page, post, list, about)).expect("json");
    assert!(!serialized.contains("\"ana\"") && !serialized.contains("Ana"), "{serialized}");

    // Facilitators, the owner and the author know who wrote it.
    for who in [&r.facil, &r.owner, &r.ana] {
        let page = discussions::thread_page(&r.app, who, &thread, None).await.expect("page");
        assert!(page.posts.iter().all(|p| !p.author_hidden && p.author_username == "ana" && p.anonymous));
    }
    let activity = stoa_core::activity::recent(&r.app, &r.facil, 50).await.expect("activity");
    assert!(
        activity.iter().filter(|a| a.thread_id.as_deref() == Some(thread.as_str())).all(|a| a.actor_username == "ana")
    );
}

#[tokio::test]
async fn post_first_mode_shows_other_replies_only_after_posting() {
    let r = room().await;
    let input = NewThreadInput {
        title: "What did you learn this week?".into(),
        body: "Think first, then read the others.".into(),
        post_first: Some(true),
        ..Default::default()
    };
    assert!(matches!(
        discussions::create_thread(&r.app, &r.ana, &r.slug, input.clone()).await,
        Err(CoreError::Forbidden)
    ));
    let thread = start(&r.app, &r.facil, &r.slug, input).await;
    let secret = say(&r.app, &r.ana, &thread, "Ana's own insight about borrow checking").await;

    let page = discussions::thread_page(&r.app, &r.bo, &thread, None).await.expect("page");
    assert_eq!(page.posts.len(), 1, "only the prompt");
    assert_eq!(page.thread.hidden_replies, 1);
    assert!(!serde_json::to_string(&page).expect("json").contains("borrow checking"));
    assert!(matches!(discussions::post(&r.app, &r.bo, &secret).await, Err(CoreError::NotFound)));
    assert!(matches!(discussions::post_versions(&r.app, &r.bo, &secret).await, Err(CoreError::NotFound)));

    say(&r.app, &r.bo, &thread, "Bo's take").await;
    let page = discussions::thread_page(&r.app, &r.bo, &thread, None).await.expect("page");
    assert_eq!(page.posts.len(), 3);
    assert_eq!(page.thread.hidden_replies, 0);
    assert!(discussions::post(&r.app, &r.bo, &secret).await.is_ok());
    // Facilitators see everything without posting.
    let page = discussions::thread_page(&r.app, &r.owner, &thread, None).await.expect("page");
    assert_eq!(page.posts.len(), 3);

    // The space's rule makes new threads post-first, whoever starts them.
    let rules = DiscussionRules { post_first: true, ..Default::default() };
    facilitation::set_rules(&r.app, &r.owner, &r.slug, rules).await.expect("rules");
    let member_thread = start(
        &r.app,
        &r.bo,
        &r.slug,
        NewThreadInput { title: "Bo's prompt".into(), body: "Go".into(), ..Default::default() },
    )
    .await;
    say(&r.app, &r.ana, &member_thread, "hidden from others").await;
    let page = discussions::thread_page(&r.app, &r.owner, &member_thread, None).await.expect("page");
    assert!(page.thread.post_first);
    let page = discussions::thread_page(&r.app, &r.bo, &member_thread, None).await.expect("page");
    assert_eq!(page.posts.len(), 2, "the opener posted, so they see replies");
}

#[tokio::test]
async fn slow_mode_makes_members_wait_but_not_facilitators() {
    let r = room().await;
    let thread = start(
        &r.app,
        &r.facil,
        &r.slug,
        NewThreadInput { title: "Debate".into(), body: "Go".into(), ..Default::default() },
    )
    .await;
    let changes = ThreadChanges { slow_mode_secs: Some(60), ..Default::default() };
    assert!(matches!(
        facilitation::update_thread(&r.app, &r.ana, &thread, changes.clone()).await,
        Err(CoreError::Forbidden)
    ));
    facilitation::update_thread(&r.app, &r.facil, &thread, changes).await.expect("slow mode");
    say(&r.app, &r.ana, &thread, "first").await;
    tick(&r.app, 20);
    let again = discussions::reply(&r.app, &r.ana, &thread, ReplyInput { body: "second".into(), ..Default::default() });
    assert!(matches!(again.await, Err(CoreError::SlowMode { retry_after_secs: 40 })));
    // Another member, and the facilitator, are not held up.
    say(&r.app, &r.bo, &thread, "bo").await;
    say(&r.app, &r.facil, &thread, "facilitator").await;
    say(&r.app, &r.facil, &thread, "facilitator again").await;
    tick(&r.app, 40);
    say(&r.app, &r.ana, &thread, "second").await;

    // Space-wide slow mode counts posts anywhere in the space.
    let rules = DiscussionRules { slow_mode_secs: 300, ..Default::default() };
    facilitation::set_rules(&r.app, &r.facil, &r.slug, rules).await.expect("rules");
    let new = discussions::create_thread(
        &r.app,
        &r.ana,
        &r.slug,
        NewThreadInput { title: "Elsewhere".into(), body: "x".into(), ..Default::default() },
    );
    assert!(matches!(new.await, Err(CoreError::SlowMode { retry_after_secs: 300 })));
    let bad = DiscussionRules { slow_mode_secs: -5, ..Default::default() };
    assert!(matches!(facilitation::set_rules(&r.app, &r.facil, &r.slug, bad).await, Err(CoreError::Invalid(_))));
}

#[tokio::test]
async fn locked_and_closed_threads_take_replies_only_from_facilitators() {
    let r = room().await;
    let thread = start(
        &r.app,
        &r.ana,
        &r.slug,
        NewThreadInput { title: "Heated".into(), body: "Go".into(), ..Default::default() },
    )
    .await;
    let lock = ThreadChanges { locked: Some(true), pinned: Some(true), ..Default::default() };
    facilitation::update_thread(&r.app, &r.facil, &thread, lock).await.expect("lock");
    let refused = discussions::reply(&r.app, &r.bo, &thread, ReplyInput { body: "x".into(), ..Default::default() });
    assert!(matches!(refused.await, Err(CoreError::Conflict("thread-is-locked"))));
    say(&r.app, &r.facil, &thread, "Let's pause here.").await;
    let page = discussions::thread_page(&r.app, &r.bo, &thread, None).await.expect("page");
    assert!(page.thread.locked && page.thread.pinned && !page.thread.can_reply);

    let close = ThreadChanges { closed: Some(true), ..Default::default() };
    let no_reason = facilitation::update_thread(&r.app, &r.facil, &thread, close).await;
    assert!(matches!(no_reason, Err(CoreError::Invalid(ref f)) if f[0].field == "close_reason"));
    let close = ThreadChanges {
        closed: Some(true),
        locked: Some(false),
        close_reason: Some("Answered in the wiki".into()),
        ..Default::default()
    };
    facilitation::update_thread(&r.app, &r.owner, &thread, close).await.expect("close");
    let refused = discussions::reply(&r.app, &r.bo, &thread, ReplyInput { body: "x".into(), ..Default::default() });
    assert!(matches!(refused.await, Err(CoreError::Conflict("thread-is-closed"))));
    let page = discussions::thread_page(&r.app, &r.bo, &thread, None).await.expect("page");
    assert_eq!(page.thread.close_reason.as_deref(), Some("Answered in the wiki"));
    let reopen = ThreadChanges { closed: Some(false), pinned: Some(false), ..Default::default() };
    facilitation::update_thread(&r.app, &r.facil, &thread, reopen).await.expect("reopen");
    say(&r.app, &r.bo, &thread, "Back again").await;
    // Pinned threads come first.
    let later =
        start(&r.app, &r.bo, &r.slug, NewThreadInput { title: "Newer".into(), body: "x".into(), ..Default::default() })
            .await;
    let pin = ThreadChanges { pinned: Some(true), ..Default::default() };
    facilitation::update_thread(&r.app, &r.facil, &thread, pin).await.expect("pin");
    let list = discussions::threads(&r.app, &r.bo, &r.slug, Filter::All, 1).await.expect("list");
    assert_eq!(list.threads.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), [thread.as_str(), later.as_str()]);
}

#[tokio::test]
async fn facilitators_move_split_and_merge_threads() {
    let r = room().await;
    let other = community(&r.app, &r.facil, "Fay's corner", "secret", "invite").await;
    let thread = start(
        &r.app,
        &r.ana,
        &r.slug,
        NewThreadInput { title: "Mixed topics".into(), body: "Opening".into(), ..Default::default() },
    )
    .await;
    let a = say(&r.app, &r.bo, &thread, "About topic A").await;
    let b = discussions::reply(
        &r.app,
        &r.ana,
        &thread,
        ReplyInput { body: "More about A".into(), reply_to: Some(a.clone()), ..Default::default() },
    )
    .await
    .expect("reply")
    .post
    .id;
    let c = discussions::reply(
        &r.app,
        &r.bo,
        &thread,
        ReplyInput { body: "Back on topic".into(), reply_to: Some(a.clone()), ..Default::default() },
    )
    .await
    .expect("reply")
    .post
    .id;

    // Split: a member may not; the first chosen reply opens the new thread.
    let ids = vec![b.clone(), a.clone()];
    assert!(matches!(facilitation::split(&r.app, &r.ana, &thread, &ids, "Topic A").await, Err(CoreError::Forbidden)));
    let none: Vec<String> = Vec::new();
    assert!(matches!(
        facilitation::split(&r.app, &r.facil, &thread, &none, "Topic A").await,
        Err(CoreError::Invalid(_))
    ));
    let split = facilitation::split(&r.app, &r.facil, &thread, &ids, "Topic A").await.expect("split");
    let page = discussions::thread_page(&r.app, &r.bo, &split, None).await.expect("new thread");
    assert_eq!(page.thread.title, "Topic A");
    assert_eq!(page.thread.author_username, "boris");
    let got: Vec<(i64, &str)> = page.posts.iter().map(|p| (p.number, p.id.as_str())).collect();
    assert_eq!(got, [(1, a.as_str()), (2, b.as_str())]);
    assert_eq!(page.posts[1].reply_to_number, Some(1), "a reply within the moved posts keeps its link");
    let old = discussions::thread_page(&r.app, &r.bo, &thread, None).await.expect("old");
    assert_eq!(old.posts.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [old.posts[0].id.as_str(), c.as_str()]);
    assert_eq!(old.posts[1].reply_to_id, None, "a reply to a post that left loses its link");

    // Merge the split thread back: its posts follow, and its address leads there.
    facilitation::merge(&r.app, &r.facil, &split, &format!("/s/{}/t/{thread}", r.slug)).await.expect("merge");
    let merged = discussions::thread_page(&r.app, &r.bo, &split, None).await.expect("follows");
    assert_eq!(merged.thread.id, thread);
    assert_eq!(merged.posts.len(), 4);
    assert_eq!(merged.posts[2].id, a);
    let list = discussions::threads(&r.app, &r.bo, &r.slug, Filter::All, 1).await.expect("list");
    assert_eq!((list.threads.len(), list.total), (1, 1));
    assert!(matches!(
        facilitation::merge(&r.app, &r.facil, &thread, &thread).await,
        Err(CoreError::Invalid(ref f)) if f[0].message_id == "merge-same-thread"
    ));

    // Move to a space the facilitator runs; the members of the old one lose it.
    let hall = community(&r.app, &r.owner, "Olga's hall", "public", "open").await;
    spaces::join(&r.app, &r.facil, &hall).await.expect("join as a member");
    let refused = facilitation::move_thread(&r.app, &r.facil, &thread, &hall).await;
    assert!(
        matches!(refused, Err(CoreError::Invalid(ref f)) if f[0].message_id == "move-space-unknown"),
        "{refused:?}"
    );
    let to = facilitation::move_thread(&r.app, &r.facil, &thread, &other).await.expect("move");
    assert_eq!(to, other);
    assert!(matches!(discussions::thread_page(&r.app, &r.bo, &thread, None).await, Err(CoreError::NotFound)));
    let page = discussions::thread_page(&r.app, &r.facil, &thread, None).await.expect("moved");
    assert_eq!(page.space.slug, other);
    let here = spaces::space(&r.app, &r.bo, &r.slug).await.expect("space");
    assert_eq!(here.space.thread_count, 0);
}

#[tokio::test]
async fn a_scheduled_prompt_stays_hidden_until_it_opens() {
    let r = room().await;
    let at = r.app.now() + 3_600_000;
    let prompt = || NewThreadInput {
        title: "Week 2: what surprised you?".into(),
        body: "Share one surprise.".into(),
        opens_at: Some(at),
        ..Default::default()
    };
    assert!(matches!(discussions::create_thread(&r.app, &r.ana, &r.slug, prompt()).await, Err(CoreError::Forbidden)));
    let past = NewThreadInput { opens_at: Some(r.app.now() - 1), ..prompt() };
    assert!(matches!(
        discussions::create_thread(&r.app, &r.facil, &r.slug, past).await,
        Err(CoreError::Invalid(ref f)) if f[0].field == "opens_at"
    ));
    let thread = start(&r.app, &r.facil, &r.slug, prompt()).await;

    let member_list = discussions::threads(&r.app, &r.ana, &r.slug, Filter::All, 1).await.expect("list");
    assert!(member_list.threads.is_empty());
    assert_eq!(member_list.total, 0);
    assert!(matches!(discussions::thread_page(&r.app, &r.ana, &thread, None).await, Err(CoreError::NotFound)));
    let facil_list = discussions::threads(&r.app, &r.owner, &r.slug, Filter::All, 1).await.expect("list");
    assert_eq!(facil_list.threads[0].opens_at, Some(at));
    let activity = stoa_core::activity::recent(&r.app, &r.ana, 50).await.expect("activity");
    assert!(activity.iter().all(|a| a.thread_id.as_deref() != Some(thread.as_str())));
    stoa_core::search::catch_up(&r.app).await.expect("index");
    let found = stoa_core::search::search(&r.app, &r.owner, "surprised", 1).await.expect("search");
    assert_eq!(found.results.total, 0, "not searchable before it opens");

    let early = discussions::reply(&r.app, &r.facil, &thread, ReplyInput { body: "x".into(), ..Default::default() });
    assert!(matches!(early.await, Err(CoreError::Conflict("thread-not-open"))), "a reply would announce it");
    assert_eq!(facilitation::open_due_prompts(&r.app).await.expect("open"), 0);
    let early = NewThreadInput { title: "Opened by hand".into(), body: "Another topic".into(), ..prompt() };
    let by_hand = start(&r.app, &r.facil, &r.slug, early).await;
    assert!(matches!(facilitation::open_now(&r.app, &r.ana, &by_hand).await, Err(CoreError::NotFound)));
    facilitation::open_now(&r.app, &r.facil, &by_hand).await.expect("open now");
    assert!(discussions::thread_page(&r.app, &r.ana, &by_hand, None).await.is_ok());
    assert!(matches!(
        facilitation::open_now(&r.app, &r.facil, &by_hand).await,
        Err(CoreError::Conflict("thread-already-open"))
    ));
    tick(&r.app, 3600);
    assert_eq!(facilitation::open_due_prompts(&r.app).await.expect("open"), 1);
    assert_eq!(facilitation::open_due_prompts(&r.app).await.expect("again"), 0);
    let page = discussions::thread_page(&r.app, &r.ana, &thread, None).await.expect("open now");
    assert_eq!((page.thread.opens_at, page.thread.created_at), (None, at));
    let activity = stoa_core::activity::recent(&r.app, &r.ana, 50).await.expect("activity");
    assert!(activity.iter().any(|a| a.thread_id.as_deref() == Some(thread.as_str()) && a.what == "thread"));
    stoa_core::search::catch_up(&r.app).await.expect("index");
    let found = stoa_core::search::search(&r.app, &r.ana, "surprised", 1).await.expect("search");
    assert_eq!(found.results.total, 1);
    assert_eq!(spaces::space(&r.app, &r.ana, &r.slug).await.expect("space").space.thread_count, 2);
}

#[tokio::test]
async fn search_leaves_out_replies_a_post_first_thread_still_hides() {
    let r = room().await;
    let input = NewThreadInput {
        title: "Reflection".into(),
        body: "Write your own first.".into(),
        post_first: Some(true),
        ..Default::default()
    };
    let thread = start(&r.app, &r.facil, &r.slug, input).await;
    say(&r.app, &r.ana, &thread, "photosynthesis reminds me of batteries").await;
    stoa_core::search::catch_up(&r.app).await.expect("index");
    let found = stoa_core::search::search(&r.app, &r.bo, "photosynthesis", 1).await.expect("search");
    assert_eq!(found.results.total, 0);
    // Once the facilitator lifts the mode, replies are searchable again.
    let off = ThreadChanges { post_first: Some(false), ..Default::default() };
    facilitation::update_thread(&r.app, &r.facil, &thread, off).await.expect("off");
    stoa_core::search::catch_up(&r.app).await.expect("index");
    let found = stoa_core::search::search(&r.app, &r.bo, "photosynthesis", 1).await.expect("search");
    assert_eq!(found.results.total, 1);
}

#[tokio::test]
async fn post_first_survives_a_split_and_merges_only_join_threads_of_the_same_mode() {
    let r = room().await;
    let input = NewThreadInput {
        title: "Reflect first".into(),
        body: "Your own view, then the others'.".into(),
        post_first: Some(true),
        ..Default::default()
    };
    let thread = start(&r.app, &r.facil, &r.slug, input).await;
    let a = say(&r.app, &r.ana, &thread, "Ana's private reflection on enzymes").await;
    let split =
        facilitation::split(&r.app, &r.facil, &thread, std::slice::from_ref(&a), "Enzymes").await.expect("split");
    let page = discussions::thread_page(&r.app, &r.bo, &split, None).await.expect("new thread");
    assert!(page.thread.post_first);
    // Ana's reflection opens the new thread, so Boris sees it (post 1 is the prompt).
    assert_eq!(page.posts.len(), 1);
    let open = start(
        &r.app,
        &r.facil,
        &r.slug,
        NewThreadInput { title: "Open chat".into(), body: "Anything".into(), ..Default::default() },
    )
    .await;
    assert!(matches!(
        facilitation::merge(&r.app, &r.facil, &thread, &open).await,
        Err(CoreError::Conflict("merge-post-first"))
    ));

    // Posting and deleting does not unlock the others' replies.
    say(&r.app, &r.ana, &thread, "another reflection").await;
    let mine = say(&r.app, &r.bo, &thread, "placeholder").await;
    discussions::delete_post(&r.app, &r.bo, &mine).await.expect("delete");
    let page = discussions::thread_page(&r.app, &r.bo, &thread, None).await.expect("page");
    assert!(page.posts.iter().all(|p| p.number == 1 || p.id == mine), "hidden again after deleting");
}

#[tokio::test]
async fn scheduled_prompts_sit_above_a_full_first_page_without_taking_its_places() {
    let r = room().await;
    for i in 0..26 {
        start(
            &r.app,
            &r.ana,
            &r.slug,
            NewThreadInput { title: format!("T{i}"), body: "b".into(), ..Default::default() },
        )
        .await;
        tick(&r.app, 1);
    }
    let prompt = NewThreadInput {
        title: "Later".into(),
        body: "x".into(),
        opens_at: Some(r.app.now() + 60_000),
        anonymous: false,
        ..Default::default()
    };
    let scheduled = start(&r.app, &r.facil, &r.slug, prompt).await;
    let first = discussions::threads(&r.app, &r.facil, &r.slug, Filter::All, 1).await.expect("page 1");
    assert_eq!(first.threads.len(), 26, "25 threads and the prompt");
    assert_eq!(first.threads[0].id, scheduled);
    assert!(first.has_more);
    let second = discussions::threads(&r.app, &r.facil, &r.slug, Filter::All, 2).await.expect("page 2");
    assert_eq!(second.threads.len(), 1);
    assert_eq!(second.threads[0].title, "T0");
}

#[tokio::test]
async fn an_anonymous_prompt_opens_without_naming_its_author_and_moved_threads_leave_old_activity() {
    let r = room().await;
    let rules = DiscussionRules { allow_anonymous: true, ..Default::default() };
    facilitation::set_rules(&r.app, &r.facil, &r.slug, rules).await.expect("rules");
    let prompt = NewThreadInput {
        title: "An anonymous prompt".into(),
        body: "x".into(),
        opens_at: Some(r.app.now() + 1000),
        anonymous: true,
        ..Default::default()
    };
    let thread = start(&r.app, &r.facil, &r.slug, prompt).await;
    tick(&r.app, 2);
    facilitation::open_due_prompts(&r.app).await.expect("open");
    let activity = stoa_core::activity::recent(&r.app, &r.bo, 50).await.expect("activity");
    let opened = activity.iter().find(|a| a.thread_id.as_deref() == Some(thread.as_str())).expect("listed");
    assert!(opened.actor_hidden && opened.actor_username.is_empty());

    // A thread moved into a space Boris cannot read leaves his activity list.
    let private = community(&r.app, &r.facil, "Facilitators' room", "secret", "invite").await;
    facilitation::move_thread(&r.app, &r.facil, &thread, &private).await.expect("move");
    let activity = stoa_core::activity::recent(&r.app, &r.bo, 50).await.expect("activity");
    assert!(activity.iter().all(|a| a.thread_id.as_deref() != Some(thread.as_str())));
}
