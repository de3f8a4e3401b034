use stoa_core::discussions::{self, NewThreadInput, ReplyInput};
use stoa_core::library::{self, ItemInput};
use stoa_core::search;
use stoa_core::spaces;
use stoa_core::wiki::{self, PageInput};
use stoa_core::{Actor, Stoa};

use crate::{app, community, person};

async fn thread(app: &Stoa, who: &Actor, slug: &str, title: &str, body: &str) -> String {
    discussions::create_thread(
        app,
        who,
        slug,
        NewThreadInput { title: title.into(), body: body.into(), ..Default::default() },
    )
    .await
    .expect("thread")
    .thread_id
}

/// What a search finds, reduced to comparable parts: the total, every hit
/// over all pages (sorted, since ranking statistics may differ between an
/// index built in steps and one built at once), the facets and snippets.
async fn seen(app: &Stoa, who: &Actor, q: &str) -> (usize, Vec<(String, String)>, String) {
    let first = search::search(app, who, q, 1).await.expect("search");
    let mut hits = Vec::new();
    for n in 1..=first.pages {
        let page = search::search(app, who, q, n).await.expect("search");
        hits.extend(page.results.hits.iter().map(|h| (h.kind.as_str().to_owned(), h.id.clone())));
    }
    hits.sort();
    (first.results.total, hits, serde_json::to_string(&first.results.facets).expect("facets"))
}

#[tokio::test]
async fn search_never_shows_what_the_viewer_cannot_read() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let eve = person(&app, "eve").await;
    let open = community(&app, &ana, "Commons", "public", "invite").await;
    let hidden = community(&app, &ana, "Vault", "secret", "invite").await;
    let members = community(&app, &ana, "Club", "members", "invite").await;
    thread(&app, &ana, &open, "Deploy notes", "How we deploy xylophone builds").await;
    let secret = thread(&app, &ana, &hidden, "Zanzibar plan", "The zanzibar codeword and xylophone keys").await;
    thread(&app, &ana, &members, "Club xylophone", "Members only xylophone").await;
    wiki::create(
        &app,
        &ana,
        &hidden,
        PageInput { title: "Zanzibar wiki".into(), body: "zanzibar".into(), ..Default::default() },
    )
    .await
    .expect("page");
    library::create_item(
        &app,
        &ana,
        &hidden,
        ItemInput {
            kind: "link".into(),
            title: "Zanzibar link".into(),
            url: "https://example.org".into(),
            tags: "zanzibar".into(),
            ..Default::default()
        },
    )
    .await
    .expect("item");
    search::catch_up(&app).await.expect("index");

    for viewer in [&eve, &Actor::ANONYMOUS] {
        let (total, hits, facets) = seen(&app, viewer, "zanzibar").await;
        assert_eq!((total, hits.len()), (0, 0), "a secret word is not found, counted or faceted: {facets}");
        assert!(!facets.contains("vault") && !facets.contains("zanzibar"), "{facets}");
        let (total, hits, facets) = seen(&app, viewer, "xylophone").await;
        assert_eq!(total, 1, "only the public thread: {hits:?}");
        assert!(!facets.contains("vault") && !facets.contains("club"), "{facets}");
        let page = search::search(&app, viewer, "xylophone", 1).await.expect("search");
        assert!(page.results.hits.iter().all(|h| !h.snippet_html.contains("keys")));
        assert!(search::similar(&app, viewer, "zanzibar plan", None).await.expect("similar").is_empty());
        assert!(search::similar(&app, viewer, "plan", Some(&hidden)).await.is_err(), "the space itself is hidden");
        let (total, _, _) = seen(&app, viewer, "tag:zanzibar").await;
        assert_eq!(total, 0);
    }
    let (total, hits, _) = seen(&app, &ana, "zanzibar").await;
    assert_eq!(total, 3, "the thread, the wiki page and the library item: {hits:?}");
    assert!(hits.iter().any(|(k, id)| k == "thread" && id == &secret));
    let (total, _, _) = seen(&app, &ana, "xylophone space:club").await;
    assert_eq!(total, 1);
    let similar = search::similar(&app, &ana, "What is the zanzibar plan?", None).await.expect("similar");
    assert_eq!(similar.first().map(|h| h.id.as_str()), Some(secret.as_str()));

    // A renamed space shows its new name in results and facets.
    let rename = spaces::SpaceSettingsInput { name: Some("Strongroom".into()), ..Default::default() };
    spaces::update_space(&app, &ana, &hidden, rename).await.expect("rename");
    search::catch_up(&app).await.expect("index");
    let page = search::search(&app, &ana, "zanzibar", 1).await.expect("search");
    assert!(page.results.hits.iter().all(|h| h.space_name == "Strongroom"), "{:?}", page.results.hits);
    assert_eq!(page.results.facets.spaces.len(), 1);
    assert_eq!(page.results.facets.spaces[0].1, "Strongroom");
    // Making the space public opens its content to everyone at once: what
    // may be read is decided at query time, not at indexing time.
    let open_up = spaces::SpaceSettingsInput { visibility: Some("public".into()), ..Default::default() };
    spaces::update_space(&app, &ana, &hidden, open_up).await.expect("publish");
    assert_eq!(seen(&app, &eve, "zanzibar").await.0, 3);
}

