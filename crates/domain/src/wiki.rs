//! Wiki rules: page addresses, three-way merging of concurrent edits, and
//! readable differences between revisions.
//!
//! Two people who start editing a page from the same revision must not lose
//! each other's work. [`merge`] combines both changes when they touch
//! different lines and reports a conflict when they overlap, in which case
//! the person saving second sees both texts and decides; nothing is ever
//! overwritten silently.
//!
//! Both take time bounded whatever the texts: the search for the smallest
//! difference stops after [`DIFF_BUDGET`] and settles for a coarser one
//! (larger hunks, fewer words marked; in a merge, more conflicts), which is
//! never wrong, only less precise.

use std::fmt;
use std::time::{Duration, Instant};

use similar::{ChangeTag, DiffTag, TextDiff};

use crate::names::{Invalid, bounded_text, without_controls};

/// The address of a page within its space, derived from its title:
/// "Release Checklist" becomes `release-checklist`. Letters and digits of
/// any script are kept (lower-cased), everything else becomes single hyphens,
/// so `[[Café]]` and a page titled "Café" meet at `café`.
pub fn page_slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.chars().count() >= PAGE_SLUG_MAX {
            break;
        }
    }
    let slug = out.trim_matches('-');
    if slug.is_empty() { "page".to_owned() } else { slug.to_owned() }
}

/// The longest page address, in characters.
pub const PAGE_SLUG_MAX: usize = 100;

crate::names::text_newtype!(
    /// The Markdown text of a wiki page, a library article or a description:
    /// up to 100,000 characters. May be empty.
    LongText
);

impl LongText {
    pub const MAX: usize = 100_000;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let cleaned = without_controls(raw);
        let cleaned = cleaned.trim_end();
        if cleaned.chars().count() > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        Ok(Self(cleaned.to_owned()))
    }
}

crate::names::text_newtype!(
    /// What a wiki edit changed, in a few words: up to 200 characters, may be empty.
    EditSummary
);

impl EditSummary {
    pub const MAX: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let cleaned = without_controls(raw).replace(['\n', '\t'], " ");
        if cleaned.trim().is_empty() {
            return Ok(Self(String::new()));
        }
        bounded_text(&cleaned, Self::MAX).map(Self)
    }
}

/// Tags for library items: at most [`MAX_TAGS`], each 1 to 40 lower-case
/// letters, digits, `-` or `_`. Given as one string separated by spaces or
/// commas, with or without a leading `#`. Duplicates are dropped.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, Invalid> {
    let mut tags: Vec<String> = Vec::new();
    for word in raw.split(|c: char| c.is_whitespace() || c == ',') {
        let tag = word.trim().trim_start_matches('#').to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > TAG_MAX {
            return Err(Invalid::TooLong { max: TAG_MAX });
        }
        if !tag.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            return Err(Invalid::BadCharacters { allowed: "a-z 0-9 - _" });
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(Invalid::TooLong { max: MAX_TAGS });
    }
    Ok(tags)
}

pub const MAX_TAGS: usize = 10;
pub const TAG_MAX: usize = 40;

/// The outcome of merging two edits made from the same revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// Both changes combined.
    Clean(String),
    /// The changes overlap: someone has to decide.
    Conflict,
}

/// How long a diff or a merge looks for the smallest difference.
pub const DIFF_BUDGET: Duration = Duration::from_millis(200);

