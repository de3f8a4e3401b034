//! Wiki pages: the index, a page, creating and editing (with the conflict
//! screen), history, differences, old revisions, restoring, protection,
//! talk pages and recent changes.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::spaces::{Permissions, SpaceSummary};
use stoa_core::wiki::{
    self, Conflict, DiffView, History, IndexEntry, PageInput, PageView, RecentChanges, RevisionView, Saved,
};
use stoa_domain::markdown::percent_encode_path;

use super::{Form, FormErrors, PageCtx, Query, errors, page, redirect_with, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/wiki", get(index).post(create))
        .route("/s/{slug}/new-page", get(new_form))
        .route("/s/{slug}/changes", get(changes))
        .route("/s/{slug}/wiki/{page}", get(show))
        .route("/s/{slug}/wiki/{page}/edit", get(edit_form).post(save))
        .route("/s/{slug}/wiki/{page}/live", get(live_form).post(live_save))
        .route("/s/{slug}/wiki/{page}/history", get(history))
        .route("/s/{slug}/wiki/{page}/rev/{n}", get(revision))
        .route("/s/{slug}/wiki/{page}/diff", get(diff))
        .route("/s/{slug}/wiki/{page}/restore", post(restore))
        .route("/s/{slug}/wiki/{page}/protect", post(protect))
        .route("/s/{slug}/wiki/{page}/talk", get(talk_form).post(talk))
}

fn page_url(space: &str, page: &str) -> String {
    format!("/s/{space}/wiki/{}", percent_encode_path(page))
}

#[derive(Template)]
#[template(path = "wiki_index.html")]
struct IndexPage {
    ctx: PageCtx,
    space: SpaceSummary,
    may: Permissions,
    pages: Vec<IndexEntry>,
}

async fn index(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    match wiki::index(&state.app, &ctx.actor(), &slug).await {
        Ok(i) => page(&IndexPage { ctx, space: i.space, may: i.may, pages: i.pages }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "wiki_page.html")]
struct ShowPage {
    ctx: PageCtx,
    view: PageView,
}

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
) -> Response {
    match wiki::page(&state.app, &ctx.actor(), &slug, &page_slug).await {
        Ok(view) if view.page.is_none() => render(StatusCode::NOT_FOUND, &ShowPage { ctx, view }),
        Ok(view) => match &view.page {
            // One address per page: `/wiki/Release Checklist` becomes `/wiki/release-checklist`.
            Some(p) if p.slug != page_slug => Redirect::permanent(&page_url(&view.space.slug, &p.slug)).into_response(),
            _ => page(&ShowPage { ctx, view }),
        },
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "wiki_edit.html")]
struct EditPage {
    ctx: PageCtx,
    space: SpaceSummary,
    creating: bool,
    action: String,
    back: String,
    revision: i64,
    title: String,
    parent: String,
    body: String,
    summary: String,
    pages: Vec<String>,
    conflict: Option<Box<Conflict>>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct NewQuery {
    #[serde(default)]
    title: String,
    #[serde(default)]
    parent: String,
}

async fn page_titles(state: &AppState, ctx: &PageCtx, slug: &str) -> Vec<String> {
    wiki::index(&state.app, &ctx.actor(), slug)
        .await
        .map(|i| i.pages.into_iter().map(|p| p.slug).collect())
        .unwrap_or_default()
}

async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<NewQuery>,
) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    let index = match wiki::index(&state.app, &ctx.actor(), &slug).await {
        Ok(i) if i.may.post => i,
        Ok(_) => return errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => return errors::for_get(&ctx, e),
    };
    // `[[links]]` to missing pages arrive with the address as a title: make it readable.
    let title = if q.title.contains('-') && !q.title.contains(' ') { q.title.replace('-', " ") } else { q.title };
    let mut letters = title.chars();
    let title = match letters.next() {
        Some(first) => first.to_uppercase().chain(letters).collect(),
        None => title,
    };
    page(&EditPage {
        action: format!("/s/{}/wiki", index.space.slug),
        back: format!("/s/{}/wiki", index.space.slug),
        pages: index.pages.into_iter().map(|p| p.slug).collect(),
        space: index.space,
        ctx,
        creating: true,
        revision: 0,
        title,
        parent: q.parent,
        body: String::new(),
        summary: String::new(),
        conflict: None,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize, Default)]
