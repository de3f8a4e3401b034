//! Demo content: a believable organization to click through.
//!
//! Lumen Labs, a software company, runs a private community of practice for
//! its platform engineers (with two teams and a facilitator) and a public
//! community for its customers. Everything is created through the same use
//! cases as real activity, so the demo exercises the real code paths, events
//! included. Times are spread over the past two weeks.

use std::time::Duration;

use serde::Serialize;
use stoa_domain::Role;

use crate::accounts::SignUpInput;
use crate::admin::Authority;
use crate::discussions::{self, NewThreadInput, ReplyInput};
use crate::files;
use crate::library::{self, CollectionInput, ItemInput};
use crate::social::FollowTarget;
use crate::spaces::{self, NewSpaceInput};
use crate::wiki::{self, PageInput};
use crate::{Actor, CoreError, CurrentUser, Result, Stoa, accounts};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "stoa-demo-pass";

/// Who to sign in as, printed after loading.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "marcus",
        display_name: "Marcus Webb",
        role: "instance admin; owns the Platform Engineering Guild",
    },
    DemoAccount {
        username: "priya",
        display_name: "Priya Raman",
        role: "facilitator of the Platform Engineering Guild",
    },
    DemoAccount { username: "ana", display_name: "Ana Lima", role: "guild member; Incident Review Circle" },
    DemoAccount { username: "jonas", display_name: "Jonas Berg", role: "guild member; Incident Review Circle" },
    DemoAccount { username: "chen", display_name: "Chen Wei", role: "guild member; Observability Study Group" },
    DemoAccount { username: "fatima", display_name: "Fatima Okafor", role: "guild member; Observability Study Group" },
    DemoAccount { username: "sofia", display_name: "Sofia Marín", role: "owns the Lumen Customer Commons" },
    DemoAccount { username: "diego", display_name: "Diego Álvarez", role: "a customer in the Customer Commons" },
];

/// Whether the demo accounts are already there.
pub async fn is_loaded(app: &Stoa) -> Result<bool> {
    let mut conn = app.store.read().await?;
    Ok(stoa_store::users::by_username(&mut conn, "marcus").await?.is_some())
}

