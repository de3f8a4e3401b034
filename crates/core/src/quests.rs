//! Research quests ("suggest research"): a facilitator asks a question and
//! seeds it with sources (library items or links) and angles; members claim
//! a source or an angle and post findings; a board shows what is covered and
//! what is still open; a facilitator distills the findings into a wiki page
//! that links back to each one.

use serde::Serialize;
use stoa_domain::wiki::LongText;
use stoa_domain::{Action, PostBody, Title, markdown};
use stoa_store::events::kind;
use stoa_store::learning::{self as store, FindingRow, QuestRow, SourceRow};
use stoa_store::{Conn, new_id};

use crate::facilitation::event;
use crate::spaces::{self, Permissions, SpaceSummary};
use crate::{Actor, CoreError, FieldError, Result, Stoa, field, wiki};

/// A source or angle as typed.
#[derive(Debug, Clone, Default)]
pub struct SourceInput {
    /// `library` (give `library_item`), `link` (give `url`) or `angle`.
    pub kind: String,
    pub library_item: Option<String>,
    pub url: Option<String>,
    /// For links and angles; a library item brings its own.
    pub title: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewQuest {
    pub question: String,
    pub body: String,
    pub sources: Vec<SourceInput>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestSummary {
    pub id: String,
    pub question: String,
    pub created_at: i64,
    pub source_count: i64,
    pub finding_count: i64,
    pub wiki_slug: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestList {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub quests: Vec<QuestSummary>,
}

/// A source on the board.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    #[serde(flatten)]
    pub row: SourceRow,
    /// Someone posted a finding about it.
    pub covered: bool,
    /// The viewer holds it.
    pub mine: bool,
    /// Where it points: the library item's page or the link.
    pub href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestPage {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub id: String,
    pub question: String,
    pub body_html: String,
    pub created_at: i64,
    pub sources: Vec<Source>,
    pub findings: Vec<FindingRow>,
    pub covered: usize,
    pub open: usize,
    pub wiki_slug: Option<String>,
}

/// Checks a source and writes it.
async fn add_source_row(tx: &mut Conn, quest: &QuestRow, input: &SourceInput) -> Result<String> {
    let id = new_id();
    match input.kind.trim() {
        "library" => {
            let item_id = input.library_item.as_deref().map(str::trim).unwrap_or_default();
            let item = stoa_store::library::item(tx, item_id).await?;
            let Some(item) = item.filter(|i| i.space_id == quest.space_id) else {
                return Err(CoreError::field("sources", "quest-source-unknown"));
            };
            store::insert_source(tx, &id, &quest.id, "library", Some(&item.id), None, &item.title).await?;
        }
        "link" => {
            let url = input
                .url
                .as_deref()
                .and_then(crate::library::parse_url)
                .ok_or_else(|| CoreError::field("sources", "invalid-url"))?;
            let title = if input.title.trim().is_empty() { url.clone() } else { input.title.trim().to_owned() };
            let title =
                Title::parse(&title).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("sources", &e)]))?;
            store::insert_source(tx, &id, &quest.id, "link", None, Some(&url), title.as_str()).await?;
        }
        "angle" => {
            let title =
                Title::parse(&input.title).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("sources", &e)]))?;
            store::insert_source(tx, &id, &quest.id, "angle", None, None, title.as_str()).await?;
        }
        _ => return Err(CoreError::field("sources", "invalid-option")),
    }
    Ok(id)
}

/// Starts a quest (facilitators) with its seed sources and angles.
pub async fn create(app: &Stoa, actor: &Actor, slug: &str, input: NewQuest) -> Result<String> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Facilitate).await?;
    let mut errors = Vec::new();
    let question = field(&mut errors, "question", Title::parse(&input.question));
    let body = field(&mut errors, "body", LongText::parse(&input.body));
    let (Some(question), Some(body)) = (question, body) else {
        return Err(CoreError::Invalid(errors));
    };
    let now = app.now();
    let id = new_id();
    store::insert_quest(
        &mut tx,
        &id,
        &view.space.id,
        question.as_str(),
        body.as_str(),
        &markdown::render(body.as_str()),
        &me.id,
        now,
    )
    .await?;
    let quest = store::quest(&mut tx, &id).await?.ok_or(CoreError::NotFound)?;
    for source in input.sources.iter().filter(|s| !s.kind.trim().is_empty()) {
        add_source_row(&mut tx, &quest, source).await?;
    }
    let data = serde_json::json!({"question": question.as_str()});
    event(&mut tx, kind::QUEST_CREATED, &me.id, &view.space.id, &id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(id)
}