/// Merges `mine` and `theirs`, both edited from `base`, line by line.
///
/// Changes to different lines combine; an identical change made by both
/// counts once; changes to the same or to neighbouring lines conflict (as
/// in git). Our own three-way merge on `similar`'s diffs, because those
/// stop at a deadline (diffy's merge has none: two 100 kB texts took 17 s).
pub fn merge(base: &str, mine: &str, theirs: &str) -> Merged {
    if mine == theirs || theirs == base {
        return Merged::Clean(mine.to_owned());
    }
    if mine == base {
        return Merged::Clean(theirs.to_owned());
    }
    // Lines keep their newline; give every text a final one so an edit to
    // the last line is not mistaken for a change of line endings.
    let (base, ours, theirs) = (with_newline(base), with_newline(mine), with_newline(theirs));
    let deadline = Instant::now() + DIFF_BUDGET;
    let lines: Vec<&str> = base.split_inclusive('\n').collect();
    let (a, b) = (hunks(&base, &ours, deadline), hunks(&base, &theirs, deadline));
    let (mut i, mut j) = (0, 0);
    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let mut at = 0;
    while i < a.len() || j < b.len() {
        // A region: the next change, and every change of either side that
        // overlaps or touches it, transitively.
        let (start, mut end) = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if y.start < x.start => (y.start, y.end),
            (Some(x), _) => (x.start, x.end),
            (None, Some(y)) => (y.start, y.end),
            (None, None) => break,
        };
        let (first_a, first_b) = (i, j);
        loop {
            let before = (i, j);
            while let Some(h) = a.get(i).filter(|h| h.start <= end) {
                end = end.max(h.end);
                i += 1;
            }
            while let Some(h) = b.get(j).filter(|h| h.start <= end) {
                end = end.max(h.end);
                j += 1;
            }
            if (i, j) == before {
                break;
            }
        }
        out.extend(lines[at..start].iter().copied());
        let ours = region(&lines, start, end, &a[first_a..i]);
        let theirs = region(&lines, start, end, &b[first_b..j]);
        match (first_a == i, first_b == j) {
            (false, true) => out.push_str(&ours),
            (true, false) => out.push_str(&theirs),
            _ if ours == theirs => out.push_str(&ours),
            _ => return Merged::Conflict,
        }
        at = end;
    }
    out.extend(lines[at..].iter().copied());
    Merged::Clean(out.trim_end_matches('\n').to_owned())
}

/// A change of one side: lines `start..end` of the base become `lines`.
struct Hunk<'a> {
    start: usize,
    end: usize,
    lines: Vec<&'a str>,
}

/// The changes that turn `base` into `other`, in order, apart from each
/// other (neighbouring operations joined).
fn hunks<'a>(base: &str, other: &'a str, deadline: Instant) -> Vec<Hunk<'a>> {
    let diff = TextDiff::configure().algorithm(similar::Algorithm::Patience).deadline(deadline).diff_lines(base, other);
    let new = diff.new_slices();
    let mut out: Vec<Hunk<'a>> = Vec::new();
    for op in diff.ops() {
        if op.tag() == DiffTag::Equal {
            continue;
        }
        let (old, added) = (op.old_range(), op.new_range());
        match out.last_mut() {
            Some(last) if last.end == old.start => {
                last.end = old.end;
                last.lines.extend_from_slice(&new[added]);
            }
            _ => out.push(Hunk { start: old.start, end: old.end, lines: new[added].to_vec() }),
        }
    }
    out
}

/// What lines `start..end` of the base become after one side's `changes`
/// (all within them).
fn region(base: &[&str], start: usize, end: usize, changes: &[Hunk<'_>]) -> String {
    let mut out = String::new();
    let mut at = start;
    for h in changes {
        out.extend(base[at..h.start].iter().copied());
        out.extend(h.lines.iter().copied());
        at = h.end;
    }
    out.extend(base[at..end].iter().copied());
    out
}

fn with_newline(s: &str) -> String {
    if s.ends_with('\n') { s.to_owned() } else { format!("{s}\n") }
}

/// One line of a difference between two texts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiffLine {
    /// `"equal"`, `"insert"` or `"delete"`.
    pub tag: &'static str,
    /// The line in pieces; `changed` pieces are the words that differ.
    pub segments: Vec<DiffSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiffSegment {
    pub changed: bool,
    pub text: String,
}

/// A hunk of a difference: changed lines with a little context around them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiffHunk {
    /// The first line of the hunk in the old and in the new text (1-based).
    pub old_start: usize,
    pub new_start: usize,
    pub lines: Vec<DiffLine>,
}

