//! Follows and the home feed, #tags, blocks, notifications and email.

use std::sync::Arc;
use std::time::Duration;

use stoa_core::discussions::{self, NewThreadInput, ReplyInput};
use stoa_core::mail::{self, DigestNotice, Letter, Letters, MailSettings, Mailer, Notice};
use stoa_core::notifications;
use stoa_core::social::{self, FollowTarget};
use stoa_core::spaces::{self, DiscussionRules};
use stoa_core::testing::SmtpSink;
use stoa_core::{Actor, CoreError, facilitation, feed};

use crate::{TestApp, app, community, person};

pub(crate) async fn thread(app: &TestApp, who: &Actor, slug: &str, title: &str, body: &str) -> discussions::Written {
    discussions::create_thread(
        app,
        who,
        slug,
        NewThreadInput { title: title.into(), body: body.into(), ..Default::default() },
    )
    .await
    .expect("thread")
}

async fn reply(app: &TestApp, who: &Actor, thread_id: &str, body: &str, anonymous: bool) -> discussions::Written {
    discussions::reply(app, who, thread_id, ReplyInput { body: body.into(), reply_to: None, anonymous })
        .await
        .expect("reply")
}

fn titles(page: &feed::FeedPage) -> Vec<String> {
    page.items.iter().map(|i| format!("{}:{}", i.what, i.thread_title.clone().unwrap_or_default())).collect()
}

#[tokio::test]
async fn the_feed_follows_people_tags_and_threads_but_never_unmasks_or_leaks() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let cleo = person(&app, "cleo").await;
    let open = community(&app, &ana, "Open", "public", "open").await;
    let closed = community(&app, &cleo, "Closed", "members", "invite").await;
    spaces::join(&app, &cleo, &open).await.expect("join");
    let rules = DiscussionRules { allow_anonymous: true, ..Default::default() };
    facilitation::set_rules(&app, &ana, &open, rules).await.expect("rules");

    // Boris belongs nowhere; he follows Cleo, the tag #rust and one thread.
    social::follow(&app, &boris, &FollowTarget::Person("cleo".into()), true).await.expect("follow cleo");
    social::follow(&app, &boris, &FollowTarget::Tag("#Rust".into()), true).await.expect("follow tag");
    assert!(matches!(
        social::follow(&app, &boris, &FollowTarget::Person("boris".into()), true).await,
        Err(CoreError::Conflict("follow-self"))
    ));
    assert!(matches!(
        social::follow(&app, &boris, &FollowTarget::Space(closed.clone()), true).await,
        Err(CoreError::NotFound | CoreError::Forbidden)
    ));

    let by_cleo = thread(&app, &cleo, &open, "Cleo asks", "Anyone?").await;
    thread(&app, &ana, &open, "Ana on Rust", "Borrowing is fun #rust").await;
    thread(&app, &ana, &open, "Ana on Go", "Goroutines").await;
    thread(&app, &cleo, &closed, "Cleo in private", "secret words").await;
    let followed = thread(&app, &ana, &open, "Ana's thread", "Follow me").await;
    social::follow(&app, &boris, &FollowTarget::Thread(followed.thread_id.clone()), true).await.expect("follow");
    reply(&app, &ana, &followed.thread_id, "a reply in a followed thread", false).await;
    // Cleo answers anonymously: following Cleo must not reveal it was her.
    reply(&app, &cleo, &by_cleo.thread_id, "masked", true).await;

    let page = feed::home(&app, &boris, None, 20).await.expect("feed");
    assert_eq!(titles(&page), ["reply:Ana's thread", "thread:Ana's thread", "thread:Ana on Rust", "thread:Cleo asks"]);
    assert!(page.next_before.is_none());
    assert!(page.items.iter().all(|i| !i.actor_hidden), "an anonymous post came in by following its author");

    // Paging goes on where the last page stopped.
    let first = feed::home(&app, &boris, None, 3).await.expect("page 1");
    assert_eq!(first.items.len(), 3);
    let second = feed::home(&app, &boris, first.next_before, 3).await.expect("page 2");
    assert_eq!(titles(&second), ["thread:Cleo asks"]);
    assert!(second.next_before.is_none());

    // Members see their spaces' activity, the anonymous reply masked.
    let dan = person(&app, "dan").await;
    spaces::join(&app, &dan, &open).await.expect("join");
    let for_dan = feed::home(&app, &dan, None, 20).await.expect("feed");
    let masked = for_dan.items.iter().find(|i| i.what == "reply" && i.thread_title.as_deref() == Some("Cleo asks"));
    assert!(masked.is_some_and(|m| m.actor_hidden && m.actor_username.is_empty()), "{masked:?}");
    assert!(for_dan.items.iter().all(|i| i.thread_title.as_deref() != Some("Cleo in private")));

    // What Boris follows, labelled; unfollowing removes it.
    let list = social::following(&app, &boris).await.expect("following");
    let mut kinds: Vec<(&str, &str)> = list.iter().map(|f| (f.kind, f.label.as_str())).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, [("person", "cleo"), ("tag", "#rust"), ("thread", "Ana's thread")]);
    social::follow(&app, &boris, &FollowTarget::Person("cleo".into()), false).await.expect("unfollow");
    let page = feed::home(&app, &boris, None, 20).await.expect("feed");
    assert_eq!(titles(&page), ["reply:Ana's thread", "thread:Ana's thread", "thread:Ana on Rust"]);
}

