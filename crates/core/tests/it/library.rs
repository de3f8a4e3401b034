use stoa_core::files;
use stoa_core::library::{self, CollectionInput, ItemInput};
use stoa_core::spaces;
use stoa_core::{Actor, CoreError, Stoa};

use crate::{app, community, person};

fn link(title: &str, url: &str, tags: &str) -> ItemInput {
    ItemInput { kind: "link".into(), title: title.into(), url: url.into(), tags: tags.into(), ..Default::default() }
}

async fn upload(app: &Stoa, actor: &Actor, slug: &str, name: &str, bytes: &[u8]) -> Result<files::FileInfo, CoreError> {
    let target = files::may_upload(app, actor, slug).await?;
    let mut staged = files::stage(app).await?;
    staged.write(bytes).await.expect("write");
    files::finish(app, actor, &target, name, staged).await
}

#[tokio::test]
async fn items_tags_suggestions_and_collections() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bob = person(&app, "bob").await;
    let slug = community(&app, &ana, "Guild", "public", "open").await;
    spaces::join(&app, &bob, &slug).await.expect("join");

    let bad = library::create_item(&app, &bob, &slug, link("Evil", "javascript:alert(1)", "")).await;
    assert!(matches!(bad, Err(CoreError::Invalid(ref e)) if e[0].field == "url"), "{bad:?}");
    let rust = library::create_item(
        &app,
        &bob,
        &slug,
        link("The Rust Book", "https://doc.rust-lang.org/book/", "#Rust, books"),
    )
    .await
    .expect("link");
    assert_eq!(rust.tags, ["rust", "books"]);
    let article = library::create_item(
        &app,
        &ana,
        &slug,
        ItemInput {
            kind: "article".into(),
            title: "Why tests".into(),
            body: "Because <script>x</script>.".into(),
            tags: "testing".into(),
            ..Default::default()
        },
    )
    .await
    .expect("article");
    assert!(!article.body_html.contains("<script"));

    let by_tag = library::library(&app, &Actor::ANONYMOUS, &slug, Some("rust"), 1).await.expect("library");
    assert_eq!(by_tag.items.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["The Rust Book"]);
    assert!(by_tag.tags.iter().any(|(t, n)| t == "testing" && *n == 1));

    // Only facilitators suggest; a member edits only their own items.
    assert!(matches!(library::suggest_item(&app, &bob, &rust.id, true).await, Err(CoreError::Forbidden)));
    library::suggest_item(&app, &ana, &rust.id, true).await.expect("suggest");
    assert!(matches!(
        library::update_item(&app, &bob, &article.id, link("x", "https://x.org", "")).await,
        Err(CoreError::Forbidden)
    ));
    let all = library::library(&app, &bob, &slug, None, 1).await.expect("library");
    assert_eq!(all.items[0].id, rust.id, "suggested items come first");
    assert!(all.items[0].suggested && all.items[0].can_edit && !all.items[1].can_edit);

    let list = library::create_collection(
        &app,
        &bob,
        &slug,
        CollectionInput { title: "Start here".into(), body: String::new() },
    )
    .await
    .expect("collection");
    library::set_collection_items(&app, &bob, &list, &[article.id.clone(), rust.id.clone()]).await.expect("items");
    library::move_collection_item(&app, &bob, &list, &rust.id, -1).await.expect("move up");
    let view = library::collection(&app, &Actor::ANONYMOUS, &list).await.expect("view");
    assert_eq!(view.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [rust.id.as_str(), article.id.as_str()]);
    assert!(matches!(library::suggest_collection(&app, &bob, &list, true).await, Err(CoreError::Forbidden)));
    library::suggest_collection(&app, &ana, &list, true).await.expect("suggest collection");

    // Items of another space cannot be slipped into a collection.
    let other = community(&app, &bob, "Other", "public", "open").await;
    let foreign =
        library::create_item(&app, &bob, &other, link("Elsewhere", "https://example.org", "")).await.expect("item");
    let refused = library::set_collection_items(&app, &bob, &list, std::slice::from_ref(&foreign.id)).await;
    assert!(matches!(refused, Err(CoreError::Invalid(_))), "{refused:?}");

    library::delete_item(&app, &bob, &rust.id).await.expect("delete own");
    assert_eq!(library::collection(&app, &bob, &list).await.expect("view").items.len(), 1);
    assert!(matches!(library::item(&app, &bob, &rust.id).await, Err(CoreError::NotFound)));
}

#[tokio::test]
async fn files_are_typed_by_content_and_kept_from_outsiders() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let eve = person(&app, "eve").await;
    let slug = community(&app, &ana, "Secret", "secret", "open").await;

    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R', 0, 0, 0, 1];
    let image = upload(&app, &ana, &slug, "../diagram.html", &png).await.expect("upload");
    assert_eq!((image.name.as_str(), image.content_type.as_str(), image.inline), ("diagram.html", "image/png", true));
    assert!(image.markdown.starts_with("!["), "{}", image.markdown);
    let page = upload(&app, &ana, &slug, "page.png", b"<html><script>alert(1)</script>").await.expect("upload");
    assert_eq!((page.content_type.as_str(), page.inline), ("text/plain", false), "a name does not make HTML an image");

    let file = upload(&app, &ana, &slug, "notes.txt", b"hello").await.expect("upload");
    let download = files::open(&app, &ana, &file.id).await.expect("open");
    assert_eq!(download.len, 5);
    assert!(matches!(files::open(&app, &eve, &file.id).await, Err(CoreError::NotFound)));
    assert!(matches!(files::open(&app, &Actor::ANONYMOUS, &file.id).await, Err(CoreError::NotFound)));
    assert!(matches!(upload(&app, &eve, &slug, "x.txt", b"x").await, Err(CoreError::NotFound)));

    // Too large: refused, and nothing is left behind.
    let kept = app.blobs.kept_count();
    let target = files::may_upload(&app, &ana, &slug).await.expect("may");
    let mut staged = files::stage(&app).await.expect("stage");
    staged.write(&vec![b'a'; (app.config.max_upload_bytes + 1) as usize]).await.expect("write");
    let refused = files::finish(&app, &ana, &target, "big.txt", staged).await;
    assert!(matches!(refused, Err(CoreError::Conflict("file-too-large"))), "{refused:?}");
    assert_eq!((app.blobs.kept_count(), app.blobs.staging_count()), (kept, 0));

    // A file item needs a file of the same space.
    let item = library::create_item(
        &app,
        &ana,
        &slug,
        ItemInput { kind: "file".into(), title: "Notes".into(), file_id: file.id.clone(), ..Default::default() },
    )
    .await
    .expect("file item");
    assert_eq!(item.file.expect("file").size, 5);
    let missing = library::create_item(
        &app,
        &ana,
        &slug,
        ItemInput { kind: "file".into(), title: "Nothing".into(), file_id: "nope".into(), ..Default::default() },
    )
    .await;
    assert!(matches!(missing, Err(CoreError::Invalid(ref e)) if e[0].field == "file"), "{missing:?}");
}