pub async fn list(app: &Stoa, actor: &Actor, slug: &str) -> Result<QuestList> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let quests = store::quests(&mut conn, &view.space.id)
        .await?
        .into_iter()
        .map(|q| QuestSummary {
            id: q.id,
            question: q.question,
            created_at: q.created_at,
            source_count: q.source_count,
            finding_count: q.finding_count,
            wiki_slug: q.wiki_slug,
        })
        .collect();
    Ok(QuestList { space: SpaceSummary::of(&view), may: Permissions::of(actor, &view), quests })
}

async fn load(
    conn: &mut Conn,
    actor: &Actor,
    id: &str,
    action: Action,
) -> Result<(QuestRow, stoa_store::spaces::SpaceView)> {
    let quest = store::quest(conn, id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(conn, actor, &quest.space_id, action).await?;
    Ok((quest, view))
}

/// A quest's board: sources and angles, who holds them, what is covered,
/// and the findings.
pub async fn page(app: &Stoa, actor: &Actor, id: &str) -> Result<QuestPage> {
    let mut conn = app.store.read().await?;
    let (quest, view) = load(&mut conn, actor, id, Action::ReadContent).await?;
    let sources: Vec<Source> = store::sources(&mut conn, &quest.id)
        .await?
        .into_iter()
        .map(|row| Source {
            covered: row.finding_count > 0,
            mine: actor.id().is_some() && row.claimed_by.as_deref() == actor.id(),
            href: match (&row.library_item_id, &row.url) {
                (Some(item), _) => Some(format!("/library/{item}")),
                (None, Some(url)) => Some(url.clone()),
                _ => None,
            },
            row,
        })
        .collect();
    let findings = store::findings(&mut conn, &quest.id).await?;
    let covered = sources.iter().filter(|s| s.covered).count();
    Ok(QuestPage {
        space: SpaceSummary::of(&view),
        may: Permissions::of(actor, &view),
        open: sources.len() - covered,
        covered,
        id: quest.id,
        question: quest.question,
        body_html: quest.body_html,
        created_at: quest.created_at,
        sources,
        findings,
        wiki_slug: quest.wiki_slug,
    })
}

/// Adds a source or an angle to a quest (any member).
pub async fn add_source(app: &Stoa, actor: &Actor, id: &str, input: SourceInput) -> Result<String> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (quest, _) = load(&mut tx, actor, id, Action::Post).await?;
    let source = add_source_row(&mut tx, &quest, &input).await?;
    let now = app.now();
    event(
        &mut tx,
        kind::QUEST_SOURCE_ADDED,
        &me.id,
        &quest.space_id,
        &source,
        serde_json::json!({"quest_id": quest.id}),
        now,
    )
    .await?;
    stoa_store::commit(tx).await?;
    Ok(source)
}

