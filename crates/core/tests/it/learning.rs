//! Team sets, assignments with peer review, research quests and the
//! community health page, as a facilitator and members use them.

use std::collections::HashMap;
use std::time::Duration;

use stoa_core::assignments::{self, Criterion, NewAssignment, Score};
use stoa_core::discussions::{self, NewThreadInput, ReplyInput};
use stoa_core::quests::{self, NewQuest, SourceInput};
use stoa_core::teams::{self, NewTeamSet};
use stoa_core::{Actor, CoreError, facilitation, health, spaces};
use stoa_domain::Role;

use crate::{TestApp, app, community, person};

const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

fn tick(app: &TestApp, secs: u64) {
    app.clock.advance(Duration::from_secs(secs));
}

/// A community run by `fay` (owner) with `members` members.
async fn class(names: &[&str]) -> (TestApp, Actor, String, Vec<Actor>) {
    let app = app().await;
    let fay = person(&app, "fay").await;
    let slug = community(&app, &fay, "Biology 101", "members", "open").await;
    let mut members = Vec::new();
    for name in names {
        let who = person(&app, name).await;
        spaces::join(&app, &who, &slug).await.expect("join");
        members.push(who);
    }
    (app, fay, slug, members)
}

#[tokio::test]
async fn teams_are_formed_at_random_in_balanced_sizes_or_chosen_up_to_a_cap() {
    let names = ["ana", "ben", "cat", "dan", "eve", "fox", "gus"];
    let (app, fay, slug, members) = class(&names).await;
    let input = NewTeamSet { name: "Lab groups".into(), mode: "auto".into(), size: 3, teams: 0 };
    assert!(matches!(teams::create_set(&app, &members[0], &slug, input.clone()).await, Err(CoreError::Forbidden)));
    teams::create_set(&app, &fay, &slug, input).await.expect("auto");
    let sets = teams::sets(&app, &fay, &slug).await.expect("sets");
    let set = &sets.sets[0];
    let sizes: Vec<usize> = set.teams.iter().map(|t| t.members.len()).collect();
    assert_eq!(sizes.len(), 3, "7 people in teams of about 3: {sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), 7, "everyone once, the owner not at all");
    assert!(sizes.iter().max().expect("max") - sizes.iter().min().expect("min") <= 1, "{sizes:?}");

    // A team is visible to its members and the community's facilitators, not to other members.
    let team = &set.teams[0];
    let (inside, _) = team.members[0].clone();
    let insider = members[names.iter().position(|n| *n == inside).expect("a member")].clone();
    let outsider_name = names.iter().find(|n| !team.members.iter().any(|(u, _)| u == *n)).expect("someone else");
    let outsider = members[names.iter().position(|n| n == outsider_name).expect("index")].clone();
    assert!(spaces::space(&app, &insider, &team.slug).await.is_ok());
    assert!(spaces::space(&app, &fay, &team.slug).await.expect("facilitator").may.facilitate);
    assert!(matches!(spaces::space(&app, &outsider, &team.slug).await, Err(CoreError::NotFound)));
    let seen = teams::sets(&app, &insider, &slug).await.expect("a member's view");
    let seen: Vec<&str> = seen.sets[0].teams.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(seen, [team.slug.as_str()], "a member sees their own team, not the others' rosters");
    let anonymous = teams::sets(&app, &Actor::ANONYMOUS, &slug).await;
    assert!(anonymous.is_err() || anonymous.expect("sets").sets.iter().all(|s| s.teams.is_empty()));

    // Choosing: up to the cap, switching moves you.
    let input = NewTeamSet { name: "Projects".into(), mode: "choose".into(), size: 2, teams: 2 };
    let chosen = teams::create_set(&app, &fay, &slug, input).await.expect("choose");
    let sets = teams::sets(&app, &members[0], &slug).await.expect("sets");
    let set = sets.sets.iter().find(|s| s.id == chosen.id).expect("set");
    assert!(set.can_choose && set.teams.iter().all(|t| t.members.is_empty() && t.member_count == 0));
    let (first, second) = (set.teams[0].slug.clone(), set.teams[1].slug.clone());
    teams::choose(&app, &members[0], &chosen.id, &first).await.expect("ana");
    teams::choose(&app, &members[1], &chosen.id, &first).await.expect("ben");
    assert!(matches!(
        teams::choose(&app, &members[2], &chosen.id, &first).await,
        Err(CoreError::Conflict("team-full"))
    ));
    teams::choose(&app, &members[0], &chosen.id, &second).await.expect("ana switches");
    teams::choose(&app, &members[2], &chosen.id, &first).await.expect("now there is room");
    let sets = teams::sets(&app, &fay, &slug).await.expect("sets");
    let set = sets.sets.iter().find(|s| s.id == chosen.id).expect("set");
    let names_in = |i: usize| set.teams[i].members.iter().map(|(u, _)| u.clone()).collect::<Vec<_>>();
    assert_eq!(names_in(1), ["ana"]);
    assert_eq!(names_in(0).len(), 2);
    // A member lists every team they may choose, by how full it is, not by who is in it.
    let as_dan = teams::sets(&app, &members[3], &slug).await.expect("sets");
    let choose = as_dan.sets.iter().find(|s| s.id == chosen.id).expect("set");
    assert_eq!(choose.teams.iter().map(|t| (t.member_count, t.members.len())).collect::<Vec<_>>(), [(2, 0), (1, 0)]);
    assert!(matches!(teams::choose(&app, &fay, &chosen.id, &first).await, Err(CoreError::Forbidden)));
}

#[tokio::test]
async fn a_facilitator_scoped_to_some_teams_runs_only_those() {
    let (app, fay, slug, members) = class(&["ana", "ben", "cat", "dan"]).await;
    let gil = person(&app, "gil").await;
    spaces::join(&app, &gil, &slug).await.expect("join");
    spaces::change_role(&app, &fay, &slug, "gil", Role::Facilitator).await.expect("promote");
    let input = NewTeamSet { name: "Pairs".into(), mode: "auto".into(), size: 2, teams: 0 };
    teams::create_set(&app, &fay, &slug, input).await.expect("teams");
    let sets = teams::sets(&app, &fay, &slug).await.expect("sets");
    let (a, b) = (sets.sets[0].teams[0].slug.clone(), sets.sets[0].teams[1].slug.clone());
    assert!(spaces::space(&app, &gil, &b).await.expect("all teams").may.facilitate);
    assert!(matches!(
        teams::scope_facilitator(&app, &gil, &slug, "gil", std::slice::from_ref(&a)).await,
        Err(CoreError::Forbidden)
    ));
    teams::scope_facilitator(&app, &fay, &slug, "gil", std::slice::from_ref(&a)).await.expect("scope");
    assert!(spaces::space(&app, &gil, &a).await.expect("in scope").may.facilitate);
    assert!(matches!(spaces::space(&app, &gil, &b).await, Err(CoreError::NotFound)));
    // Still a facilitator of the community itself, but team work outside
    // the scope is not theirs to see or comment on.
    assert!(spaces::space(&app, &gil, &slug).await.expect("community").may.facilitate);
    let set = teams::sets(&app, &fay, &slug).await.expect("sets").sets[0].id.clone();
    let input = NewAssignment {
        title: "Pair work".into(),
        body: "Together".into(),
        due_at: Some(app.now() + 1000),
        audience: "teams".into(),
        team_set: Some(set),
        per_team: true,
        ..Default::default()
    };
    let id = assignments::create(&app, &fay, &slug, input).await.expect("assignment");
    for who in &members {
        assignments::submit(&app, who, &id, "our work").await.expect("submit");
    }
    let all = assignments::page(&app, &fay, &id).await.expect("owner's board");
    assert_eq!(all.board.len(), 2);
    let scoped = assignments::page(&app, &gil, &id).await.expect("scoped board");
    assert_eq!(scoped.board.len(), 1, "only the team in scope");
    let outside = all
        .board
        .iter()
        .find(|r| r.name != scoped.board[0].name)
        .and_then(|r| r.submission.clone())
        .expect("other team's work");
    assert!(matches!(assignments::comment(&app, &gil, &outside.id, "hm").await, Err(CoreError::Forbidden)));
    let inside = scoped.board[0].submission.clone().expect("in scope");
    assignments::comment(&app, &gil, &inside.id, "Good start").await.expect("in scope");
}

#[tokio::test]
async fn work_changed_after_the_due_time_is_late() {
    let (app, fay, slug, m) = class(&["ana"]).await;
    let input = NewAssignment {
        title: "Draft".into(),
        body: "x".into(),
        due_at: Some(app.now() + 1000),
        audience: "space".into(),
        ..Default::default()
    };
    let id = assignments::create(&app, &fay, &slug, input).await.expect("assignment");
    assignments::submit(&app, &m[0], &id, "placeholder").await.expect("on time");
    assert!(!assignments::page(&app, &m[0], &id).await.expect("page").mine.expect("mine").late);
    tick(&app, HOUR);
    assignments::submit(&app, &m[0], &id, "the real thing").await.expect("after the due time");
    assert!(assignments::page(&app, &m[0], &id).await.expect("page").mine.expect("mine").late);
    let board = assignments::page(&app, &fay, &id).await.expect("board");
    assert_eq!(board.board[0].status, "late");
}

fn rubric() -> Vec<Criterion> {
    vec![
        Criterion { name: "Clarity".into(), levels: vec!["Unclear".into(), "Mostly clear".into(), "Clear".into()] },
        Criterion { name: "Evidence".into(), levels: vec!["None".into(), "Some".into(), "Strong".into()] },
    ]
}

#[tokio::test]
async fn work_is_assigned_submitted_boarded_and_peer_reviewed() {
    let names = ["ana", "ben", "cat", "dan"];
    let (app, fay, slug, m) = class(&names).await;
    let due = app.now() + 2 * DAY as i64 * 1000;
    let input = NewAssignment {
        title: "Lab report 1".into(),
        body: "Write up the **osmosis** lab.".into(),
        due_at: Some(due),
        audience: "space".into(),
        reviewers: 2,
        anonymous_reviews: true,
        rubric: rubric(),
        ..Default::default()
    };
    assert!(matches!(assignments::create(&app, &m[0], &slug, input.clone()).await, Err(CoreError::Forbidden)));
    let bad = NewAssignment { due_at: Some(app.now() - 1), reviewers: 2, rubric: Vec::new(), ..input.clone() };
    let Err(CoreError::Invalid(fields)) = assignments::create(&app, &fay, &slug, bad).await else { panic!("refused") };
    let fields: Vec<&str> = fields.iter().map(|f| f.field).collect();
    assert!(fields.contains(&"due_at") && fields.contains(&"rubric"), "{fields:?}");
    let id = assignments::create(&app, &fay, &slug, input).await.expect("assignment");

    tick(&app, HOUR);
    assignments::submit(&app, &m[0], &id, "Ana's report").await.expect("ana");
    assignments::submit(&app, &m[1], &id, "Ben's report").await.expect("ben");
    assignments::submit(&app, &m[1], &id, "Ben's report, revised").await.expect("ben again");
    assert!(matches!(assignments::submit(&app, &fay, &id, "not assigned").await, Err(CoreError::Forbidden)));
    assert!(matches!(
        assignments::allocate_reviews(&app, &fay, &id).await,
        Err(CoreError::Conflict("assignment-not-due"))
    ));
    tick(&app, 2 * DAY);
    assignments::submit(&app, &m[2], &id, "Cat's late report").await.expect("late is taken");
    assert!(matches!(assignments::allocate_reviews(&app, &m[0], &id).await, Err(CoreError::Forbidden)));
    assignments::allocate_reviews(&app, &fay, &id).await.expect("allocate");

    let page = assignments::page(&app, &fay, &id).await.expect("board");
    let status: HashMap<String, &str> =
        page.board.iter().map(|r| (r.username.clone().unwrap_or_default(), r.status)).collect();
    assert_eq!(status["ana"], "submitted");
    assert_eq!(status["ben"], "submitted");
    assert_eq!(status["cat"], "late");
    assert_eq!(status["dan"], "missing");
    assert_eq!((page.counts.submitted, page.counts.late, page.counts.missing), (2, 1, 1));
    let ben = page.board.iter().find(|r| r.username.as_deref() == Some("ben")).expect("ben");
    assert_eq!(ben.submission.as_ref().expect("submitted").body, "Ben's report, revised");
    assert!(!ben.submission.as_ref().expect("submitted").late);
    // Three submitters, two reviewers each: everyone reviews the other two.
    for row in page.board.iter().filter(|r| r.submission.is_some()) {
        let reviewers: Vec<&str> = row.reviews.iter().map(|r| r.reviewer_username.as_str()).collect();
        assert_eq!(reviewers.len(), 2, "{reviewers:?}");
        assert!(!reviewers.contains(&row.username.as_deref().unwrap_or_default()), "nobody reviews themselves");
    }
    assert!(matches!(
        assignments::allocate_reviews(&app, &fay, &id).await,
        Err(CoreError::Conflict("reviews-already-allocated"))
    ));
    assert!(matches!(
        assignments::submit(&app, &m[3], &id, "too late").await,
        Err(CoreError::Conflict("assignment-in-review"))
    ));

    // Ana reviews; the author sees the review without the reviewer's name.
    let ana_page = assignments::page(&app, &m[0], &id).await.expect("ana");
    assert_eq!(ana_page.to_review.len(), 2);
    assert!(ana_page.board.is_empty(), "members see no board");
    let task = &ana_page.to_review[0];
    assert!(task.submission.author_username.is_empty(), "anonymous reviews are blind");
    let bad_scores = vec![Score { level: 5, comment: String::new() }];
    assert!(matches!(
        assignments::submit_review(&app, &m[0], &task.review.id, bad_scores, "").await,
        Err(CoreError::Invalid(_))
    ));
    assert!(matches!(
        assignments::submit_review(&app, &m[1], &task.review.id, Vec::new(), "").await,
        Err(CoreError::Forbidden)
    ));
    let scores = vec![Score { level: 2, comment: "Very clear".into() }, Score { level: 1, comment: String::new() }];
    assignments::submit_review(&app, &m[0], &task.review.id, scores.clone(), "Good work").await.expect("review");
    let reviewed = &task.submission.id;
    let author = page.board.iter().find(|r| r.submission.as_ref().is_some_and(|s| &s.id == reviewed)).expect("author");
    let author_actor = &m[names.iter().position(|n| Some(*n) == author.username.as_deref()).expect("index")];
    let theirs = assignments::page(&app, author_actor, &id).await.expect("author page");
    let got = theirs.reviews_of_mine.iter().find(|r| r.comment == "Good work").expect("their review");
    assert_eq!(got.scores, scores);
    assert!(got.reviewer_username.is_empty(), "the reviewer stays anonymous to the author");
    let board = assignments::page(&app, &fay, &id).await.expect("board");
    assert!(
        board.board.iter().flat_map(|r| &r.reviews).any(|r| r.reviewer_username == "ana" && r.submitted_at.is_some())
    );

    // Reassign: never to the author, fine to someone else assigned.
    let review_of_cat = board
        .board
        .iter()
        .find(|r| r.username.as_deref() == Some("cat"))
        .and_then(|r| r.reviews.iter().find(|v| v.submitted_at.is_none()))
        .expect("an open review of Cat's work")
        .clone();
    assert!(matches!(
        assignments::reassign(&app, &fay, &review_of_cat.id, "cat").await,
        Err(CoreError::Invalid(ref f)) if f[0].message_id == "reviewer-own-work"
    ));
    assert!(matches!(assignments::reassign(&app, &m[0], &review_of_cat.id, "dan").await, Err(CoreError::Forbidden)));
    assignments::reassign(&app, &fay, &review_of_cat.id, "dan").await.expect("to dan");
    let dan = assignments::page(&app, &m[3], &id).await.expect("dan");
    assert_eq!(dan.to_review.len(), 1);

    // Feedback from the facilitator reaches the author.
    let cats = board
        .board
        .iter()
        .find(|r| r.username.as_deref() == Some("cat"))
        .and_then(|r| r.submission.clone())
        .expect("cat's");
    assert!(matches!(assignments::comment(&app, &m[0], &cats.id, "nice").await, Err(CoreError::Forbidden)));
    assignments::comment(&app, &fay, &cats.id, "Next time, on time please.").await.expect("feedback");
    let cat = assignments::page(&app, &m[2], &id).await.expect("cat");
    assert!(cat.mine.as_ref().is_some_and(|s| s.late));
    assert_eq!(cat.my_comments.len(), 1);
}

#[tokio::test]
async fn team_work_is_one_submission_per_team_reviewed_by_other_teams() {
    let names = ["ana", "ben", "cat", "dan", "eve", "fox"];
    let (app, fay, slug, m) = class(&names).await;
    let set = teams::create_set(
        &app,
        &fay,
        &slug,
        NewTeamSet { name: "Trios".into(), mode: "auto".into(), size: 2, teams: 0 },
    )
    .await
    .expect("teams");
    let input = NewAssignment {
        title: "Poster".into(),
        body: "One poster per team.".into(),
        due_at: Some(app.now() + 1000),
        audience: "teams".into(),
        team_set: Some(set.id.clone()),
        per_team: true,
        reviewers: 1,
        rubric: rubric(),
        ..Default::default()
    };
    let id = assignments::create(&app, &fay, &slug, input).await.expect("assignment");
    for who in &m {
        assignments::submit(&app, who, &id, "our poster").await.expect("submit");
    }
    tick(&app, HOUR);
    assert_eq!(assignments::allocate_reviews(&app, &fay, &id).await.expect("allocate"), 3);
    let page = assignments::page(&app, &fay, &id).await.expect("board");
    assert_eq!(page.board.len(), 3, "one row per team");
    let sets = teams::sets(&app, &fay, &slug).await.expect("sets");
    let team_of: HashMap<String, String> = sets.sets[0]
        .teams
        .iter()
        .flat_map(|t| t.members.iter().map(move |(u, _)| (u.clone(), t.name.clone())))
        .collect();
    for row in &page.board {
        for review in &row.reviews {
            assert_ne!(team_of[&review.reviewer_username], row.name, "a team never reviews its own poster");
        }
    }
}

#[tokio::test]
async fn a_research_quest_is_claimed_answered_and_distilled_into_the_wiki() {
    let (app, fay, slug, m) = class(&["ana", "ben"]).await;
    let input = NewQuest {
        question: "Why do leaves change colour?".into(),
        body: "Find out, and cite.".into(),
        sources: vec![
            SourceInput {
                kind: "link".into(),
                url: Some("https://example.org/chlorophyll".into()),
                title: "Chlorophyll".into(),
                ..Default::default()
            },
            SourceInput { kind: "angle".into(), title: "What do trees gain?".into(), ..Default::default() },
        ],
    };
    assert!(matches!(quests::create(&app, &m[0], &slug, input.clone()).await, Err(CoreError::Forbidden)));
    let bad = NewQuest {
        sources: vec![SourceInput {
            kind: "link".into(),
            url: Some("javascript:alert(1)".into()),
            ..Default::default()
        }],
        ..input.clone()
    };
    assert!(matches!(quests::create(&app, &fay, &slug, bad).await, Err(CoreError::Invalid(_))));
    let id = quests::create(&app, &fay, &slug, input).await.expect("quest");
    let board = quests::page(&app, &m[0], &id).await.expect("board");
    assert_eq!((board.sources.len(), board.covered, board.open), (2, 0, 2));
    let (link, angle) = (board.sources[0].row.id.clone(), board.sources[1].row.id.clone());

    quests::claim(&app, &m[0], &link, true).await.expect("ana claims");
    assert!(matches!(quests::claim(&app, &m[1], &link, true).await, Err(CoreError::Conflict("source-claimed"))));
    assert!(matches!(quests::claim(&app, &m[1], &link, false).await, Err(CoreError::Forbidden)));
    quests::post_finding(&app, &m[0], &id, Some(&link), "Chlorophyll breaks down in autumn.").await.expect("finding");
    quests::add_source(
        &app,
        &m[1],
        &id,
        SourceInput { kind: "angle".into(), title: "Which pigments stay?".into(), ..Default::default() },
    )
    .await
    .expect("ben adds an angle");
    let board = quests::page(&app, &m[1], &id).await.expect("board");
    assert_eq!((board.sources.len(), board.covered, board.open), (3, 1, 2));
    assert!(board.sources[0].covered && !board.sources[1].covered);
    assert_eq!(board.sources[0].row.claimed_by_name.as_deref(), Some("ana"));
    quests::post_finding(&app, &m[1], &id, None, "Carotenoids were there all along.").await.expect("general finding");

    assert!(matches!(quests::distill(&app, &m[0], &id, "Autumn leaves").await, Err(CoreError::Forbidden)));
    let slug_page = quests::distill(&app, &fay, &id, "Autumn leaves").await.expect("distill");
    let view = stoa_core::wiki::page(&app, &m[0], &slug, &slug_page).await.expect("wiki page");
    let page = view.page.expect("the page exists");
    let findings = quests::page(&app, &fay, &id).await.expect("board").findings;
    for f in &findings {
        assert!(page.body.contains(&format!("/quests/{id}#finding-{}", f.id)), "links back to each finding");
        assert!(page.body.contains(f.body.as_str()));
    }
    assert!(page.body.contains("What do trees gain?") && page.body.contains("Still open"));
    assert_eq!(quests::page(&app, &fay, &id).await.expect("board").wiki_slug.as_deref(), Some(slug_page.as_str()));
    let _ = angle;
}

/// The health page's figures against ones worked out by hand from a
/// scenario played with a clock the test moves.
#[tokio::test]
async fn the_health_figures_match_a_seeded_scenario() {
    let (app, fay, slug, m) = class(&["ana", "ben", "cat", "dan", "eve"]).await;
    let (ana, ben, cat, dan) = (&m[0], &m[1], &m[2], &m[3]);
    let ask = |who: &Actor, title: &str| {
        let input = NewThreadInput {
            title: title.into(),
            body: "?".into(),
            kind: Some("question".into()),
            ..Default::default()
        };
        let (app, who, slug) = (&app, who.clone(), slug.clone());
        async move { discussions::create_thread(app, &who, &slug, input).await.expect("ask").thread_id }
    };
    let answer = |who: &Actor, thread: &str, to: Option<String>| {
        let (app, who, thread) = (&app, who.clone(), thread.to_owned());
        async move {
            let input = ReplyInput { body: "an answer".into(), reply_to: to, ..Default::default() };
            discussions::reply(app, &who, &thread, input).await.expect("answer").post.id
        }
    };
    let q1 = ask(ana, "Q1").await; // t0
    tick(&app, HOUR);
    let b1 = answer(ben, &q1, None).await; // +1h: B answers A
    tick(&app, HOUR);
    let q2 = ask(cat, "Q2").await; // +2h
    tick(&app, 30 * 60);
    answer(ana, &q2, None).await; // +2h30: A answers C, 30 min after asking
    tick(&app, 30 * 60);
    answer(cat, &q1, Some(b1.clone())).await; // +3h: C answers B
    facilitation::accept(&app, ana, &q1, Some(&b1)).await.expect("accept");
    tick(&app, 2 * HOUR);
    let q3 = ask(dan, "Q3").await; // +5h, never answered
    let gone = answer(ben, &q3, None).await;
    discussions::delete_post(&app, ben, &gone).await.expect("deleted answers do not count");
    let talk = discussions::create_thread(
        &app,
        &fay,
        &slug,
        NewThreadInput { title: "Week 1".into(), body: "Hi".into(), ..Default::default() },
    )
    .await
    .expect("discussion")
    .thread_id;
    answer(ana, &talk, None).await;
    answer(ana, &talk, None).await;
    let due = app.now() + HOUR as i64 * 1000;
    let input = NewAssignment {
        title: "Essay".into(),
        body: "Write".into(),
        due_at: Some(due),
        audience: "space".into(),
        reviewers: 1,
        rubric: rubric(),
        ..Default::default()
    };
    let essay = assignments::create(&app, &fay, &slug, input).await.expect("assignment");
    assignments::submit(&app, ana, &essay, "mine").await.expect("submit");
    assignments::submit(&app, ben, &essay, "mine").await.expect("submit");
    tick(&app, 20 * DAY);
    assignments::allocate_reviews(&app, &fay, &essay).await.expect("allocate");
    let task = assignments::page(&app, ana, &essay).await.expect("page").to_review[0].review.id.clone();
    let scores = vec![Score { level: 1, comment: String::new() }, Score { level: 1, comment: String::new() }];
    assignments::submit_review(&app, ana, &task, scores, "ok").await.expect("review");
    answer(ana, &talk, None).await; // Ana is back; the rest have gone quiet.

    assert!(matches!(health::health(&app, ana, &slug).await, Err(CoreError::Forbidden)));
    let h = health::health(&app, &fay, &slug).await.expect("health");
    let row = |name: &str| {
        let p = h.participation.iter().find(|p| p.username == name).expect("row");
        (p.posts, p.answers, p.accepted, p.submissions, p.reviews_given)
    };
    assert_eq!(row("ana"), (5, 1, 0, 1, 1));
    assert_eq!(row("ben"), (1, 1, 1, 1, 0));
    assert_eq!(row("cat"), (2, 1, 0, 0, 0));
    assert_eq!(row("dan"), (1, 0, 0, 0, 0));
    assert_eq!(row("eve"), (0, 0, 0, 0, 0));
    assert_eq!(row("fay"), (1, 0, 0, 0, 0));
    assert_eq!(h.unanswered.iter().map(|u| u.thread_id.as_str()).collect::<Vec<_>>(), [q3.as_str()]);
    assert_eq!(h.unanswered[0].age_ms, (20 * DAY as i64) * 1000);
    let minutes = |n: i64| n * 60 * 1000;
    assert_eq!(h.first_answer.answered, 2);
    assert_eq!(h.first_answer.median_ms, Some(minutes(30)), "the lower middle of 30 min and 60 min");
    assert_eq!(h.first_answer.mean_ms, Some(minutes(45)));
    let edges: Vec<(&str, &str, i64)> = h.network.iter().map(|e| (e.from.as_str(), e.to.as_str(), e.count)).collect();
    assert_eq!(edges, [("ana", "cat", 1), ("ana", "fay", 3), ("ben", "ana", 1), ("cat", "ben", 1)]);
    let mut expected_activity = vec![0; health::WEEKS];
    expected_activity[health::WEEKS - 1 - 2] = 9; // twenty days ago: two weeks and six days
    expected_activity[health::WEEKS - 1] = 1;
    assert_eq!(h.activity, expected_activity);
    let quiet: Vec<&str> = h.gone_quiet.iter().map(|q| q.username.as_str()).collect();
    assert_eq!(quiet.len(), 3);
    for name in ["ben", "cat", "dan"] {
        assert!(quiet.contains(&name), "{name} has gone quiet: {quiet:?}");
    }
    assert_eq!(h.never_posted.iter().map(|q| q.username.as_str()).collect::<Vec<_>>(), ["eve"]);
}

#[tokio::test]
async fn an_assignment_is_edited_by_facilitators_and_its_rubric_stays_once_reviews_began() {
    use stoa_core::assignments::AssignmentChanges;
    let (app, fay, slug, m) = class(&["ana", "ben"]).await;
    let input = NewAssignment {
        title: "Draft".into(),
        body: "x".into(),
        due_at: Some(app.now() + 1000),
        audience: "space".into(),
        reviewers: 1,
        rubric: rubric(),
        ..Default::default()
    };
    let id = assignments::create(&app, &fay, &slug, input).await.expect("assignment");
    let rename = || AssignmentChanges { title: Some("Final draft".into()), ..Default::default() };
    assert!(matches!(assignments::update(&app, &m[0], &id, rename()).await, Err(CoreError::Forbidden)));
    let bad = AssignmentChanges { due_at: Some(0), ..Default::default() };
    assert!(
        matches!(assignments::update(&app, &fay, &id, bad).await, Err(CoreError::Invalid(ref f)) if f[0].field == "due_at")
    );
    let later = app.now() + 5000;
    assignments::update(&app, &fay, &id, AssignmentChanges { due_at: Some(later), ..rename() }).await.expect("edit");
    let page = assignments::page(&app, &m[0], &id).await.expect("page");
    assert_eq!((page.title.as_str(), page.due_at), ("Final draft", later));
    for who in &m {
        assignments::submit(&app, who, &id, "work").await.expect("submit");
    }
    tick(&app, HOUR);
    assignments::allocate_reviews(&app, &fay, &id).await.expect("allocate");
    let fewer = AssignmentChanges { reviewers: Some(2), ..Default::default() };
    assert!(matches!(
        assignments::update(&app, &fay, &id, fewer).await,
        Err(CoreError::Conflict("assignment-in-review"))
    ));
    let same = AssignmentChanges { reviewers: Some(1), body: Some("clarified".into()), ..Default::default() };
    assignments::update(&app, &fay, &id, same).await.expect("the words can still change");
}
