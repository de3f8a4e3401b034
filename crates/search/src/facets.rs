//! Counting matches per kind, space and tag.
//!
//! A collector of our own rather than tantivy's aggregations: three string
//! columns are counted by term ordinal (an array index per matching document)
//! and ordinals become strings once per segment, at the end. It also counts
//! the matches, so `total` and the facets come from the same pass over the
//! same filtered query and cannot disagree.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::Facets;
use crate::schema::{LABEL_SEPARATOR, names};

/// At most this many tags are reported; a long tail helps no one choose.
pub const MAX_TAG_FACETS: usize = 20;

/// The columns counted, in the order of [`Counts::columns`].
const COLUMNS: [&str; 3] = [names::KIND, names::SPACE_LABEL, names::TAGS];

/// Collects the number of matches and the counts behind [`Facets`].
pub(crate) struct FacetCollector;

/// What [`FacetCollector`] found: the number of matches and, per column,
/// how many matches carry each value.
#[derive(Default)]
pub struct Counts {
    pub total: u64,
    columns: [HashMap<String, u64>; 3],
}

impl Counts {
    /// Sorts the counts into the public shape.
    pub fn into_facets(self) -> Facets {
        let [kinds, labels, tags] = self.columns;

        // A renamed space whose documents are not all reindexed yet has two
        // labels; it is shown once, under the name most of its documents carry.
        let mut spaces: HashMap<String, (String, u64, u64)> = HashMap::new();
        for (label, count) in labels {
            let (slug, name) = label.split_once(LABEL_SEPARATOR).unwrap_or((&label, ""));
            let entry = spaces.entry(slug.to_owned()).or_insert_with(|| (name.to_owned(), 0, 0));
            if count > entry.2 {
                entry.0 = name.to_owned();
                entry.2 = count;
            }
            entry.1 += count;
        }
        let mut spaces: Vec<(String, String, u64)> =
            spaces.into_iter().map(|(slug, (name, count, _))| (slug, name, count)).collect();
        spaces.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));

        let mut tags = descending(tags);
        tags.truncate(MAX_TAG_FACETS);
        Facets { kinds: descending(kinds), spaces, tags }
    }
}

/// Most frequent first; equal counts alphabetically, so the order is stable.
fn descending(counts: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

impl Collector for FacetCollector {
    type Fruit = Counts;
    type Child = SegmentFacets;

    fn for_segment(&self, _segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let fast_fields = reader.fast_fields();
        let mut columns = Vec::with_capacity(COLUMNS.len());
        for name in COLUMNS {
            // A segment in which no document has a value has no column.
            let column = fast_fields.str(name)?;
            let counts = vec![0; column.as_ref().map_or(0, |column| column.num_terms())];
            columns.push(column.map(|column| (column, counts)));
        }
        Ok(SegmentFacets { total: 0, columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<SegmentFacets>) -> tantivy::Result<Counts> {
        let mut out = Counts::default();
        let mut name = String::new();
        for segment in segments {
            out.total += segment.total;
            for (column, merged) in segment.columns.into_iter().zip(out.columns.iter_mut()) {
                let Some((column, counts)) = column else { continue };
                for (ord, count) in counts.into_iter().enumerate().filter(|(_, count)| *count > 0) {
                    name.clear();
                    if column.ord_to_str(ord as u64, &mut name)? {
                        *merged.entry(name.clone()).or_default() += count;
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Per-segment counts by term ordinal.
pub(crate) struct SegmentFacets {
    total: u64,
    columns: Vec<Option<(StrColumn, Vec<u64>)>>,
}

impl SegmentCollector for SegmentFacets {
    type Fruit = SegmentFacets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        for (column, counts) in self.columns.iter_mut().flatten() {
            for ord in column.term_ords(doc) {
                // The ordinal comes from this column's own dictionary.
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(self) -> SegmentFacets {
        self
    }
}
