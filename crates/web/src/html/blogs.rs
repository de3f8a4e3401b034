//! A space's blog: the list, a post, and the form that writes one (with a
//! cover picture and a sound file uploaded in the same form).

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use stoa_core::CoreError;
use stoa_core::blogs::{self, Blog, BlogInput, BlogPost, PostView};
use stoa_core::spaces::SpaceSummary;

use super::library::upload_error;
use super::{FormErrors, PageCtx, errors, page, render};
use crate::AppState;
use crate::files as uploads;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/blog", get(index).post(create).layer(DefaultBodyLimit::disable()))
        .route("/s/{slug}/blog/new", get(new_form))
        .route("/s/{slug}/blog/{post}", get(show))
        .route("/s/{slug}/blog/{post}/edit", get(edit_form).post(edit).layer(DefaultBodyLimit::disable()))
}

#[derive(Template)]
#[template(path = "blog.html")]
struct BlogPage {
    ctx: PageCtx,
    blog: Blog,
}

async fn index(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    match blogs::blog(&state.app, &ctx.actor(), &slug).await {
        Ok(blog) => page(&BlogPage { ctx, blog }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "blog_post.html")]
struct PostPage {
    ctx: PageCtx,
    space: SpaceSummary,
    post: BlogPost,
    may_write: bool,
}

async fn show(State(state): State<AppState>, ctx: PageCtx, Path((slug, post)): Path<(String, String)>) -> Response {
    match blogs::post(&state.app, &ctx.actor(), &slug, &post).await {
        Ok(v) => page(&PostPage { ctx, space: v.space, post: v.post, may_write: v.may_write }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "blog_form.html")]
struct FormPage {
    ctx: PageCtx,
    space: SpaceSummary,
    /// The post being edited; `None` for a new one.
    editing: Option<String>,
    title: String,
    body: String,
    publish: bool,
    has_cover: bool,
    has_audio: bool,
    errors: FormErrors,
}

async fn new_form(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    match blogs::blog(&state.app, &ctx.actor(), &slug).await {
        Ok(b) if b.may_write => page(&FormPage {
            ctx,
            space: b.space,
            editing: None,
            title: String::new(),
            body: String::new(),
            publish: false,
            has_cover: false,
            has_audio: false,
            errors: FormErrors::default(),
        }),
        Ok(_) => errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, post)): Path<(String, String)>,
) -> Response {
    match blogs::post(&state.app, &ctx.actor(), &slug, &post).await {
        Ok(v) if !v.may_write => errors::render_error(&ctx, CoreError::Forbidden),
        Ok(PostView { space, post: p, .. }) => page(&FormPage {
            ctx,
            space,
            editing: Some(p.slug),
            title: p.title,
            body: p.body,
            publish: p.published_at.is_some(),
            has_cover: p.cover_file_id.is_some(),
            has_audio: p.audio.is_some(),
            errors: FormErrors::default(),
        }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

/// Reads the form: its fields and the files it carried.
async fn receive(
    state: &AppState,
    ctx: &PageCtx,
    slug: &str,
    headers: &HeaderMap,
    multipart: Multipart,
) -> Result<BlogInput, Response> {
    let received = uploads::receive(state, &ctx.actor(), slug, headers, multipart, false)
        .await
        .map_err(|e| upload_error(ctx, e))?;
    let field = |name: &str| received.fields.get(name).cloned().unwrap_or_default();
    let file = |name: &str| received.files.get(name).map(|f| f.id.clone());
    Ok(BlogInput {
        title: field("title"),
        body: field("body"),
        publish: field("publish") == "1",
        cover_file_id: file("cover"),
        audio_file_id: file("audio"),
        remove_cover: field("remove_cover") == "1",
        remove_audio: field("remove_audio") == "1",
    })
}

/// The form again with what was typed and a message per field (422).
async fn again(
    state: &AppState,
    ctx: PageCtx,
    slug: &str,
    editing: Option<String>,
    input: BlogInput,
    e: CoreError,
) -> Response {
    let CoreError::Invalid(fields) = e else {
        return errors::render_error_keeping(&ctx, e, Some(input.body));
    };
    // The space, and for an edit the files the post already has.
    let found = match &editing {
        Some(post_slug) => blogs::post(&state.app, &ctx.actor(), slug, post_slug)
            .await
            .map(|v| (v.space, v.post.cover_file_id.is_some(), v.post.audio.is_some())),
        None => blogs::blog(&state.app, &ctx.actor(), slug).await.map(|b| (b.space, false, false)),
    };
    match found {
        Ok((space, has_cover, has_audio)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                errors: FormErrors::from_fields(&ctx.lang, &fields),
                ctx,
                space,
                editing,
                title: input.title,
                body: input.body,
                publish: input.publish,
                has_cover,
                has_audio,
            },
        ),
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let input = match receive(&state, &ctx, &slug, &headers, multipart).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    match blogs::create(&state.app, &ctx.actor(), &slug, input.clone()).await {
        Ok(p) => Redirect::to(&format!("/s/{slug}/blog/{}", p.slug)).into_response(),
        Err(e) => again(&state, ctx, &slug, None, input, e).await,
    }
}

async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, post)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let input = match receive(&state, &ctx, &slug, &headers, multipart).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    match blogs::update(&state.app, &ctx.actor(), &slug, &post, input.clone()).await {
        Ok(p) => Redirect::to(&format!("/s/{slug}/blog/{}", p.slug)).into_response(),
        Err(e) => again(&state, ctx, &slug, Some(post), input, e).await,
    }
}
