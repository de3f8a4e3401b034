//! Events, answers to them, reminders and calendar keys, on both databases.

use stoa_store::calendar::{self, EventFields};
use stoa_store::testing::each_backend;

use crate::person;
use crate::spaces::space;

fn fields(title: &str, starts_at: i64) -> EventFields<'_> {
    EventFields {
        title,
        description: "Bring *one* question",
        description_html: "<p>Bring <em>one</em> question</p>",
        starts_at,
        ends_at: starts_at + 3_600_000,
        place: Some("Room 4"),
        link: None,
    }
}

#[tokio::test]
async fn events_are_listed_by_time_changed_cancelled_and_counted() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let here = space(&store, "here", None, &ana).await;
        let there = space(&store, "there", None, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let hour = 3_600_000;
        for (id, space, title, at) in [
            ("e-past", &here, "Past", 1_000 * hour),
            ("e-soon", &here, "Soon", 1_010 * hour),
            ("e-later", &here, "Later", 1_020 * hour),
            ("e-there", &there, "There", 1_015 * hour),
        ] {
            calendar::insert(&mut tx, id, space, &fields(title, at), &ana, 900 * hour).await.expect("insert");
        }
        let now = 1_005 * hour;
        let titles = |rows: Vec<calendar::EventRow>| rows.into_iter().map(|r| r.title).collect::<Vec<_>>();
        assert_eq!(titles(calendar::in_space(&mut tx, &here, now, false, 10, 0).await.expect("q")), ["Soon", "Later"]);
        assert_eq!(titles(calendar::in_space(&mut tx, &here, now, true, 10, 0).await.expect("q")), ["Past"]);
        assert_eq!(titles(calendar::in_space(&mut tx, &here, now, false, 1, 1).await.expect("q")), ["Later"]);
        let both = [here.clone(), there.clone()];
        assert_eq!(
            titles(calendar::in_spaces(&mut tx, &both, now, 10).await.expect("q")),
            ["Soon", "There", "Later"],
            "soonest first across spaces"
        );
        assert!(calendar::in_spaces(&mut tx, &[], now, 10).await.expect("q").is_empty());

        // Answers: one per person, replaced; counted by kind.
        calendar::answer(&mut tx, "e-soon", &ana, "yes", 1).await.expect("answer");
        calendar::answer(&mut tx, "e-soon", &bo, "no", 2).await.expect("answer");
        calendar::answer(&mut tx, "e-soon", &bo, "maybe", 3).await.expect("again");
        calendar::answer(&mut tx, "e-there", &bo, "yes", 4).await.expect("answer");
        let soon = calendar::by_id(&mut tx, "e-soon").await.expect("q").expect("row");
        assert_eq!((soon.going, soon.maybe, soon.creator_username.as_str()), (1, 1, "ana"));
        let people: Vec<(String, String)> = calendar::attendees(&mut tx, "e-soon")
            .await
            .expect("q")
            .into_iter()
            .map(|a| (a.username, a.answer))
            .collect();
        assert_eq!(people, [("ana".to_owned(), "yes".to_owned()), ("bo".to_owned(), "maybe".to_owned())]);
        let ids = ["e-soon".to_owned(), "e-there".to_owned(), "e-past".to_owned()];
        let mut mine = calendar::answers_of(&mut tx, &bo, &ids).await.expect("q");
        mine.sort();
        assert_eq!(mine, [("e-soon".to_owned(), "maybe".to_owned()), ("e-there".to_owned(), "yes".to_owned())]);
        assert_eq!(titles(calendar::answered_by(&mut tx, &bo, now, 10).await.expect("q")), ["Soon", "There"]);
        calendar::answer(&mut tx, "e-there", &bo, "no", 5).await.expect("answer");
        assert_eq!(titles(calendar::answered_by(&mut tx, &bo, now, 10).await.expect("q")), ["Soon"], "not a no");

        // A change bumps the revision; cancelling happens once.
        calendar::update(&mut tx, "e-soon", &fields("Soon!", 1_010 * hour), 950 * hour).await.expect("update");
        assert!(calendar::cancel(&mut tx, "e-later", 960 * hour).await.expect("cancel"));
        assert!(!calendar::cancel(&mut tx, "e-later", 961 * hour).await.expect("again"), "once");
        let soon = calendar::by_id(&mut tx, "e-soon").await.expect("q").expect("row");
        let later = calendar::by_id(&mut tx, "e-later").await.expect("q").expect("row");
        assert_eq!((soon.title.as_str(), soon.revision, soon.updated_at), ("Soon!", 1, 950 * hour));
        assert_eq!((later.cancelled_at, later.revision), (Some(960 * hour), 1));
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn each_event_is_reminded_once_and_again_only_after_moving() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let here = space(&store, "here", None, &ana).await;
        let hour = 3_600_000;
        let mut tx = store.begin().await.expect("begin");
        calendar::insert(&mut tx, "e-1", &here, &fields("In half an hour", 100 * hour + hour / 2), &ana, 0)
            .await
            .expect("insert");
        calendar::insert(&mut tx, "e-2", &here, &fields("Tomorrow", 124 * hour), &ana, 0).await.expect("insert");
        calendar::insert(&mut tx, "e-3", &here, &fields("Started", 100 * hour - 60_000), &ana, 0)
            .await
            .expect("insert");
        calendar::insert(&mut tx, "e-4", &here, &fields("Cancelled", 100 * hour + 60_000), &ana, 0)
            .await
            .expect("insert");
        assert!(calendar::cancel(&mut tx, "e-4", 1).await.expect("cancel"));
        let now = 100 * hour;
        let due = calendar::due_reminders(&mut tx, now, now + hour, 10).await.expect("due");
        assert_eq!(due.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["e-1"], "not started, not cancelled, soon");
        assert!(calendar::mark_reminded(&mut tx, "e-1", now).await.expect("mark"));
        assert!(!calendar::mark_reminded(&mut tx, "e-1", now).await.expect("mark"), "another node got there first");
        assert!(calendar::due_reminders(&mut tx, now, now + hour, 10).await.expect("due").is_empty());
        // A new title keeps the reminder sent; a new time clears it.
        calendar::update(&mut tx, "e-1", &fields("Renamed", 100 * hour + hour / 2), 2).await.expect("update");
        assert!(calendar::due_reminders(&mut tx, now, now + hour, 10).await.expect("due").is_empty());
        calendar::update(&mut tx, "e-1", &fields("Moved", 100 * hour + hour / 3), 3).await.expect("update");
        let due = calendar::due_reminders(&mut tx, now, now + hour, 10).await.expect("due");
        assert_eq!(due.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(), ["Moved"]);
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn notes_pages_and_calendar_epochs_are_kept() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let here = space(&store, "here", None, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        calendar::insert(&mut tx, "e-1", &here, &fields("Retro", 10), &ana, 0).await.expect("insert");
        let page = stoa_store::new_id();
        let new = stoa_store::wiki::NewPage {
            id: &page,
            space_id: &here,
            slug: "retro-notes",
            title: "Retro notes",
            parent_id: None,
            body: "Notes",
            body_html: "<p>Notes</p>",
            links: "",
            author_id: &ana,
            created_at: 15,
        };
        stoa_store::wiki::insert_page(&mut tx, &new).await.expect("page");
        calendar::set_notes_page(&mut tx, "e-1", &page, 20).await.expect("set");
        let row = calendar::by_id(&mut tx, "e-1").await.expect("q").expect("row");
        assert_eq!(
            (row.notes_page_id.as_deref(), row.notes_page_slug.as_deref()),
            (Some(page.as_str()), Some("retro-notes"))
        );
        assert_eq!(calendar::calendar_epoch(&mut tx, &ana).await.expect("q"), Some(0));
        calendar::renew_calendar_epoch(&mut tx, &ana).await.expect("renew");
        assert_eq!(calendar::calendar_epoch(&mut tx, &ana).await.expect("q"), Some(1));
        assert_eq!(calendar::calendar_epoch(&mut tx, "nobody").await.expect("q"), None);
        tx.commit().await.expect("commit");
    })
    .await;
}
