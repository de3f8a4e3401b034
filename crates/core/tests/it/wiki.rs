use stoa_core::spaces;
use stoa_core::wiki::{self, PageInput, Saved};
use stoa_core::{Actor, CoreError};

use crate::{app, community, person};

fn input(title: &str, body: &str) -> PageInput {
    PageInput { title: title.into(), body: body.into(), summary: String::new(), parent: None }
}

const RUNBOOK: &str = "# Runbook\n\nStep one: build.\nStep two: test.\nStep three: ship.";

#[tokio::test]
async fn concurrent_edits_to_different_lines_merge() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let slug = community(&app, &ana, "Guild", "public", "open").await;
    spaces::join(&app, &bo, &slug).await.expect("join");
    wiki::create(&app, &ana, &slug, input("Runbook", RUNBOOK)).await.expect("create");

    // Both open the editor at revision 1.
    let ana_text = RUNBOOK.replace("Step one: build.", "Step one: build with --locked.");
    let bo_text = RUNBOOK.replace("Step three: ship.", "Step three: ship on Tuesdays.");
    let first = wiki::save(&app, &ana, &slug, "runbook", 1, input("Runbook", &ana_text)).await.expect("ana saves");
    assert!(matches!(first, Saved::Saved { revision: 2, merged: false, .. }), "{first:?}");
    let second = wiki::save(&app, &bo, &slug, "runbook", 1, input("Runbook", &bo_text)).await.expect("bo saves");
    assert!(matches!(second, Saved::Saved { revision: 3, merged: true, .. }), "{second:?}");

    let page = wiki::page(&app, &ana, &slug, "runbook").await.expect("page").page.expect("exists");
    assert!(page.body.contains("build with --locked.") && page.body.contains("ship on Tuesdays."), "{}", page.body);
    assert_eq!(page.revision, 3);
}

#[tokio::test]
async fn overlapping_edits_come_back_with_both_texts_and_nothing_is_written() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let slug = community(&app, &ana, "Guild", "public", "open").await;
    spaces::join(&app, &bo, &slug).await.expect("join");
    wiki::create(&app, &ana, &slug, input("Runbook", RUNBOOK)).await.expect("create");

    let ana_text = RUNBOOK.replace("Step two: test.", "Step two: run every test.");
    let bo_text = RUNBOOK.replace("Step two: test.", "Step two: test on staging.");
    wiki::save(&app, &ana, &slug, "runbook", 1, input("Runbook", &ana_text)).await.expect("ana saves");
    let mut bo_input = input("Runbook", &bo_text);
    bo_input.summary = "staging".into();
    let outcome = wiki::save(&app, &bo, &slug, "runbook", 1, bo_input).await.expect("bo saves");
    let Saved::Conflict(conflict) = outcome else { panic!("expected a conflict, got {outcome:?}") };
    assert_eq!(conflict.current_revision, 2);
    assert_eq!(conflict.current_body, ana_text, "the newest text is shown");
    assert_eq!(conflict.your_body, bo_text, "the saver's own text comes back intact");
    assert_eq!(conflict.your_summary, "staging");
    let page = wiki::page(&app, &ana, &slug, "runbook").await.expect("page").page.expect("exists");
    assert_eq!((page.revision, page.body.as_str()), (2, ana_text.as_str()), "nothing was overwritten");

    // Resolving: Bo saves a combined text based on the revision the conflict named.
    let resolved = RUNBOOK.replace("Step two: test.", "Step two: run every test on staging.");
    let saved = wiki::save(&app, &bo, &slug, "runbook", conflict.current_revision, input("Runbook", &resolved))
        .await
        .expect("resolve");
    assert!(matches!(saved, Saved::Saved { revision: 3, merged: false, .. }), "{saved:?}");

    // Conflicting title changes conflict too.
    wiki::save(&app, &ana, &slug, "runbook", 3, input("Runbook (prod)", &resolved)).await.expect("retitle");
    let clash = wiki::save(&app, &bo, &slug, "runbook", 3, input("Runbook (staging)", &resolved)).await.expect("q");
    assert!(matches!(clash, Saved::Conflict(_)), "{clash:?}");
}

#[tokio::test]
async fn diff_and_restore_across_ten_revisions() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let slug = community(&app, &ana, "Guild", "members", "open").await;
    wiki::create(&app, &ana, &slug, input("Glossary", "term 1")).await.expect("create");
    for n in 2..=10 {
        let body: String = (1..=n).map(|i| format!("term {i}\n")).collect();
        let mut edit = input("Glossary", &body);
        edit.summary = format!("add term {n}");
        let saved = wiki::save(&app, &ana, &slug, "glossary", n - 1, edit).await.expect("save");
        assert!(matches!(saved, Saved::Saved { revision, .. } if revision == n), "{saved:?}");
    }
    let history = wiki::history(&app, &ana, &slug, "glossary", 1).await.expect("history");
    assert_eq!(history.revisions.len(), 10);
    assert_eq!(history.revisions[0].summary, "add term 10");

    let diff = wiki::diff(&app, &ana, &slug, "glossary", 1, 10).await.expect("diff");
    let inserted: Vec<String> = diff
        .hunks
        .iter()
        .flat_map(|h| &h.lines)
        .filter(|l| l.tag == "insert")
        .map(|l| l.segments.iter().map(|s| s.text.as_str()).collect())
        .collect();
    assert_eq!(inserted.len(), 9, "{inserted:?}");
    assert!(inserted.contains(&"term 10".to_owned()));
    let backwards = wiki::diff(&app, &ana, &slug, "glossary", 10, 3).await.expect("diff");
    assert_eq!(backwards.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.tag == "delete").count(), 7);

    let restored = wiki::restore(&app, &ana, &slug, "glossary", 3).await.expect("restore");
    assert!(matches!(restored, Saved::Saved { revision: 11, .. }), "{restored:?}");
    let page = wiki::page(&app, &ana, &slug, "glossary").await.expect("page").page.expect("exists");
    let third = wiki::revision(&app, &ana, &slug, "glossary", 3).await.expect("rev 3");
    assert_eq!(page.body, third.body);
    assert_eq!(wiki::history(&app, &ana, &slug, "glossary", 1).await.expect("h").revisions.len(), 11);

    assert!(matches!(wiki::diff(&app, &ana, &slug, "glossary", 1, 99).await, Err(CoreError::NotFound)));
    let recent = wiki::recent_changes(&app, &ana, &slug, 1).await.expect("recent");
    assert_eq!(recent.changes[0].number, 11);
}

