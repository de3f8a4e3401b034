//! Atom and RSS feeds of public content: each public space's activity and
//! each tag. Only what a signed-out visitor may read goes in (the core
//! functions read as an outsider); anything else answers 404.

use atom_syndication as atom;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use stoa_core::CoreError;
use stoa_core::feed::{self, Syndication};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/feed.atom", get(space_atom))
        .route("/s/{slug}/feed.rss", get(space_rss))
        .route("/tags/{tag}/feed.atom", get(tag_atom))
        .route("/tags/{tag}/feed.rss", get(tag_rss))
        .route("/s/{slug}/blog/feed.atom", get(blog_atom))
        .route("/s/{slug}/blog/feed.rss", get(blog_rss))
}

/// The site's address for absolute links: the configured public URL.
/// Without one, the request's `Host` only when it names this machine
/// (anyone can send any `Host`, and a feed or calendar would then carry
/// their links), else the address the server listens on.
pub(crate) fn base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if is_loopback_host(host) {
        return format!("http://{host}");
    }
    match state.config.listen {
        Some(addr) => format!("http://{addr}"),
        None => "http://localhost".to_owned(),
    }
}

/// Whether a `Host` value (with or without a port) names this machine.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host
            .rsplit_once(':')
            .map_or(host, |(name, port)| if port.bytes().all(|b| b.is_ascii_digit()) { name } else { host }),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An entry's permanent id: a `tag:` URI (RFC 4151) naming the site and the
/// post's or page's own id, so it never changes when the thing is edited,
/// renamed or moved.
fn entry_id(base: &str, id: &str) -> String {
    let host = base.split("://").nth(1).unwrap_or(base);
    let authority = host.split(':').next().unwrap_or(host);
    format!("tag:{authority},2026:{id}")
}

/// Makes the site-relative links and images of stored HTML absolute, so a
/// feed reader elsewhere can follow them. The HTML comes from the sanitizer,
/// which always quotes attributes with `"`.
fn absolute(html: &str, base: &str) -> String {
    html.replace("href=\"/", &format!("href=\"{base}/")).replace("src=\"/", &format!("src=\"{base}/"))
}

/// Milliseconds since 1970 as an Atom date.
fn date(ms: i64) -> atom::FixedDateTime {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let text = at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    atom::FixedDateTime::parse_from_rfc3339(&text).unwrap_or_default()
}

/// The same as an RSS (RFC 2822) date.
fn rss_date(ms: i64) -> String {
    date(ms).to_rfc2822()
}