#[tokio::test]
async fn the_index_follows_edits_and_deletes_and_a_rebuild_equals_it() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let open = community(&app, &ana, "Commons", "public", "invite").await;
    let t = thread(&app, &ana, &open, "Caching strategies", "We cache pages by revision").await;
    let reply = discussions::reply(
        &app,
        &ana,
        &t,
        ReplyInput { body: "Invalidate on quokka events".into(), reply_to: None, ..Default::default() },
    )
    .await
    .expect("reply");
    search::catch_up(&app).await.expect("index");
    assert_eq!(seen(&app, &ana, "quokka").await.0, 1);

    discussions::edit_post(&app, &ana, &reply.post.id, "Invalidate on wombat events", Some(1)).await.expect("edit");
    discussions::rename_thread(&app, &ana, &t, "Caching, revisited").await.expect("rename");
    search::catch_up(&app).await.expect("index");
    assert_eq!(seen(&app, &ana, "quokka").await.0, 0, "the old text is gone");
    let page = search::search(&app, &ana, "wombat", 1).await.expect("search");
    assert_eq!(page.results.hits[0].title, "Caching, revisited", "replies carry the new title");
    discussions::delete_post(&app, &ana, &reply.post.id).await.expect("delete");
    for n in 0..30 {
        thread(&app, &ana, &open, &format!("Topic {n}"), &format!("Body about caching number {n}")).await;
    }
    wiki::create(
        &app,
        &ana,
        &open,
        PageInput { title: "Caching".into(), body: "Wiki about caching".into(), ..Default::default() },
    )
    .await
    .expect("page");
    search::catch_up(&app).await.expect("index");
    assert_eq!(seen(&app, &ana, "wombat").await.0, 0, "deleted posts leave the index");

    let queries = ["caching", "\"caching number\"", "kind:wiki", "caching -topic", "revisited"];
    let mut before = Vec::new();
    for q in queries {
        before.push(seen(&app, &ana, q).await);
    }
    let events = search::rebuild(&app, &|_, _| {}).await.expect("rebuild");
    assert!(events > 30);
    for (q, expected) in queries.iter().zip(before) {
        assert_eq!(seen(&app, &ana, q).await, expected, "after a rebuild, {q} finds the same");
    }
}

/// An index that was lost is filled from the tables, not by replaying the
/// log, and finds what the log-fed one found: replies, a post-first
/// thread's hidden replies, deleted and opening posts, wiki pages and
/// library items alike. Until it has been filled, searches say their
/// results are partial.
#[tokio::test]
async fn a_lost_index_is_filled_from_the_tables_and_says_it_is_partial_meanwhile() {
    let app = app().await;
    // Fed from the log: filled while the site is empty, then every change is read from the log.
    let fed = Stoa::new(app.store.clone(), stoa_core::CoreConfig::default());
    search::catch_up(&fed).await.expect("index");
    let ana = person(&app, "ana").await;
    let open = community(&app, &ana, "Commons", "public", "invite").await;
    let mut replies = Vec::new();
    for n in 0..5 {
        let t = thread(&app, &ana, &open, &format!("Kestrel topic {n}"), &format!("Opening kestrel text {n}")).await;
        let reply = ReplyInput { body: format!("A kestrel reply {n}"), reply_to: None, ..Default::default() };
        replies.push(discussions::reply(&app, &ana, &t, reply).await.expect("reply").post.id);
    }
    let quiet = discussions::create_thread(
        &app,
        &ana,
        &open,
        NewThreadInput {
            title: "Kestrel round".into(),
            body: "Answer first".into(),
            post_first: Some(true),
            ..Default::default()
        },
    )
    .await
    .expect("post-first thread")
    .thread_id;
    let hidden = ReplyInput { body: "A kestrel answer not yet shown".into(), reply_to: None, ..Default::default() };
    discussions::reply(&app, &ana, &quiet, hidden).await.expect("answer");
    discussions::delete_post(&app, &ana, &replies[0]).await.expect("delete");
    wiki::create(
        &app,
        &ana,
        &open,
        PageInput { title: "Kestrel wiki".into(), body: "kestrel".into(), ..Default::default() },
    )
    .await
    .expect("page");

    assert!(!search::search(&fed, &ana, "kestrel", 1).await.expect("search").partial);
    assert!(search::catch_up(&fed).await.expect("index") > 10, "read from the log");
    let queries = ["kestrel", "kestrel kind:post", "kestrel kind:thread", "opening", "kind:wiki", "answer"];
    let mut expected = Vec::new();
    for q in queries {
        expected.push(seen(&fed, &ana, q).await);
    }
    assert_eq!(expected[1].0, 4, "four replies: one deleted, one not yet shown");

    // The same site, its index lost: filled from the tables.
    let lost = Stoa::new(app.store.clone(), stoa_core::CoreConfig::default());
    let page = search::search(&lost, &ana, "kestrel", 1).await.expect("search");
    assert!(page.partial && page.results.total == 0, "an empty index says its results are partial");
    search::catch_up(&lost).await.expect("fill");
    assert_eq!(lost.search.num_docs(), fed.search.num_docs());
    for (q, expected) in queries.iter().zip(expected) {
        assert_eq!(seen(&lost, &ana, q).await, expected, "filled from the tables, {q} finds the same");
    }
    assert!(!search::search(&lost, &ana, "kestrel", 1).await.expect("search").partial);

    // Events after the fill are read from the log as before.
    thread(&app, &ana, &open, "Kestrel afterwards", "later").await;
    search::catch_up(&lost).await.expect("index");
    assert_eq!(seen(&lost, &ana, "afterwards").await.0, 1);
}
