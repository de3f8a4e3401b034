use stoa_core::discussions::{self, NewThreadInput, ReplyInput};
use stoa_core::spaces::{self, NewSpaceInput};
use stoa_core::{Actor, CoreError};

use crate::{app, person};

async fn public_space(app: &stoa_core::Stoa, owner: &Actor) -> String {
    spaces::create_space(
        app,
        owner,
        NewSpaceInput {
            kind: "community".into(),
            name: "Commons".into(),
            visibility: "public".into(),
            join_policy: "open".into(),
            ..Default::default()
        },
    )
    .await
    .expect("space")
    .slug
}

#[tokio::test]
async fn threads_and_replies_are_sanitized_and_numbered() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let slug = public_space(&app, &ana).await;
    let written = discussions::create_thread(
        &app,
        &ana,
        &slug,
        NewThreadInput {
            title: "<b>Hi</b>".into(),
            body: "Hello <img src=x onerror=alert(1)>".into(),
            ..Default::default()
        },
    )
    .await
    .expect("thread");
    assert!(!written.post.body_html.contains("onerror"), "{}", written.post.body_html);
    let reply = discussions::reply(
        &app,
        &ana,
        &written.thread_id,
        ReplyInput { body: "> quoted\n\nanswer".into(), reply_to: Some(written.post.id.clone()), ..Default::default() },
    )
    .await
    .expect("reply");
    assert_eq!((reply.post.number, reply.post.reply_to_number), (2, Some(1)));
    let page = discussions::thread_page(&app, &Actor::ANONYMOUS, &written.thread_id, None).await.expect("public read");
    assert_eq!(page.thread.title, "<b>Hi</b>", "titles are stored as typed and escaped by templates");
    assert_eq!(page.posts.len(), 2);
    assert!(!page.posts[0].can_edit && !page.posts[0].can_delete, "anonymous readers get no controls");
}

#[tokio::test]
async fn input_is_checked_only_after_the_policy() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let slug = public_space(&app, &ana).await;
    let empty = NewThreadInput { title: "".into(), body: "".into(), ..Default::default() };
    assert!(matches!(discussions::create_thread(&app, &bo, &slug, empty.clone()).await, Err(CoreError::Forbidden)));
    let Err(CoreError::Invalid(errors)) = discussions::create_thread(&app, &ana, &slug, empty).await else {
        panic!("empty input")
    };
    assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["title", "body"]);
    let huge = NewThreadInput { title: "x".repeat(100 * 1024), body: "ok".into(), ..Default::default() };
    assert!(
        matches!(discussions::create_thread(&app, &ana, &slug, huge).await, Err(CoreError::Invalid(ref e)) if e[0].message_id == "invalid-too-long")
    );
    assert!(matches!(
        discussions::reply(
            &app,
            &ana,
            "no-such-thread",
            ReplyInput { body: "x".into(), reply_to: None, ..Default::default() }
        )
        .await,
        Err(CoreError::NotFound)
    ));
}

#[tokio::test]
async fn edits_keep_versions_and_a_stale_edit_is_refused() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let slug = public_space(&app, &ana).await;
    spaces::join(&app, &bo, &slug).await.expect("join");
    let written = discussions::create_thread(
        &app,
        &ana,
        &slug,
        NewThreadInput { title: "T".into(), body: "v1".into(), ..Default::default() },
    )
    .await
    .expect("thread");
    let id = written.post.id;
    assert!(matches!(discussions::edit_post(&app, &bo, &id, "hijack", None).await, Err(CoreError::Forbidden)));
    discussions::edit_post(&app, &ana, &id, "v2", Some(1)).await.expect("edit");
    assert!(matches!(
        discussions::edit_post(&app, &ana, &id, "stale", Some(1)).await,
        Err(CoreError::Conflict("edit-conflict"))
    ));
    let versions = discussions::post_versions(&app, &Actor::ANONYMOUS, &id).await.expect("versions");
    assert_eq!(versions.iter().map(|v| v.body.as_str()).collect::<Vec<_>>(), ["v1"]);
    assert_eq!(discussions::post(&app, &bo, &id).await.expect("post").body.as_ref(), "v2");
}

#[tokio::test]
async fn deletes_are_soft_and_limited_to_authors_and_moderators() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let cy = person(&app, "cyd").await;
    let slug = public_space(&app, &ana).await;
    for who in [&bo, &cy] {
        spaces::join(&app, who, &slug).await.expect("join");
    }
    let written = discussions::create_thread(
        &app,
        &bo,
        &slug,
        NewThreadInput { title: "T".into(), body: "by bo".into(), ..Default::default() },
    )
    .await
    .expect("thread");
    let reply = discussions::reply(
        &app,
        &bo,
        &written.thread_id,
        ReplyInput { body: "bo again".into(), reply_to: None, ..Default::default() },
    )
    .await
    .expect("reply");
    assert!(matches!(discussions::delete_post(&app, &cy, &reply.post.id).await, Err(CoreError::Forbidden)));
    discussions::delete_post(&app, &bo, &reply.post.id).await.expect("author deletes");
    discussions::delete_post(&app, &ana, &written.post.id).await.expect("owner moderates");
    // A moderator deleting the opening post takes the thread away, title
    // and all, from everyone but its author and the moderators.
    let gone = discussions::thread_page(&app, &cy, &written.thread_id, None).await;
    assert!(matches!(gone, Err(CoreError::NotFound)), "{gone:?}");
    let page = discussions::thread_page(&app, &bo, &written.thread_id, None).await.expect("the author's page");
    assert!(page.thread.hidden);
    assert!(page.posts.iter().all(|p| p.deleted && p.body.is_empty() && p.body_html.is_empty()));
    assert!(discussions::post_versions(&app, &bo, &reply.post.id).await.expect("versions").is_empty());
}

