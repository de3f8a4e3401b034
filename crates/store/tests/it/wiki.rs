use stoa_domain::{JoinPolicy, Role, SpaceKind, Visibility};
use stoa_store::spaces::{self, NewSpace};
use stoa_store::testing::each_backend;
use stoa_store::wiki::{self, NewPage, NewRevision};
use stoa_store::{Store, StoreError, new_id};

use crate::person;

async fn space(store: &Store, owner: &str) -> String {
    let id = new_id();
    let mut tx = store.begin().await.expect("begin");
    spaces::insert(
        &mut tx,
        &NewSpace {
            id: &id,
            kind: SpaceKind::Community,
            slug: "guild",
            name: "Guild",
            description: "",
            description_html: "",
            visibility: Visibility::Members,
            join_policy: JoinPolicy::Request,
            parent_id: None,
            created_by: owner,
            created_at: 1,
        },
    )
    .await
    .expect("space");
    spaces::add_member(&mut tx, &id, owner, Role::Owner, 1).await.expect("owner");
    tx.commit().await.expect("commit");
    id
}

fn revision<'a>(page_id: &'a str, space_id: &'a str, author: &'a str, number: i64, body: &'a str) -> NewRevision<'a> {
    NewRevision {
        id: "",
        page_id,
        space_id,
        number,
        title: "Runbook",
        body,
        body_html: body,
        links: "",
        summary: "",
        author_id: author,
        created_at: 100 + number,
    }
}

#[tokio::test]
async fn a_save_advances_only_from_the_newest_revision() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let space_id = space(&store, &ana).await;
        let page_id = new_id();
        let mut tx = store.begin().await.expect("begin");
        let page = NewPage {
            id: &page_id,
            space_id: &space_id,
            slug: "runbook",
            title: "Runbook",
            parent_id: None,
            body: "one",
            body_html: "<p>one</p>",
            links: "deploys\nalerts",
            author_id: &ana,
            created_at: 100,
        };
        wiki::insert_page(&mut tx, &page).await.expect("page");
        let first_id = new_id();
        wiki::insert_revision(&mut tx, &NewRevision { id: &first_id, ..revision(&page_id, &space_id, &ana, 1, "one") })
            .await
            .expect("rev 1");
        tx.commit().await.expect("commit");

        // The same address twice in one space is refused.
        let mut tx = store.begin().await.expect("begin");
        let again = wiki::insert_page(&mut tx, &NewPage { id: &new_id(), ..page.clone() }).await;
        assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
        drop(tx);

        let mut tx = store.begin().await.expect("begin");
        let second = new_id();
        let two = NewRevision { id: &second, links: "alerts", ..revision(&page_id, &space_id, &ana, 2, "two") };
        assert!(wiki::advance(&mut tx, &two, 1).await.expect("advance"));
        // A second save based on revision 1 is not applied.
        let stale_id = new_id();
        let stale = NewRevision { id: &stale_id, ..revision(&page_id, &space_id, &ana, 2, "stale") };
        assert!(!wiki::advance(&mut tx, &stale, 1).await.expect("stale advance"));
        tx.commit().await.expect("commit");

        let mut c = store.read().await.expect("read");
        let row = wiki::page_by_slug(&mut c, &space_id, "runbook").await.expect("q").expect("page");
        assert_eq!((row.revision, row.body.as_str(), row.updated_at), (2, "two", 102));
        assert_eq!(row.links, "alerts", "the newest revision's links");
        assert_eq!(wiki::revision(&mut c, &page_id, 1).await.expect("q").expect("rev").body, "one");
        let history = wiki::history(&mut c, &page_id, 10, 0).await.expect("history");
        assert_eq!(history.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(history[0].size, 3);
        let recent = wiki::recent_changes(&mut c, &space_id, 1, 0).await.expect("recent");
        assert_eq!((recent.len(), recent[0].number, recent[0].page_slug.as_str()), (1, 2, "runbook"));
        let found = wiki::existing_slugs(&mut c, &space_id, &["runbook".into(), "nope".into()]).await.expect("q");
        assert_eq!(found, ["runbook"]);
        assert!(wiki::existing_slugs(&mut c, &space_id, &[]).await.expect("q").is_empty());
        drop(c);

        let mut tx = store.begin().await.expect("begin");
        wiki::set_protected(&mut tx, &page_id, true).await.expect("protect");
        tx.commit().await.expect("commit");
        let mut c = store.read().await.expect("read");
        assert_eq!(wiki::page_by_id(&mut c, &page_id).await.expect("q").expect("page").protected, 1);
    })
    .await;
}
