//! The search box's query language, read by hand before tantivy sees anything.
//!
//! Vocabulary:
//! - A **word** is a run of non-blank characters; only its letters and digits
//!   count (`c++` searches for `c`, `error:` for `error`), as they do in the
//!   index.
//! - A **phrase** is text in double quotes; its words must be adjacent. An
//!   unclosed quote runs to the end of the input.
//! - An **exclusion** is a word or phrase prefixed with `-`.
//! - A **filter** is `tag:x`, `space:slug` or `kind:thread` (also
//!   `kind:thread,post`). Several filters with one key are alternatives;
//!   filters with different keys must all hold.
//!
//! Nothing else is syntax: `AND`, `OR`, parentheses, `field:value`, `^`, `~`
//! and `*` are ordinary characters. tantivy's own grammar is richer, but it
//! drops words it cannot place (`error: foo` loses `foo`) and recurses once
//! per parenthesis, so a line of `(((` overflows the stack. Instead this
//! module writes query strings of its own ([`ParsedQuery::tantivy_text`] and
//! [`ParsedQuery::tantivy_excluded`]) in
//! which every word is plain lowercase letters and digits, and that string is
//! what tantivy parses.

use serde::Serialize;

use crate::Kind;

/// How much of the input is read. Longer input is cut (at a character
/// boundary): no one types more, and every word costs a posting-list walk.
pub const MAX_INPUT_BYTES: usize = 1024;

/// How many words, phrases and exclusions a query keeps, for the same reason.
pub const MAX_CLAUSES: usize = 32;

/// A query as the user wrote it, split into what is searched and what filters.
///
/// The language: loose words (all required, in any order, in title or body);
/// `"quoted phrases"`; `-word` and `-"a phrase"` to exclude; and the filters
/// `tag:x`, `space:slug` and `kind:thread` (`kind:` also takes `post`, `wiki`,
/// `library`, `collection`, and several values as `kind:thread,wiki`).
/// Filters with the same key are alternatives, filters with different keys
/// must all hold. Only the letters and digits of a word are searched, so
/// `AND`, parentheses and `field:value` are plain text, and no input is an
/// error.
///
/// Words and phrases are kept as typed (trimmed) so the interface can show
/// them back; filter values are lowercased, as tags and slugs are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ParsedQuery {
    /// Loose words, all required. Common English words ("the", "to") are
    /// left out when other words remain, since nearly every post has them.
    pub words: Vec<String>,
    /// Quoted phrases, each required word for word.
    pub phrases: Vec<String>,
    /// Words and phrases that must not occur (`-word`, `-"a phrase"`).
    pub excluded: Vec<String>,
    /// `tag:` values; a document needs one of them.
    pub tags: Vec<String>,
    /// `space:` slugs; a document needs to be in one of them.
    pub spaces: Vec<String>,
    /// `kind:` values; a document needs to be one of them.
    pub kinds: Vec<Kind>,
    /// Filters that were not understood (`kind:poem`, `tag:`), not applied,
    /// so the interface can say so.
    pub ignored: Vec<String>,
}

impl ParsedQuery {
    /// Reads a query string. Never fails: what is not understood is either
    /// searched as text or listed in [`ParsedQuery::ignored`].
    pub fn parse(input: &str) -> ParsedQuery {
        let mut parsed = ParsedQuery::default();
        for token in tokens(truncate(input, MAX_INPUT_BYTES)) {
            match token {
                Token::Phrase { text, negated } => {
                    let text = text.trim();
                    if has_letters(text) {
                        parsed.push_clause(if negated { Clause::Excluded } else { Clause::Phrase }, text);
                    }
                }
                Token::Word(word) => parsed.word(word),
            }
        }
        parsed.drop_stop_words();
        parsed
    }

    /// Whether there is nothing to search and nothing to filter by.
    pub fn is_empty(&self) -> bool {
        !self.has_text() && self.tags.is_empty() && self.spaces.is_empty() && self.kinds.is_empty()
    }

    /// Whether there are words, phrases or exclusions (rather than filters only).
    pub fn has_text(&self) -> bool {
        !(self.words.is_empty() && self.phrases.is_empty() && self.excluded.is_empty())
    }