#[tokio::test]
async fn a_tag_page_lists_readable_content_and_the_people_who_know() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let outsider = person(&app, "outsider").await;
    let open = community(&app, &ana, "Open", "public", "open").await;
    let secret = community(&app, &ana, "Hidden", "secret", "invite").await;
    spaces::join(&app, &boris, &open).await.expect("join");
    let q = discussions::create_thread(
        &app,
        &ana,
        &open,
        NewThreadInput {
            title: "How do lifetimes work?".into(),
            body: "Asking about #rust".into(),
            kind: Some("question".into()),
            ..Default::default()
        },
    )
    .await
    .expect("question");
    let answer = reply(&app, &boris, &q.thread_id, "Think of scopes.", false).await;
    facilitation::accept(&app, &ana, &q.thread_id, Some(&answer.post.id)).await.expect("accept");
    thread(&app, &ana, &secret, "Secret rust", "Hidden #rust notes").await;
    app.clock.advance(Duration::from_secs(60));
    stoa_core::wiki::create(
        &app,
        &boris,
        &open,
        stoa_core::wiki::PageInput { title: "Rust notes".into(), body: "All about #Rust".into(), ..Default::default() },
    )
    .await
    .expect("page");

    let page = feed::tag(&app, &outsider, "rust", 1).await.expect("tag page");
    let got: Vec<(&str, &str)> = page.items.iter().map(|i| (i.kind.as_str(), i.title.as_str())).collect();
    assert_eq!(got, [("wiki", "Rust notes"), ("post", "How do lifetimes work?")]);
    assert_eq!(page.experts.len(), 1);
    assert_eq!(
        (page.experts[0].username.as_str(), page.experts[0].accepted_answers, page.experts[0].wiki_edits),
        ("boris", 1, 1)
    );
    let for_owner = feed::tag(&app, &ana, "#RUST", 1).await.expect("tag page");
    assert_eq!(for_owner.items.len(), 3, "the owner of the secret space sees its post too");
    assert!(matches!(feed::tag(&app, &ana, "two tags", 1).await, Err(CoreError::Invalid(_))));

    // Editing the tag away removes the post from the page.
    discussions::edit_post(&app, &ana, &q.post.id, "Asking about lifetimes", None).await.expect("edit");
    let page = feed::tag(&app, &outsider, "rust", 1).await.expect("tag page");
    assert_eq!(page.items.len(), 1);
}

fn kinds_of(page: &notifications::NotificationPage) -> Vec<(String, String)> {
    page.items.iter().map(|n| (n.kind.clone(), n.actor_username.clone())).collect()
}

