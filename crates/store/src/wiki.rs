//! Wiki pages and their revisions.
//!
//! A page row holds the newest revision's text, so showing a page is one
//! lookup; every save also writes a whole `wiki_revisions` row, numbered from
//! 1 without gaps, so any two revisions can be compared and any one restored.
//! A save names the revision it was based on ([`advance`]), which makes two
//! saves from the same base detectable on both databases.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::Result;

/// A wiki page as stored, with its newest text.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct PageRow {
    pub id: String,
    pub space_id: String,
    pub slug: String,
    pub title: String,
    pub parent_id: Option<String>,
    pub revision: i64,
    pub body: String,
    pub body_html: String,
    /// Linked page addresses, one per line.
    pub links: String,
    pub protected: i64,
    pub talk_thread_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub updated_by_username: String,
    pub updated_by_display_name: String,
}

const PAGE_SELECT: &str = "SELECT p.id, p.space_id, p.slug, p.title, p.parent_id, p.revision, p.body, p.body_html,
            p.links, p.protected, p.talk_thread_id, p.created_at, p.updated_at,
            u.username AS updated_by_username, u.display_name AS updated_by_display_name
     FROM wiki_pages p JOIN users u ON u.id = p.updated_by";

/// A page in a space's index of pages.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct PageListItem {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub parent_id: Option<String>,
    pub revision: i64,
    pub protected: i64,
    pub updated_at: i64,
}

/// One revision of a page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct RevisionRow {
    pub id: String,
    pub page_id: String,
    pub number: i64,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub summary: String,
    pub author_username: String,
    pub author_display_name: String,
    pub created_at: i64,
}

/// A revision in a history list or in a space's recent changes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct RevisionListItem {
    pub page_id: String,
    pub page_slug: String,
    pub page_title: String,
    pub number: i64,
    pub title: String,
    pub summary: String,
    pub size: i64,
    pub author_username: String,
    pub author_display_name: String,
    pub created_at: i64,
}

/// A new page; its first revision is written with [`insert_revision`].
#[derive(Debug, Clone)]
pub struct NewPage<'a> {
    pub id: &'a str,
    pub space_id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub parent_id: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub links: &'a str,
    pub author_id: &'a str,
    pub created_at: i64,
}

/// Inserts a page at revision 1. A taken address is a [`crate::StoreError::Conflict`].
pub async fn insert_page(conn: &mut AnyConnection, page: &NewPage<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO wiki_pages (id, space_id, slug, title, parent_id, revision, body, body_html, links, created_by,
                                 created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $10, $8, $9, $9, $8)",
    )
    .bind(page.id)
    .bind(page.space_id)
    .bind(page.slug)
    .bind(page.title)
    .bind(page.parent_id)
    .bind(page.body)
    .bind(page.body_html)
    .bind(page.author_id)
    .bind(page.created_at)
    .bind(page.links)
    .execute(conn)
    .await?;
    Ok(())
}

/// A new revision's content.
#[derive(Debug, Clone)]
pub struct NewRevision<'a> {
    pub id: &'a str,
    pub page_id: &'a str,
    pub space_id: &'a str,
    pub number: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    /// Linked page addresses, one per line (kept on the page row only).
    pub links: &'a str,
    pub summary: &'a str,
    pub author_id: &'a str,
    pub created_at: i64,
}

