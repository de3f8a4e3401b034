//! The library of a space: links, uploaded files and articles, tagged, and
//! gathered into collections (ordered reading lists). Members add and curate;
//! a facilitator can mark an item or a collection as *suggested*, the
//! facilitator's way to suggest research without lecturing.

use serde::Serialize;
use stoa_domain::wiki::{LongText, parse_tags};
use stoa_domain::{Action, Title, markdown};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::library::{self as store, CollectionRow, ItemFields, ItemRow};
use stoa_store::{Conn, new_id};

use crate::files::FileInfo;
use crate::spaces::{self, Permissions, SpaceSummary};
use crate::{Actor, CoreError, FieldError, Result, Stoa, field};

/// Items per page of a library.
pub const ITEMS_PER_PAGE: i64 = 30;
/// The most items a collection holds.
pub const MAX_COLLECTION_ITEMS: usize = 200;

/// What a library item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Link,
    File,
    Article,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Link => "link",
            ItemKind::File => "file",
            ItemKind::Article => "article",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "link" => Some(ItemKind::Link),
            "file" => Some(ItemKind::File),
            "article" => Some(ItemKind::Article),
            _ => None,
        }
    }
}

/// An item as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub space_id: String,
    pub kind: ItemKind,
    pub title: String,
    pub url: Option<String>,
    pub file: Option<FileInfo>,
    pub body: String,
    pub body_html: String,
    pub tags: Vec<String>,
    pub suggested: bool,
    pub author_username: String,
    pub author_display_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Whether the viewer may edit or delete it (its author, or a curator).
    pub can_edit: bool,
}

fn to_item(row: ItemRow, actor: &Actor, may: &Permissions) -> Item {
    let file = match (&row.file_id, &row.file_name, &row.file_content_type, row.file_size) {
        (Some(id), Some(name), Some(content_type), Some(size)) => Some(FileInfo::of(&stoa_store::files::FileRow {
            id: id.clone(),
            space_id: row.space_id.clone(),
            uploader_id: String::new(),
            name: name.clone(),
            content_type: content_type.clone(),
            size,
            sha256: String::new(),
            storage_key: String::new(),
            created_at: row.created_at,
        })),
        _ => None,
    };
    let own = actor.id() == Some(row.author_id.as_str());
    Item {
        can_edit: (own && may.post) || may.curate,
        kind: ItemKind::parse(&row.kind).unwrap_or(ItemKind::Link),
        tags: row.tags.split_whitespace().map(str::to_owned).collect(),
        suggested: row.suggested != 0,
        id: row.id,
        space_id: row.space_id,
        title: row.title,
        url: row.url,
        file,
        body: row.body,
        body_html: row.body_html,
        author_username: row.author_username,
        author_display_name: row.author_display_name,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// A collection as listed.
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    pub id: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub suggested: bool,
    pub item_count: i64,
    pub author_username: String,
    pub author_display_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub can_edit: bool,
}

fn to_collection(row: CollectionRow, actor: &Actor, may: &Permissions) -> Collection {
    let own = actor.id() == Some(row.author_id.as_str());
    Collection {
        can_edit: (own && may.post) || may.curate,
        suggested: row.suggested != 0,
        id: row.id,
        title: row.title,
        body: row.body,
        body_html: row.body_html,
        item_count: row.item_count,
        author_username: row.author_username,
        author_display_name: row.author_display_name,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// A page of a space's library.
#[derive(Debug, Clone, Serialize)]
pub struct Library {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub items: Vec<Item>,
    pub collections: Vec<Collection>,
    pub tags: Vec<(String, i64)>,
    pub tag: Option<String>,
    pub page: i64,
    pub has_more: bool,
}

pub async fn library(app: &Stoa, actor: &Actor, space_slug: &str, tag: Option<&str>, page: i64) -> Result<Library> {
    let page = page.max(1);
    let tag = tag.map(|t| t.trim().trim_start_matches('#').to_lowercase()).filter(|t| !t.is_empty());
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, space_slug, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    let offset = crate::offset(page, ITEMS_PER_PAGE);
    let mut rows = store::items_in_space(&mut conn, &view.space.id, tag.as_deref(), ITEMS_PER_PAGE + 1, offset).await?;
    let has_more = rows.len() as i64 > ITEMS_PER_PAGE;
    rows.truncate(ITEMS_PER_PAGE as usize);
    let collections = store::collections_in_space(&mut conn, &view.space.id).await?;
    let tags = store::tags_in_space(&mut conn, &view.space.id).await?;
    Ok(Library {
        items: rows.into_iter().map(|r| to_item(r, actor, &may)).collect(),
        collections: collections.into_iter().map(|c| to_collection(c, actor, &may)).collect(),
        space: SpaceSummary::of(&view),
        may,
        tags,
        tag,
        page,
        has_more,
    })
}

/// A space's collections, suggested first, without its items.
pub async fn collections(app: &Stoa, actor: &Actor, space_slug: &str) -> Result<Vec<Collection>> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, space_slug, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    let rows = store::collections_in_space(&mut conn, &view.space.id).await?;
    Ok(rows.into_iter().map(|c| to_collection(c, actor, &may)).collect())
}

/// An item with its space.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub item: Item,
}

async fn load_item(
    conn: &mut Conn,
    actor: &Actor,
    item_id: &str,
    action: Action,
) -> Result<(ItemRow, stoa_store::spaces::SpaceView)> {
    let row = store::item(conn, item_id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(conn, actor, &row.space_id, action).await?;
    Ok((row, view))
}

pub async fn item(app: &Stoa, actor: &Actor, item_id: &str) -> Result<ItemView> {
    let mut conn = app.store.read().await?;
    let (row, view) = load_item(&mut conn, actor, item_id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    Ok(ItemView { space: SpaceSummary::of(&view), item: to_item(row, actor, &may), may })
}

/// An item as typed.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    /// `link`, `file` or `article`; fixed once created.
    pub kind: String,
    pub title: String,
    pub url: String,
    /// The uploaded file, for a `file` item.
    pub file_id: String,
    /// The description of a link or file, the text of an article (Markdown).
    pub body: String,
    pub tags: String,
}

struct ParsedItem {
    title: Title,
    url: Option<String>,
    body: LongText,
    tags: Vec<String>,
}

fn parse_item(input: &ItemInput, kind: Option<ItemKind>) -> (Vec<FieldError>, Option<ParsedItem>) {
    let mut errors = Vec::new();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "invalid-option"));
    }
    let title = field(&mut errors, "title", Title::parse(&input.title));
    let body = field(&mut errors, "body", LongText::parse(&input.body));
    let tags = field(&mut errors, "tags", parse_tags(&input.tags));
    let url = match kind {
        Some(ItemKind::Link) => match parse_url(&input.url) {
            Some(url) => Some(url),
            None => {
                errors.push(FieldError::new("url", "invalid-url"));
                None
            }
        },
        _ => None,
    };
    if kind == Some(ItemKind::Article) && body.as_ref().is_some_and(|b| b.as_str().trim().is_empty()) {
        errors.push(FieldError::new("body", "invalid-empty"));
    }
    match (title, body, tags, errors.is_empty()) {
        (Some(title), Some(body), Some(tags), true) => (errors, Some(ParsedItem { title, url, body, tags })),
        _ => (errors, None),
    }
}