#[tokio::test]
async fn notifications_follow_replies_mentions_and_follows_and_respect_blocks_and_anonymity() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let cleo = person(&app, "cleo").await;
    let slug = community(&app, &ana, "Circle", "public", "open").await;
    spaces::join(&app, &boris, &slug).await.expect("join");
    spaces::join(&app, &cleo, &slug).await.expect("join");
    facilitation::set_rules(&app, &ana, &slug, DiscussionRules { allow_anonymous: true, ..Default::default() })
        .await
        .expect("rules");
    let t = thread(&app, &ana, &slug, "Ana's question", "What do you think?").await;
    social::follow(&app, &cleo, &FollowTarget::Thread(t.thread_id.clone()), true).await.expect("follow");
    reply(&app, &boris, &t.thread_id, "I think so, @cleo knows more", false).await;
    reply(&app, &cleo, &t.thread_id, "anonymous thoughts", true).await;
    notifications::catch_up(&app).await.expect("catch up");

    let for_ana = notifications::list(&app, &ana, None, 20).await.expect("list");
    assert_eq!(kinds_of(&for_ana), [("reply".into(), String::new()), ("reply".into(), "boris".into())]);
    assert_eq!(for_ana.unread, 2);
    let for_cleo = notifications::list(&app, &cleo, None, 20).await.expect("list");
    assert_eq!(kinds_of(&for_cleo), [("mention".into(), "boris".into())], "a mention outranks the followed thread");
    // Handling the same events again writes nothing twice.
    assert_eq!(notifications::catch_up(&app).await.expect("again"), 0);

    // Cleo blocks Boris: his mentions no longer link to her or notify her.
    social::block(&app, &cleo, "boris", true).await.expect("block");
    let mention = reply(&app, &boris, &t.thread_id, "@cleo again", false).await;
    assert!(!mention.post.body_html.contains("/u/cleo"), "{}", mention.post.body_html);
    notifications::catch_up(&app).await.expect("catch up");
    let for_cleo = notifications::list(&app, &cleo, None, 20).await.expect("list");
    assert_eq!(for_cleo.items.len(), 1, "nothing from the blocked person");
    assert!(social::has_blocked(&app, &cleo, "boris").await.expect("blocked"));

    // Opening one marks it read and leads to the post.
    let id = for_ana.items[1].id.clone();
    let path = notifications::open(&app, &ana, &id).await.expect("open");
    assert!(path.starts_with(&format!("/s/{slug}/t/{}#post-", t.thread_id)), "{path}");
    // Three: Boris's reply, the anonymous one, and Boris's second reply.
    assert_eq!(notifications::unread_count(&app, &ana).await.expect("count"), 2);
    assert!(matches!(notifications::open(&app, &boris, &id).await, Err(CoreError::NotFound)));
    notifications::mark_read(&app, &ana, None).await.expect("all read");
    assert_eq!(notifications::unread_count(&app, &ana).await.expect("count"), 0);

    // Leaving the space hides its notifications.
    spaces::leave(&app, &cleo, &slug).await.expect("leave");
    let _ = spaces::leave(&app, &boris, &slug).await;
    let open_space = notifications::list(&app, &cleo, None, 20).await.expect("list");
    assert_eq!(
        kinds_of(&open_space),
        [("mention".into(), "boris".into())],
        "a public space stays readable after leaving"
    );

    // Preferences: "off" stops a kind; bad values are refused.
    let prefs = notifications::set_preferences(&app, &ana, &[("reply".into(), "off".into())], Some("weekly"))
        .await
        .expect("prefs");
    assert!(prefs.kinds.contains(&("reply".into(), "off".into())) && prefs.digest == "weekly");
    assert!(matches!(
        notifications::set_preferences(&app, &ana, &[("reply".into(), "loud".into())], None).await,
        Err(CoreError::Invalid(_))
    ));
    spaces::join(&app, &cleo, &slug).await.expect("join");
    reply(&app, &cleo, &t.thread_id, "one more", false).await;
    notifications::catch_up(&app).await.expect("catch up");
    assert_eq!(notifications::list(&app, &ana, None, 20).await.expect("list").items.len(), 3);
}

#[tokio::test]
async fn post_first_threads_notify_only_those_who_may_read_the_reply() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let cleo = person(&app, "cleo").await;
    let slug = community(&app, &ana, "Circle", "public", "open").await;
    spaces::join(&app, &boris, &slug).await.expect("join");
    spaces::join(&app, &cleo, &slug).await.expect("join");
    facilitation::set_rules(&app, &ana, &slug, DiscussionRules { post_first: true, ..Default::default() })
        .await
        .expect("rules");
    let t = thread(&app, &ana, &slug, "Reflect first", "Write yours before reading others").await;
    social::follow(&app, &cleo, &FollowTarget::Thread(t.thread_id.clone()), true).await.expect("follow");
    reply(&app, &boris, &t.thread_id, "my reflection, mentioning @cleo", false).await;
    notifications::catch_up(&app).await.expect("catch up");
    assert!(notifications::list(&app, &cleo, None, 20).await.expect("list").items.is_empty());
    assert_eq!(notifications::list(&app, &ana, None, 20).await.expect("list").items.len(), 1);
}

/// Words for tests: the English a person would read, kept simple.
struct PlainLetters;