struct PageForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    revision: String,
}

async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<PageForm>,
) -> Response {
    let actor = ctx.actor();
    let input = PageInput {
        title: form.title.clone(),
        body: form.body.clone(),
        summary: form.summary.clone(),
        parent: Some(form.parent.clone()),
    };
    match wiki::create(&state.app, &actor, &slug, input).await {
        Ok(Saved::Saved { slug: page_slug, .. }) => Redirect::to(&page_url(&slug, &page_slug)).into_response(),
        Ok(Saved::Conflict(_)) => errors::render_error(&ctx, CoreError::Conflict("wiki-changed")),
        Err(CoreError::Invalid(fields)) => match wiki::index(&state.app, &actor, &slug).await {
            Ok(index) => {
                let errors = FormErrors::from_fields(&ctx.lang, &fields);
                render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &EditPage {
                        action: format!("/s/{}/wiki", index.space.slug),
                        back: format!("/s/{}/wiki", index.space.slug),
                        pages: index.pages.into_iter().map(|p| p.slug).collect(),
                        space: index.space,
                        ctx,
                        creating: true,
                        revision: 0,
                        title: form.title,
                        parent: form.parent,
                        body: form.body,
                        summary: form.summary,
                        conflict: None,
                        errors,
                    },
                )
            }
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    let view = match wiki::page(&state.app, &ctx.actor(), &slug, &page_slug).await {
        Ok(v) => v,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let Some(p) = view.page else {
        return Redirect::to(&format!("/s/{}/new-page?title={}", view.space.slug, percent_encode_path(&view.slug)))
            .into_response();
    };
    if !view.rights.edit {
        return errors::render_error(&ctx, CoreError::Forbidden);
    }
    let pages = page_titles(&state, &ctx, &slug).await;
    page(&EditPage {
        action: format!("{}/edit", page_url(&view.space.slug, &p.slug)),
        back: page_url(&view.space.slug, &p.slug),
        space: view.space,
        ctx,
        creating: false,
        revision: p.revision,
        title: p.title,
        parent: view.ancestors.last().map(|a| a.slug.clone()).unwrap_or_default(),
        body: p.body,
        summary: String::new(),
        pages,
        conflict: None,
        errors: FormErrors::default(),
    })
}

async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
    Form(form): Form<PageForm>,
) -> Response {
    let actor = ctx.actor();
    let based_on = form.revision.trim().parse::<i64>().unwrap_or(0);
    let input = PageInput {
        title: form.title.clone(),
        body: form.body.clone(),
        summary: form.summary.clone(),
        parent: Some(form.parent.clone()),
    };
    let outcome = wiki::save(&state.app, &actor, &slug, &page_slug, based_on, input).await;
    match outcome {
        Ok(Saved::Saved { slug: saved, merged, .. }) => {
            let url = page_url(&slug, &saved);
            if merged { redirect_with(&url, "flash-wiki-merged") } else { Redirect::to(&url).into_response() }
        }
        Ok(Saved::Conflict(conflict)) => {
            let revision = conflict.current_revision;
            let shown = Reshow {
                status: StatusCode::CONFLICT,
                revision,
                conflict: Some(conflict),
                errors: FormErrors::default(),
            };
            reshow(&state, ctx, &slug, &page_slug, form, shown).await
        }
        Err(CoreError::Invalid(fields)) => {
            let mut errors = FormErrors::from_fields(&ctx.lang, &fields);
            // The revision is a hidden field: say what is wrong above the form.
            errors.general = errors.get("revision").map(str::to_owned);
            let shown = Reshow { status: StatusCode::UNPROCESSABLE_ENTITY, revision: based_on, conflict: None, errors };
            reshow(&state, ctx, &slug, &page_slug, form, shown).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

/// How the editor comes back after a save that did not happen.
struct Reshow {
    status: StatusCode,
    revision: i64,
    conflict: Option<Box<Conflict>>,
    errors: FormErrors,
}

/// Shows the editor again with what was typed, after a conflict or a refusal.
async fn reshow(
    state: &AppState,
    ctx: PageCtx,
    slug: &str,
    page_slug: &str,
    form: PageForm,
    shown: Reshow,
) -> Response {
    let view = match wiki::page(&state.app, &ctx.actor(), slug, page_slug).await {
        Ok(v) => v,
        Err(e) => return errors::render_error_keeping(&ctx, e, Some(form.body)),
    };
    let pages = page_titles(state, &ctx, slug).await;
    let url = page_url(&view.space.slug, &view.slug);
    render(
        shown.status,
        &EditPage {
            action: format!("{url}/edit"),
            back: url,
            space: view.space,
            ctx,
            creating: false,
            revision: shown.revision,
            title: form.title,
            parent: form.parent,
            body: form.body,
            summary: form.summary,
            pages,
            conflict: shown.conflict,
            errors: shown.errors,
        },
    )
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "wiki_history.html")]
struct HistoryPage {
    ctx: PageCtx,
    h: History,
}

async fn history(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    match wiki::history(&state.app, &ctx.actor(), &slug, &page_slug, q.page.unwrap_or(1)).await {
        Ok(h) => page(&HistoryPage { ctx, h }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "wiki_revision.html")]
struct RevisionPage {
    ctx: PageCtx,
    r: RevisionView,
}

async fn revision(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug, n)): Path<(String, String, String)>,
) -> Response {
    let Ok(n) = n.parse::<i64>() else { return errors::render_error(&ctx, CoreError::NotFound) };
    match wiki::revision(&state.app, &ctx.actor(), &slug, &page_slug, n).await {
        Ok(r) => page(&RevisionPage { ctx, r }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct DiffQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "wiki_diff.html")]
struct DiffPage {
    ctx: PageCtx,
    d: DiffView,
}

async fn diff(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
    Query(q): Query<DiffQuery>,
) -> Response {
    let number = |v: Option<String>| v.and_then(|s| s.trim().parse::<i64>().ok());
    let (Some(from), Some(to)) = (number(q.from), number(q.to)) else {
        return errors::render_error(&ctx, CoreError::NotFound);
    };
    match wiki::diff(&state.app, &ctx.actor(), &slug, &page_slug, from, to).await {
        Ok(d) => page(&DiffPage { ctx, d }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct RestoreQuery {
    #[serde(default)]
    n: Option<String>,
}

async fn restore(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
    Query(q): Query<RestoreQuery>,
) -> Response {
    let Some(n) = q.n.and_then(|n| n.trim().parse::<i64>().ok()) else {
        return errors::render_error(&ctx, CoreError::NotFound);
    };
    match wiki::restore(&state.app, &ctx.actor(), &slug, &page_slug, n).await {
        Ok(Saved::Saved { slug: saved, .. }) => redirect_with(&page_url(&slug, &saved), "flash-wiki-restored"),
        Ok(Saved::Conflict(_)) => errors::render_error(&ctx, CoreError::Conflict("wiki-changed")),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct ProtectForm {
    #[serde(default)]
    protected: String,
}

async fn protect(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
    Form(form): Form<ProtectForm>,
) -> Response {
    let protected = form.protected == "1";
    match wiki::set_protected(&state.app, &ctx.actor(), &slug, &page_slug, protected).await {
        Ok(()) => Redirect::to(&page_url(&slug, &stoa_domain::wiki::page_slug(&page_slug))).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "wiki_talk.html")]
struct TalkPage {
    ctx: PageCtx,
    space: SpaceSummary,
    may: Permissions,
    page_slug: String,
    page_title: String,
    body: String,
    errors: FormErrors,
}

async fn talk_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
) -> Response {
    let view = match wiki::page(&state.app, &ctx.actor(), &slug, &page_slug).await {
        Ok(v) => v,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let Some(p) = view.page else { return errors::render_error(&ctx, CoreError::NotFound) };
    if let Some(thread) = &p.talk_thread_id {
        return Redirect::to(&format!("/s/{}/t/{thread}", view.space.slug)).into_response();
    }
    page(&TalkPage {
        ctx,
        space: view.space,
        may: view.may,
        page_slug: p.slug,
        page_title: p.title,
        body: String::new(),
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize, Default)]
struct TalkForm {
    #[serde(default)]
    body: String,
}

async fn talk(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page_slug)): Path<(String, String)>,
    Form(form): Form<TalkForm>,
) -> Response {
    let actor = ctx.actor();
    match wiki::talk(&state.app, &actor, &slug, &page_slug, &form.body).await {
        Ok(thread) => Redirect::to(&format!("/s/{slug}/t/{thread}")).into_response(),
        Err(CoreError::Invalid(fields)) => match wiki::page(&state.app, &actor, &slug, &page_slug).await {
            Ok(PageView { space, may, page: Some(p), .. }) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &TalkPage {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    space,
                    may,
                    page_slug: p.slug,
                    page_title: p.title,
                    body: form.body,
                },
            ),
            Ok(_) => errors::render_error(&ctx, CoreError::NotFound),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

#[derive(Template)]
#[template(path = "wiki_changes.html")]
struct ChangesPage {
    ctx: PageCtx,
    rc: RecentChanges,
}

async fn changes(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    match wiki::recent_changes(&state.app, &ctx.actor(), &slug, q.page.unwrap_or(1)).await {
        Ok(rc) => page(&ChangesPage { ctx, rc }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "wiki_live.html")]
struct LivePage {
    ctx: PageCtx,
    space: SpaceSummary,
    page: stoa_core::wiki::Page,
    /// The live text as stored, for the page without JavaScript.
    text: String,
    outcome: Option<String>,
    /// This response's CSP nonce, for the editor's styles.
    nonce: String,
}

/// The live editor's page, with the CSP of live editors.
fn render_live(
    status: StatusCode,
    ctx: PageCtx,
    space: SpaceSummary,
    page: stoa_core::wiki::Page,
    text: String,
    outcome: Option<String>,
) -> Response {
    let nonce = crate::csp_nonce();
    let csp = crate::live_editor_csp(&nonce);
    let mut response = render(status, &LivePage { ctx, space, page, text, outcome, nonce });
    if let Ok(value) = axum::http::HeaderValue::from_str(&csp) {
        response.headers_mut().insert(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Editing a page together: the live editor (with JavaScript), the live
/// text and a form to save it as a version (without).
async fn live_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, address)): Path<(String, String)>,
) -> Response {
    match live_view(&state, &ctx, &slug, &address).await {
        Ok((space, found, text)) => render_live(StatusCode::OK, ctx, space, found, text, None),
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn live_view(
    state: &AppState,
    ctx: &PageCtx,
    slug: &str,
    page: &str,
) -> Result<(SpaceSummary, stoa_core::wiki::Page, String), CoreError> {
    let view = wiki::page(&state.app, &ctx.actor(), slug, page).await?;
    let p = view.page.ok_or(CoreError::NotFound)?;
    if !view.rights.edit {
        return Err(if ctx.user.is_none() { CoreError::SignInRequired } else { CoreError::Forbidden });
    }
    let text = stoa_core::coedit::live_text(&state.app, &ctx.actor(), &p.id).await?.unwrap_or_else(|| p.body.clone());
    Ok((view.space, p, text))
}

#[derive(Deserialize)]
struct LiveSaveForm {
    #[serde(default)]
    summary: String,
}

async fn live_save(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, page)): Path<(String, String)>,
    Form(form): Form<LiveSaveForm>,
) -> Response {
    let (space, p, _) = match live_view(&state, &ctx, &slug, &page).await {
        Ok(found) => found,
        Err(e) => return errors::render_error(&ctx, e),
    };
    match stoa_core::coedit::save_version(&state.app, &ctx.actor(), &p.id, &form.summary).await {
        Ok(Saved::Saved { slug: page_slug, .. }) => {
            Redirect::to(&format!("/s/{}/wiki/{}", space.slug, percent_encode_path(&page_slug))).into_response()
        }
        Ok(Saved::Conflict(_)) => match live_view(&state, &ctx, &slug, &page).await {
            Ok((space, page, text)) => {
                let outcome = Some(ctx.t("wiki-live-conflict").to_string());
                render_live(StatusCode::CONFLICT, ctx, space, page, text, outcome)
            }
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error(&ctx, e),
    }
}
