//! Full-text search over Stoa's content: one tantivy index, fed from the
//! event log, asked with the spaces a viewer may read.
//!
//! Vocabulary:
//! - A [`Doc`] is one searchable thing (a thread, a post, a wiki page, a
//!   library item, a collection), identified by its [`Kind`] and id.
//! - A [`Change`] adds, replaces or removes documents; [`SearchIndex::apply`]
//!   commits a batch of them together with a **cursor**, the sequence number
//!   of the last event the batch reflects. The cursor is stored in the commit
//!   itself, so the index and its position in the event log cannot disagree.
//! - The **readable spaces** are the ids of the spaces the viewer may read.
//!   Every search is restricted to them before anything is counted, scored or
//!   shown; an empty list finds nothing.
//!
//! This crate knows nothing about SQL, HTTP or who may read what: `core`
//! feeds it, and decides the readable spaces with the permission policy.
//! The query language is described on [`ParsedQuery`].

mod exclude;
mod facets;
mod highlight;
mod rank;
mod schema;
mod syntax;

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, QueryParser, TermQuery, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher, TantivyError, Term};

use facets::FacetCollector;
use highlight::Highlighter;
use schema::{Fields, SCHEMA_VERSION};

pub use facets::MAX_TAG_FACETS;
pub use syntax::{MAX_CLAUSES, MAX_INPUT_BYTES, ParsedQuery};

/// The most hits one page returns; a larger `limit` is lowered to this.
pub const MAX_LIMIT: usize = 100;

/// The deepest page served: beyond this offset a search still counts, but
/// returns no hits. Each page costs a heap of `offset + limit` entries, and no
/// one reads ten thousand results.
pub const MAX_OFFSET: usize = 10_000;

/// The page size of [`Query::default`].
pub const DEFAULT_LIMIT: usize = 20;

/// How much a match in a title outweighs one in a body, in searches.
const TITLE_BOOST: Score = 2.0;

/// The same in suggestions, where the draft being typed is itself a title.
const SUGGEST_TITLE_BOOST: Score = 3.0;

/// What a document is. Its string form is used in the index, in `kind:`
/// filters, in facets and in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    #[serde(rename = "thread")]
    Thread,
    #[serde(rename = "post")]
    Post,
    #[serde(rename = "wiki")]
    WikiPage,
    #[serde(rename = "library")]
    LibraryItem,
    #[serde(rename = "collection")]
    Collection,
}

impl Kind {
    /// Every kind, in the order the interface lists them.
    pub const ALL: [Kind; 5] = [Kind::Thread, Kind::Post, Kind::WikiPage, Kind::LibraryItem, Kind::Collection];

    /// The string form: `thread`, `post`, `wiki`, `library`, `collection`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Thread => "thread",
            Kind::Post => "post",
            Kind::WikiPage => "wiki",
            Kind::LibraryItem => "library",
            Kind::Collection => "collection",
        }
    }

    /// Reads the string form, ignoring case; plurals (`threads`) are accepted
    /// because people type them in `kind:` filters.
    pub fn parse(text: &str) -> Option<Kind> {
        let text = text.trim().to_ascii_lowercase();
        let singular = text.strip_suffix('s').unwrap_or(&text);
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text || kind.as_str() == singular)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One searchable thing, as the feeder describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub kind: Kind,
    /// Unique within the kind.
    pub id: String,
    /// The permission key: the document is found only by viewers who may
    /// read this space.
    pub space_id: String,
    /// For `space:` filters and the space facet.
    pub space_slug: String,
    /// For display.
    pub space_name: String,
    /// Plain text.
    pub title: String,
    /// Plain text: the caller strips Markdown.
    pub body: String,
    /// Lowercase tags.
    pub tags: Vec<String>,
    /// The path a hit links to, such as `/s/guild/t/01H…`.
    pub url: String,
    /// Unix milliseconds; breaks ties between equally good matches, newest
    /// first, and orders filter-only searches.
    pub updated_at: i64,
}

/// One change to the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Adds the document, replacing any with the same kind and id.
    Upsert(Doc),
    /// Removes the document with this kind and id, if there is one.
    Delete { kind: Kind, id: String },
    /// Removes every document of the space.
    DeleteSpace { space_id: String },
}