/// Loads the demo. Refuses with a conflict when it is already loaded.
pub async fn load(app: &Stoa) -> Result<()> {
    if is_loaded(app).await? {
        return Err(CoreError::Conflict("demo-already-loaded"));
    }
    // A clock of our own, two weeks back, moved forward between actions.
    let real_now = app.now();
    let app = app.clone().with_manual_clock(real_now - 14 * 86_400_000);
    let tick = |hours: u64| app.clock.advance(Duration::from_secs(hours * 3600));

    let mut people = Vec::new();
    for (i, account) in ACCOUNTS.iter().enumerate() {
        let user = accounts::create_user(
            &app,
            &Actor::ANONYMOUS,
            Authority::Operator,
            SignUpInput {
                username: account.username.into(),
                display_name: account.display_name.into(),
                email: format!("{}@lumen.example", account.username),
                password: DEMO_PASSWORD.into(),
                ..SignUpInput::default()
            },
            i == 0,
        )
        .await?;
        people.push(Actor::signed_in(user));
    }
    let [marcus, priya, ana, jonas, chen, fatima, sofia, diego] = &people[..] else {
        return Err(CoreError::Internal("demo accounts missing".into()));
    };
    let bios = [
        (marcus, "Head of platform at Lumen. Asks *why* three times before approving a design doc."),
        (
            priya,
            "Staff SRE and the guild's facilitator. I run our incident reviews and book club.\n\nAsk me about error budgets.",
        ),
        (ana, "Backend engineer on payments. Learning Rust one borrow-checker error at a time."),
        (sofia, "Developer relations. If the docs are wrong, tell me and I will buy you a coffee."),
    ];
    for (who, bio) in bios {
        accounts::update_profile(&app, who, accounts::ProfileInput { bio: Some(bio.into()), ..Default::default() })
            .await?;
    }
    for (who, skills, interests) in [
        (priya, "sre incident-review error-budgets facilitation", "rust"),
        (ana, "payments postgres", "rust observability"),
        (jonas, "incident-review tls", "automation"),
        (chen, "observability prometheus", "rust"),
        (fatima, "async tokio", "deployments"),
        (diego, "webhooks python", "rate-limits"),
    ] {
        accounts::set_expertise(&app, who, skills, interests).await?;
    }

    tick(2);
    let guild = spaces::create_space(
        &app,
        marcus,
        NewSpaceInput {
            kind: "community".into(),
            name: "Platform Engineering Guild".into(),
            slug: "platform-guild".into(),
            description: "A community of practice for everyone who builds and runs Lumen's platform.\n\n\
                We share what we learn from incidents, review designs in the open and keep the runbooks honest. \
                **Priya** facilitates; ask to join and say what you work on."
                .into(),
            visibility: "members".into(),
            join_policy: "request".into(),
            parent: String::new(),
        },
    )
    .await?;
    for who in [priya, ana, jonas, chen, fatima] {
        spaces::invite_person(&app, marcus, &guild.slug, &username(who), Role::Member).await?;
        let invite = spaces::my_invites(&app, who).await?.into_iter().find(|i| i.space_slug == guild.slug);
        if let Some(invite) = invite {
            spaces::answer_invite(&app, who, &invite.id, true).await?;
        }
        tick(1);
    }
    spaces::change_role(&app, marcus, &guild.slug, "priya", Role::Facilitator).await?;

    let incident_team = team(&app, priya, &guild.slug, "Incident Review Circle", "incident-review",
        "Blameless reviews of last month's incidents. We pick one, rebuild the timeline together and write down what we would change.").await?;
    let observability = team(
        &app,
        priya,
        &guild.slug,
        "Observability Study Group",
        "observability-study",
        "Working through *Observability Engineering* a chapter a week, and trying each idea on our own services.",
    )
    .await?;
    for (who, team) in
        [(ana, &incident_team), (jonas, &incident_team), (chen, &observability), (fatima, &observability)]
    {
        spaces::invite_person(&app, priya, team, &username(who), Role::Member).await?;
        if let Some(invite) = spaces::my_invites(&app, who).await?.into_iter().find(|i| &i.space_slug == team) {
            spaces::answer_invite(&app, who, &invite.id, true).await?;
        }
    }

    tick(5);
    let t = thread(&app, priya, &guild.slug, "How do you decide when a runbook step should become automation?",
        "We keep adding steps to runbooks that someone runs by hand at 3 a.m. I'd like us to agree on a rule of thumb.\n\n\
         What signals do you use? A few I have seen:\n\n\
         - the step has been run more than three times in a quarter\n\
         - the step is a copy-paste of a command with no judgement in it\n\
         - getting it wrong makes the incident worse\n\n\
         What would you add or remove? #runbooks #automation").await?;
    tick(3);
    reply(&app, ana, &t, "The third one matters most to me. If a typo in the step can page a second team, it should be a script with a dry-run flag, even if we only run it twice a year.", None).await?;
    tick(1);
    reply(&app, jonas, &t, "I'd add: *the step needs context from three dashboards*. That's a sign we should build the query once and link it, rather than automate the action.", None).await?;
    tick(4);
    reply(&app, chen, &t, "We tried a `toil` label on runbook steps last year. Counting the labels at each retro made the choice obvious:\n\n\
        | step | runs / quarter | minutes each |\n|---|---|---|\n| rotate certs | 6 | 25 |\n| drain node | 14 | 10 |\n| flush CDN | 2 | 5 |", None).await?;
    tick(2);
    reply(&app, priya, &t, "Thanks, all. I'll draft a one-page rule from this and post it for comments next week. @chen, could you share the label query?", None).await?;

    tick(20);
    let t = thread(&app, ana, &guild.slug, "Reading list: Rust for backend services",
        "A few of us are picking up Rust for the payments service. What helped you most?\n\n\
         - [x] The Rust Book, chapters 1–10\n- [x] *Zero to Production*\n- [ ] Rust for Rustaceans\n- [ ] Tokio tutorial\n\n#rust").await?;
    tick(2);
    reply(&app, fatima, &t, "The Tokio tutorial's *mini-redis* chapter is the fastest way to understand async. Pair it with `tokio-console` on a toy service.", None).await?;
    tick(6);
    reply(
        &app,
        marcus,
        &t,
        "+1 to *Zero to Production*. Also read our own `payments-ledger` crate: it's small and has good tests to copy.",
        None,
    )
    .await?;

    tick(12);
    let t = thread(&app, jonas, &incident_team, "Review: checkout latency spike on the 14th",
        "Timeline draft is in the wiki. Open questions before Thursday:\n\n\
         1. Why did the autoscaler wait 9 minutes?\n2. Did the cache warm-up job run twice?\n\nPlease add what you saw.").await?;
    tick(3);
    reply(
        &app,
        ana,
        &t,
        "On (2): yes. The cron and the deploy hook both fired. I have the logs; will attach them to the timeline.",
        None,
    )
    .await?;

    tick(10);
    let t = thread(&app, chen, &observability, "Chapter 4: structured events vs. metrics",
        "This week's question: which of our dashboards would we delete if every service emitted wide structured events?").await?;
    tick(2);
    reply(
        &app,
        fatima,
        &t,
        "The per-endpoint latency ones. We'd compute them from events on demand instead of pre-aggregating 40 metrics.",
        None,
    )
    .await?;

    // The public, customer-facing community.
    tick(8);
    let commons = spaces::create_space(
        &app,
        sofia,
        NewSpaceInput {
            kind: "community".into(),
            name: "Lumen Customer Commons".into(),
            slug: "customer-commons".into(),
            description: "Where Lumen customers and engineers learn from each other: announcements, how-tos and open questions. Everyone is welcome to read; join to take part.".into(),
            visibility: "public".into(),
            join_policy: "open".into(),
            parent: String::new(),
        },
    )
    .await?;
    for who in [diego, marcus, ana] {
        spaces::join(&app, who, &commons.slug).await?;
    }
    tick(3);
    let welcome = thread(
        &app,
        sofia,
        &commons.slug,
        "Welcome! Start here",
        "Hi everyone, and welcome to the Commons.\n\n\
         - Ask anything about Lumen's API, SDKs and deployments.\n\
         - Share how you use Lumen: other customers learn the most from you.\n\
         - Our engineers drop in every day, but peers often answer first.\n\n\
         Be kind, and post code as text, not screenshots.",
    )
    .await?;
    tick(5);
    reply(&app, diego, &welcome, "Thanks Sofia! We run Lumen in three regions for a logistics platform. Happy to share what we learned about rate limits.", None).await?;
    // A post for the Commons' moderators to decide on: flagged twice, waiting.
    tick(2);
    spaces::join(&app, jonas, &commons.slug).await?;
    let promo = reply(
        &app,
        jonas,
        &welcome,
        "Selling my old mechanical keyboard, barely used! Message me for a price, first come first served.",
        None,
    )
    .await?;
    tick(1);
    crate::moderation::flag(&app, diego, &promo, "off_topic", "Not about Lumen at all.").await?;
    crate::moderation::flag(&app, ana, &promo, "spam", "").await?;
    // (27 + the 3 hours above: what follows keeps its time.)
    tick(27);
    let t = thread(&app, diego, &commons.slug, "Retrying webhooks without duplicate orders",
        "Our webhook handler sometimes gets the same `order.created` event twice after a timeout. How do others make the handler idempotent?\n\n\
         ```python\n@app.post(\"/hooks/lumen\")\ndef hook(event):\n    create_order(event[\"data\"])  # runs twice on retry\n```\n\n#webhooks #idempotency").await?;
    tick(2);
    let answer = reply(&app, ana, &t, "Store the event's `id` in a table with a unique constraint and do the insert in the same transaction as `create_order`. A retry then fails the insert and you return 200 without doing the work twice.", None).await?;
    tick(1);
    reply(
        &app,
        sofia,
        &t,
        "Ana's answer is the one we recommend. We'll add it to the webhooks guide this week.",
        Some(answer),
    )
    .await?;
    tick(1);
    reply(&app, diego, &t, "That worked, thank you both! Took ten lines.", None).await?;

    tick(6);
    knowledge(&app, &guild.slug, &commons.slug, [priya, ana, jonas, chen, sofia, diego]).await?;
    facilitation(&app, real_now, &guild.slug, &commons.slug, [marcus, priya, ana, jonas, chen, fatima, sofia]).await?;

    // The Commons' blog: a podcast episode (a second of quiet, as a WAV
    // file) and a written post, a few hours ago (the clock above has
    // reached about now).
    let app = app.clone().with_manual_clock(real_now - 6 * 3_600_000);
    let tick = |hours: u64| app.clock.advance(Duration::from_secs(hours * 3600));
    let episode = upload(&app, sofia, &commons.slug, "commons-cast-1.wav", &quiet_wav()).await?;
    crate::blogs::create(
        &app,
        sofia,
        &commons.slug,
        crate::blogs::BlogInput {
            title: "Commons Cast #1: idempotent webhooks".into(),
            body: "Ana and Diego talk through the #webhooks thread: why retries happen, and the ten lines that made \
                   Diego's handler safe to call twice.\n\nShow notes: the thread in the Commons, and the webhooks guide."
                .into(),
            publish: true,
            audio_file_id: Some(episode),
            ..Default::default()
        },
    )
    .await?;
    tick(3);
    crate::blogs::create(
        &app,
        sofia,
        &commons.slug,
        crate::blogs::BlogInput {
            title: "What we changed in the SDKs this month".into(),
            body: "Shorter timeouts by default, clearer errors on rate limits, and a retry helper that keeps an \
                   idempotency key for you."
                .into(),
            publish: true,
            ..Default::default()
        },
    )
    .await?;

    // A person's own blog, beside the spaces' ones.
    let ana_blog = crate::blogs::start_personal(&app, ana, "Ana Lima's blog").await?;
    crate::blogs::create(
        &app,
        ana,
        &ana_blog,
        crate::blogs::BlogInput {
            title: "What the borrow checker taught me about payments".into(),
            body: "Three months into Rust, the compiler keeps asking the question our payment incidents asked too \
                   late: *who owns this money right now?*\n\nNotes from the guild's book club, and a #rust reading \
                   list for anyone starting out."
                .into(),
            publish: true,
            ..Default::default()
        },
    )
    .await?;

    // Who follows what, so feeds and notifications have something to show.
    let follows = [
        (diego, FollowTarget::Person("ana".into())),
        (diego, FollowTarget::Tag("webhooks".into())),
        (ana, FollowTarget::Tag("rust".into())),
        (chen, FollowTarget::Tag("rust".into())),
        (fatima, FollowTarget::Person("priya".into())),
        (marcus, FollowTarget::Space(commons.slug.clone())),
    ];
    for (who, target) in follows {
        crate::social::follow(&app, who, &target, true).await?;
    }
    crate::messages::start(
        &app,
        ana,
        &["diego".into()],
        "Glad the idempotency key worked! If you write up your retry logging, Sofia would love it for the guide.",
    )
    .await?;
    tick(1);
    reply(&app, diego, &t, "Follow-up for anyone searching later: we also log the duplicate ids, so we can see how often retries happen. #webhooks", None).await?;

    chat(&app.clone().with_manual_clock(real_now - 95 * 60_000), &guild.slug, [priya, ana, jonas, chen, fatima])
        .await?;
    events(
        &app.clone().with_manual_clock(real_now - 5 * 86_400_000),
        real_now,
        &guild.slug,
        &commons.slug,
        [priya, ana, jonas, chen, fatima, sofia, diego],
    )
    .await?;
    Ok(())
}

