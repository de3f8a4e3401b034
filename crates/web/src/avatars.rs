//! People's pictures: receiving an upload (a form's part or an API body)
//! and serving `/u/{username}/avatar`, the uploaded picture or one drawn
//! from the name (initials on a colour of its own; no outside service).

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{Stream, StreamExt};
use stoa_core::accounts::{self, AVATAR_MAX_BYTES, Avatar};
use stoa_core::{Actor, CoreError, files};

use crate::AppState;
use crate::html::{hue, initials};

pub fn router() -> Router<AppState> {
    Router::new().route("/u/{username}/avatar", get(serve))
}

/// Receives a picture from a stream of bytes and makes it the actor's. A
/// stream longer than the limit is refused as soon as it passes it.
pub async fn receive<S, E>(state: &AppState, actor: &Actor, mut bytes: S) -> Result<(), CoreError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    actor.require()?;
    let mut staged = files::stage(&state.app).await?;
    while let Some(chunk) = bytes.next().await {
        let chunk = chunk.map_err(|e| {
            tracing::info!(error = %e, "an avatar upload broke off");
            CoreError::field("avatar", "avatar-upload-broken")
        })?;
        let size = staged.write(&chunk).await.map_err(|e| CoreError::io("writing an avatar", &e))?;
        if size > AVATAR_MAX_BYTES {
            // Dropping `staged` removes what was written.
            return Err(CoreError::field("avatar", "avatar-too-large"));
        }
    }
    accounts::set_avatar(&state.app, actor, staged).await
}

/// The hue a name's drawn picture takes, as the pages' `hue-N` classes do.
fn colour(key: &str) -> String {
    format!("hsl({} 48% 38%)", (hue(key) % 12) * 30)
}

/// A square SVG with the initials of `name` on the colour of `key`.
fn drawn(name: &str, key: &str) -> String {
    let letters = crate::html::escape(&initials(name));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" width=\"64\" height=\"64\">\
         <rect width=\"64\" height=\"64\" fill=\"{}\"/>\
         <text x=\"32\" y=\"32\" dy=\".35em\" text-anchor=\"middle\" fill=\"#fff\" \
         font-family=\"system-ui, sans-serif\" font-size=\"26\" font-weight=\"600\">{letters}</text></svg>",
        colour(key)
    )
}

async fn serve(State(state): State<AppState>, headers: HeaderMap, Path(username): Path<String>) -> Response {
    let avatar = match accounts::avatar(&state.app, &username).await {
        Ok(a) => a,
        Err(CoreError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "serving an avatar");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let (etag, content_type, body) = match avatar {
        Avatar::Uploaded { file, len, content_type, version } => {
            (format!("\"u{version}-{len}\""), content_type, Body::from_stream(tokio_util::io::ReaderStream::new(file)))
        }
        Avatar::Drawn { display_name, version } => {
            let svg = drawn(&display_name, &username);
            (format!("\"d{version}-{:x}\"", hue(&display_name)), "image/svg+xml".to_owned(), Body::from(svg))
        }
    };
    let mut response = if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, body).into_response()
    };
    let h = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, content_type.as_str()),
        (header::ETAG, etag.as_str()),
        // Short, so a new picture shows soon; revalidation is cheap.
        (header::CACHE_CONTROL, "public, max-age=300"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_picture_escapes_the_name_and_keeps_its_colour() {
        let svg = drawn("<Ana> & Bo", "ana");
        assert!(svg.contains(">&lt;&amp;</text>"), "{svg}");
        assert_eq!(drawn("Ana Lima", "ana"), drawn("Ana Lima", "ana"));
        assert!(drawn("Ana Lima", "ana").contains(">AL</text>"));
    }
}
