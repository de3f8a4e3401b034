//! Markdown rendering and sanitizing.
//!
//! Markdown is rendered once, when it is written, and the sanitized HTML is
//! stored beside the source; pages then print the stored HTML as is. That
//! keeps page views cheap and puts the one dangerous step (turning text into
//! markup) in a single, tested function.
//!
//! The dialect is CommonMark with the GitHub extensions people expect: tables,
//! task lists, strikethrough, footnotes and bare URLs turned into links.
//! Sanitizing runs on the rendered HTML, so raw HTML in the source gets the
//! same treatment: no scripts, no event handlers, no `javascript:` URLs.

use std::collections::{HashSet, VecDeque};
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .set_tag_attribute_value("input", "disabled", "")
            .set_tag_attribute_value("img", "loading", "lazy")
            .link_rel(Some("noopener noreferrer nofollow ugc"))
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .attribute_filter(|element, attribute, value| {
                // Task-list checkboxes are the only inputs Markdown produces.
                if element == "input" && attribute == "type" && value != "checkbox" {
                    return None;
                }
                Some(value.into())
            });
        builder
    })
}

/// Renders Markdown to HTML that is safe to embed in a page as is.
pub fn render(source: &str) -> String {
    let events = linkify(Parser::new_ext(source, options()));
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    with_alt_text(&sanitizer().clean(&html).to_string())
}

/// Renders Markdown like [`render`], turning `@name` into a link to the
/// person's profile when `is_person(name)` says they exist, and `#tag` into
/// a link to the tag's page. Mentions and tags in code and inside links stay
/// text; so do an address like `a@b.org` and `issue#12`.
pub fn render_social(source: &str, is_person: &dyn Fn(&str) -> bool) -> String {
    let events = social_links(linkify(Parser::new_ext(source, options())), is_person);
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    with_alt_text(&sanitizer().clean(&html).to_string())
}

fn social_links<'a>(
    inner: impl Iterator<Item = Event<'a>>,
    is_person: &dyn Fn(&str) -> bool,
) -> impl Iterator<Item = Event<'a>> {
    SplitText::new(inner, |text: &str, pending: &mut VecDeque<Event<'_>>| {
        let mut found: Vec<(usize, usize, String)> = mentions_in(text)
            .into_iter()
            .filter(|(_, n)| is_person(n))
            .map(|(at, name)| (at, at + 1 + name.len(), format!("/u/{name}")))
            .collect();
        found.extend(
            hashtags_in(text)
                .into_iter()
                .map(|(at, len, tag)| (at, at + len, format!("/tags/{}", percent_encode_path(&tag)))),
        );
        if found.is_empty() {
            return false;
        }
        found.sort_by_key(|(at, _, _)| *at);
        let mut at = 0;
        for (start, end, href) in found {
            if start < at {
                continue;
            }
            if start > at {
                pending.push_back(Event::Text(CowStr::from(text[at..start].to_owned())));
            }
            pending.push_back(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: CowStr::from(href),
                title: CowStr::from(""),
                id: CowStr::from(""),
            }));
            pending.push_back(Event::Text(CowStr::from(text[start..end].to_owned())));
            pending.push_back(Event::End(TagEnd::Link));
            at = end;
        }
        if at < text.len() {
            pending.push_back(Event::Text(CowStr::from(text[at..].to_owned())));
        }
        true
    })
}