pub async fn insert_revision(conn: &mut AnyConnection, rev: &NewRevision<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO wiki_revisions (id, page_id, space_id, number, title, body, body_html, summary, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(rev.id)
    .bind(rev.page_id)
    .bind(rev.space_id)
    .bind(rev.number)
    .bind(rev.title)
    .bind(rev.body)
    .bind(rev.body_html)
    .bind(rev.summary)
    .bind(rev.author_id)
    .bind(rev.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a page from revision `based_on` to `based_on + 1` with the new text.
/// Returns `false`, changing nothing, when the page is no longer at
/// `based_on` (someone saved in between): the caller merges and tries again.
pub async fn advance(conn: &mut AnyConnection, rev: &NewRevision<'_>, based_on: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE wiki_pages SET revision = $3, title = $4, body = $5, body_html = $6, updated_at = $7, updated_by = $8,
                              links = $9
         WHERE id = $1 AND revision = $2",
    )
    .bind(rev.page_id)
    .bind(based_on)
    .bind(rev.number)
    .bind(rev.title)
    .bind(rev.body)
    .bind(rev.body_html)
    .bind(rev.created_at)
    .bind(rev.author_id)
    .bind(rev.links)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    insert_revision(conn, rev).await?;
    Ok(true)
}

pub async fn page_by_slug(conn: &mut AnyConnection, space_id: &str, slug: &str) -> Result<Option<PageRow>> {
    let sql = format!("{PAGE_SELECT} WHERE p.space_id = $1 AND p.slug = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).bind(slug).fetch_optional(conn).await?)
}

pub async fn page_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<PageRow>> {
    let sql = format!("{PAGE_SELECT} WHERE p.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// The page whose talk page is `thread_id`, if any.
pub async fn page_of_talk_thread(conn: &mut AnyConnection, thread_id: &str) -> Result<Option<PageListItem>> {
    Ok(sqlx::query_as(
        "SELECT id, slug, title, parent_id, revision, protected, updated_at FROM wiki_pages WHERE talk_thread_id = $1",
    )
    .bind(thread_id)
    .fetch_optional(conn)
    .await?)
}

/// Every page of a space, by title.
pub async fn pages_in_space(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<PageListItem>> {
    Ok(sqlx::query_as(
        "SELECT id, slug, title, parent_id, revision, protected, updated_at FROM wiki_pages
         WHERE space_id = $1 ORDER BY LOWER(title), id",
    )
    .bind(space_id)
    .fetch_all(conn)
    .await?)
}

/// Which of `slugs` name existing pages of the space.
pub async fn existing_slugs(conn: &mut AnyConnection, space_id: &str, slugs: &[String]) -> Result<Vec<String>> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..slugs.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!("SELECT slug FROM wiki_pages WHERE space_id = $1 AND slug IN ({})", placeholders.join(", "));
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(space_id);
    for slug in slugs {
        query = query.bind(slug);
    }
    Ok(query.fetch_all(conn).await?)
}

pub async fn revision(conn: &mut AnyConnection, page_id: &str, number: i64) -> Result<Option<RevisionRow>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.page_id, r.number, r.title, r.body, r.body_html, r.summary,
                u.username AS author_username, u.display_name AS author_display_name, r.created_at
         FROM wiki_revisions r JOIN users u ON u.id = r.author_id
         WHERE r.page_id = $1 AND r.number = $2",
    )
    .bind(page_id)
    .bind(number)
    .fetch_optional(conn)
    .await?)
}

const REVISION_LIST: &str =
    "SELECT r.page_id, p.slug AS page_slug, p.title AS page_title, r.number, r.title, r.summary,
            LENGTH(r.body) AS size, u.username AS author_username, u.display_name AS author_display_name, r.created_at
     FROM wiki_revisions r
     JOIN wiki_pages p ON p.id = r.page_id
     JOIN users u ON u.id = r.author_id";

/// A page's revisions, newest first.
pub async fn history(
    conn: &mut AnyConnection,
    page_id: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<RevisionListItem>> {
    let sql = format!("{REVISION_LIST} WHERE r.page_id = $1 ORDER BY r.number DESC LIMIT $2 OFFSET $3");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(page_id).bind(limit).bind(offset).fetch_all(conn).await?)
}

/// The newest revisions across a space's pages.
pub async fn recent_changes(
    conn: &mut AnyConnection,
    space_id: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<RevisionListItem>> {
    let sql =
        format!("{REVISION_LIST} WHERE r.space_id = $1 ORDER BY r.created_at DESC, r.number DESC LIMIT $2 OFFSET $3");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).bind(limit).bind(offset).fetch_all(conn).await?)
}

pub async fn set_protected(conn: &mut AnyConnection, page_id: &str, protected: bool) -> Result<()> {
    sqlx::query("UPDATE wiki_pages SET protected = $2 WHERE id = $1")
        .bind(page_id)
        .bind(i64::from(protected))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_parent(conn: &mut AnyConnection, page_id: &str, parent_id: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE wiki_pages SET parent_id = $2 WHERE id = $1")
        .bind(page_id)
        .bind(parent_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Attaches a talk thread, unless the page has one already; returns whether it did.
pub async fn set_talk_thread(conn: &mut AnyConnection, page_id: &str, thread_id: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE wiki_pages SET talk_thread_id = $2 WHERE id = $1 AND talk_thread_id IS NULL")
        .bind(page_id)
        .bind(thread_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(done == 1)
}