/// A search as the viewer asked it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// What was typed in the search box; see [`ParsedQuery`] for the syntax.
    pub text: String,
    /// The ids of the spaces the viewer may read. Nothing else is searched.
    pub readable_spaces: Vec<String>,
    /// How many hits to skip (paging); at most [`MAX_OFFSET`] is served.
    pub offset: usize,
    /// How many hits to return, at most [`MAX_LIMIT`].
    pub limit: usize,
}

impl Default for Query {
    fn default() -> Self {
        Query { text: String::new(), readable_spaces: Vec::new(), offset: 0, limit: DEFAULT_LIMIT }
    }
}

/// The answer to a [`Query`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct Results {
    /// How many readable documents match, across all pages.
    pub total: usize,
    /// The requested page, best first.
    pub hits: Vec<Hit>,
    /// Counts over all `total` matches.
    pub facets: Facets,
    /// What the query text was understood to mean, for the interface to show.
    pub parsed: ParsedQuery,
}

/// One found document.
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub kind: Kind,
    pub id: String,
    pub space_id: String,
    pub space_slug: String,
    pub space_name: String,
    /// Plain text.
    pub title: String,
    /// The title, HTML-escaped, matched words in `<mark>`.
    pub title_html: String,
    /// About 180 bytes of body around the best match, HTML-escaped, matched
    /// words in `<mark>`, `…` where text was cut; the body's beginning when
    /// the match was elsewhere.
    pub snippet_html: String,
    pub url: String,
    pub tags: Vec<String>,
    pub updated_at: i64,
    /// Relevance; only its order means anything. 0 in a search of filters
    /// only, which is ordered by `updated_at`.
    pub score: f32,
}

/// Counts over all matches of a search, most frequent first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// `(kind, count)`, the kind in its string form.
    pub kinds: Vec<(String, u64)>,
    /// `(slug, name, count)`.
    pub spaces: Vec<(String, String, u64)>,
    /// `(tag, count)`, at most [`MAX_TAG_FACETS`].
    pub tags: Vec<(String, u64)>,
}

/// A failed index operation. Bad query text is never an error.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy could not read or write the index.
    #[error("search index: {0}")]
    Index(#[from] TantivyError),
    /// The index directory could not be prepared.
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
}