/// The `#tags` written in `source` outside code and links, lower-cased,
/// each once, at most [`crate::wiki::MAX_TAGS`] times two.
pub fn hashtags(source: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut links = 0usize;
    let mut code = 0usize;
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Start(Tag::Link { .. }) => links += 1,
            Event::End(TagEnd::Link) => links = links.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            Event::Text(text) if links == 0 && code == 0 => {
                for (_, _, tag) in hashtags_in(&text) {
                    if !out.contains(&tag) && out.len() < crate::wiki::MAX_TAGS * 2 {
                        out.push(tag);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `(byte offset of the #, length written, tag)` for each `#tag` in `text`:
/// a `#` not preceded by a letter, digit or `&`, then up to
/// [`crate::wiki::TAG_MAX`] letters, digits, `-` or `_` with at least one
/// letter (so `#1` stays a number).
fn hashtags_in(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let starts = c == '#' && !prev.is_some_and(|p| p.is_alphanumeric() || p == '&' || p == '#' || p == '_');
        prev = Some(c);
        if !starts {
            continue;
        }
        let mut end = i + 1;
        let mut has_letter = false;
        let mut count = 0;
        while let Some(&(j, d)) = chars.peek() {
            if d.is_alphanumeric() || d == '-' || d == '_' {
                has_letter |= d.is_alphabetic();
                count += 1;
                end = j + d.len_utf8();
                prev = Some(d);
                chars.next();
            } else {
                break;
            }
        }
        // A trailing hyphen or underscore is punctuation, not the tag.
        let mut written = &text[i + 1..end];
        while written.ends_with(['-', '_']) {
            written = &written[..written.len() - 1];
        }
        if has_letter && count <= crate::wiki::TAG_MAX && !written.is_empty() {
            out.push((i, written.len() + 1, written.to_lowercase()));
        }
    }
    out
}

/// The usernames `@mentioned` anywhere in `source`, lower-cased, each once
/// (code included: this is only the list of names to look up).
pub fn mention_candidates(source: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, name) in mentions_in(source) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `(byte offset of the @, name)` for each `@name` in `text` that could be
/// a username and is not part of a word or an e-mail address.
fn mentions_in(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let name_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'@' && (i == 0 || !(name_char(bytes[i - 1]) || bytes[i - 1] == b'.' || bytes[i - 1] == b'@')) {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && name_char(bytes[end]) {
                end += 1;
            }
            // A trailing hyphen or underscore is punctuation, not the name.
            while end > start && matches!(bytes[end - 1], b'-' | b'_') {
                end -= 1;
            }
            let followed_by_domain = end < bytes.len()
                && bytes[end] == b'.'
                && bytes.get(end + 1).is_some_and(|b| b.is_ascii_alphanumeric());
            if !followed_by_domain && let Ok(name) = crate::Username::parse(&text[start..end]) {
                out.push((i, name.into_inner()));
            }
            i = end.max(start);
            continue;
        }
        i += 1;
    }
    out
}

/// A wiki page rendered: its HTML and the pages it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WikiRendered {
    pub html: String,
    /// The page addresses that `[[Page name]]` links point at, each once.
    pub links: Vec<String>,
    /// The `#tags` written on the page.
    pub tags: Vec<String>,
}

/// Renders the Markdown of a wiki page, where `[[Page name]]` and
/// `[[Page name|shown text]]` link to pages of the same space at
/// `{base}{address}` (see [`crate::wiki::page_slug`]).
///
/// Whether a linked page exists is only known when the page is shown, so the
/// stored HTML marks every wiki link the same way and [`mark_missing_links`]
/// adjusts it then.
pub fn render_wiki(source: &str, base: &str) -> WikiRendered {
    let mut links: Vec<String> = Vec::new();
    let parser = Parser::new_ext(source, options() | Options::ENABLE_WIKILINKS).map(|event| match event {
        Event::Start(Tag::Link { link_type: LinkType::WikiLink { .. }, dest_url, title, id }) => {
            let slug = crate::wiki::page_slug(&dest_url);
            let href = format!("{base}{}", percent_encode_path(&slug));
            if !links.contains(&slug) {
                links.push(slug);
            }
            Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url: CowStr::from(href), title, id })
        }
        other => other,
    });
    let events = social_links(linkify(parser), &|_| false);
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    let html = with_alt_text(&sanitizer().clean(&html).to_string());
    WikiRendered { html, links, tags: hashtags(source) }
}

