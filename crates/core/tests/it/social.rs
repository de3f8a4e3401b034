//! Reactions on posts and @mentions in them.

use stoa_core::discussions::{self, NewThreadInput, ReplyInput};
use stoa_core::{CoreError, social, spaces};

use crate::{app, community, person};

#[tokio::test]
async fn reactions_are_counted_once_per_person_and_only_where_one_may_post() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let cleo = person(&app, "cleo").await;
    let stranger = person(&app, "stranger").await;
    let slug = community(&app, &ana, "Circle", "public", "open").await;
    spaces::join(&app, &boris, &slug).await.expect("join");
    spaces::join(&app, &cleo, &slug).await.expect("join");
    let written = discussions::create_thread(
        &app,
        &ana,
        &slug,
        NewThreadInput { title: "Hello".into(), body: "First".into(), ..Default::default() },
    )
    .await
    .expect("thread");
    let post = written.post.id.clone();
    social::react(&app, &boris, &post, "helpful", true).await.expect("react");
    social::react(&app, &boris, &post, "helpful", true).await.expect("again: nothing changes");
    social::react(&app, &cleo, &post, "helpful", true).await.expect("react");
    social::react(&app, &cleo, &post, "insightful", true).await.expect("react");
    let seen = discussions::post(&app, &boris, &post).await.expect("post");
    let got: Vec<(&str, i64, bool)> = seen.reactions.iter().map(|r| (r.kind, r.count, r.mine)).collect();
    assert_eq!(got, [("helpful", 2, true), ("insightful", 1, false)]);
    social::react(&app, &boris, &post, "helpful", false).await.expect("take back");
    let page = discussions::thread_page(&app, &ana, &written.thread_id, None).await.expect("page");
    assert_eq!(
        page.posts[0].reactions.iter().map(|r| (r.kind, r.count)).collect::<Vec<_>>(),
        [("helpful", 1), ("insightful", 1)]
    );

    assert!(matches!(social::react(&app, &boris, &post, "angry", true).await, Err(CoreError::Invalid(_))));
    assert!(matches!(social::react(&app, &stranger, &post, "thanks", true).await, Err(CoreError::Forbidden)));
    let secret = community(&app, &ana, "Inner", "secret", "invite").await;
    let hidden = discussions::create_thread(
        &app,
        &ana,
        &secret,
        NewThreadInput { title: "Quiet".into(), body: "x".into(), ..Default::default() },
    )
    .await
    .expect("thread");
    assert!(matches!(social::react(&app, &stranger, &hidden.post.id, "thanks", true).await, Err(CoreError::NotFound)));
    discussions::delete_post(&app, &ana, &post).await.expect("delete");
    assert!(matches!(
        social::react(&app, &cleo, &post, "thanks", true).await,
        Err(CoreError::Conflict("post-deleted"))
    ));
}

#[tokio::test]
async fn mentions_of_people_who_exist_link_to_their_profiles() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let slug = community(&app, &ana, "Circle", "public", "open").await;
    spaces::join(&app, &boris, &slug).await.expect("join");
    let written = discussions::create_thread(
        &app,
        &ana,
        &slug,
        NewThreadInput {
            title: "Hi".into(),
            body: "Welcome @Boris! (@ghost is not here)".into(),
            ..Default::default()
        },
    )
    .await
    .expect("thread");
    assert!(written.post.body_html.contains(r#"<a href="/u/boris""#), "{}", written.post.body_html);
    assert!(written.post.body_html.contains("@ghost") && !written.post.body_html.contains("/u/ghost"));
    let reply = discussions::reply(
        &app,
        &boris,
        &written.thread_id,
        ReplyInput { body: "Thanks @ana, mail me at boris@example.org".into(), ..Default::default() },
    )
    .await
    .expect("reply");
    assert!(reply.post.body_html.contains(r#"<a href="/u/ana""#));
    assert!(!reply.post.body_html.contains("/u/example"));
    let edited =
        discussions::edit_post(&app, &boris, &reply.post.id, "Now with @ghost and @ana", None).await.expect("edit");
    assert!(edited.body_html.contains(r#"<a href="/u/ana""#) && !edited.body_html.contains("/u/ghost"));
}
