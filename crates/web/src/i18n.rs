//! UI text from Project Fluent message catalogs.
//!
//! Catalogs live in `locales/<language>/*.ftl` and are compiled into the
//! binary. English is complete; any other catalog may be partial, and a
//! message it lacks falls back to English. Adding a language is adding a
//! folder: no code changes.
//!
//! The language of a request is the signed-in person's choice, else the best
//! match for the browser's `Accept-Language`, else English.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments would show up in HTML
        // attributes and tests; our arguments are names and numbers.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The fallback (and only complete) language.
pub fn english() -> LanguageIdentifier {
    "en".parse().unwrap_or_default()
}

/// Languages with a catalog, as BCP 47 tags.
pub fn available() -> Vec<String> {
    let mut tags: Vec<String> = LOCALES.locales().map(ToString::to_string).collect();
    tags.sort();
    tags
}

/// Picks the language for a request.
pub fn negotiate(chosen: Option<&str>, accept_language: Option<&str>) -> LanguageIdentifier {
    if let Some(lang) = chosen.and_then(supported) {
        return lang;
    }
    let Some(header) = accept_language else {
        return english();
    };
    // Accept-Language: "pt-BR,pt;q=0.9,en;q=0.8". Try each tag in order of
    // quality, then its primary language.
    let mut wanted: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            (!tag.is_empty() && tag != "*").then_some((q, tag))
        })
        .take(20)
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted.iter().find_map(|(_, tag)| supported(tag)).unwrap_or_else(english)
}

/// The catalog language for `tag`, matching on the primary language when the
/// region has no catalog of its own.
fn supported(tag: &str) -> Option<LanguageIdentifier> {
    let wanted: LanguageIdentifier = tag.parse().ok()?;
    let mut primary_match = None;
    for lang in LOCALES.locales() {
        if *lang == wanted {
            return Some(lang.clone());
        }
        if lang.language == wanted.language && primary_match.is_none() {
            primary_match = Some(lang.clone());
        }
    }
    primary_match
}

/// Looks a message up; a missing id shows as the id itself, which a test
/// makes sure never happens for English.
pub fn text(lang: &LanguageIdentifier, id: &str) -> String {
    LOCALES.try_lookup(lang, id).unwrap_or_else(|| id.to_owned())
}

/// [`text`] for a message without arguments, formatted once per process and
/// language: pages ask for the same labels on every request. Only messages
/// the catalogs define are kept, so what is kept is bounded by them.
pub fn shared_text(lang: &LanguageIdentifier, id: &str) -> Arc<str> {
    type Texts = rustc_hash::FxHashMap<LanguageIdentifier, rustc_hash::FxHashMap<Box<str>, Arc<str>>>;
    static SHARED: LazyLock<RwLock<Texts>> = LazyLock::new(RwLock::default);
    if let Ok(texts) = SHARED.read()
        && let Some(text) = texts.get(lang).and_then(|of_lang| of_lang.get(id))
    {
        return text.clone();
    }
    let Some(text) = LOCALES.try_lookup(lang, id) else {
        return Arc::from(id);
    };
    let text: Arc<str> = Arc::from(text);
    if let Ok(mut texts) = SHARED.write() {
        texts.entry(lang.clone()).or_default().insert(Box::from(id), text.clone());
    }
    text
}

