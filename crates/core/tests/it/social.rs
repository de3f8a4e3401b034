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
    let link = |who: &stoa_core::Actor| format!(r#"<a href="/people/{}""#, who.id().expect("signed in"));
    assert!(written.post.body_html.contains(&link(&boris)), "{}", written.post.body_html);
    assert!(written.post.body_html.contains("@ghost") && !written.post.body_html.contains("ghost\""));
    let reply = discussions::reply(
        &app,
        &boris,
        &written.thread_id,
        ReplyInput { body: "Thanks @ana, mail me at boris@example.org".into(), ..Default::default() },
    )
    .await
    .expect("reply");
    assert!(reply.post.body_html.contains(&link(&ana)));
    assert_eq!(reply.post.body_html.matches("/people/").count(), 1, "not the address");
    let edited =
        discussions::edit_post(&app, &boris, &reply.post.id, "Now with @ghost and @ana", None).await.expect("edit");
    assert!(edited.body_html.contains(&link(&ana)) && edited.body_html.matches("/people/").count() == 1);
}

#[tokio::test]
async fn people_are_found_by_what_they_know_and_want_to_learn() {
    use stoa_core::accounts::{self, PeopleFilter};
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let cleo = person(&app, "cleo").await;
    accounts::set_expertise(&app, &ana, "#Rust, postgres", "kubernetes").await.expect("ana");
    accounts::set_expertise(&app, &boris, "kubernetes", "rust").await.expect("boris");
    let bad = accounts::set_expertise(&app, &cleo, "c++", "").await;
    assert!(matches!(bad, Err(CoreError::Invalid(ref f)) if f[0].field == "skills"));
    let too_many = (0..11).map(|i| format!("t{i}")).collect::<Vec<_>>().join(" ");
    assert!(matches!(accounts::set_expertise(&app, &cleo, "", &too_many).await, Err(CoreError::Invalid(_))));

    let profile = accounts::profile(&app, &cleo, "ana").await.expect("profile");
    assert_eq!(
        (profile.skills.clone(), profile.interests.clone()),
        (vec!["postgres".to_owned(), "rust".to_owned()], vec!["kubernetes".to_owned()])
    );
    let names =
        |(people, _): (Vec<accounts::PersonSummary>, bool)| people.into_iter().map(|p| p.username).collect::<Vec<_>>();
    let by = |skill: Option<&str>, interest: Option<&str>, text: Option<&str>| PeopleFilter {
        skill: skill.map(str::to_owned),
        interest: interest.map(str::to_owned),
        text: text.map(str::to_owned),
    };
    assert_eq!(names(accounts::people(&app, &cleo, &by(Some("rust"), None, None), 1).await.expect("q")), ["ana"]);
    assert_eq!(names(accounts::people(&app, &cleo, &by(None, Some("#Rust"), None), 1).await.expect("q")), ["boris"]);
    assert_eq!(names(accounts::people(&app, &cleo, &by(None, None, Some("cle")), 1).await.expect("q")), ["cleo"]);
    assert_eq!(names(accounts::people(&app, &cleo, &by(None, None, None), 1).await.expect("q")).len(), 3);
    assert!(matches!(
        accounts::people(&app, &stoa_core::Actor::ANONYMOUS, &by(None, None, None), 1).await,
        Err(CoreError::SignInRequired)
    ));
    accounts::set_expertise(&app, &ana, "", "").await.expect("clear");
    assert!(names(accounts::people(&app, &cleo, &by(Some("rust"), None, None), 1).await.expect("q")).is_empty());
}

/// A profile's recent contributions: only what the viewer may read, never an
/// anonymous post, nothing deleted or hidden.
#[tokio::test]
async fn a_profile_lists_recent_contributions_the_viewer_may_read() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let open = community(&app, &ana, "Open", "public", "open").await;
    let vault = community(&app, &ana, "Vault", "secret", "invite").await;
    facilitate_anonymously(&app, &ana, &open).await;
    let new = |title: &str| NewThreadInput { title: title.into(), body: "words".into(), ..Default::default() };
    let public = discussions::create_thread(&app, &ana, &open, new("Public thread")).await.expect("thread");
    discussions::create_thread(&app, &ana, &vault, new("Vault thread")).await.expect("thread");
    let mut ids = Vec::new();
    for (body, anonymous) in [("signed", false), ("masked", true), ("deleted later", false), ("hidden later", false)] {
        let input = ReplyInput { body: body.into(), anonymous, ..Default::default() };
        ids.push(discussions::reply(&app, &ana, &public.thread_id, input).await.expect("reply").post.id);
    }
    discussions::delete_post(&app, &ana, &ids[2]).await.expect("delete");
    stoa_core::moderation::decide(&app, &ana, &ids[3], stoa_core::moderation::Decision::Hide, "").await.expect("hide");

    async fn seen_by(app: &stoa_core::Stoa, who: &stoa_core::Actor) -> Vec<String> {
        let profile = stoa_core::accounts::profile(app, who, "ana").await.expect("profile");
        profile
            .contributions
            .iter()
            .map(|c| {
                format!("{}:{}:{}", c.what, c.thread_title.clone().unwrap_or_default(), c.post_number.unwrap_or(0))
            })
            .collect()
    }
    let seen = |who| seen_by(&app, who);
    // Post 2 is the signed reply; 3 anonymous, 4 deleted, 5 hidden (a thread has no number here).
    assert_eq!(seen(&boris).await, ["reply:Public thread:2", "thread:Public thread:0"]);
    assert_eq!(seen(&stoa_core::Actor::ANONYMOUS).await, ["reply:Public thread:2", "thread:Public thread:0"]);
    assert_eq!(
        seen(&ana).await,
        ["reply:Public thread:2", "thread:Vault thread:0", "thread:Public thread:0"],
        "her own profile shows her secret space too, still without the anonymous post"
    );
}

async fn facilitate_anonymously(app: &stoa_core::Stoa, owner: &stoa_core::Actor, slug: &str) {
    let rules = spaces::DiscussionRules { allow_anonymous: true, ..Default::default() };
    stoa_core::facilitation::set_rules(app, owner, slug, rules).await.expect("rules");
}