    /// The words and phrases to match as a query string for tantivy's
    /// parser, in the subset of its grammar that cannot go wrong: lowercase
    /// letter-and-digit terms and double-quoted phrases. Empty when there
    /// are only exclusions.
    pub(crate) fn tantivy_text(&self) -> String {
        let words = self.words.iter().map(|word| term_or_phrase(word));
        let phrases = self.phrases.iter().map(|phrase| format!("\"{}\"", alphanumeric_runs(phrase).join(" ")));
        words.chain(phrases).collect::<Vec<_>>().join(" ")
    }

    /// Each exclusion as a query string for tantivy's parser (a term or a
    /// quoted phrase), to be wrapped as a `MustNot` clause of its own.
    pub(crate) fn tantivy_excluded(&self) -> Vec<String> {
        self.excluded.iter().map(|word| term_or_phrase(word)).collect()
    }

    fn word(&mut self, word: &str) {
        if let Some((key, value)) = word.split_once(':') {
            let key = key.to_lowercase();
            if matches!(key.as_str(), "tag" | "tags" | "space" | "kind") {
                self.filter(&key, value, word);
                return;
            }
        }
        match word.strip_prefix('-') {
            Some(rest) if has_letters(rest) => self.push_clause(Clause::Excluded, rest),
            _ if has_letters(word) => self.push_clause(Clause::Word, word),
            // Punctuation and symbols alone (`:::`, an emoji) search nothing.
            _ => {}
        }
    }

    fn filter(&mut self, key: &str, value: &str, raw: &str) {
        let values: Vec<String> =
            value.split([',', '|']).map(|v| v.trim().to_lowercase()).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            self.ignored.push(raw.to_owned());
            return;
        }
        for value in values {
            let list = match key {
                "tag" | "tags" => &mut self.tags,
                "space" => &mut self.spaces,
                _ => {
                    match Kind::parse(&value) {
                        Some(kind) if !self.kinds.contains(&kind) => self.kinds.push(kind),
                        Some(_) => {}
                        None => self.ignored.push(format!("{key}:{value}")),
                    }
                    continue;
                }
            };
            if !list.contains(&value) {
                list.push(value);
            }
        }
    }

    fn push_clause(&mut self, clause: Clause, text: &str) {
        if self.words.len() + self.phrases.len() + self.excluded.len() >= MAX_CLAUSES {
            return;
        }
        let list = match clause {
            Clause::Word => &mut self.words,
            Clause::Phrase => &mut self.phrases,
            Clause::Excluded => &mut self.excluded,
        };
        list.push(text.to_owned());
    }

    /// With conjunction by default, "how to borrow" would require "to" in
    /// every hit; dropping such words makes it mean what was meant. A query of
    /// stop words only ("to be or not to be") keeps them, or it would search
    /// nothing. Phrases keep theirs.
    fn drop_stop_words(&mut self) {
        let meaningful = |word: &String| !is_stop_word(word);
        if self.words.iter().any(meaningful) || !self.phrases.is_empty() {
            self.words.retain(meaningful);
        }
    }
}

/// The words of a draft title for "does this already exist?", ready for an
/// any-word query: letters and digits only, stop words dropped unless nothing
/// else is left, at most [`MAX_CLAUSES`].
pub(crate) fn suggest_text(draft: &str) -> String {
    let runs = alphanumeric_runs(truncate(draft, MAX_INPUT_BYTES));
    let meaningful: Vec<&String> = runs.iter().filter(|run| !is_stop_word(run)).collect();
    let chosen: Vec<&String> = if meaningful.is_empty() { runs.iter().collect() } else { meaningful };
    chosen.into_iter().take(MAX_CLAUSES).map(String::as_str).collect::<Vec<_>>().join(" ")
}

enum Clause {
    Word,
    Phrase,
    Excluded,
}

#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Phrase { text: &'a str, negated: bool },
}