/// Claims a source or angle (or lets it go). Someone else's claim stands:
/// only they or a facilitator release it.
pub async fn claim(app: &Stoa, actor: &Actor, source_id: &str, claim: bool) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let quest_id = store::quest_of_source(&mut tx, source_id).await?.ok_or(CoreError::NotFound)?;
    let (quest, view) = load(&mut tx, actor, &quest_id, Action::Post).await?;
    let source =
        store::sources(&mut tx, &quest.id).await?.into_iter().find(|s| s.id == source_id).ok_or(CoreError::NotFound)?;
    let now = app.now();
    if claim {
        if !store::claim_source(&mut tx, source_id, Some(&me.id), now).await? {
            return Err(CoreError::Conflict("source-claimed"));
        }
    } else {
        let mine = source.claimed_by.as_deref() == Some(me.id.as_str());
        if !(mine || spaces::allowed(actor, &view, Action::Facilitate)) {
            return Err(CoreError::Forbidden);
        }
        store::claim_source(&mut tx, source_id, None, now).await?;
    }
    let data = serde_json::json!({"quest_id": quest.id, "claimed": claim});
    event(&mut tx, kind::QUEST_SOURCE_CLAIMED, &me.id, &quest.space_id, source_id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Posts a finding, about one source or angle or the quest as a whole.
pub async fn post_finding(app: &Stoa, actor: &Actor, id: &str, source_id: Option<&str>, body: &str) -> Result<String> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (quest, _) = load(&mut tx, actor, id, Action::Post).await?;
    let body = PostBody::parse(body).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let source_id = source_id.map(str::trim).filter(|s| !s.is_empty());
    if let Some(source) = source_id
        && !store::sources(&mut tx, &quest.id).await?.iter().any(|s| s.id == source)
    {
        return Err(CoreError::field("source", "quest-source-unknown"));
    }
    let now = app.now();
    let finding = new_id();
    store::insert_finding(
        &mut tx,
        &finding,
        &quest.id,
        source_id,
        &me.id,
        body.as_str(),
        &markdown::render(body.as_str()),
        now,
    )
    .await?;
    let data = serde_json::json!({"quest_id": quest.id, "source_id": source_id});
    event(&mut tx, kind::QUEST_FINDING_POSTED, &me.id, &quest.space_id, &finding, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(finding)
}

/// The Markdown of a distilled page: the question, then each source with
/// its findings quoted, each linking back to where it was posted.
pub fn distilled_markdown(page: &QuestPage) -> String {
    let mut out = format!("> {}\n\n", page.question);
    let link = |f: &FindingRow| format!("/quests/{}#finding-{}", page.id, f.id);
    let quote = |f: &FindingRow| {
        let text: String = f.body.lines().map(|l| format!("> {l}\n")).collect();
        format!("{text}>\n> — {} ([finding]({}))\n\n", f.author_display_name, link(f))
    };
    for source in &page.sources {
        let title = &source.row.title;
        match &source.href {
            Some(href) => out.push_str(&format!("## [{title}]({href})\n\n")),
            None => out.push_str(&format!("## {title}\n\n")),
        }
        let here: Vec<&FindingRow> =
            page.findings.iter().filter(|f| f.source_id.as_deref() == Some(&source.row.id)).collect();
        if here.is_empty() {
            out.push_str("*Still open.*\n\n");
        }
        for f in here {
            out.push_str(&quote(f));
        }
    }
    let general: Vec<&FindingRow> = page.findings.iter().filter(|f| f.source_id.is_none()).collect();
    if !general.is_empty() {
        out.push_str("## Other findings\n\n");
        for f in general {
            out.push_str(&quote(f));
        }
    }
    out
}

/// Turns the findings into a wiki page in the quest's space (facilitators);
/// returns the page's address.
pub async fn distill(app: &Stoa, actor: &Actor, id: &str, title: &str) -> Result<String> {
    let me = actor.require()?;
    {
        let mut conn = app.store.read().await?;
        load(&mut conn, actor, id, Action::Facilitate).await?;
    }
    let page = page(app, actor, id).await?;
    let input = wiki::PageInput {
        title: title.to_owned(),
        body: distilled_markdown(&page),
        summary: format!("Distilled from the research quest “{}”", page.question).chars().take(200).collect(),
        parent: None,
    };
    let slug = match wiki::create(app, actor, &page.space.slug, input).await? {
        wiki::Saved::Saved { slug, .. } => slug,
        wiki::Saved::Conflict(c) => c.slug,
    };
    let mut tx = app.store.begin().await?;
    let row = stoa_store::wiki::page_by_slug(&mut tx, &page.space.id, &slug).await?.ok_or(CoreError::NotFound)?;
    store::set_quest_page(&mut tx, id, &row.id).await?;
    let now = app.now();
    event(&mut tx, kind::QUEST_DISTILLED, &me.id, &page.space.id, id, serde_json::json!({"page": slug}), now).await?;
    stoa_store::commit(tx).await?;
    Ok(slug)
}