/// An `http` or `https` URL of at most 2,000 characters.
pub(crate) fn parse_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > 2000 {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then(|| url.to_string())
}

async fn item_event(
    conn: &mut Conn,
    event: &'static str,
    actor_id: &str,
    space_id: &str,
    item_id: &str,
    now: i64,
) -> Result<()> {
    events::append(
        conn,
        NewEvent {
            kind: event,
            actor_id: Some(actor_id),
            space_id: Some(space_id),
            subject_id: Some(item_id),
            data: serde_json::json!({}),
        },
        now,
    )
    .await?;
    Ok(())
}

/// An item's text (`raw`, as [`parse_item`] reads it) rendered, before any
/// transaction begins; empty when the text is refused anyway.
async fn rendered(app: &Stoa, raw: &str) -> Result<String> {
    let Ok(body) = LongText::parse(raw) else { return Ok(String::new()) };
    let body = body.as_str().to_owned();
    crate::render::off_workers(app, body.len(), move || markdown::render(&body)).await
}

/// Adds an item to a space's library.
pub async fn create_item(app: &Stoa, actor: &Actor, space_slug: &str, input: ItemInput) -> Result<Item> {
    let me = actor.require()?;
    let kind = ItemKind::parse(input.kind.trim());
    let (mut errors, parsed) = parse_item(&input, kind);
    let body_html = rendered(app, &input.body).await?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, space_slug, Action::Post).await?;
    let file_id = match kind {
        Some(ItemKind::File) => {
            let file = stoa_store::files::get(&mut tx, input.file_id.trim()).await?;
            match file {
                Some(f) if f.space_id == view.space.id => Some(f.id),
                _ => {
                    errors.push(FieldError::new("file", "file-missing"));
                    None
                }
            }
        }
        _ => None,
    };
    let (Some(kind), Some(p), true) = (kind, parsed, errors.is_empty()) else {
        return Err(CoreError::Invalid(errors));
    };
    let id = new_id();
    let now = app.now();
    let fields = ItemFields {
        title: p.title.as_str(),
        url: p.url.as_deref(),
        body: p.body.as_str(),
        body_html: &body_html,
        tags: &p.tags,
    };
    store::insert_item(&mut tx, &id, &view.space.id, kind.as_str(), file_id.as_deref(), &fields, &me.id, now).await?;
    item_event(&mut tx, kind::LIBRARY_ITEM_CREATED, &me.id, &view.space.id, &id, now).await?;
    stoa_store::commit(tx).await?;
    Ok(item(app, actor, &id).await?.item)
}