/// Marks links to wiki pages that do not exist (yet) with the class
/// `wiki-missing`, so they read as "create this page". `html` is the output
/// of [`render_wiki`] with the same `base`.
pub fn mark_missing_links(html: &str, base: &str, missing: &[String]) -> String {
    let mut out = html.to_owned();
    for slug in missing {
        let needle = format!("<a href=\"{base}{}\"", percent_encode_path(slug));
        let marked = format!("{needle} class=\"wiki-missing\"");
        out = out.replace(&needle, &marked);
    }
    out
}

/// Percent-encodes a page address for a URL path: letters and digits of any
/// script are encoded as UTF-8 bytes; ASCII letters, digits and `-` stay.
pub fn percent_encode_path(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' || byte == b'.' {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Gives every image an `alt` attribute. Markdown images carry their text as
/// `alt`; an `<img>` written as raw HTML without one gets an empty `alt`, so
/// screen readers skip it instead of reading out its address.
///
/// The input is the sanitizer's own serialisation, where every tag is
/// well-formed and attribute values are quoted.
fn with_alt_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    while let Some(start) = rest.find("<img ") {
        let Some(end) = rest[start..].find('>').map(|e| start + e) else {
            break;
        };
        let tag = &rest[start..end];
        out.push_str(&rest[..start]);
        out.push_str(tag);
        if !tag.contains(" alt=") {
            out.push_str(" alt=\"\"");
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Renders Markdown and reduces it to plain text, for previews and snippets.
pub fn plain_text(source: &str, max_chars: usize) -> String {
    let mut out = String::new();
    // Counted as it grows: recounting the whole text per event would be
    // quadratic in a long post.
    let mut chars = 0;
    // `[[Page name]]` reads as "Page name".
    for event in Parser::new_ext(source, options() | Options::ENABLE_WIKILINKS) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                out.push_str(&t);
                chars += t.chars().count();
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => {
                out.push(' ');
                chars += 1;
            }
            _ => {}
        }
        if chars > max_chars {
            break;
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > max_chars {
        let cut: String = collapsed.chars().take(max_chars.saturating_sub(1)).collect();
        // End at a word boundary when there is one, so no word is cut in half.
        let at_word = match cut.rfind(' ') {
            Some(space) if space > 0 => &cut[..space],
            _ => cut.as_str(),
        };
        format!("{}…", at_word.trim_end())
    } else {
        collapsed
    }
}

/// An event adapter that hands each run of text outside links and code
/// blocks to `split`, which may replace it with other events (pushed onto
/// the queue) and says whether it did.
struct SplitText<'a, I: Iterator<Item = Event<'a>>, F: FnMut(&str, &mut VecDeque<Event<'a>>) -> bool> {
    inner: I,
    split: F,
    pending: VecDeque<Event<'a>>,
    link_depth: usize,
    code_depth: usize,
}

impl<'a, I: Iterator<Item = Event<'a>>, F: FnMut(&str, &mut VecDeque<Event<'a>>) -> bool> SplitText<'a, I, F> {
    fn new(inner: I, split: F) -> Self {
        Self { inner, split, pending: VecDeque::new(), link_depth: 0, code_depth: 0 }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>, F: FnMut(&str, &mut VecDeque<Event<'a>>) -> bool> Iterator
    for SplitText<'a, I, F>
{
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        let event = self.inner.next()?;
        match &event {
            Event::Start(Tag::Link { .. }) => self.link_depth += 1,
            Event::End(TagEnd::Link) => self.link_depth = self.link_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => self.code_depth += 1,
            Event::End(TagEnd::CodeBlock) => self.code_depth = self.code_depth.saturating_sub(1),
            Event::Text(text) if self.link_depth == 0 && self.code_depth == 0 => {
                let text = text.clone();
                if (self.split)(&text, &mut self.pending) {
                    return self.pending.pop_front();
                }
            }
            _ => {}
        }
        Some(event)
    }
}

/// Turns bare `http://` and `https://` URLs in text into links, as GitHub does.
///
/// Text inside links and code is left alone. A URL ends at whitespace, and
/// trailing punctuation that usually closes a sentence is not part of it.
fn linkify<'a>(inner: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    SplitText::new(inner, link_urls)
}

fn find_url_start(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn link_urls<'a>(text: &str, pending: &mut VecDeque<Event<'a>>) -> bool {
    let mut rest = text;
    let mut found = false;
    while let Some(start) = find_url_start(rest) {
        let tail = &rest[start..];
        let end = tail.find(|c: char| c.is_whitespace() || c == '<' || c == '>').unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ':', ';', '!', '?', ')', '\'', '"']);
        if url.len() <= "https://".len() {
            pending.push_back(Event::Text(CowStr::from(rest[..start + end].to_owned())));
            rest = &rest[start + end..];
            continue;
        }
        found = true;
        if start > 0 {
            pending.push_back(Event::Text(CowStr::from(rest[..start].to_owned())));
        }
        let dest = CowStr::from(url.to_owned());
        pending.push_back(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: dest.clone(),
            title: CowStr::from(""),
            id: CowStr::from(""),
        }));
        pending.push_back(Event::Text(dest));
        pending.push_back(Event::End(TagEnd::Link));
        rest = &rest[start + url.len()..];
    }
    if found && !rest.is_empty() {
        pending.push_back(Event::Text(CowStr::from(rest.to_owned())));
    }
    if !found {
        pending.clear();
    }
    found
}

#[cfg(test)]
mod wiki_tests {
    use super::*;

    #[test]
    fn wiki_links_point_into_the_space_and_are_collected() {
        let out =
            render_wiki("See [[Release Checklist]] and [[Café|the café]], [[Release checklist]] again.", "/s/g/wiki/");
        assert_eq!(out.links, vec!["release-checklist".to_owned(), "café".to_owned()]);
        assert!(out.html.contains("<a href=\"/s/g/wiki/release-checklist\""), "{}", out.html);
        assert!(out.html.contains("<a href=\"/s/g/wiki/caf%C3%A9\""), "{}", out.html);
        assert!(out.html.contains(">the café</a>"), "{}", out.html);
        let marked = mark_missing_links(&out.html, "/s/g/wiki/", &["café".to_owned()]);
        assert!(marked.contains("caf%C3%A9\" class=\"wiki-missing\""), "{marked}");
        assert!(!marked.contains("release-checklist\" class=\"wiki-missing\""), "{marked}");
    }

    #[test]
    fn wiki_links_cannot_smuggle_markup() {
        let out = render_wiki("[[\"><script>alert(1)</script>]] [[javascript:alert(1)]]", "/s/g/wiki/");
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("href=\"javascript"), "{}", out.html);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_event_handlers_are_removed() {
        let html = render("Hello <script>alert(1)</script> <img src=x onerror=alert(1)> <b onclick=\"x()\">bold</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("<b>bold</b>"), "{html}");
    }

    #[test]
    fn javascript_urls_are_removed_from_links_and_images() {
        let html =
            render("[click](javascript:alert(1)) <a href=\"JaVaScRiPt:alert(1)\">x</a> ![i](javascript:alert(2))");
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
    }

    #[test]
    fn gfm_tables_task_lists_and_strikethrough_render() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n~~old~~");
        assert!(html.contains("<table>") && html.contains("<td>1</td>"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("checked"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
    }

    #[test]
    fn raw_html_inputs_other_than_checkboxes_are_neutralised() {
        let html = render("<input type=\"text\" value=\"x\" autofocus onfocus=\"alert(1)\">");
        assert!(!html.contains("type=\"text\""), "{html}");
        assert!(!html.contains("onfocus"), "{html}");
        assert!(html.contains("disabled"), "{html}");
    }

    #[test]
    fn links_get_a_safe_rel_and_bare_urls_become_links() {
        let html = render("See https://example.org/page. and [docs](https://docs.example.org)");
        assert!(html.contains("<a href=\"https://example.org/page\" rel=\"noopener noreferrer nofollow ugc\">https://example.org/page</a>."), "{html}");
        assert!(html.contains("href=\"https://docs.example.org\""), "{html}");
    }

    #[test]
    fn urls_in_code_are_left_alone() {
        let html = render("```\ncurl https://example.org\n```\n\n`https://example.org`");
        assert!(!html.contains("<a "), "{html}");
    }

    #[test]
    fn code_and_images_survive() {
        let html = render("```rust\nfn main() {}\n```\n\n![diagram](https://example.org/d.png)");
        assert!(html.contains("<pre><code"), "{html}");
        assert!(html.contains("<img src=\"https://example.org/d.png\""), "{html}");
    }

    #[test]
    fn every_image_gets_alt_text() {
        assert!(render("![a diagram](https://example.org/d.png)").contains("alt=\"a diagram\""));
        let raw = render("<img src=\"https://example.org/x.png\" onerror=\"x()\">");
        assert!(raw.contains("alt=\"\"") && !raw.contains("onerror"), "{raw}");
        let titled = render("<img src=\"https://example.org/x.png\" title=\"a > b\">");
        assert!(
            titled.contains("title=\"a &gt; b\" loading=\"lazy\" alt=\"\">")
                || titled.contains("title=\"a &gt; b\" alt=\"\">"),
            "{titled}"
        );
    }

    #[test]
    fn plain_text_is_short_and_has_no_markup() {
        assert_eq!(plain_text("# Title\n\nSome **bold** text", 100), "Title Some bold text");
        assert_eq!(plain_text("word ".repeat(50).as_str(), 12), "word word…");
    }

    #[test]
    fn known_mentions_become_profile_links_and_nothing_else_does() {
        let known = |n: &str| n == "ana" || n == "bo-b";
        let html = render_social(
            "Thanks @Ana and @bo-b, ask @nobody. Mail ana@example.org, see `@ana` and [@ana](https://x.org).",
            &known,
        );
        assert!(html.contains(r#"<a href="/u/ana" rel="noopener noreferrer nofollow ugc">@Ana</a>"#), "{html}");
        assert!(html.contains(r#"<a href="/u/bo-b" rel="noopener noreferrer nofollow ugc">@bo-b</a>"#), "{html}");
        assert!(html.contains("@nobody") && !html.contains("/u/nobody"));
        assert!(html.contains("ana@example.org") && html.matches("/u/ana").count() == 1, "{html}");
        assert!(html.contains("<code>@ana</code>"));
        assert_eq!(mention_candidates("@Ana @ana x@y.org @bo-b, @x @nobody-"), ["ana", "bo-b", "nobody"]);
    }

    #[test]
    fn hashtags_link_to_their_page_and_are_collected_once() {
        let src = "Learning #Rust and #rust-async, not issue#12, &#35; or #42.\n\n`#code` [#link](https://x.org) ##double #tail-";
        let html = render_social(src, &|_| false);
        assert!(html.contains(r#"<a href="/tags/rust" rel="noopener noreferrer nofollow ugc">#Rust</a>"#), "{html}");
        assert!(html.contains(r#"<a href="/tags/rust-async""#), "{html}");
        assert!(html.contains(r#"<a href="/tags/tail" rel="noopener noreferrer nofollow ugc">#tail</a>-"#), "{html}");
        assert!(!html.contains("/tags/12") && !html.contains("/tags/42") && !html.contains("/tags/code"), "{html}");
        assert!(!html.contains("/tags/link") && !html.contains("/tags/double"), "{html}");
        assert_eq!(hashtags(src), ["rust", "rust-async", "tail"]);
        assert_eq!(hashtags("# Heading\n\n#Café #über"), ["café", "über"]);
        let mixed = render_social("@ana likes #go", &|n| n == "ana");
        assert!(mixed.contains(r#"href="/u/ana""#) && mixed.contains(r#"href="/tags/go""#), "{mixed}");
        assert_eq!(render_wiki("See #ops and [[Runbook]]", "/w/").tags, ["ops"]);
    }
}