/// The search index. Cheap to clone; clones share one index.
///
/// Searches run on a snapshot and never wait for writes. Writes
/// ([`apply`](SearchIndex::apply), [`clear`](SearchIndex::clear)) take turns
/// on the single writer and block until committed, so call them from a
/// blocking thread.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    fields: Fields,
    /// Reloaded by hand after each commit, so a search right after `apply`
    /// sees it, and no thread watches the directory.
    reader: IndexReader,
    /// tantivy allows one writer per index; it lives here for the index's life.
    writer: Mutex<IndexWriter<schema::Boxed>>,
    /// The last committed cursor, kept beside the commit payload so reading
    /// it needs neither the writer nor the disk.
    cursor: RwLock<Option<i64>>,
    /// All words required, title boosted.
    search_parser: QueryParser,
    /// Any word will do, title boosted more.
    suggest_parser: QueryParser,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex").field("cursor", &self.cursor()).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index kept in `dir`, creating it if needed.
    ///
    /// The index lives in `dir/index-v{N}`, N being the schema version. An
    /// index of another version, or with a schema that differs from this
    /// crate's, is deleted and replaced by an empty one whose
    /// [`cursor`](SearchIndex::cursor) is `None`: the feeder then rebuilds it
    /// from the start of the event log. Only one `SearchIndex` may have a
    /// directory open at a time (tantivy locks it).
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        Self::open_version(dir, SCHEMA_VERSION)
    }

    fn open_version(dir: &Path, version: u32) -> Result<Self, SearchError> {
        let current = format!("index-v{version}");
        std::fs::create_dir_all(dir)?;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("index-v") && name != current && entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(entry.path())?;
            }
        }

        let path = dir.join(current);
        std::fs::create_dir_all(&path)?;
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(&path).map_err(TantivyError::from)?;
        if Index::exists(&directory).map_err(TantivyError::from)? {
            let index = Index::open(directory)?;
            if index.schema() == schema {
                return Self::from_index(index, fields);
            }
            // The version was not bumped after a schema change; start over
            // rather than fail on every search.
            drop(index);
            std::fs::remove_dir_all(&path)?;
            std::fs::create_dir_all(&path)?;
        }
        Self::from_index(Index::create_in_dir(&path, schema)?, fields)
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<Self, SearchError> {
        schema::register_analyzer(&index);
        let writer = schema::writer(&index)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let cursor = parse_cursor(index.load_metas()?.payload.as_deref());

        let mut search_parser = QueryParser::for_index(&index, vec![fields.title, fields.body]);
        search_parser.set_field_boost(fields.title, TITLE_BOOST);
        // All words required: adding a word narrows the results, as people
        // expect of a search box, and the facets stay meaningful. Ranking
        // still orders by how well (and where) the words match.
        search_parser.set_conjunction_by_default();

        // A draft title rarely shares all its words with an existing thread,
        // so suggestions take any word and let BM25 rank the closest first.
        let mut suggest_parser = QueryParser::for_index(&index, vec![fields.title, fields.body]);
        suggest_parser.set_field_boost(fields.title, SUGGEST_TITLE_BOOST);

        Ok(SearchIndex {
            inner: Arc::new(Inner {
                fields,
                reader,
                writer: Mutex::new(writer),
                cursor: RwLock::new(cursor),
                search_parser,
                suggest_parser,
            }),
        })
    }

    /// The cursor of the last commit: the sequence number of the last event
    /// reflected in the index. `None` for a new, rebuilt or cleared index,
    /// which the feeder fills from the start of the event log.
    pub fn cursor(&self) -> Option<i64> {
        *self.inner.cursor.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies `changes` in order, commits them with `cursor` and reloads, so
    /// that a search right after this returns sees them. Blocks until the
    /// commit is durable.
    ///
    /// An empty batch still commits when the cursor moves, so events that
    /// change nothing searchable are not read again; with the same cursor it
    /// does nothing. A batch that fails before its commit is discarded and
    /// the cursor stays where it was. Changes are idempotent, so the feeder
    /// can always retry from [`cursor`](SearchIndex::cursor).
    pub fn apply(&self, changes: Vec<Change>, cursor: i64) -> Result<(), SearchError> {
        let inner = &*self.inner;
        let mut writer = inner.lock_writer();
        if changes.is_empty() && self.cursor() == Some(cursor) {
            return Ok(());
        }
        let fields = &inner.fields;
        let result = (|| {
            for change in changes {
                match change {
                    Change::Upsert(doc) => {
                        // A delete applies only to documents added before
                        // it, so the new version survives its own delete.
                        writer.delete_term(Term::from_field_text(fields.key, &schema::key(doc.kind, &doc.id)));
                        writer.add_document(schema::Boxed(Box::new(schema::to_document(fields, &doc))))?;
                    }
                    Change::Delete { kind, id } => {
                        writer.delete_term(Term::from_field_text(fields.key, &schema::key(kind, &id)));
                    }
                    Change::DeleteSpace { space_id } => {
                        writer.delete_term(Term::from_field_text(fields.space_id, &space_id));
                    }
                }
            }
            inner.commit(&mut writer, Some(cursor))
        })();
        if result.is_err() {
            inner.discard(&mut writer);
        }
        result
    }

    /// Adds documents to an index being filled from nothing (after
    /// [`clear`](SearchIndex::clear)), without committing them: a fill adds
    /// many batches and commits now and then with [`commit`](SearchIndex::commit).
    /// Nothing is deleted first, so a document must not be there already.
    pub fn add(&self, docs: Vec<Doc>) -> Result<(), SearchError> {
        let inner = &*self.inner;
        let writer = inner.lock_writer();
        for doc in docs {
            writer.add_document(schema::Boxed(Box::new(schema::to_document(&inner.fields, &doc))))?;
        }
        Ok(())
    }

    /// Commits what was [`add`](SearchIndex::add)ed with `cursor` (`None`
    /// while a fill is under way, so that a fill cut short starts again)
    /// and reloads, so searches see it.
    pub fn commit(&self, cursor: Option<i64>) -> Result<(), SearchError> {
        let inner = &*self.inner;
        let mut writer = inner.lock_writer();
        let result = inner.commit(&mut writer, cursor);
        if result.is_err() {
            inner.discard(&mut writer);
        }
        result
    }

    /// Forgets what was added since the last commit.
    pub fn rollback(&self) {
        let inner = &*self.inner;
        let mut writer = inner.lock_writer();
        inner.discard(&mut writer);
    }

    /// Deletes every document and commits with no cursor, so that
    /// [`cursor`](SearchIndex::cursor) returns `None` and the feeder rebuilds.
    pub fn clear(&self) -> Result<(), SearchError> {
        let inner = &*self.inner;
        let mut writer = inner.lock_writer();
        let result =
            writer.delete_all_documents().map_err(SearchError::from).and_then(|_| inner.commit(&mut writer, None));
        if result.is_err() {
            inner.discard(&mut writer);
        }
        result
    }

    /// Searches the readable spaces.
    ///
    /// Text matches are ranked by BM25 with titles weighing double, equal
    /// scores newest first; a query of filters only lists its matches newest
    /// first. An empty query, or an empty list of readable spaces, finds
    /// nothing (without searching). Query text never causes an error.
    pub fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let parsed = ParsedQuery::parse(&query.text);
        if query.readable_spaces.is_empty() || parsed.is_empty() {
            return Ok(Results { parsed, ..Results::default() });
        }
        let inner = &*self.inner;
        let fields = &inner.fields;

        let text = parsed.has_text().then(|| {
            let mut parts: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
            let positive = parsed.tantivy_text();
            if !positive.is_empty() {
                parts.push((Occur::Must, inner.search_parser.parse_query_lenient(&positive).0));
            }
            for excluded in parsed.tantivy_excluded() {
                let query = inner.search_parser.parse_query_lenient(&excluded).0;
                parts.push((Occur::MustNot, Box::new(exclude::Excluded(query))));
            }
            Box::new(BooleanQuery::new(parts)) as Box<dyn tantivy::query::Query>
        });
        let mut clauses = vec![(Occur::Must, inner.permission(&query.readable_spaces))];
        if let Some(text) = &text {
            clauses.push((Occur::Must, text.box_clone()));
        }
        let kinds: Vec<String> = parsed.kinds.iter().map(|kind| kind.as_str().to_owned()).collect();
        for (field, values) in [(fields.tags, &parsed.tags), (fields.space_slug, &parsed.spaces), (fields.kind, &kinds)]
        {
            if !values.is_empty() {
                clauses.push((Occur::Must, any_of(field, values)));
            }
        }
        let filtered = BooleanQuery::new(clauses);

        let searcher = inner.reader.searcher();
        let limit = query.limit.min(MAX_LIMIT);
        let (top, counts) = if limit == 0 || query.offset > MAX_OFFSET {
            (Vec::new(), searcher.search(&filtered, &FacetCollector)?)
        } else if text.is_some() {
            rank::best_first(&searcher, &filtered, query.offset, limit)?
        } else {
            rank::newest_first(&searcher, &filtered, query.offset, limit)?
        };

        let highlighter = inner.highlighter(&searcher, text.as_deref())?;
        let hits = top
            .into_iter()
            .map(|(score, address)| inner.hit(&searcher, address, score, &highlighter))
            .collect::<tantivy::Result<Vec<Hit>>>()?;
        let total = usize::try_from(counts.total).unwrap_or(usize::MAX);
        Ok(Results { total, hits, facets: counts.into_facets(), parsed })
    }

    /// "Does this already exist?": the documents closest to a draft title,
    /// among the readable spaces and the given kinds (all kinds when `kinds`
    /// is empty). Any word of the draft may match; titles weigh most.
    pub fn suggest(
        &self,
        text: &str,
        readable_spaces: &[String],
        kinds: &[Kind],
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let words = syntax::suggest_text(text);
        let limit = limit.min(MAX_LIMIT);
        if readable_spaces.is_empty() || words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let inner = &*self.inner;
        let (text_query, _) = inner.suggest_parser.parse_query_lenient(&words);
        let mut clauses = vec![(Occur::Must, inner.permission(readable_spaces)), (Occur::Must, text_query.box_clone())];
        if !kinds.is_empty() {
            let kinds: Vec<String> = kinds.iter().map(|kind| kind.as_str().to_owned()).collect();
            clauses.push((Occur::Must, any_of(inner.fields.kind, &kinds)));
        }

        let searcher = inner.reader.searcher();
        let top = rank::by_score_then_newest(&searcher, &BooleanQuery::new(clauses), 0, limit)?;
        let highlighter = inner.highlighter(&searcher, Some(text_query.as_ref()))?;
        let hits = top
            .into_iter()
            .map(|(score, address)| inner.hit(&searcher, address, score, &highlighter))
            .collect::<tantivy::Result<Vec<Hit>>>()?;
        Ok(hits)
    }

    /// How many documents the index holds, as of the last commit.
    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }
}