/// A message whose one argument is the number `n` ("3 replies", "5 minutes
/// ago"), formatted once per process, language and number: a thread page
/// asks for an age under each of its fifty posts. Only messages the catalogs
/// define are kept, and at most [`NUMBERS_KEPT`] numbers of each (counts
/// can be any number; ages are a few dozen).
pub fn shared_numbered(lang: &LanguageIdentifier, id: &str, n: i64) -> Arc<str> {
    type Numbered = rustc_hash::FxHashMap<i64, Arc<str>>;
    type Texts = rustc_hash::FxHashMap<LanguageIdentifier, rustc_hash::FxHashMap<Box<str>, Numbered>>;
    static SHARED: LazyLock<RwLock<Texts>> = LazyLock::new(RwLock::default);
    if let Ok(texts) = SHARED.read()
        && let Some(text) = texts.get(lang).and_then(|of_lang| of_lang.get(id)).and_then(|of_id| of_id.get(&n))
    {
        return text.clone();
    }
    let args = HashMap::from([(Cow::Borrowed("n"), FluentValue::from(n))]);
    let Some(text) = LOCALES.try_lookup_with_args(lang, id, &args) else {
        return Arc::from(id);
    };
    let text: Arc<str> = Arc::from(text);
    if let Ok(mut texts) = SHARED.write() {
        let of_id = texts.entry(lang.clone()).or_default().entry(Box::from(id)).or_default();
        if of_id.len() < NUMBERS_KEPT {
            of_id.insert(n, text.clone());
        }
    }
    text
}

/// Numbers kept per message by [`shared_numbered`].
pub const NUMBERS_KEPT: usize = 1_000;

/// Looks a message up with named arguments.
pub fn text_with(lang: &LanguageIdentifier, id: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'static>> =
        args.iter().map(|(k, v)| (Cow::Borrowed(*k), v.clone())).collect();
    LOCALES.try_lookup_with_args(lang, id, &args).unwrap_or_else(|| id.to_owned())
}

/// Whether the English catalog defines this message.
pub fn has_english(id: &str) -> bool {
    const ENGLISH: &str = include_str!("../locales/en/main.ftl");
    ENGLISH.lines().any(|line| line.strip_prefix(id).is_some_and(|rest| rest.trim_start().starts_with('=')))
}

/// The message that words a notification of `kind`: one per kind, but a
/// cancelled event has words of its own (its `change` says so).
pub fn notice_id(kind: &str, change: &str) -> String {
    if kind == "event_changed" && change == "cancelled" {
        "notification-event_cancelled".to_owned()
    } else {
        format!("notification-{kind}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_is_matched_by_quality_and_primary_language() {
        assert_eq!(negotiate(None, Some("es-MX,es;q=0.9,en;q=0.5")).to_string(), "es");
        assert_eq!(negotiate(None, Some("fr;q=0.9,es;q=0.8")).to_string(), "es");
        assert_eq!(negotiate(None, Some("ja,zh")).to_string(), "en");
        assert_eq!(negotiate(None, Some("garbage;;;q=x,,")).to_string(), "en");
        assert_eq!(negotiate(None, None).to_string(), "en");
    }

    #[test]
    fn an_account_setting_beats_the_browser() {
        assert_eq!(negotiate(Some("es"), Some("en")).to_string(), "es");
        assert_eq!(negotiate(Some("xx"), Some("es")).to_string(), "es");
    }

    #[test]
    fn arguments_and_plurals_are_filled_in() {
        let en = english();
        assert_eq!(text_with(&en, "replies-count", &[("n", 1.into())]), "1 reply");
        assert_eq!(text_with(&en, "replies-count", &[("n", 3.into())]), "3 replies");
    }

    #[test]
    fn numbered_messages_kept_for_the_process_read_as_made_afresh() {
        let (en, es) = (english(), negotiate(Some("es"), None));
        for lang in [&en, &es] {
            // Twice each, the second from what was kept, and past what is kept.
            for n in (0..3).chain([59, 1_234]).chain(0..(NUMBERS_KEPT as i64 + 5)).chain([1, 1_234]) {
                for id in ["time-minutes-ago", "replies-count"] {
                    let fresh = text_with(lang, id, &[("n", n.into())]);
                    assert_eq!(&*shared_numbered(lang, id, n), fresh.as_str(), "{lang} {id} {n}");
                }
            }
        }
        assert_eq!(&*shared_numbered(&en, "time-minutes-ago", 1), "a minute ago");
        assert_ne!(shared_numbered(&en, "replies-count", 2), shared_numbered(&es, "replies-count", 2));
        assert_eq!(&*shared_numbered(&en, "no-such-message", 2), "no-such-message");
    }
}