/// Changes an item's title, link, text and tags (its author, or a curator).
pub async fn update_item(app: &Stoa, actor: &Actor, item_id: &str, input: ItemInput) -> Result<Item> {
    let me = actor.require()?;
    let body_html = rendered(app, &input.body).await?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load_item(&mut tx, actor, item_id, Action::Post).await?;
    let may = Permissions::of(actor, &view);
    if !((row.author_id == me.id) || may.curate) {
        return Err(CoreError::Forbidden);
    }
    let kind = ItemKind::parse(&row.kind);
    let (errors, parsed) = parse_item(&input, kind);
    let Some(p) = parsed else { return Err(CoreError::Invalid(errors)) };
    let now = app.now();
    let fields = ItemFields {
        title: p.title.as_str(),
        url: p.url.as_deref(),
        body: p.body.as_str(),
        body_html: &body_html,
        tags: &p.tags,
    };
    store::update_item(&mut tx, &row.id, &view.space.id, &fields, now).await?;
    item_event(&mut tx, kind::LIBRARY_ITEM_UPDATED, &me.id, &view.space.id, &row.id, now).await?;
    stoa_store::commit(tx).await?;
    Ok(item(app, actor, item_id).await?.item)
}

/// Removes an item (its author, or a curator).
pub async fn delete_item(app: &Stoa, actor: &Actor, item_id: &str) -> Result<String> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load_item(&mut tx, actor, item_id, Action::Post).await?;
    let may = Permissions::of(actor, &view);
    if !((row.author_id == me.id) || may.curate) {
        return Err(CoreError::Forbidden);
    }
    let now = app.now();
    store::delete_item(&mut tx, &row.id, now).await?;
    item_event(&mut tx, kind::LIBRARY_ITEM_DELETED, &me.id, &view.space.id, &row.id, now).await?;
    stoa_store::commit(tx).await?;
    Ok(view.space.slug)
}

/// Marks an item as suggested to the space, or not (facilitators).
pub async fn suggest_item(app: &Stoa, actor: &Actor, item_id: &str, suggested: bool) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load_item(&mut tx, actor, item_id, Action::Curate).await?;
    store::set_item_suggested(&mut tx, &row.id, suggested).await?;
    item_event(&mut tx, kind::LIBRARY_ITEM_UPDATED, &me.id, &view.space.id, &row.id, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// A collection with its items in order.
#[derive(Debug, Clone, Serialize)]
pub struct CollectionView {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub collection: Collection,
    pub items: Vec<Item>,
}

async fn load_collection(
    conn: &mut Conn,
    actor: &Actor,
    id: &str,
    action: Action,
) -> Result<(CollectionRow, stoa_store::spaces::SpaceView)> {
    let row = store::collection(conn, id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(conn, actor, &row.space_id, action).await?;
    Ok((row, view))
}

pub async fn collection(app: &Stoa, actor: &Actor, id: &str) -> Result<CollectionView> {
    let mut conn = app.store.read().await?;
    let (row, view) = load_collection(&mut conn, actor, id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    let items = store::collection_items(&mut conn, &row.id).await?;
    Ok(CollectionView {
        space: SpaceSummary::of(&view),
        items: items.into_iter().map(|i| to_item(i, actor, &may)).collect(),
        collection: to_collection(row, actor, &may),
        may,
    })
}

/// A collection as typed.
#[derive(Debug, Clone, Default)]
pub struct CollectionInput {
    pub title: String,
    pub body: String,
}

fn parse_collection(input: &CollectionInput) -> Result<(Title, LongText)> {
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&input.title));
    let body = field(&mut errors, "body", LongText::parse(&input.body));
    match (title, body) {
        (Some(t), Some(b)) => Ok((t, b)),
        _ => Err(CoreError::Invalid(errors)),
    }
}

async fn collection_event(
    conn: &mut Conn,
    event: &'static str,
    actor_id: &str,
    space_id: &str,
    id: &str,
    now: i64,
) -> Result<()> {
    item_event(conn, event, actor_id, space_id, id, now).await
}

pub async fn create_collection(app: &Stoa, actor: &Actor, space_slug: &str, input: CollectionInput) -> Result<String> {
    let me = actor.require()?;
    let parsed = parse_collection(&input);
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, space_slug, Action::Post).await?;
    let (title, body) = parsed?;
    let id = new_id();
    let now = app.now();
    let html = markdown::render(body.as_str());
    store::insert_collection(&mut tx, &id, &view.space.id, title.as_str(), body.as_str(), &html, &me.id, now).await?;
    collection_event(&mut tx, kind::COLLECTION_CREATED, &me.id, &view.space.id, &id, now).await?;
    stoa_store::commit(tx).await?;
    Ok(id)
}