fn atom_feed(s: &Syndication, base: &str, self_path: &str) -> String {
    let updated = s.items.iter().map(|i| i.updated).max().unwrap_or(0);
    let entries: Vec<atom::Entry> = s
        .items
        .iter()
        .map(|i| {
            let link = format!("{base}{}", i.path);
            let author = if i.author.is_empty() { "Anonymous".to_owned() } else { i.author.clone() };
            atom::Entry {
                id: entry_id(base, &i.id),
                title: atom::Text::plain(i.title.clone()),
                updated: date(i.updated),
                published: Some(date(i.published)),
                authors: vec![atom::Person { name: author, ..Default::default() }],
                links: vec![atom::Link {
                    href: link,
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Default::default()
                }],
                content: Some(atom::Content {
                    value: Some(absolute(&i.html, base)),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let feed = atom::Feed {
        id: format!("{base}{self_path}"),
        title: atom::Text::plain(s.title.clone()),
        subtitle: (!s.description.is_empty()).then(|| atom::Text::plain(s.description.clone())),
        updated: date(updated),
        links: vec![
            atom::Link { href: format!("{base}{}", s.path), rel: "alternate".into(), ..Default::default() },
            atom::Link {
                href: format!("{base}{self_path}"),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
        ],
        generator: Some(atom::Generator { value: "Stoa".into(), ..Default::default() }),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

fn rss_feed(s: &Syndication, base: &str, self_path: &str) -> String {
    rss_channel(s, base, self_path).to_string()
}

fn rss_channel(s: &Syndication, base: &str, self_path: &str) -> rss::Channel {
    let items: Vec<rss::Item> = s
        .items
        .iter()
        .map(|i| {
            let link = format!("{base}{}", i.path);
            rss::Item {
                title: Some(i.title.clone()),
                link: Some(link),
                description: Some(absolute(&i.html, base)),
                guid: Some(rss::Guid { value: entry_id(base, &i.id), permalink: false }),
                pub_date: Some(rss_date(i.published)),
                dublin_core_ext: (!i.author.is_empty()).then(|| rss::extension::dublincore::DublinCoreExtension {
                    creators: vec![i.author.clone()],
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let mut namespaces = std::collections::BTreeMap::new();
    namespaces.insert("dc".to_owned(), rss::extension::dublincore::NAMESPACE.to_owned());
    namespaces.insert("atom".to_owned(), "http://www.w3.org/2005/Atom".to_owned());
    let mut channel = rss::Channel {
        title: s.title.clone(),
        link: format!("{base}{}", s.path),
        description: if s.description.is_empty() { s.title.clone() } else { s.description.clone() },
        generator: Some("Stoa".into()),
        last_build_date: s.items.iter().map(|i| i.updated).max().map(rss_date),
        items,
        namespaces,
        ..Default::default()
    };
    channel.atom_ext = Some(rss::extension::atom::AtomExtension {
        links: vec![rss::extension::atom::Link {
            href: format!("{base}{self_path}"),
            rel: "self".into(),
            mime_type: Some("application/rss+xml".into()),
            ..Default::default()
        }],
    });
    channel
}

fn respond(
    result: Result<Syndication, CoreError>,
    render: impl FnOnce(&Syndication) -> String,
    mime: &'static str,
) -> Response {
    match result {
        Ok(s) => ([(header::CONTENT_TYPE, mime)], render(&s)).into_response(),
        Err(CoreError::NotFound | CoreError::Forbidden | CoreError::Invalid(_)) => {
            (StatusCode::NOT_FOUND, "No such public feed.").into_response()
        }
        Err(e) => crate::error::internal(false, &e.to_string()),
    }
}

const ATOM: &str = "application/atom+xml; charset=utf-8";
const RSS: &str = "application/rss+xml; charset=utf-8";

async fn space_atom(State(state): State<AppState>, headers: HeaderMap, Path(slug): Path<String>) -> Response {
    let base = base(&state, &headers);
    let path = format!("/s/{slug}/feed.atom");
    respond(feed::syndicate_space(&state.app, &slug).await, |s| atom_feed(s, &base, &path), ATOM)
}

async fn space_rss(State(state): State<AppState>, headers: HeaderMap, Path(slug): Path<String>) -> Response {
    let base = base(&state, &headers);
    let path = format!("/s/{slug}/feed.rss");
    respond(feed::syndicate_space(&state.app, &slug).await, |s| rss_feed(s, &base, &path), RSS)
}

async fn tag_atom(State(state): State<AppState>, headers: HeaderMap, Path(tag): Path<String>) -> Response {
    let base = base(&state, &headers);
    let path = format!("/tags/{}/feed.atom", stoa_domain::markdown::percent_encode_path(&tag.to_lowercase()));
    respond(feed::syndicate_tag(&state.app, &tag).await, |s| atom_feed(s, &base, &path), ATOM)
}

async fn tag_rss(State(state): State<AppState>, headers: HeaderMap, Path(tag): Path<String>) -> Response {
    let base = base(&state, &headers);
    let path = format!("/tags/{}/feed.rss", stoa_domain::markdown::percent_encode_path(&tag.to_lowercase()));
    respond(feed::syndicate_tag(&state.app, &tag).await, |s| rss_feed(s, &base, &path), RSS)
}

async fn blog_atom(State(state): State<AppState>, headers: HeaderMap, Path(slug): Path<String>) -> Response {
    let base = base(&state, &headers);
    let path = format!("/s/{slug}/blog/feed.atom");
    let result = stoa_core::blogs::syndicate(&state.app, &slug).await.map(|(s, _, _)| s);
    respond(result, |s| atom_feed(s, &base, &path), ATOM)
}

/// A blog's RSS feed, which is also its podcast feed: a post with a sound
/// file carries it as an enclosure (address, byte length, type) with the
/// iTunes tags podcast apps read.
async fn blog_rss(State(state): State<AppState>, headers: HeaderMap, Path(slug): Path<String>) -> Response {
    use rss::extension::itunes::{self, ITunesChannelExtension, ITunesItemExtension};
    let base = base(&state, &headers);
    let path = format!("/s/{slug}/blog/feed.rss");
    let (syndication, audio, cover) = match stoa_core::blogs::syndicate(&state.app, &slug).await {
        Ok(found) => found,
        Err(e) => return respond(Err(e), |_| String::new(), RSS),
    };
    let mut channel = rss_channel(&syndication, &base, &path);
    let author = syndication.items.first().map(|i| i.author.clone());
    channel.namespaces.insert("itunes".to_owned(), itunes::NAMESPACE.to_owned());
    channel.itunes_ext = Some(ITunesChannelExtension {
        author: author.clone(),
        summary: Some(channel.description.clone()),
        explicit: Some("false".into()),
        image: cover.as_ref().map(|c| format!("{base}{c}")),
        ..Default::default()
    });
    for (item, (sound, source)) in channel.items.iter_mut().zip(audio.iter().zip(&syndication.items)) {
        let Some(sound) = sound else { continue };
        item.enclosure = Some(rss::Enclosure {
            url: format!("{base}{}", sound.path),
            length: sound.size.to_string(),
            mime_type: sound.content_type.clone(),
        });
        item.itunes_ext = Some(ITunesItemExtension {
            author: Some(source.author.clone()),
            summary: Some(source.summary.clone()),
            explicit: Some("false".into()),
            ..Default::default()
        });
    }
    ([(header::CONTENT_TYPE, RSS)], channel.to_string()).into_response()
}
