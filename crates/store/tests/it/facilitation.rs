//! Votes, moving posts between threads, scheduled prompts and the learning
//! tables' upserts and claims, on both databases.

use stoa_store::facilitation as facil;
use stoa_store::learning::{self, AssignmentRow};
use stoa_store::testing::each_backend;
use stoa_store::threads::{self, NewPost, NewThread};
use stoa_store::{Conn, new_id};

use crate::person;
use crate::threads::thread;

async fn post(tx: &mut Conn, thread_id: &str, author: &str, reply_to: Option<&str>, at: i64) -> String {
    let id = new_id();
    let p = NewPost {
        id: &id,
        thread_id,
        author_id: author,
        reply_to_id: reply_to,
        body: "x",
        body_html: "<p>x</p>",
        created_at: at,
        anonymous: false,
    };
    threads::insert_post(tx, &p).await.expect("post");
    id
}

#[tokio::test]
async fn one_changeable_vote_per_person_sums_into_the_score() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let cy = person(&store, "cy").await;
        let (_, thread_id) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let answer = post(&mut tx, &thread_id, &ana, None, 20).await;
        assert_eq!(facil::vote(&mut tx, &answer, &bo, 1, 30).await.expect("vote"), 1);
        assert_eq!(facil::vote(&mut tx, &answer, &cy, 1, 31).await.expect("vote"), 2);
        assert_eq!(facil::vote(&mut tx, &answer, &cy, -1, 32).await.expect("change"), 0);
        assert_eq!(facil::vote(&mut tx, &answer, &bo, 0, 33).await.expect("take back"), -1);
        assert_eq!(facil::vote(&mut tx, &answer, &bo, 0, 34).await.expect("again"), -1);
        assert_eq!(facil::votes_of(&mut tx, &thread_id, &cy).await.expect("votes"), [(answer.clone(), -1)]);
        assert!(facil::votes_of(&mut tx, &thread_id, &bo).await.expect("votes").is_empty());
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn moved_posts_take_fresh_numbers_and_links_that_cross_threads_are_dropped() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (space, from) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let two = post(&mut tx, &from, &ana, None, 20).await;
        let three = post(&mut tx, &from, &ana, Some(&two), 30).await;
        let four = post(&mut tx, &from, &ana, Some(&two), 40).await;
        let to = new_id();
        let new_thread = NewThread {
            id: &to,
            space_id: &space,
            author_id: &ana,
            kind: "discussion",
            title: "Split",
            created_at: 20,
            anonymous: false,
            post_first: false,
            opens_at: None,
        };
        threads::insert_thread(&mut tx, &new_thread).await.expect("thread");
        facil::move_posts(&mut tx, &[two.clone(), three.clone()], &from, &to).await.expect("move");
        let moved = threads::posts(&mut tx, &to, 1, 10).await.expect("posts");
        let got: Vec<(i64, &str, Option<i64>)> =
            moved.iter().map(|p| (p.number, p.id.as_str(), p.reply_to_number)).collect();
        assert_eq!(got, [(1, two.as_str(), None), (2, three.as_str(), Some(1))]);
        let left = threads::posts(&mut tx, &from, 1, 10).await.expect("posts");
        assert_eq!(left.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 4], "numbers are never reused");
        assert_eq!(left[1].id, four);
        assert_eq!(left[1].reply_to_id, None);
        // A page is a range of numbers: the gap does not pull the next page's posts in.
        let page = threads::posts(&mut tx, &from, 1, 3).await.expect("page");
        assert_eq!(page.iter().map(|p| p.number).collect::<Vec<_>>(), [1]);
        let page = threads::posts(&mut tx, &from, 4, 3).await.expect("page");
        assert_eq!(page.iter().map(|p| p.number).collect::<Vec<_>>(), [4]);
        let (old, new) = (
            threads::thread(&mut tx, &from).await.expect("q").expect("old"),
            threads::thread(&mut tx, &to).await.expect("q").expect("new"),
        );
        assert_eq!((old.post_count, old.last_post_id.as_deref(), old.last_activity_at), (4, Some(four.as_str()), 40));
        assert_eq!((new.post_count, new.last_post_id.as_deref(), new.last_activity_at), (2, Some(three.as_str()), 30));
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn a_scheduled_prompt_opens_once_and_is_counted_then() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let (space, _) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let id = new_id();
        let prompt = NewThread {
            id: &id,
            space_id: &space,
            author_id: &ana,
            kind: "discussion",
            title: "Later",
            created_at: 10,
            anonymous: false,
            post_first: true,
            opens_at: Some(100),
        };
        threads::insert_thread(&mut tx, &prompt).await.expect("thread");
        post(&mut tx, &id, &ana, None, 10).await;
        let count = |s: &stoa_store::spaces::SpaceView| s.space.thread_count;
        let view = stoa_store::spaces::view_by_id(&mut tx, &space, None).await.expect("q").expect("space");
        assert_eq!(count(&view), 1, "not counted while scheduled");
        assert!(facil::due_prompts(&mut tx, 99, 10).await.expect("due").is_empty());
        let due = facil::due_prompts(&mut tx, 100, 10).await.expect("due");
        assert_eq!(due.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
        assert!(facil::open_prompt(&mut tx, &id, 105).await.expect("open"));
        assert!(!facil::open_prompt(&mut tx, &id, 106).await.expect("only once"));
        let row = threads::thread(&mut tx, &id).await.expect("q").expect("thread");
        assert_eq!((row.opens_at, row.created_at, row.state.post_first), (None, 105, 1));
        let view = stoa_store::spaces::view_by_id(&mut tx, &space, None).await.expect("q").expect("space");
        assert_eq!(count(&view), 2);
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn a_resubmission_replaces_the_text_but_keeps_its_first_time_and_a_claim_is_exclusive() {
    each_backend(|store| async move {
        let ana = person(&store, "ana").await;
        let bo = person(&store, "bo").await;
        let (space, _) = thread(&store, &ana).await;
        let mut tx = store.begin().await.expect("begin");
        let a = AssignmentRow {
            id: new_id(),
            space_id: space.clone(),
            title: "Essay".into(),
            body: String::new(),
            body_html: String::new(),
            opens_at: 0,
            due_at: 1_000,
            audience: "space".into(),
            team_set_id: None,
            per_team: 0,
            reviewers: 0,
            anonymous_reviews: 0,
            rubric: "[]".into(),
            reviews_allocated_at: None,
            created_by: ana.clone(),
            created_at: 0,
        };
        learning::insert_assignment(&mut tx, &a).await.expect("assignment");
        let first = learning::save_submission(&mut tx, &new_id(), &a.id, &bo, None, &bo, "v1", "<p>v1</p>", 10)
            .await
            .expect("submit");
        let again = learning::save_submission(&mut tx, &new_id(), &a.id, &bo, None, &bo, "v2", "<p>v2</p>", 20)
            .await
            .expect("resubmit");
        assert_eq!(first, again, "one submission per person");
        let row = learning::submission(&mut tx, &first).await.expect("q").expect("row");
        assert_eq!((row.body.as_str(), row.submitted_at, row.updated_at), ("v2", 10, 20));

        let quest = new_id();
        learning::insert_quest(&mut tx, &quest, &space, "Why?", "", "", &ana, 0).await.expect("quest");
        let source = new_id();
        learning::insert_source(&mut tx, &source, &quest, "angle", None, None, "An angle").await.expect("source");
        assert!(learning::claim_source(&mut tx, &source, Some(&bo), 5).await.expect("claim"));
        assert!(!learning::claim_source(&mut tx, &source, Some(&ana), 6).await.expect("taken"));
        assert!(learning::claim_source(&mut tx, &source, Some(&bo), 7).await.expect("own again"));
        assert!(learning::claim_source(&mut tx, &source, None, 8).await.expect("release"));
        assert!(learning::claim_source(&mut tx, &source, Some(&ana), 9).await.expect("free now"));
        assert_eq!(learning::quest_of_source(&mut tx, &source).await.expect("q").as_deref(), Some(quest.as_str()));
        tx.commit().await.expect("commit");
    })
    .await;
}