impl Letters for PlainLetters {
    fn notice(&self, n: &Notice) -> Letter {
        let who = n.actor_name.clone().unwrap_or_else(|| "Someone".into());
        Letter {
            subject: format!("{who}: {} in {}", n.kind, n.title),
            text: format!("{}\n\n{}\n\nOpen: {}\nStop these: {}\n", n.title, n.excerpt, n.link, n.unsubscribe),
            html: format!("<p>{}</p><p><a href=\"{}\">Open</a></p>", n.excerpt, n.link),
        }
    }

    fn digest(&self, d: &DigestNotice) -> Letter {
        let lines: Vec<String> = d.items.iter().map(|n| format!("- {} ({})", n.title, n.space_name)).collect();
        Letter { subject: format!("Your {} digest", d.every), text: lines.join("\n"), html: lines.join("<br>") }
    }

    fn account_exists(&self, n: &stoa_core::mail::AccountExists) -> Letter {
        let text = format!("You already have an account, @{}: {}", n.username, n.sign_in);
        Letter { subject: "Someone signed up with your address".into(), text: text.clone(), html: text }
    }
}

/// Issue #17, finding 3: sign-up said whether an address had an account.
#[tokio::test]
async fn signing_up_with_a_known_address_answers_as_any_and_tells_its_owner() {
    let sink = SmtpSink::start().await.expect("smtp");
    let app = with_mail(app().await, &sink).await;
    person(&app, "ana").await;
    let input = stoa_core::accounts::SignUpInput {
        username: "mallory".into(),
        email: "ana@example.org".into(),
        password: crate::PASSWORD.into(),
        ..Default::default()
    };
    let session = stoa_core::accounts::sign_up(&app, input, "t").await.expect("answered as for any address");
    assert_eq!(session.user.username, "mallory");
    let me = stoa_core::accounts::account(&app, &stoa_core::Actor::signed_in(session.user)).await.expect("me");
    assert_eq!(me.email, None, "the new account does not get the address");
    assert_eq!(mail::deliver_due(&app).await.expect("deliver"), 1);
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, ["ana@example.org"]);
    assert!(got[0].data.contains("already have an account, @ana"), "{}", got[0].data);
}

async fn with_mail(app: TestApp, sink: &SmtpSink) -> TestApp {
    let mut settings = MailSettings::new("127.0.0.1", sink.addr.port(), "Stoa <stoa@example.org>", "http://stoa.test/");
    settings.timeout = Duration::from_secs(5);
    let mailer = Mailer::new(settings, Arc::new(PlainLetters)).expect("mailer");
    TestApp { app: app.app.clone().with_mail(mailer), ..app }
}

#[tokio::test]
async fn a_mention_sends_exactly_one_email_with_a_working_unsubscribe_link() {
    let sink = SmtpSink::start().await.expect("smtp");
    let app = with_mail(app().await, &sink).await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let slug = community(&app, &ana, "Circle", "public", "open").await;
    spaces::join(&app, &boris, &slug).await.expect("join");
    let t = thread(&app, &ana, &slug, "Pairing", "Who wants to pair?").await;
    let written = reply(&app, &ana, &t.thread_id, "@boris would you look at the **parser**?", false).await;
    notifications::catch_up(&app).await.expect("catch up");
    assert_eq!(mail::deliver_due(&app).await.expect("deliver"), 1);
    assert_eq!(mail::deliver_due(&app).await.expect("nothing left"), 0);
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.to, ["boris@example.org"]);
    assert!(m.header("Subject").is_some_and(|s| s.contains("mention in Pairing")), "{:?}", m.header("Subject"));
    assert!(m.data.contains("would you look at the parser?"), "{}", m.data);
    let notification = &notifications::list(&app, &boris, None, 5).await.expect("list").items[0];
    let link = format!("http://stoa.test/n/{}?to=", notification.id);
    assert!(m.data.contains(&link), "{}", m.data);
    assert!(m.data.contains(&format!("%23post-{}", written.post.number)), "the link leads to the post");
    let unsubscribe = m.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert!(unsubscribe.starts_with("<http://stoa.test/unsubscribe/") && unsubscribe.ends_with('>'));
    assert_eq!(m.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));

    // The link's token works without signing in; a forged one does not.
    let token = unsubscribe.trim_start_matches("<http://stoa.test/unsubscribe/").trim_end_matches('>').to_owned();
    let forged = format!("{}x", &token[..token.len() - 1]);
    assert!(matches!(mail::unsubscribe(&app, &forged).await, Err(CoreError::NotFound)));
    assert_eq!(mail::peek_unsubscribe(&app, &token).await.expect("peek").kind, "mention");
    mail::unsubscribe(&app, &token).await.expect("unsubscribe");
    reply(&app, &ana, &t.thread_id, "@boris one more thing", false).await;
    notifications::catch_up(&app).await.expect("catch up");
    assert_eq!(mail::deliver_due(&app).await.expect("deliver"), 0, "mentions are no longer emailed");
    assert_eq!(notifications::list(&app, &boris, None, 5).await.expect("list").items.len(), 2, "but still listed");
}

