//! Turning stored text and matched ranges into safe HTML.
//!
//! Everything that leaves this module is escaped; the only markup added is
//! `<mark>` around matched words and `…` where text was cut. tantivy's
//! `Snippet::to_html` would escape too, but it wraps matches in `<b>`, ends a
//! fragment at its last word (dropping a title's closing "?") and does not
//! say where text was cut, so the ranges it finds are rendered here instead.

use std::ops::Range;

use tantivy::snippet::{Snippet, SnippetGenerator, collapse_overlapped_ranges};

/// Roughly how many bytes of body a snippet shows.
pub(crate) const SNIPPET_BYTES: usize = 180;

/// Highlights the text query's words in whole titles and in body excerpts.
/// Without a text query (a filter-only search) nothing is highlighted.
pub(crate) struct Highlighter {
    pub title: Option<SnippetGenerator>,
    pub body: Option<SnippetGenerator>,
}

impl Highlighter {
    /// The whole title, matched words marked.
    pub fn title(&self, title: &str) -> String {
        match &self.title {
            // A fragment limit above the title's length yields one fragment
            // starting at 0, so the snippet's ranges are offsets in the title.
            Some(generator) => render(title, generator.snippet(title).highlighted()),
            None => escape(title),
        }
    }

    /// The best-matching excerpt of the body, or its beginning when no word
    /// of the query occurs in it (the match was in the title).
    pub fn body(&self, body: &str) -> String {
        let snippet = self.body.as_ref().map(|generator| generator.snippet(body));
        match snippet {
            Some(snippet) if !snippet.highlighted().is_empty() => excerpt(body, &snippet),
            _ => beginning(body),
        }
    }
}

/// Renders the snippet's fragment with `…` on each side where body goes on.
fn excerpt(body: &str, snippet: &Snippet) -> String {
    let range = snippet.fragment_range();
    let mut html = String::new();
    if range.start > 0 {
        html.push('…');
    }
    html.push_str(&render(snippet.fragment(), snippet.highlighted()));
    if range.end < body.trim_end().len() {
        html.push('…');
    }
    html
}

/// The first [`SNIPPET_BYTES`] of `body`, cut after a word, escaped.
fn beginning(body: &str) -> String {
    let body = body.trim();
    let cut = crate::syntax::truncate(body, SNIPPET_BYTES);
    if cut.len() == body.len() {
        return escape(body);
    }
    // Back up to the last blank so no word is cut in half, unless the text
    // has no blank to back up to.
    let cut = cut.rfind(char::is_whitespace).map_or(cut, |end| &cut[..end]);
    format!("{}…", escape(cut.trim_end()))
}

/// Escapes `text` and wraps each of the byte ranges `marked` in `<mark>`.
pub(crate) fn render(text: &str, marked: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    let mut from = 0;
    for range in collapse_overlapped_ranges(marked) {
        // The ranges come from tokenizing this very text, so they lie on
        // character boundaries; `get` keeps a surprise from panicking.
        let (Some(before), Some(word)) = (text.get(from..range.start), text.get(range.clone())) else {
            continue;
        };
        html.push_str(&escape(before));
        html.push_str("<mark>");
        html.push_str(&escape(word));
        html.push_str("</mark>");
        from = range.end;
    }
    html.push_str(&escape(text.get(from..).unwrap_or("")));
    html
}

/// Escapes the five characters that matter in HTML text and attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_escapes_around_and_inside_marks() {
        let text = "<b>rust</b> & co";
        assert_eq!(render(text, std::slice::from_ref(&(3..7))), "&lt;b&gt;<mark>rust</mark>&lt;/b&gt; &amp; co");
    }

    #[test]
    fn render_merges_overlapping_ranges() {
        assert_eq!(render("abcdef", &[0..3, 2..4, 5..6]), "<mark>abcd</mark>e<mark>f</mark>");
    }

    #[test]
    fn beginning_cuts_after_a_word() {
        let body = "word ".repeat(100);
        let html = beginning(&body);
        assert!(html.ends_with("word…"), "{html}");
        assert!(html.len() <= SNIPPET_BYTES + '…'.len_utf8());
        assert_eq!(beginning("short <body>"), "short &lt;body&gt;");
    }
}

/// A snippet generator for `field` that finds `query`'s words in stored
/// text like [`SnippetGenerator::create`], but tokenizes faster: most words
/// of a text cannot match, so only words that begin like one of the query's
/// terms are stemmed (the costliest step); the others are replaced by a
/// placeholder that matches nothing. An English stem keeps its word's first
/// letters, so no match is lost.
pub(crate) fn generator(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    field: tantivy::schema::Field,
) -> tantivy::Result<SnippetGenerator> {
    let mut terms = std::collections::BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut terms_text = std::collections::BTreeMap::new();
    for term in terms {
        let Some(text) = term.value().as_str().map(str::to_owned) else { continue };
        let doc_freq = searcher.doc_freq(&term)?;
        if doc_freq > 0 {
            terms_text.insert(text, 1.0 / (1.0 + doc_freq as tantivy::Score));
        }
    }
    let prefixes: Vec<String> = terms_text.keys().map(|t| t.chars().take(GATE_PREFIX).collect()).collect();
    let analyzer = tantivy::tokenizer::TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
        .filter(tantivy::tokenizer::RemoveLongFilter::limit(40))
        .filter(tantivy::tokenizer::LowerCaser)
        .filter(Gate { prefixes: std::sync::Arc::new(prefixes) })
        .filter(tantivy::tokenizer::Stemmer::new(tantivy::tokenizer::Language::English))
        .build();
    Ok(SnippetGenerator::new(terms_text, analyzer, field, 150))
}

/// How many leading characters a word must share with a query term to be stemmed.
const GATE_PREFIX: usize = 3;

/// Replaces every token that does not begin like a query term with a
/// one-character placeholder, which the stemmer passes over at once.
#[derive(Clone)]
struct Gate {
    prefixes: std::sync::Arc<Vec<String>>,
}

impl tantivy::tokenizer::TokenFilter for Gate {
    type Tokenizer<T: tantivy::tokenizer::Tokenizer> = GateFilter<T>;

    fn transform<T: tantivy::tokenizer::Tokenizer>(self, inner: T) -> GateFilter<T> {
        GateFilter { prefixes: self.prefixes, inner }
    }
}

#[derive(Clone)]
pub(crate) struct GateFilter<T> {
    prefixes: std::sync::Arc<Vec<String>>,
    inner: T,
}

impl<T: tantivy::tokenizer::Tokenizer> tantivy::tokenizer::Tokenizer for GateFilter<T> {
    type TokenStream<'a> = GateStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        GateStream { prefixes: &self.prefixes, tail: self.inner.token_stream(text) }
    }
}

pub(crate) struct GateStream<'a, T> {
    prefixes: &'a [String],
    tail: T,
}

impl<T: tantivy::tokenizer::TokenStream> tantivy::tokenizer::TokenStream for GateStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if !self.prefixes.iter().any(|p| token.text.starts_with(p.as_str())) {
            token.text.clear();
            token.text.push('\u{1}');
        }
        true
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        self.tail.token_mut()
    }
}