#[tokio::test]
async fn links_nesting_protection_and_talk() {
    let app = app().await;
    let ana = person(&app, "ana").await;
    let bo = person(&app, "bob").await;
    let eve = person(&app, "eve").await;
    let slug = community(&app, &ana, "Guild", "members", "open").await;
    spaces::join(&app, &bo, &slug).await.expect("join");

    wiki::create(&app, &ana, &slug, input("Handbook", "See [[Onboarding]] and [[Missing page]].")).await.expect("a");
    let mut child = input("Onboarding", "Welcome. Back to [[Handbook]].");
    child.parent = Some("handbook".into());
    wiki::create(&app, &bo, &slug, child).await.expect("child");
    let dup = wiki::create(&app, &bo, &slug, input("handbook", "again")).await;
    assert!(matches!(dup, Err(CoreError::Invalid(ref e)) if e[0].message_id == "wiki-page-exists"), "{dup:?}");

    let view = wiki::page(&app, &bo, &slug, "handbook").await.expect("page");
    let html = view.page.expect("exists").body_html;
    assert!(html.contains("/wiki/missing-page\" class=\"wiki-missing\""), "{html}");
    assert!(html.contains("/wiki/onboarding\"") && !html.contains("onboarding\" class=\"wiki-missing"), "{html}");
    assert_eq!(view.children.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(), ["onboarding"]);
    let onboarding = wiki::page(&app, &bo, &slug, "onboarding").await.expect("page");
    assert_eq!(onboarding.ancestors.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(), ["handbook"]);
    let index = wiki::index(&app, &bo, &slug).await.expect("index");
    assert_eq!(
        index.pages.iter().map(|p| (p.slug.as_str(), p.depth)).collect::<Vec<_>>(),
        [("handbook", 0), ("onboarding", 1)]
    );

    // A page cannot become its own ancestor.
    let mut cycle = input("Handbook", "See [[Onboarding]] and [[Missing page]].");
    cycle.parent = Some("onboarding".into());
    let refused = wiki::save(&app, &ana, &slug, "handbook", 1, cycle).await;
    assert!(matches!(refused, Err(CoreError::Invalid(ref e)) if e[0].message_id == "wiki-parent-cycle"), "{refused:?}");

    // A missing page is offered for creation, to members only.
    let missing = wiki::page(&app, &bo, &slug, "missing-page").await.expect("view");
    assert!(missing.page.is_none() && missing.rights.edit);

    // Outsiders of a members-only space read nothing and edit nothing.
    assert!(matches!(wiki::page(&app, &eve, &slug, "handbook").await, Err(CoreError::Forbidden)));
    assert!(matches!(wiki::page(&app, &Actor::ANONYMOUS, &slug, "handbook").await, Err(CoreError::SignInRequired)));
    let eve_edit = wiki::save(&app, &eve, &slug, "handbook", 1, input("Handbook", "vandalised")).await;
    assert!(matches!(eve_edit, Err(CoreError::Forbidden)), "{eve_edit:?}");

    // Protection: the owner protects; a member may no longer edit, the owner may.
    assert!(matches!(wiki::set_protected(&app, &bo, &slug, "handbook", true).await, Err(CoreError::Forbidden)));
    wiki::set_protected(&app, &ana, &slug, "handbook", true).await.expect("protect");
    let view = wiki::page(&app, &bo, &slug, "handbook").await.expect("page");
    assert!(!view.rights.edit && !view.rights.protect);
    let bo_edit = wiki::save(&app, &bo, &slug, "handbook", 1, input("Handbook", "changed")).await;
    assert!(matches!(bo_edit, Err(CoreError::Forbidden)), "{bo_edit:?}");
    assert!(matches!(wiki::restore(&app, &bo, &slug, "handbook", 1).await, Err(CoreError::Forbidden)));
    wiki::save(&app, &ana, &slug, "handbook", 1, input("Handbook", "changed")).await.expect("owner edits");

    // The talk page is a thread: started by the first post, continued by later ones.
    let thread = wiki::talk(&app, &bo, &slug, "handbook", "Should we split this page?").await.expect("talk");
    let again = wiki::talk(&app, &ana, &slug, "handbook", "Yes, let's.").await.expect("talk again");
    assert_eq!(thread, again);
    let page = stoa_core::discussions::thread_page(&app, &bo, &thread, None).await.expect("thread");
    assert_eq!(page.posts.len(), 2);
    assert_eq!(page.thread.title, "Talk: Handbook");
    let reply = stoa_core::discussions::reply(
        &app,
        &bo,
        &thread,
        stoa_core::discussions::ReplyInput { body: "Done.".into(), reply_to: None, ..Default::default() },
    )
    .await
    .expect("reply like any thread");
    assert_eq!(reply.post.number, 3);
    let talk_of = wiki::page(&app, &bo, &slug, "handbook").await.expect("page").page.expect("exists").talk_thread_id;
    assert_eq!(talk_of.as_deref(), Some(thread.as_str()));
}