#[tokio::test]
async fn a_digest_leaves_out_spaces_the_recipient_has_left() {
    let sink = SmtpSink::start().await.expect("smtp");
    let app = with_mail(app().await, &sink).await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let kept = community(&app, &ana, "Kept", "members", "open").await;
    let left = community(&app, &ana, "Left", "members", "open").await;
    let removed = community(&app, &ana, "Removed", "members", "open").await;
    for slug in [&kept, &left, &removed] {
        spaces::join(&app, &boris, slug).await.expect("join");
        social::follow(&app, &boris, &FollowTarget::Space(slug.clone()), true).await.expect("follow");
    }
    thread(&app, &ana, &kept, "Still yours to read", "a").await;
    thread(&app, &ana, &left, "From a space you left", "b").await;
    thread(&app, &ana, &removed, "From a space you were removed from", "c").await;
    notifications::catch_up(&app).await.expect("catch up");
    assert_eq!(notifications::list(&app, &boris, None, 10).await.expect("list").items.len(), 3);
    spaces::leave(&app, &boris, &left).await.expect("leave");
    spaces::remove_member(&app, &ana, &removed, "boris").await.expect("remove");

    assert_eq!(mail::queue_digests(&app).await.expect("queue"), 1);
    assert_eq!(mail::queue_digests(&app).await.expect("queue again"), 0, "one digest a day");
    assert_eq!(mail::deliver_due(&app).await.expect("deliver"), 1);
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].data.contains("Still yours to read"), "{}", got[0].data);
    assert!(!got[0].data.contains("space you left") && !got[0].data.contains("removed from"), "{}", got[0].data);
}

#[tokio::test]
async fn a_new_wiki_page_in_a_followed_space_notifies_and_leads_to_the_page() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let slug = community(&app, &ana, "Circle", "public", "open").await;
    social::follow(&app, &boris, &FollowTarget::Space(slug.clone()), true).await.expect("follow");
    stoa_core::wiki::create(
        &app,
        &ana,
        &slug,
        stoa_core::wiki::PageInput { title: "Field notes".into(), body: "What we saw".into(), ..Default::default() },
    )
    .await
    .expect("page");
    notifications::catch_up(&app).await.expect("catch up");
    let page = notifications::list(&app, &boris, None, 10).await.expect("list");
    assert_eq!(kinds_of(&page), [("space".into(), "ana".into())]);
    // Named by the page, not by its space (issue #7, finding 9).
    assert_eq!(page.items[0].title, "Field notes");
    let path = notifications::open(&app, &boris, &page.items[0].id).await.expect("open");
    assert_eq!(path, format!("/s/{slug}/wiki/field-notes"));
    // So is a library item.
    let item = stoa_core::library::ItemInput {
        kind: "article".into(),
        title: "Reading list".into(),
        body: "Books".into(),
        ..Default::default()
    };
    stoa_core::library::create_item(&app, &ana, &slug, item).await.expect("item");
    notifications::catch_up(&app).await.expect("catch up");
    let page = notifications::list(&app, &boris, None, 10).await.expect("list");
    assert!(
        page.items.iter().any(|n| n.title == "Reading list"),
        "{:?}",
        page.items.iter().map(|n| &n.title).collect::<Vec<_>>()
    );
    assert!(page.items.iter().all(|n| n.title != "Circle"), "never the space's name");
}

