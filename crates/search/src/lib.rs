//! Full-text search (tantivy).