impl Inner {
    fn lock_writer(&self) -> MutexGuard<'_, IndexWriter<schema::Boxed>> {
        self.writer.lock().unwrap_or_else(|poisoned| {
            // A panic mid-batch may have left changes buffered; they were
            // never committed, and must not ride along with the next batch.
            let mut writer = poisoned.into_inner();
            self.discard(&mut writer);
            self.writer.clear_poison();
            writer
        })
    }

    /// Commits what the writer holds with `cursor` as payload, then reloads.
    fn commit(&self, writer: &mut IndexWriter<schema::Boxed>, cursor: Option<i64>) -> Result<(), SearchError> {
        let mut prepared = writer.prepare_commit()?;
        // A commit without a payload stores none; that is how `clear`
        // forgets the cursor.
        if let Some(cursor) = cursor {
            prepared.set_payload(&cursor.to_string());
        }
        prepared.commit()?;
        *self.cursor.write().unwrap_or_else(PoisonError::into_inner) = cursor;
        self.reader.reload()?;
        Ok(())
    }

    /// Drops uncommitted changes after a failure.
    fn discard(&self, writer: &mut IndexWriter<schema::Boxed>) {
        // If even the rollback fails, the writer is broken and the next
        // commit reports it; the error that led here is the one to return.
        let _ = writer.rollback();
    }

    /// Matches documents in the readable spaces, and nothing else.
    fn permission(&self, readable_spaces: &[String]) -> Box<dyn tantivy::query::Query> {
        any_of(self.fields.space_id, readable_spaces)
    }

    fn highlighter(
        &self,
        searcher: &Searcher,
        text: Option<&dyn tantivy::query::Query>,
    ) -> tantivy::Result<Highlighter> {
        let Some(text) = text else {
            return Ok(Highlighter { title: None, body: None });
        };
        let mut title = highlight::generator(searcher, text, self.fields.title)?;
        // Titles are shown whole; see `Highlighter::title`.
        title.set_max_num_chars(usize::MAX);
        let mut body = highlight::generator(searcher, text, self.fields.body)?;
        body.set_max_num_chars(highlight::SNIPPET_BYTES);
        Ok(Highlighter { title: Some(title), body: Some(body) })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: Score,
        highlighter: &Highlighter,
    ) -> tantivy::Result<Hit> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let fields = &self.fields;
        let text = |field: Field| doc.get_first(field).and_then(|value| value.as_str()).unwrap_or_default().to_owned();
        let kind_text = text(fields.kind);
        let kind = Kind::parse(&kind_text)
            .ok_or_else(|| TantivyError::InternalError(format!("unknown kind {kind_text:?} in the search index")))?;
        let title = match text(fields.title) {
            searched if searched.is_empty() => text(fields.shown_title),
            searched => searched,
        };
        let body = text(fields.body);
        Ok(Hit {
            kind,
            id: text(fields.id),
            space_id: text(fields.space_id),
            space_slug: text(fields.space_slug),
            space_name: text(fields.space_name),
            title_html: highlighter.title(&title),
            snippet_html: highlighter.body(&body),
            title,
            url: text(fields.url),
            tags: doc.get_all(fields.tags).filter_map(|value| value.as_str().map(str::to_owned)).collect(),
            updated_at: doc.get_first(fields.updated_at).and_then(|value| value.as_i64()).unwrap_or_default(),
            score,
        })
    }
}