#[tokio::test]
async fn private_messages_reach_only_their_members_and_respect_blocks() {
    use stoa_core::messages;
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let cleo = person(&app, "cleo").await;
    let dan = person(&app, "dan").await;

    let id = messages::start(&app, &ana, &["@Boris".into()], "Coffee on **Friday**?").await.expect("start");
    let again = messages::start(&app, &ana, &["boris".into()], "Or Monday").await.expect("again");
    assert_eq!(id, again, "two people keep one conversation");
    let inbox = messages::inbox(&app, &boris).await.expect("inbox");
    assert_eq!((inbox.len(), inbox[0].unread, inbox[0].last_message.as_str()), (1, true, "Or Monday"));
    let c = messages::conversation(&app, &boris, &id, None).await.expect("read");
    assert_eq!(c.messages.len(), 2);
    assert!(c.messages[0].body_html.contains("<strong>Friday</strong>") && !c.messages[0].mine);
    assert!(!messages::inbox(&app, &boris).await.expect("inbox")[0].unread, "reading marks it read");
    messages::send(&app, &boris, &id, "Friday works").await.expect("reply");
    assert!(matches!(messages::conversation(&app, &cleo, &id, None).await, Err(CoreError::NotFound)));
    assert!(matches!(messages::send(&app, &cleo, &id, "let me in").await, Err(CoreError::NotFound)));

    // A small group; refusals for nobody, strangers and empty text.
    let group = messages::start(&app, &ana, &["boris".into(), "cleo".into()], "Group plans").await.expect("group");
    assert_ne!(group, id);
    assert!(matches!(messages::start(&app, &ana, &["ana".into()], "me").await, Err(CoreError::Invalid(_))));
    assert!(matches!(messages::start(&app, &ana, &["ghost".into()], "hi").await, Err(CoreError::Invalid(_))));
    assert!(matches!(messages::start(&app, &ana, &["boris".into()], "  ").await, Err(CoreError::Invalid(_))));

    notifications::catch_up(&app).await.expect("notifications");
    let for_boris = notifications::list(&app, &boris, None, 10).await.expect("list");
    assert_eq!(
        kinds_of(&for_boris),
        [("message".into(), "ana".into()), ("message".into(), "ana".into()), ("message".into(), "ana".into())]
    );
    let path = notifications::open(&app, &boris, &for_boris.items[0].id).await.expect("open");
    assert_eq!(path, format!("/messages/{group}"));

    // Dan blocks Ana: she can neither start a conversation with him nor
    // write into one they share, and he hears nothing from her.
    let shared = messages::start(&app, &ana, &["dan".into()], "Hello Dan").await.expect("before the block");
    social::block(&app, &dan, "ana", true).await.expect("block");
    assert!(matches!(
        messages::start(&app, &ana, &["dan".into()], "Hello?").await,
        Err(CoreError::Conflict("message-blocked"))
    ));
    assert!(matches!(messages::send(&app, &ana, &shared, "Hello?").await, Err(CoreError::Conflict("message-blocked"))));
    assert!(matches!(messages::send(&app, &dan, &shared, "bye").await, Err(CoreError::Conflict("message-blocked"))));
    assert!(!messages::conversation(&app, &dan, &shared, None).await.expect("read").may_write);
    notifications::catch_up(&app).await.expect("notifications");
    // The message sent before the block was still waiting to be notified
    // when the block came: it is not.
    assert!(notifications::list(&app, &dan, None, 10).await.expect("list").items.is_empty());
}

#[tokio::test]
async fn an_edit_that_adds_a_mention_notifies_only_the_newly_mentioned() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let boris = person(&app, "boris").await;
    let cleo = person(&app, "cleo").await;
    let dora = person(&app, "dora").await;
    let open = community(&app, &ana, "Open", "public", "open").await;
    social::block(&app, &dora, "ana", true).await.expect("block");
    let t = thread(&app, &ana, &open, "Plans", "Hello @boris").await;
    notifications::catch_up(&app).await.expect("notify");
    let mentions = |who: &Actor| {
        let app = &app.app;
        let who = who.clone();
        async move {
            notifications::list(app, &who, None, 50)
                .await
                .expect("list")
                .items
                .iter()
                .filter(|n| n.kind == notifications::MENTION)
                .count()
        }
    };
    assert_eq!((mentions(&boris).await, mentions(&cleo).await), (1, 0));

    let edit = |body: &'static str| discussions::edit_post(&app, &ana, &t.post.id, body, None);
    edit("Hello @boris and @cleo and @dora").await.expect("edit");
    notifications::catch_up(&app).await.expect("notify");
    assert_eq!(
        (mentions(&boris).await, mentions(&cleo).await, mentions(&dora).await),
        (1, 1, 0),
        "Cleo is told once; Boris was told already; Dora blocked Ana"
    );
    edit("Hello @boris and @cleo, edited again").await.expect("edit");
    notifications::catch_up(&app).await.expect("notify");
    assert_eq!((mentions(&boris).await, mentions(&cleo).await), (1, 1), "no one new, no one told again");
}