/// Events: a past incident review whose shared notes were taken live (not
/// yet a wiki page, so a newcomer can make one), the book club later this
/// week, and public office hours in the Commons.
async fn events(app: &Stoa, real_now: i64, guild: &str, commons: &str, people: [&Actor; 7]) -> Result<()> {
    let [priya, ana, jonas, chen, fatima, sofia, diego] = people;
    let hour = 3_600_000;
    // The times fall on the hour, as people schedule them.
    let on_the_hour = |at: i64| at - at.rem_euclid(hour);
    let review = crate::calendar::schedule(
        app,
        priya,
        guild,
        crate::calendar::EventInput {
            title: "Incident review: the autoscaler that waited".into(),
            description: "We rebuild the timeline of last week's slow scale-up together and agree on what to change. \
                          Read the incident thread first."
                .into(),
            starts_at: Some(on_the_hour(real_now - 2 * 86_400_000)),
            duration_minutes: Some(60),
            place: "Room 4.12".into(),
            link: "https://meet.lumen.example/incident-review".into(),
        },
    )
    .await?;
    for (who, answer) in [(ana, "yes"), (jonas, "yes"), (chen, "maybe"), (fatima, "no")] {
        crate::calendar::answer(app, who, &review, answer).await?;
    }
    // The notes, as they were typed during the session.
    let notes = "# Incident review: the autoscaler that waited\n\n\
                 Present: Priya, Ana, Jonas, Chen\n\n\
                 ## Timeline\n\n\
                 - 14:02 queue depth starts climbing\n\
                 - 14:06 the autoscaler sees it, but its cool-down is 10 minutes\n\
                 - 14:11 first new node ready; p99 back to normal at 14:15\n\n\
                 ## What we change\n\n\
                 - [ ] Shorten the cool-down to 3 minutes for the API pool (Jonas)\n\
                 - [ ] Alert on queue-depth growth, not only depth (Chen)\n\
                 - [x] Link the autoscaler dashboard from the runbook (Ana)\n";
    crate::calendar::write_notes(app, priya, &review, "", notes).await?;

    let book_club = crate::calendar::schedule(
        app,
        priya,
        guild,
        crate::calendar::EventInput {
            title: "Book club: Backpressure (chapter 5)".into(),
            description: "We discuss chapter 5, *Backpressure*, and what it means for our queues. Jonas brings the \
                          queue-depth graphs from last week's incident.\n\nBring one question."
                .into(),
            starts_at: Some(on_the_hour(real_now + 2 * 86_400_000)),
            duration_minutes: Some(60),
            place: "Room 4.12 and online".into(),
            link: "https://meet.lumen.example/book-club".into(),
        },
    )
    .await?;
    for (who, answer) in [(ana, "yes"), (jonas, "yes"), (chen, "yes"), (fatima, "maybe")] {
        crate::calendar::answer(app, who, &book_club, answer).await?;
    }

    let office_hours = crate::calendar::schedule(
        app,
        sofia,
        commons,
        crate::calendar::EventInput {
            title: "Office hours: webhooks and retries".into(),
            description: "Bring your integration questions. Ana from the payments team joins to talk about \
                          idempotency keys."
                .into(),
            starts_at: Some(on_the_hour(real_now + 5 * 86_400_000)),
            duration_minutes: Some(45),
            place: String::new(),
            link: "https://meet.lumen.example/office-hours".into(),
        },
    )
    .await?;
    crate::calendar::answer(app, diego, &office_hours, "yes").await?;
    Ok(())
}