/// Splits the input into blank-separated words and quoted phrases. A quote
/// inside a word ends the word and opens a phrase.
fn tokens(input: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = input.trim_start();
    while !rest.is_empty() {
        let quoted = match rest.strip_prefix("-\"") {
            Some(after) => Some((after, true)),
            None => rest.strip_prefix('"').map(|after| (after, false)),
        };
        if let Some((after, negated)) = quoted {
            let end = after.find('"').unwrap_or(after.len());
            out.push(Token::Phrase { text: &after[..end], negated });
            // Skip the closing quote when there is one.
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(rest.len());
            out.push(Token::Word(&rest[..end]));
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    out
}

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn has_letters(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// The lowercase letter-and-digit runs of `text`, split where the index's
/// tokenizer splits (it too keeps `char::is_alphanumeric`).
fn alphanumeric_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|run| !run.is_empty()).map(str::to_lowercase).collect()
}

/// A word that the tokenizer splits in several (`hello-world`) is searched as
/// a phrase, as tantivy's own parser would.
fn term_or_phrase(word: &str) -> String {
    let runs = alphanumeric_runs(word);
    match runs.as_slice() {
        [one] => one.clone(),
        _ => format!("\"{}\"", runs.join(" ")),
    }
}

/// Lucene's English stop words, the list tantivy's `StopWordFilter` uses for
/// English. Kept here because the filter does not expose its list and the
/// index itself keeps stop words (phrases need them).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn words_phrases_exclusions_and_filters_are_told_apart() {
        let parsed = ParsedQuery::parse(r#"borrow "mutable reference" -unsafe tag:Rust space:guild kind:thread"#);
        assert_eq!(parsed.words, strings(&["borrow"]));
        assert_eq!(parsed.phrases, strings(&["mutable reference"]));
        assert_eq!(parsed.excluded, strings(&["unsafe"]));
        assert_eq!(parsed.tags, strings(&["rust"]));
        assert_eq!(parsed.spaces, strings(&["guild"]));
        assert_eq!(parsed.kinds, vec![Kind::Thread]);
        assert!(parsed.ignored.is_empty());
        assert_eq!(parsed.tantivy_text(), r#"borrow "mutable reference""#);
        assert_eq!(parsed.tantivy_excluded(), ["unsafe"]);
    }

    #[test]
    fn filters_accept_several_values_and_report_what_they_do_not_know() {
        let parsed = ParsedQuery::parse("kind:thread,wiki kind:post|poem tag: tag:a tag:a");
        assert_eq!(parsed.kinds, vec![Kind::Thread, Kind::WikiPage, Kind::Post]);
        assert_eq!(parsed.tags, strings(&["a"]));
        assert_eq!(parsed.ignored, strings(&["kind:poem", "tag:"]));
        assert!(!parsed.has_text());
        assert!(!parsed.is_empty());
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        let parsed = ParsedQuery::parse(r#"one "two three"#);
        assert_eq!(parsed.words, strings(&["one"]));
        assert_eq!(parsed.phrases, strings(&["two three"]));
    }

    #[test]
    fn syntax_characters_become_plain_terms() {
        let parsed = ParsedQuery::parse("c++ error: foo(bar) AND OR ( title:x ::: 🦀");
        assert_eq!(parsed.tantivy_text(), r#"c error "foo bar" "title x""#);
        // "AND" and "OR" are stop words here and dropped; "(" and the rest
        // carry no letters.
        assert_eq!(parsed.words, strings(&["c++", "error:", "foo(bar)", "title:x"]));
    }

    #[test]
    fn stop_words_stay_when_nothing_else_is_left() {
        assert_eq!(ParsedQuery::parse("how to borrow").words, strings(&["how", "borrow"]));
        assert_eq!(ParsedQuery::parse("to be or not").words, strings(&["to", "be", "or", "not"]));
    }

    #[test]
    fn long_input_is_cut_and_clauses_are_capped() {
        let input = "é".repeat(MAX_INPUT_BYTES);
        assert!(truncate(&input, MAX_INPUT_BYTES).len() <= MAX_INPUT_BYTES);
        let many = (0..100).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(ParsedQuery::parse(&many).words.len(), MAX_CLAUSES);
    }

    #[test]
    fn blank_and_symbol_only_input_is_empty() {
        for input in ["", "   ", ":::", "\"\"", "- -- \"", "🦀🦀", "\0"] {
            assert!(ParsedQuery::parse(input).is_empty(), "{input:?}");
        }
    }

    #[test]
    fn tokens_split_at_quotes() {
        assert_eq!(
            tokens(r#"a"b c"d -"e""#),
            vec![
                Token::Word("a"),
                Token::Phrase { text: "b c", negated: false },
                Token::Word("d"),
                Token::Phrase { text: "e", negated: true },
            ]
        );
    }

    #[test]
    fn suggest_text_keeps_the_meaningful_words() {
        assert_eq!(suggest_text("How do I borrow a Vec<T>?"), "how do i borrow vec t");
        assert_eq!(suggest_text("To be"), "to be");
    }
}