async fn editable_collection(
    conn: &mut Conn,
    actor: &Actor,
    id: &str,
) -> Result<(CollectionRow, stoa_store::spaces::SpaceView)> {
    let me = actor.require()?;
    let (row, view) = load_collection(conn, actor, id, Action::Post).await?;
    if !(row.author_id == me.id || spaces::allowed(actor, &view, Action::Curate)) {
        return Err(CoreError::Forbidden);
    }
    Ok((row, view))
}

pub async fn update_collection(app: &Stoa, actor: &Actor, id: &str, input: CollectionInput) -> Result<()> {
    let parsed = parse_collection(&input);
    let mut tx = app.store.begin().await?;
    let (row, view) = editable_collection(&mut tx, actor, id).await?;
    let (title, body) = parsed?;
    let now = app.now();
    let html = markdown::render(body.as_str());
    store::update_collection(&mut tx, &row.id, title.as_str(), body.as_str(), &html, now).await?;
    let me = actor.require()?;
    collection_event(&mut tx, kind::COLLECTION_UPDATED, &me.id, &view.space.id, &row.id, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Sets a collection's items, in reading order. Every item must belong to
/// the collection's space.
pub async fn set_collection_items(app: &Stoa, actor: &Actor, id: &str, item_ids: &[String]) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let (row, view) = editable_collection(&mut tx, actor, id).await?;
    let mut ids: Vec<String> = Vec::new();
    for item_id in item_ids.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        match store::item(&mut tx, item_id).await? {
            Some(item) if item.space_id == row.space_id => {
                if !ids.contains(&item.id) {
                    ids.push(item.id);
                }
            }
            _ => return Err(CoreError::field("items", "library-item-unknown")),
        }
    }
    if ids.len() > MAX_COLLECTION_ITEMS {
        return Err(CoreError::field("items", "library-collection-full"));
    }
    store::set_collection_items(&mut tx, &row.id, &ids).await?;
    let me = actor.require()?;
    collection_event(&mut tx, kind::COLLECTION_UPDATED, &me.id, &view.space.id, &row.id, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Appends an item to a collection, or removes it.
pub async fn toggle_collection_item(app: &Stoa, actor: &Actor, id: &str, item_id: &str, present: bool) -> Result<()> {
    let current = collection(app, actor, id).await?;
    let mut ids: Vec<String> = current.items.iter().map(|i| i.id.clone()).filter(|i| i != item_id).collect();
    if present {
        ids.push(item_id.to_owned());
    }
    set_collection_items(app, actor, id, &ids).await
}

/// Moves an item one place up (`-1`) or down (`1`) in a collection.
pub async fn move_collection_item(app: &Stoa, actor: &Actor, id: &str, item_id: &str, by: i64) -> Result<()> {
    let current = collection(app, actor, id).await?;
    let mut ids: Vec<String> = current.items.iter().map(|i| i.id.clone()).collect();
    let Some(at) = ids.iter().position(|i| i == item_id) else {
        return Err(CoreError::NotFound);
    };
    let to = (at as i64 + by).clamp(0, ids.len() as i64 - 1) as usize;
    ids.swap(at, to);
    set_collection_items(app, actor, id, &ids).await
}

pub async fn suggest_collection(app: &Stoa, actor: &Actor, id: &str, suggested: bool) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load_collection(&mut tx, actor, id, Action::Curate).await?;
    store::set_collection_suggested(&mut tx, &row.id, suggested).await?;
    collection_event(&mut tx, kind::COLLECTION_UPDATED, &me.id, &view.space.id, &row.id, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

pub async fn delete_collection(app: &Stoa, actor: &Actor, id: &str) -> Result<String> {
    let mut tx = app.store.begin().await?;
    let (row, view) = editable_collection(&mut tx, actor, id).await?;
    let now = app.now();
    store::delete_collection(&mut tx, &row.id, now).await?;
    let me = actor.require()?;
    collection_event(&mut tx, kind::COLLECTION_DELETED, &me.id, &view.space.id, &row.id, now).await?;
    stoa_store::commit(tx).await?;
    Ok(view.space.slug)
}