/// Matches documents whose raw `field` holds one of `values`, at a constant
/// score (the filter must not change the ranking).
fn any_of(field: Field, values: &[String]) -> Box<dyn tantivy::query::Query> {
    // A few terms: a union of their postings, which intersects cheaply with
    // the text query. `TermSetQuery` would build an automaton and fill a
    // bitset of every matching document on each search, which dominated the
    // profile when every search carries the readable spaces.
    if values.len() <= FEW_TERMS {
        let term = |value: &String| -> Box<dyn tantivy::query::Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
        };
        let union: Box<dyn tantivy::query::Query> = match values {
            [one] => term(one),
            many => Box::new(BooleanQuery::new(many.iter().map(|v| (Occur::Should, term(v))).collect())),
        };
        // A filter: it must not change the ranking.
        return Box::new(ConstScoreQuery::new(union, 0.0));
    }
    Box::new(TermSetQuery::new(values.iter().map(|value| Term::from_field_text(field, value))))
}

/// Up to this many filter values are matched as a union of term postings.
const FEW_TERMS: usize = 32;

/// Reads a cursor from a commit payload. Anything unreadable counts as no
/// cursor, which leads to a rebuild rather than to a wrong position.
fn parse_cursor(payload: Option<&str>) -> Option<i64> {
    payload?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn doc(id: &str) -> Doc {
        Doc {
            kind: Kind::Thread,
            id: id.into(),
            space_id: "sp".into(),
            space_slug: "guild".into(),
            space_name: "Guild".into(),
            title: "Lanterns".into(),
            body: "paper".into(),
            tags: Vec::new(),
            url: "/".into(),
            updated_at: 1,
        }
    }

    #[test]
    fn an_index_of_another_schema_version_is_wiped() {
        let dir = tempfile::tempdir().unwrap();
        {
            let old = SearchIndex::open_version(dir.path(), SCHEMA_VERSION + 1).unwrap();
            old.apply(vec![Change::Upsert(doc("t1"))], 42).unwrap();
            assert_eq!(old.cursor(), Some(42));
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.cursor(), None);
        assert_eq!(index.num_docs(), 0);
        assert!(!dir.path().join(format!("index-v{}", SCHEMA_VERSION + 1)).exists());
        assert!(dir.path().join(format!("index-v{SCHEMA_VERSION}")).exists());
    }

    #[test]
    fn an_index_whose_schema_differs_from_its_version_is_wiped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("index-v{SCHEMA_VERSION}"));
        std::fs::create_dir_all(&path).unwrap();
        {
            // Same directory name, different schema: a change that forgot to
            // bump the version.
            let mut builder = tantivy::schema::Schema::builder();
            let title = builder.add_text_field("title", tantivy::schema::TEXT);
            let index = Index::create_in_dir(&path, builder.build()).unwrap();
            let mut writer: IndexWriter = index.writer(schema::WRITER_HEAP_BYTES).unwrap();
            writer.add_document(tantivy::doc!(title => "old")).unwrap();
            let mut commit = writer.prepare_commit().unwrap();
            commit.set_payload("5");
            commit.commit().unwrap();
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.cursor(), None);
        assert_eq!(index.num_docs(), 0);
        index.apply(vec![Change::Upsert(doc("t1"))], 1).unwrap();
        assert_eq!(index.num_docs(), 1);
    }

    #[test]
    fn other_directories_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("backups")).unwrap();
        SearchIndex::open(dir.path()).unwrap();
        assert!(dir.path().join("backups").exists());
    }

    #[test]
    fn kinds_read_back_their_string_form() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
            assert_eq!(Kind::parse(&kind.as_str().to_uppercase()), Some(kind));
        }
        assert_eq!(Kind::parse("threads"), Some(Kind::Thread));
        assert_eq!(Kind::parse("wikipage"), None);
        assert_eq!(Kind::parse(""), None);
    }

    #[test]
    fn a_payload_that_is_not_a_number_is_no_cursor() {
        assert_eq!(parse_cursor(Some("12")), Some(12));
        assert_eq!(parse_cursor(Some("Segments Merge: [..]")), None);
        assert_eq!(parse_cursor(None), None);
    }
}