/// The guild's chat over the last hour and a half.
async fn chat(app: &Stoa, guild: &str, people: [&Actor; 5]) -> Result<()> {
    let [priya, ana, jonas, chen, fatima] = people;
    let lines: [(&Actor, u64, &str); 10] = [
        (priya, 0, "Morning all! Book club is on Thursday: chapter 5, *Backpressure*."),
        (jonas, 3, "I'll bring the queue-depth graphs from last week's incident, they fit the chapter well."),
        (
            chen,
            2,
            "Has anyone tried `tokio::sync::Semaphore` for limiting outbound calls? Curious how it compares to a bounded channel.",
        ),
        (
            fatima,
            4,
            "@chen we use a semaphore per downstream in the gateway. Easier to reason about than channels when you need a timeout.",
        ),
        (chen, 1, "Thanks! Do you keep the permit across retries?"),
        (fatima, 2, "No, released before the backoff sleep, otherwise retries starve fresh requests."),
        (ana, 20, "Quick one: the staging deploy is back to green, the flaky migration test was a clock issue."),
        (priya, 5, "Nice find @ana. Worth a line in the deploy checklist on the wiki?"),
        (ana, 3, "Will do after lunch."),
        (
            jonas,
            30,
            "Reminder: the incident review notes are in the Incident Review Circle, comments welcome before Thursday.",
        ),
    ];
    for (who, minutes, text) in lines {
        app.clock.advance(Duration::from_secs(minutes * 60));
        crate::chat::send(app, who, guild, text).await?;
    }
    Ok(())
}