/// The difference between two texts as hunks of lines, with the words that
/// changed inside each changed line marked, and unchanged stretches reduced to
/// `context` lines around each change. Within [`DIFF_BUDGET`] in all (not
/// per changed stretch, as `similar` would).
pub fn diff(old: &str, new: &str, context: usize) -> Vec<DiffHunk> {
    // A last line without a newline is the same line as with one.
    let (old, new) = (with_newline(old), with_newline(new));
    let deadline = Instant::now() + DIFF_BUDGET;
    let diff = TextDiff::configure().algorithm(similar::Algorithm::Patience).deadline(deadline).diff_lines(&old, &new);
    let mut hunks = Vec::new();
    for group in diff.grouped_ops(context) {
        let (Some(first), Some(_)) = (group.first(), group.last()) else {
            continue;
        };
        let mut hunk = DiffHunk {
            old_start: first.old_range().start + 1,
            new_start: first.new_range().start + 1,
            lines: Vec::new(),
        };
        for op in &group {
            for change in diff.iter_inline_changes_deadline(op, Some(deadline)) {
                let tag = match change.tag() {
                    ChangeTag::Equal => "equal",
                    ChangeTag::Insert => "insert",
                    ChangeTag::Delete => "delete",
                };
                let mut segments: Vec<DiffSegment> = Vec::new();
                for (emphasized, text) in change.iter_strings_lossy() {
                    let text = text.trim_end_matches('\n');
                    if text.is_empty() {
                        continue;
                    }
                    let changed = emphasized && change.tag() != ChangeTag::Equal;
                    match segments.last_mut() {
                        Some(last) if last.changed == changed => last.text.push_str(text),
                        _ => segments.push(DiffSegment { changed, text: text.to_owned() }),
                    }
                }
                hunk.lines.push(DiffLine { tag, segments });
            }
        }
        hunks.push(hunk);
    }
    hunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(page_slug("Release Checklist"), "release-checklist");
        assert_eq!(page_slug("  Café: ¿Qué?  "), "café-qué");
        assert_eq!(page_slug("C++ & Rust"), "c-rust");
        assert_eq!(page_slug("!!!"), "page");
        assert_eq!(page_slug(&"x".repeat(500)).chars().count(), PAGE_SLUG_MAX);
    }

    #[test]
    fn tags_are_normalised_and_bounded() {
        assert_eq!(parse_tags("#Rust, testing  rust").expect("tags"), vec!["rust", "testing"]);
        assert_eq!(parse_tags("").expect("no tags"), Vec::<String>::new());
        assert!(parse_tags("<script>").is_err());
        let eleven: String = (0..11).map(|i| format!("t{i} ")).collect();
        assert_eq!(parse_tags(&eleven), Err(Invalid::TooLong { max: MAX_TAGS }));
        assert!(parse_tags(&"y".repeat(41)).is_err());
    }

    const BASE: &str = "# Deploys\n\nStep one: build.\nStep two: test.\nStep three: ship.";

    #[test]
    fn edits_to_different_lines_merge() {
        let mine = BASE.replace("Step one: build.", "Step one: build with --locked.");
        let theirs = BASE.replace("Step three: ship.", "Step three: ship on Tuesdays.");
        let Merged::Clean(merged) = merge(BASE, &mine, &theirs) else { panic!("expected a clean merge") };
        assert!(merged.contains("build with --locked."), "{merged}");
        assert!(merged.contains("ship on Tuesdays."), "{merged}");
        assert!(!merged.ends_with('\n'));
    }

    #[test]
    fn edits_to_the_same_line_conflict() {
        let mine = BASE.replace("Step two: test.", "Step two: run every test.");
        let theirs = BASE.replace("Step two: test.", "Step two: test on staging.");
        assert_eq!(merge(BASE, &mine, &theirs), Merged::Conflict);
    }

    #[test]
    fn trivial_merges() {
        let changed = BASE.replace("one", "1");
        assert_eq!(merge(BASE, &changed, BASE), Merged::Clean(changed.clone()));
        assert_eq!(merge(BASE, BASE, &changed), Merged::Clean(changed.clone()));
        assert_eq!(merge(BASE, &changed, &changed), Merged::Clean(changed.clone()));
        // Appending at the end of a text without a final newline.
        let mine = format!("{BASE}\nStep four: celebrate.");
        let theirs = BASE.replace("# Deploys", "# Deploying");
        let Merged::Clean(merged) = merge(BASE, &mine, &theirs) else { panic!("expected a clean merge") };
        assert!(merged.starts_with("# Deploying") && merged.ends_with("celebrate."), "{merged}");
    }

    #[test]
    fn neighbouring_and_identical_changes() {
        let base = "a\nb\nc\nd\ne";
        // Neighbouring lines conflict, as in git.
        assert_eq!(merge(base, "a\nB\nc\nd\ne", "a\nb\nC\nd\ne"), Merged::Conflict);
        // Both inserting at the same place conflict, unless they insert the same.
        assert_eq!(merge(base, "a\nx\nb\nc\nd\ne", "a\ny\nb\nc\nd\ne"), Merged::Conflict);
        assert_eq!(merge(base, "a\nx\nb\nc\nd\ne", "a\nx\nb\nc\nd\nE"), Merged::Clean("a\nx\nb\nc\nd\nE".into()));
        // The same change on both sides, beside a change of one: each once.
        assert_eq!(merge(base, "A\nb\nc\nd\ne", "A\nb\nc\nD\ne"), Merged::Clean("A\nb\nc\nD\ne".into()));
        // Deletions apart from each other.
        assert_eq!(merge(base, "b\nc\nd\ne", "a\nb\nc\nd"), Merged::Clean("b\nc\nd".into()));
    }

    proptest::proptest! {
        /// Edits of lines apart from each other, one side each, always
        /// merge into the text with both.
        #[test]
        fn edits_apart_always_merge(
            lines in 4usize..60,
            picks in proptest::collection::vec((0usize..60, proptest::bool::ANY), 1..12),
        ) {
            let base: Vec<String> = (0..lines).map(|i| format!("line {i}")).collect();
            let (mut mine, mut theirs, mut both) = (base.clone(), base.clone(), base.clone());
            let mut taken = vec![false; lines];
            for (at, side) in picks {
                let at = at % lines;
                // Two lines of room on each side of every edit.
                if taken[at.saturating_sub(1)..(at + 2).min(lines)].iter().any(|t| *t) {
                    continue;
                }
                taken[at] = true;
                let edited = format!("edited {at}");
                if side { mine[at] = edited.clone() } else { theirs[at] = edited.clone() }
                both[at] = edited;
            }
            let merged = merge(&base.join("\n"), &mine.join("\n"), &theirs.join("\n"));
            proptest::prop_assert_eq!(merged, Merged::Clean(both.join("\n")));
        }
    }

    /// Two long texts made of a few kinds of line, shuffled differently:
    /// the worst case for finding the smallest difference.
    fn scrambled(seed: u64, lines: usize) -> String {
        let mut x = seed;
        (0..lines)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ["a\n", "b\n", "c\n", "- d\n"][(x >> 33) as usize % 4]
            })
            .collect()
    }

    #[test]
    fn diffs_and_merges_of_long_scrambled_texts_stay_within_their_budget() {
        // Issue #7: a diff of two 100 kB revisions took 96 s, a merge 17 s.
        let (base, one, two) = (scrambled(1, 40_000), scrambled(2, 40_000), scrambled(3, 40_000));
        assert!(base.len() > 90_000);
        let started = Instant::now();
        let hunks = diff(&one, &two, 3);
        assert!(!hunks.is_empty());
        let merged = merge(&base, &one, &two);
        assert_eq!(merged, Merged::Conflict);
        // The budget is 200 ms each; the rest is linear. Generous for a
        // debug build on a busy machine, and far below what it was.
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    }

    #[test]
    fn diff_marks_changed_words_and_keeps_context_short() {
        let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10\n", "line ten\n");
        let hunks = diff(&old, &new, 2);
        assert_eq!(hunks.len(), 1);
        let hunk = &hunks[0];
        assert_eq!((hunk.old_start, hunk.new_start), (8, 8));
        let tags: Vec<_> = hunk.lines.iter().map(|l| l.tag).collect();
        assert_eq!(tags, ["equal", "equal", "delete", "insert", "equal", "equal"]);
        let inserted = &hunk.lines[3].segments;
        assert!(inserted.iter().any(|s| s.changed && s.text == "ten"), "{inserted:?}");
        assert!(inserted.iter().any(|s| !s.changed && s.text.starts_with("line")), "{inserted:?}");
        assert!(diff("same", "same", 3).is_empty());
    }
}
