//! The index schema: which fields a document has, how each is analysed, and
//! the version number that forces a rebuild when any of that changes.
//!
//! Vocabulary:
//! - The **key** (`"{kind}:{id}"`) identifies a document for replacement and
//!   deletion; it is indexed but never stored.
//! - **Raw** fields (`kind`, `space_id`, `space_slug`, `tags`) are indexed as
//!   one exact term each, for filters; the ones that feed facets are also
//!   **fast** (column-oriented, read per matching document).
//! - The **`stoa` analyser** splits, lowercases and stems `title` and `body`;
//!   queries go through the same analyser, so "Borrowing" finds "borrowed".

use tantivy::schema::document::Document;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexWriter};

use crate::Doc;

/// Bump whenever [`build`] or [`ANALYZER`] changes in a way an existing index
/// cannot serve: opening an index of another version wipes it, and the feeder
/// rebuilds it from the event log (its cursor is gone).
pub(crate) const SCHEMA_VERSION: u32 = 2;

/// The name the text analyser is registered under on every opened index.
/// Tokenizers are not persisted, so [`register_analyzer`] runs on each open.
pub(crate) const ANALYZER: &str = "stoa";

/// Field names that are looked up by name (fast-field columns and sorting).
pub(crate) mod names {
    pub const KIND: &str = "kind";
    pub const SPACE_LABEL: &str = "space_label";
    pub const TAGS: &str = "tags";
    pub const UPDATED_AT: &str = "updated_at";
}

/// Separates slug from name in the `space_label` fast field. A slug is
/// `[a-z0-9_-]`, so the separator can never be part of one.
pub(crate) const LABEL_SEPARATOR: char = '\u{1f}';

/// Handles to every field of the schema.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub key: Field,
    pub kind: Field,
    pub id: Field,
    pub space_id: Field,
    pub space_slug: Field,
    pub space_name: Field,
    /// `"{slug}\u{1f}{name}"`, fast only: the space facet counts this column so
    /// that it can show a name without a second lookup.
    pub space_label: Field,
    pub title: Field,
    /// A post's title as shown (its thread's), stored but not searched, so a
    /// word in a thread's title finds the thread once, not every reply.
    pub shown_title: Field,
    pub body: Field,
    pub tags: Field,
    pub url: Field,
    pub updated_at: Field,
}

/// Builds the schema and returns it with its field handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    // Positions are indexed so that "quoted phrases" work.
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        key: builder.add_text_field("key", STRING),
        kind: builder.add_text_field(names::KIND, STRING | FAST | STORED),
        id: builder.add_text_field("id", STORED),
        space_id: builder.add_text_field("space_id", STRING | STORED),
        space_slug: builder.add_text_field("space_slug", STRING | STORED),
        space_name: builder.add_text_field("space_name", STORED),
        space_label: builder.add_text_field(names::SPACE_LABEL, FAST),
        title: builder.add_text_field("title", text.clone()),
        shown_title: builder.add_text_field("shown_title", STORED),
        body: builder.add_text_field("body", text),
        tags: builder.add_text_field(names::TAGS, STRING | FAST | STORED),
        url: builder.add_text_field("url", STORED),
        // Not indexed: it only sorts (fast) and is shown (stored).
        updated_at: builder.add_i64_field(names::UPDATED_AT, FAST | STORED),
    };
    (builder.build(), fields)
}

/// Registers the `stoa` analyser on `index`.
pub(crate) fn register_analyzer(index: &Index) {
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        // Tokens this long are hashes, URLs or base64, not words anyone types.
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build();
    index.tokenizers().register(ANALYZER, analyzer);
}

/// The key that identifies a document of `kind` with `id`.
pub(crate) fn key(kind: crate::Kind, id: &str) -> String {
    format!("{}:{id}", kind.as_str())
}

/// Converts a [`Doc`] into the document tantivy stores.
pub(crate) fn to_document(fields: &Fields, doc: &Doc) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_text(fields.key, key(doc.kind, &doc.id));
    out.add_text(fields.kind, doc.kind.as_str());
    out.add_text(fields.id, &doc.id);
    out.add_text(fields.space_id, &doc.space_id);
    out.add_text(fields.space_slug, &doc.space_slug);
    out.add_text(fields.space_name, &doc.space_name);
    out.add_text(fields.space_label, format!("{}{LABEL_SEPARATOR}{}", doc.space_slug, doc.space_name));
    if doc.kind == crate::Kind::Post {
        out.add_text(fields.shown_title, &doc.title);
    } else {
        out.add_text(fields.title, &doc.title);
    }
    out.add_text(fields.body, &doc.body);
    // Tags are lowercase by contract; normalising again is cheap and keeps a
    // careless caller from creating a tag no `tag:` filter can reach. A
    // repeated tag would be counted twice in the facet, so duplicates go.
    let mut tags: Vec<String> =
        doc.tags.iter().map(|tag| tag.trim().to_lowercase()).filter(|t| !t.is_empty()).collect();
    tags.sort();
    tags.dedup();
    for tag in tags {
        out.add_text(fields.tags, tag);
    }
    out.add_text(fields.url, &doc.url);
    out.add_i64(fields.updated_at, doc.updated_at);
    out
}

/// A document on its way to the writer, behind a pointer.
///
/// tantivy's writer queues documents in a channel of 10,000 slots, each four
/// documents wide, that it allocates (and touches) at every commit: with the
/// document inline each slot takes 240 bytes, 2.4 MB for the channel, resident
/// for as long as the writer lives. Boxed, a slot takes 80.
pub(crate) struct Boxed(pub(crate) Box<TantivyDocument>);

impl Document for Boxed {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.0.iter_fields_and_values()
    }

    fn into_tantivy_document(self) -> TantivyDocument {
        *self.0
    }
}

/// The writer's heap.
pub(crate) const WRITER_HEAP_BYTES: usize = 50_000_000;

/// Opens the single writer of `index`, with one indexing thread.
///
/// The index follows the event log in small commits, a few times a second
/// under load. tantivy gives every indexing thread a segment of its own per
/// commit, each starting with a table of half a million entries: with one
/// thread per core, every commit cleared and filled that many tables and left
/// that many small segments to merge, for batches one thread indexes in a
/// few milliseconds. A rebuild from the whole log is slower with one thread,
/// and it is rare. Merging gets one thread too, not tantivy's four: segments
/// this small merge in moments, and each idle thread keeps a stack and its
/// allocator's pages resident.
pub(crate) fn writer(index: &Index) -> tantivy::Result<IndexWriter<Boxed>> {
    let options = tantivy::indexer::IndexWriterOptions::builder()
        .num_worker_threads(1)
        .num_merge_threads(1)
        .memory_budget_per_thread(WRITER_HEAP_BYTES)
        .build();
    index.writer_with_options(options)
}