/// Questions and answers, a scheduled prompt, a team set, an assignment
/// that has been peer reviewed and one still running, and a research quest:
/// enough for the guild's health page to have something to say.
async fn facilitation(app: &Stoa, real_now: i64, guild: &str, commons: &str, people: [&Actor; 7]) -> Result<()> {
    use crate::assignments::{self, Criterion, NewAssignment, Score};
    use crate::facilitation::{self as facil, ThreadChanges};
    use crate::quests::{self, NewQuest, SourceInput};
    use crate::spaces::DiscussionRules;
    use crate::teams::{self, NewTeamSet};

    let [marcus, priya, ana, jonas, chen, fatima, sofia] = people;
    let tick = |hours: u64| app.clock.advance(Duration::from_secs(hours * 3600));
    let ask = |who: &Actor, title: &str, body: &str, anonymous: bool| {
        let input = NewThreadInput {
            title: title.into(),
            body: body.into(),
            kind: Some("question".into()),
            anonymous,
            ..Default::default()
        };
        let (who, space) = (who.clone(), guild.to_owned());
        async move { discussions::create_thread(app, &who, &space, input).await.map(|w| w.thread_id) }
    };

    let rules = DiscussionRules { allow_anonymous: true, slow_mode_secs: 0, post_first: false };
    facil::set_rules(app, priya, guild, rules).await?;
    let runbooks = discussions::threads(app, priya, guild, discussions::Filter::All, 1).await?;
    if let Some(t) = runbooks.threads.iter().find(|t| t.title.starts_with("How do you decide")) {
        facil::update_thread(app, priya, &t.id, ThreadChanges { pinned: Some(true), ..Default::default() }).await?;
    }
    let welcome = discussions::threads(app, sofia, commons, discussions::Filter::All, 1).await?;
    if let Some(t) = welcome.threads.iter().find(|t| t.title.starts_with("Welcome")) {
        facil::update_thread(app, sofia, &t.id, ThreadChanges { pinned: Some(true), ..Default::default() }).await?;
    }

    tick(3);
    let q = ask(ana, "Should we page on p99 per endpoint or per service?",
        "Our checkout service has 14 endpoints. Paging on each one's p99 wakes us for noise; paging on the service's p99 hid the spike on the 14th. What do you do?", false).await?;
    tick(2);
    let per_service = reply(app, jonas, &q, "Per service, with a separate SLO for the two endpoints that carry money. Everything else goes to a dashboard, not a pager.", None).await?;
    tick(1);
    let burn = reply(app, chen, &q, "Page on **error-budget burn rate** per user journey instead of raw p99: a fast-burn alert (2% of the budget in an hour) and a slow one (5% in six hours). The spike on the 14th would have tripped the fast one within four minutes.", None).await?;
    tick(1);
    for (who, post) in [(jonas, &burn), (fatima, &burn), (priya, &burn), (ana, &per_service)] {
        facil::vote(app, who, post, 1).await?;
    }
    facil::endorse(app, priya, &burn, true).await?;
    for (who, kind) in [(ana, "insightful"), (fatima, "insightful"), (jonas, "thanks"), (marcus, "helpful")] {
        crate::social::react(app, who, &burn, kind, true).await?;
    }
    facil::accept(app, ana, &q, Some(&burn)).await?;

    tick(4);
    let shy = ask(
        fatima,
        "Is it fine to say I don't understand our deploy pipeline?",
        "I have been here three months and still could not draw it. Everyone seems to just know.",
        true,
    )
    .await?;
    tick(2);
    reply(app, priya, &shy, "Very fine, and you are not alone: I asked the same in my first year. Let's draw it together at Thursday's session; I'll put the result in the wiki.", None).await?;
    tick(3);
    ask(
        jonas,
        "Who owns the TLS certificates for internal services?",
        "The rotation runbook names a team that no longer exists.",
        false,
    )
    .await?;

    // A prompt that opens in two days, in post-first mode.
    let prompt = NewThreadInput {
        title: "Week 3 prompt: one step you automated away".into(),
        body: "Before reading the others: describe one manual step you replaced with a script, and what you would do differently.".into(),
        opens_at: Some(real_now + 2 * 86_400_000),
        post_first: Some(true),
        ..Default::default()
    };
    discussions::create_thread(app, priya, guild, prompt).await?;

    // Design-review pairs, formed at random.
    tick(2);
    teams::create_set(
        app,
        priya,
        guild,
        NewTeamSet { name: "Design review pairs".into(), mode: "auto".into(), size: 2, teams: 0 },
    )
    .await?;

    // An assignment that has been through peer review.
    let rubric = vec![
        Criterion { name: "Timeline".into(), levels: vec!["Missing".into(), "Partial".into(), "Complete".into()] },
        Criterion {
            name: "What we learned".into(),
            levels: vec!["Vague".into(), "Specific".into(), "Actionable".into()],
        },
    ];
    tick(1);
    let writeup = assignments::create(app, priya, guild, NewAssignment {
        title: "Write up one incident you were part of".into(),
        body: "Pick an incident from the last quarter. Write the timeline, what surprised you, and **one** change you would make. Half a page is plenty.".into(),
        due_at: Some(app.now() + 2 * 86_400_000),
        audience: "space".into(),
        reviewers: 1,
        rubric: rubric.clone(),
        ..Default::default()
    }).await?;
    tick(10);
    assignments::submit(app, ana, &writeup, "**Checkout latency, 14th.** The cache warm-up ran twice (cron and deploy hook) and evicted hot keys. Change: one owner for warm-up, the deploy hook.").await?;
    tick(8);
    assignments::submit(app, jonas, &writeup, "**Expired internal cert, 3rd.** Rotation runbook pointed at a team that was reorganised. Change: certificates get an owner label checked in CI.").await?;
    tick(12);
    assignments::submit(
        app,
        chen,
        &writeup,
        "**Noisy pager week.** 40 pages, 3 actionable. Change: burn-rate alerts per journey (see the Q&A thread).",
    )
    .await?;
    tick(24);
    assignments::allocate_reviews(app, priya, &writeup).await?;
    tick(3);
    for who in [ana, jonas] {
        let page = assignments::page(app, who, &writeup).await?;
        if let Some(task) = page.to_review.first() {
            let scores =
                vec![Score { level: 2, comment: "Clear timeline.".into() }, Score { level: 1, comment: String::new() }];
            assignments::submit_review(app, who, &task.review.id, scores, "I'd read this at the next review.").await?;
        }
        tick(2);
    }
    let board = assignments::page(app, priya, &writeup).await?;
    if let Some(s) =
        board.board.iter().find(|r| r.username.as_deref() == Some("jonas")).and_then(|r| r.submission.as_ref())
    {
        assignments::comment(
            app,
            priya,
            &s.id,
            "Great catch on the owner label. Could you propose it in the platform channel?",
        )
        .await?;
    }

    // One still running, due in four days.
    tick(2);
    let proposal = assignments::create(app, priya, guild, NewAssignment {
        title: "Propose one runbook step to automate".into(),
        body: "Use the rule of thumb from the pinned thread. Name the step, how often it runs, and the risk of getting it wrong.".into(),
        due_at: Some(real_now + 4 * 86_400_000),
        audience: "space".into(),
        reviewers: 2,
        anonymous_reviews: true,
        rubric,
        ..Default::default()
    }).await?;
    tick(5);
    assignments::submit(app, chen, &proposal, "Draining a node: 14 runs a quarter, 10 minutes each, and a wrong node name takes a zone down. Script with a dry-run flag.").await?;

    // A research quest, half explored.
    tick(3);
    let items = library::library(app, priya, guild, None, 1).await?.items;
    let mut sources: Vec<SourceInput> = items
        .iter()
        .take(1)
        .map(|i| SourceInput { kind: "library".into(), library_item: Some(i.id.clone()), ..Default::default() })
        .collect();
    sources.push(SourceInput {
        kind: "link".into(),
        url: Some("https://sre.google/workbook/alerting-on-slos/".into()),
        title: "Alerting on SLOs (SRE workbook)".into(),
        ..Default::default()
    });
    sources.push(SourceInput {
        kind: "angle".into(),
        title: "What do our last 40 pages have in common?".into(),
        ..Default::default()
    });
    sources.push(SourceInput {
        kind: "angle".into(),
        title: "How do other teams at Lumen decide?".into(),
        ..Default::default()
    });
    let quest = quests::create(
        app,
        priya,
        guild,
        NewQuest {
            question: "What makes an alert actionable?".into(),
            body: "Claim a source or an angle, and post what you find. I'll distill it into the runbook guide.".into(),
            sources,
        },
    )
    .await?;
    let board = quests::page(app, ana, &quest).await?;
    let ids: Vec<String> = board.sources.iter().map(|s| s.row.id.clone()).collect();
    if let [.., link, pages, _] = &ids[..] {
        tick(2);
        quests::claim(app, ana, link, true).await?;
        quests::post_finding(app, ana, &quest, Some(link), "An alert is actionable when it needs a human **now** and the human can do something. Burn-rate alerts get both by design.").await?;
        tick(4);
        quests::claim(app, chen, pages, true).await?;
        quests::post_finding(
            app,
            chen,
            &quest,
            Some(pages),
            "37 of 40 pages resolved themselves within 10 minutes. None had a runbook link.",
        )
        .await?;
    }
    tick(1);
    quests::claim(app, marcus, &ids[ids.len() - 1], true).await.ok();
    Ok(())
}