#[tokio::test]
async fn a_thread_shows_what_is_new_since_the_last_visit() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let slug = public_space(&app, &ana).await;
    spaces::join(&app, &bo, &slug).await.expect("join");
    let written = discussions::create_thread(
        &app,
        &ana,
        &slug,
        NewThreadInput { title: "T".into(), body: "one".into(), ..Default::default() },
    )
    .await
    .expect("thread");
    let first = discussions::thread_page(&app, &bo, &written.thread_id, None).await.expect("first visit");
    assert_eq!((first.new_count, first.first_new), (0, None));
    app.flush().await.expect("flush");
    for body in ["two", "three"] {
        discussions::reply(
            &app,
            &ana,
            &written.thread_id,
            ReplyInput { body: body.into(), reply_to: None, ..Default::default() },
        )
        .await
        .expect("reply");
    }
    let list = discussions::threads(&app, &bo, &slug, Default::default(), 1).await.expect("list");
    assert_eq!(list.threads[0].unread, Some(2));
    let second = discussions::thread_page(&app, &bo, &written.thread_id, None).await.expect("second visit");
    assert_eq!((second.new_count, second.first_new), (2, Some(2)));
    assert_eq!(second.posts.iter().map(|p| p.is_new).collect::<Vec<_>>(), [false, true, true]);
    let third = discussions::thread_page(&app, &bo, &written.thread_id, None).await.expect("third visit");
    assert_eq!(third.new_count, 0, "the buffered position counts before it is flushed");
}

#[tokio::test]
async fn threads_page_newest_activity_first() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let slug = public_space(&app, &ana).await;
    let mut ids = Vec::new();
    for i in 0..(discussions::THREADS_PER_PAGE + 2) {
        app.clock.advance(std::time::Duration::from_secs(1));
        let w = discussions::create_thread(
            &app,
            &ana,
            &slug,
            NewThreadInput { title: format!("T{i}"), body: "b".into(), ..Default::default() },
        )
        .await
        .expect("thread");
        ids.push(w.thread_id);
    }
    app.clock.advance(std::time::Duration::from_secs(1));
    discussions::reply(&app, &ana, &ids[0], ReplyInput { body: "bump".into(), reply_to: None, ..Default::default() })
        .await
        .expect("bump");
    let first = discussions::threads(&app, &ana, &slug, Default::default(), 1).await.expect("page 1");
    assert_eq!(first.threads[0].title, "T0", "a reply brings a thread to the top");
    assert!(first.has_more);
    let second = discussions::threads(&app, &ana, &slug, Default::default(), 2).await.expect("page 2");
    assert_eq!((second.threads.len(), second.has_more), (2, false));
}

#[tokio::test]
async fn a_thread_read_again_shows_every_change_since() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let slug = public_space(&app, &ana).await;
    let written = discussions::create_thread(
        &app,
        &ana,
        &slug,
        NewThreadInput { title: "T".into(), body: "original".into(), ..Default::default() },
    )
    .await
    .expect("thread");
    let read = |app: &stoa_core::Stoa| {
        let app = app.clone();
        let id = written.thread_id.clone();
        async move { discussions::thread_page(&app, &Actor::ANONYMOUS, &id, None).await.expect("page") }
    };
    assert_eq!(read(&app).await.posts[0].body.as_ref(), "original");
    discussions::edit_post(&app, &ana, &written.post.id, "edited", None).await.expect("edit");
    assert_eq!(read(&app).await.posts[0].body.as_ref(), "edited", "an edit shows at once");
    stoa_core::accounts::update_profile(
        &app,
        &ana,
        stoa_core::accounts::ProfileInput { display_name: Some("Ana Lima".into()), ..Default::default() },
    )
    .await
    .expect("rename");
    assert_eq!(read(&app).await.posts[0].author_display_name, "Ana Lima", "a new name shows at once");
    discussions::reply(
        &app,
        &ana,
        &written.thread_id,
        ReplyInput { body: "more".into(), reply_to: None, ..Default::default() },
    )
    .await
    .expect("reply");
    assert_eq!(read(&app).await.posts.len(), 2);
    discussions::delete_post(&app, &ana, &written.post.id).await.expect("delete");
    assert!(read(&app).await.posts[0].deleted, "a delete shows at once");
}