/// Wiki pages with history, a library with collections, and files.
async fn knowledge(app: &Stoa, guild: &str, commons: &str, people: [&Actor; 6]) -> Result<()> {
    let [priya, ana, jonas, chen, sofia, diego] = people;
    let tick = |hours: u64| app.clock.advance(Duration::from_secs(hours * 3600));
    let page = |title: &str, body: &str, parent: &str, summary: &str| PageInput {
        title: title.into(),
        body: body.into(),
        summary: summary.into(),
        parent: Some(parent.into()),
    };

    // The guild's runbooks: a protected index page and pages under it.
    wiki::create(
        app,
        priya,
        guild,
        page(
            "Runbooks",
            "Everything we do by hand in production, written down so the next person does it the same way.\n\n\
             - [[Deploying a service]]\n- [[Incident response]]\n- [[Postmortem template]]\n\n\
             Start a page under this one for a new runbook. Discuss changes to this index on its talk page.",
            "",
            "The index of our runbooks",
        ),
    )
    .await?;
    wiki::set_protected(app, priya, guild, "runbooks", true).await?;
    tick(3);
    let deploy_v1 =
        "# Deploying a service\n\n1. Merge to `main`.\n2. Wait for the pipeline.\n3. Run `lumen deploy <service>`.";
    wiki::create(app, ana, guild, page("Deploying a service", deploy_v1, "runbooks", "First version")).await?;
    let edits: [(&Actor, &str, &str); 3] = [
        (
            jonas,
            "# Deploying a service\n\n1. Merge to `main`.\n2. Wait for the pipeline and check the canary dashboard.\n3. Run `lumen deploy <service>`.",
            "Check the canary before promoting",
        ),
        (
            chen,
            "# Deploying a service\n\n1. Merge to `main`.\n2. Wait for the pipeline and check the canary dashboard.\n3. Run `lumen deploy <service> --region eu-west`.\n4. Repeat for `us-east` after 30 minutes.",
            "Deploy region by region",
        ),
        (
            ana,
            "# Deploying a service\n\nDeploys happen Monday to Thursday, before 15:00.\n\n1. Merge to `main`.\n2. Wait for the pipeline and check the canary dashboard.\n3. Run `lumen deploy <service> --region eu-west`.\n4. Repeat for `us-east` after 30 minutes.\n\nIf anything looks wrong, follow [[Incident response]].",
            "Deploy windows and a link to incident response",
        ),
    ];
    for (n, (who, body, summary)) in edits.into_iter().enumerate() {
        tick(20);
        wiki::save(
            app,
            who,
            guild,
            "deploying-a-service",
            n as i64 + 1,
            page("Deploying a service", body, "runbooks", summary),
        )
        .await?;
    }
    tick(4);
    wiki::create(
        app,
        priya,
        guild,
        page(
            "Incident response",
            "# Incident response\n\n1. Declare the incident in #incidents and name an incident lead.\n2. Mitigate first, investigate later.\n3. Write the postmortem within five working days.",
            "runbooks",
            "",
        ),
    )
    .await?;
    tick(2);
    wiki::talk(
        app,
        jonas,
        guild,
        "deploying-a-service",
        "Should step 4 wait for an SLO check instead of a fixed 30 minutes?",
    )
    .await?;
    tick(1);
    wiki::talk(app, chen, guild, "deploying-a-service", "Yes, let's try it for a month. I'll draft the change.")
        .await?;

    // The guild's library: links, an article, files, and a suggested reading list.
    tick(5);
    let link = |title: &str, url: &str, body: &str, tags: &str| ItemInput {
        kind: "link".into(),
        title: title.into(),
        url: url.into(),
        body: body.into(),
        tags: tags.into(),
        ..Default::default()
    };
    let budgets = library::create_item(
        app,
        priya,
        guild,
        link(
            "Embracing risk: error budgets",
            "https://sre.google/sre-book/embracing-risk/",
            "The chapter that introduced error budgets. Read it before our next SLO review.",
            "sre reliability",
        ),
    )
    .await?;
    library::suggest_item(app, priya, &budgets.id, true).await?;
    let ddia = library::create_item(
        app,
        jonas,
        guild,
        link(
            "Designing Data-Intensive Applications",
            "https://dataintensive.net/",
            "Our book club's current read.",
            "databases books",
        ),
    )
    .await?;
    let review = library::create_item(
        app,
        ana,
        guild,
        ItemInput {
            kind: "article".into(),
            title: "How we review designs".into(),
            body: "A design doc gets **two reviewers** from outside the team and one week of comments.\n\n\
                   Reviewers ask: what happens when this fails, how do we roll it back, and who is paged?"
                .into(),
            tags: "process design".into(),
            ..Default::default()
        },
    )
    .await?;
    let checklist = upload(
        app,
        chen,
        guild,
        "on-call-checklist.md",
        b"# On-call checklist\n\n- [ ] Phone charged, alerts on\n- [ ] Laptop and VPN work\n- [ ] Read last week's handover\n",
    )
    .await?;
    let checklist = library::create_item(
        app,
        chen,
        guild,
        ItemInput {
            kind: "file".into(),
            title: "On-call checklist".into(),
            file_id: checklist,
            body: "What to check before your first on-call shift.".into(),
            tags: "oncall".into(),
            ..Default::default()
        },
    )
    .await?;
    let budgets_csv = upload(
        app,
        priya,
        guild,
        "latency-budgets.csv",
        b"service,p99_ms,error_budget\ncheckout,300,0.1%\nsearch,150,0.5%\nwebhooks,1000,0.1%\n",
    )
    .await?;
    library::create_item(
        app,
        priya,
        guild,
        ItemInput {
            kind: "file".into(),
            title: "Latency budgets per service".into(),
            file_id: budgets_csv,
            tags: "sre".into(),
            ..Default::default()
        },
    )
    .await?;
    let onboarding = library::create_collection(
        app,
        priya,
        guild,
        CollectionInput {
            title: "Onboarding reading list".into(),
            body: "Read these in order during your first two weeks.".into(),
        },
    )
    .await?;
    let order = [checklist.id, review.id, budgets.id, ddia.id];
    library::set_collection_items(app, priya, &onboarding, &order).await?;
    library::suggest_collection(app, priya, &onboarding, true).await?;

    // The public commons: a guide with history, and links for customers.
    tick(8);
    let guide = "# Webhooks guide\n\nLumen sends an HTTP `POST` for every event you subscribe to. Answer with `200` within ten seconds.";
    wiki::create(app, sofia, commons, page("Webhooks guide", guide, "", "First version")).await?;
    tick(20);
    let guide2 = format!(
        "{guide}\n\n## Handling retries\n\nA delivery that times out is sent again, so make your handler idempotent: \
         store each event's `id` under a unique constraint in the same transaction as your own write. \
         See [[Rate limits]] for how often we retry."
    );
    wiki::save(
        app,
        sofia,
        commons,
        "webhooks-guide",
        1,
        page("Webhooks guide", &guide2, "", "Add idempotent retries, from Ana's answer"),
    )
    .await?;
    tick(3);
    let docs = library::create_item(
        app,
        sofia,
        commons,
        link(
            "API reference",
            "https://docs.lumen.example/api",
            "Every endpoint, with examples in three languages.",
            "api docs",
        ),
    )
    .await?;
    let sdk = library::create_item(
        app,
        diego,
        commons,
        link(
            "Our retry wrapper for the Python SDK",
            "https://github.com/example/lumen-retry",
            "Ten lines; MIT licensed.",
            "python webhooks",
        ),
    )
    .await?;
    let start = library::create_collection(
        app,
        sofia,
        commons,
        CollectionInput { title: "Start here".into(), body: "The three things every new integrator reads.".into() },
    )
    .await?;
    library::set_collection_items(app, sofia, &start, &[docs.id, sdk.id]).await?;
    Ok(())
}

/// Uploads `bytes` as a file named `name` and returns its id.
/// One second of silence as an 8 kHz, 8-bit mono WAV file.
fn quiet_wav() -> Vec<u8> {
    let samples: u32 = 8000;
    let mut wav = Vec::with_capacity(44 + samples as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&8000u32.to_le_bytes()); // samples per second
    wav.extend_from_slice(&8000u32.to_le_bytes()); // bytes per second
    wav.extend_from_slice(&1u16.to_le_bytes()); // block align
    wav.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&samples.to_le_bytes());
    wav.extend(std::iter::repeat_n(128u8, samples as usize));
    wav
}

async fn upload(app: &Stoa, who: &Actor, space: &str, name: &str, bytes: &[u8]) -> Result<String> {
    let target = files::may_upload(app, who, space).await?;
    let mut staged = files::stage(app).await?;
    staged.write(bytes).await.map_err(|e| CoreError::Internal(format!("demo file: {e}")))?;
    Ok(files::finish(app, who, &target, name, staged).await?.id)
}

fn username(actor: &Actor) -> String {
    actor.user.as_ref().map(|u: &CurrentUser| u.username.clone()).unwrap_or_default()
}

async fn team(app: &Stoa, creator: &Actor, parent: &str, name: &str, slug: &str, description: &str) -> Result<String> {
    let team = spaces::create_space(
        app,
        creator,
        NewSpaceInput {
            kind: "team".into(),
            name: name.into(),
            slug: slug.into(),
            description: description.into(),
            visibility: "members".into(),
            join_policy: "invite".into(),
            parent: parent.into(),
        },
    )
    .await?;
    Ok(team.slug)
}

async fn thread(app: &Stoa, author: &Actor, space: &str, title: &str, body: &str) -> Result<String> {
    let written = discussions::create_thread(
        app,
        author,
        space,
        NewThreadInput { title: title.into(), body: body.into(), ..Default::default() },
    )
    .await?;
    Ok(written.thread_id)
}

async fn reply(app: &Stoa, author: &Actor, thread: &str, body: &str, reply_to: Option<String>) -> Result<String> {
    let written =
        discussions::reply(app, author, thread, ReplyInput { body: body.into(), reply_to, ..Default::default() })
            .await?;
    Ok(written.post.id)
}
