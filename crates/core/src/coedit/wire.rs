//! Reading y-sync messages and Yjs updates from clients without trusting
//! them.
//!
//! yrs decodes what it is given in good faith. A count of a few bytes makes
//! it reserve (and, for a hash map, touch) memory in proportion to the
//! count, and an update whose items point at things the document does not
//! have, or whose clocks run past `u32`, can make it panic while it
//! integrates them (see `tests/it/coedit_guard.rs` for reproducers). So
//! every message a client sends is read here first, by a scanner that
//! allocates nothing in proportion to any number it reads, and an update
//! reaches yrs only if our editor could have sent it:
//!
//! - plain text: items of the one shared text ([`super::TEXT`]) holding
//!   strings, or the tombstones and collected ranges that stand for deleted
//!   text; no maps, nested types, embeds, formats, moves or subdocuments;
//! - each client's items continue from what the document already has of
//!   that client (no gap: a clock far in the future is refused);
//! - every item it points at (left and right origins) is in the document or
//!   earlier in the update, and every range it deletes exists;
//! - it fits the [`Limits`].
//!
//! The scanner is a pure function of its input and of the document's
//! state vector, so it is property-tested and fuzzed on its own.

use std::collections::{HashMap, HashSet};

/// A y-sync message, as far as the server needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    /// The client's state vector: it asks for what it lacks.
    SyncStep1(&'a [u8]),
    /// An update (sync step 2, or an edit): the v1 encoding of blocks and
    /// a delete set.
    Update(&'a [u8]),
    /// An awareness update (cursors and names).
    Awareness(&'a [u8]),
    /// The client asks who is here.
    AwarenessQuery,
    /// Authentication and custom messages, which the server ignores.
    Ignored,
}

/// Why a message was refused. Each maps to a documented close code (see
/// `web::coedit`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a well-formed message or update.
    Malformed(&'static str),
    /// Well formed, but not something the editor sends (another kind of
    /// content, a missing dependency, a delete of nothing).
    Invalid(&'static str),
    /// Over a size limit (of an update, of the document, of awareness).
    TooLarge(&'static str),
}

impl Refusal {
    /// Why, in a few words, for logs and close frames.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Malformed(why) | Self::Invalid(why) | Self::TooLarge(why) => why,
        }
    }
}

/// The bounds an update or a document must keep. Configurable; see
/// [`Limits::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest message (and so the largest update) a client may send, in bytes.
    pub max_update_bytes: usize,
    /// The largest a document may grow, in bytes as stored (snapshot and
    /// updates), and the longest its text may be, in bytes of UTF-8.
    pub max_doc_bytes: usize,
    pub max_text_bytes: u64,
    /// Messages a connection may send in one second.
    pub messages_per_second: u32,
    /// Awareness: clients one connection may speak for, and the size of
    /// one client's state.
    pub max_aware_clients: usize,
    pub max_aware_state_bytes: usize,
}

impl Default for Limits {
    /// A paste of a long page fits one update (1 MiB); the text may be a
    /// little longer than the longest page a revision may have (100,000
    /// characters of up to four bytes), and the document keeps room for its
    /// history of edits (8 MiB); a client replaying edits made offline
    /// sends many messages at once.
    fn default() -> Self {
        Self {
            max_update_bytes: 1024 * 1024,
            max_doc_bytes: 8 * 1024 * 1024,
            max_text_bytes: 1024 * 1024,
            messages_per_second: 1000,
            max_aware_clients: 8,
            max_aware_state_bytes: 4096,
        }
    }
}

type Scan<T> = Result<T, Refusal>;

/// A cursor over untrusted bytes: every read is bounded by what is left.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, at: 0 }
    }

    fn left(&self) -> usize {
        self.buf.len() - self.at
    }

    fn u8(&mut self) -> Scan<u8> {
        let b = *self.buf.get(self.at).ok_or(Refusal::Malformed("cut short"))?;
        self.at += 1;
        Ok(b)
    }

    /// A lib0 variable-length unsigned integer (seven bits a byte).
    fn var(&mut self) -> Scan<u64> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(Refusal::Malformed("number out of range"));
            }
            value |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Refusal::Malformed("number out of range"))
    }

    /// A client id: Yjs makes them 53 bits long, and yrs folds the bits
    /// above into one (two ids that differ there are the same client to
    /// it, though not to a check that compares them).
    fn client(&mut self) -> Scan<u64> {
        let id = self.var()?;
        if id >> 53 != 0 {
            return Err(Refusal::Invalid("a client id longer than 53 bits"));
        }
        Ok(id)
    }

    /// A variable-length number that yrs reads as `u32`.
    fn var32(&mut self) -> Scan<u32> {
        u32::try_from(self.var()?).map_err(|_| Refusal::Malformed("number out of range"))
    }

    /// A count of things that each take at least `min_bytes`: refused when
    /// what is left could not hold them, so nothing downstream reserves
    /// room for a count the bytes do not back.
    fn count(&mut self, min_bytes: usize) -> Scan<usize> {
        let n = self.var()?;
        let n = usize::try_from(n).map_err(|_| Refusal::Malformed("count out of range"))?;
        if n.saturating_mul(min_bytes) > self.left() {
            return Err(Refusal::Malformed("count larger than the message"));
        }
        Ok(n)
    }

    fn bytes(&mut self, len: usize) -> Scan<&'a [u8]> {
        if len > self.left() {
            return Err(Refusal::Malformed("cut short"));
        }
        let out = &self.buf[self.at..self.at + len];
        self.at += len;
        Ok(out)
    }

    /// A length-prefixed buffer.
    fn buf(&mut self) -> Scan<&'a [u8]> {
        let len = self.var32()? as usize;
        self.bytes(len)
    }

    fn string(&mut self) -> Scan<&'a str> {
        std::str::from_utf8(self.buf()?).map_err(|_| Refusal::Malformed("text is not UTF-8"))
    }

    fn done(&self) -> bool {
        self.at == self.buf.len()
    }
}

/// Splits a WebSocket message into its y-sync messages, checking that each
/// is well formed (the state vector and awareness payloads too).
pub fn parts<'a>(data: &'a [u8], limits: &Limits) -> Scan<Vec<Part<'a>>> {
    if data.len() > limits.max_update_bytes {
        return Err(Refusal::TooLarge("message too large"));
    }
    let mut r = Reader::new(data);
    let mut out = Vec::new();
    while !r.done() {
        let part = match r.var()? {
            0 => match r.var()? {
                0 => {
                    let sv = r.buf()?;
                    state_vector(sv)?;
                    Part::SyncStep1(sv)
                }
                1 | 2 => Part::Update(r.buf()?),
                _ => return Err(Refusal::Malformed("unknown sync message")),
            },
            1 => {
                let update = r.buf()?;
                awareness(update, limits)?;
                Part::Awareness(update)
            }
            2 => {
                if r.var()? == 0 {
                    r.string()?;
                }
                Part::Ignored
            }
            3 => Part::AwarenessQuery,
            _ => {
                r.buf()?;
                Part::Ignored
            }
        };
        out.push(part);
    }
    Ok(out)
}

/// Checks a state vector: pairs of a client and a clock, no more than the
/// bytes hold.
fn state_vector(bytes: &[u8]) -> Scan<()> {
    let mut r = Reader::new(bytes);
    let n = r.count(2)?;
    for _ in 0..n {
        r.client()?;
        r.var32()?;
    }
    Ok(())
}

/// Checks an awareness update: a few clients, each with a small JSON state.
fn awareness(bytes: &[u8], limits: &Limits) -> Scan<()> {
    let mut r = Reader::new(bytes);
    let n = r.count(3)?;
    if n > limits.max_aware_clients {
        return Err(Refusal::TooLarge("awareness for too many clients"));
    }
    for _ in 0..n {
        r.client()?;
        r.var32()?;
        if r.string()?.len() > limits.max_aware_state_bytes {
            return Err(Refusal::TooLarge("awareness state too large"));
        }
    }
    Ok(())
}

/// What a checked update holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Bytes of text it inserts (an upper bound of what the text grows by).
    pub inserted_bytes: u64,
    /// Whether it holds nothing (no blocks, no deletes).
    pub empty: bool,
}

/// What the scanner knows of one client's blocks in an update: their
/// clocks, and where their blocks are in the update's list.
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    first: usize,
    count: usize,
}

/// A block of the update, as far as references need it: where its clocks
/// end (its client's blocks are contiguous, so that places it).
#[derive(Clone, Copy)]
struct BlockAt {
    end: u32,
}

/// An item's reference to another (its left or right neighbour when it
/// was inserted), checked once every client's blocks are known.
#[derive(Clone, Copy)]
struct Reference {
    client: u64,
    clock: u32,
    /// The block that refers (its index in the update's list).
    from: usize,
}

/// The most clocks one client's blocks may span in one update. Text typed
/// or pasted is backed by its bytes; a deleted or collected range is not,
/// so its length is bounded here (a whole long page's history fits).
const MAX_SPAN: u32 = 1 << 26;

const BLOCK_GC: u8 = 0;
const ITEM_DELETED: u8 = 1;
const ITEM_STRING: u8 = 4;
const BLOCK_SKIP: u8 = 10;
const HAS_ORIGIN: u8 = 0b1000_0000;
const HAS_RIGHT_ORIGIN: u8 = 0b0100_0000;
const HAS_PARENT_SUB: u8 = 0b0010_0000;

/// Checks an update (v1 encoding) against a document whose state vector
/// says, per client, how many clocks it has (`known`), and whose text is
/// `text_bytes` long. Returns what it holds, or why it may not be applied.
pub fn check_update(bytes: &[u8], known: &dyn Fn(u64) -> u32, text_bytes: u64, limits: &Limits) -> Scan<Summary> {
    if bytes.len() > limits.max_update_bytes {
        return Err(Refusal::TooLarge("update too large"));
    }
    let mut r = Reader::new(bytes);
    let clients = r.count(3)?;
    let mut spans: HashMap<u64, Span> = HashMap::with_capacity(clients.min(64));
    let mut blocks: Vec<BlockAt> = Vec::new();
    let mut references: Vec<Reference> = Vec::new();
    let mut summary = Summary::default();
    for _ in 0..clients {
        let count = r.count(2)?;
        let client = r.client()?;
        let start = r.var32()?;
        if spans.contains_key(&client) {
            return Err(Refusal::Malformed("a client's blocks given twice"));
        }
        if start > known(client) {
            return Err(Refusal::Invalid("blocks after a gap in a client's history"));
        }
        let first = blocks.len();
        let mut clock = start;
        for _ in 0..count {
            let info = r.u8()?;
            let from = blocks.len();
            let len: u32 = match info {
                BLOCK_SKIP => return Err(Refusal::Invalid("skipped ranges are not accepted")),
                BLOCK_GC => r.var32()?,
                info => {
                    let mut parented = true;
                    for flag in [HAS_ORIGIN, HAS_RIGHT_ORIGIN] {
                        if info & flag != 0 {
                            parented = false;
                            let (client, clock) = (r.client()?, r.var32()?);
                            references.push(Reference { client, clock, from });
                        }
                    }
                    if parented {
                        // Without neighbours an item names its parent: only
                        // the one shared text, never a nested type or a map key.
                        if r.var()? != 1 {
                            return Err(Refusal::Invalid("an item inside another item"));
                        }
                        if r.string()? != super::TEXT {
                            return Err(Refusal::Invalid("an item outside the shared text"));
                        }
                        if info & HAS_PARENT_SUB != 0 {
                            return Err(Refusal::Invalid("a map entry"));
                        }
                    }
                    match info & 0x1f {
                        ITEM_DELETED => r.var32()?,
                        ITEM_STRING => {
                            let text = r.string()?;
                            summary.inserted_bytes += text.len() as u64;
                            // An item's length is counted in UTF-16 units.
                            let units = text.encode_utf16().count();
                            let units = u32::try_from(units).map_err(|_| Refusal::TooLarge("text too long"))?;
                            if units == 0 {
                                // yrs drops an empty item without moving the
                                // clock; so does the check (its references too).
                                references.retain(|r| r.from != from);
                                continue;
                            }
                            units
                        }
                        _ => return Err(Refusal::Invalid("content other than plain text")),
                    }
                }
            };
            if len == 0 {
                return Err(Refusal::Malformed("an empty block"));
            }
            let end = clock.checked_add(len).ok_or(Refusal::Invalid("clock out of range"))?;
            if end - start.min(known(client)) > MAX_SPAN {
                return Err(Refusal::Invalid("a range of clocks too long for one update"));
            }
            blocks.push(BlockAt { end });
            clock = end;
        }
        spans.insert(client, Span { start, end: clock, first, count: blocks.len() - first });
    }
    dependencies(&blocks, &spans, &references, known)?;
    // The delete set: ranges of clocks, each of something that exists.
    // Yjs writes each client once, its ranges in order and apart.
    let ds_clients = r.count(2)?;
    let mut deletes = 0usize;
    let mut seen: HashSet<u64> = HashSet::new();
    for _ in 0..ds_clients {
        let client = r.client()?;
        if !seen.insert(client) {
            return Err(Refusal::Malformed("a client's deletes given twice"));
        }
        let ranges = r.count(2)?;
        let end = spans.get(&client).map_or(0, |s| s.end).max(known(client));
        let mut after = 0u32;
        for _ in 0..ranges {
            let (clock, len) = (r.var32()?, r.var32()?);
            if len == 0 {
                return Err(Refusal::Malformed("an empty deleted range"));
            }
            if clock < after {
                return Err(Refusal::Malformed("deleted ranges out of order"));
            }
            let last = clock.checked_add(len).ok_or(Refusal::Invalid("clock out of range"))?;
            if last > end {
                return Err(Refusal::Invalid("a delete of something that does not exist"));
            }
            after = last;
            deletes += 1;
        }
    }
    if !r.done() {
        return Err(Refusal::Malformed("bytes after the update"));
    }
    if text_bytes.saturating_add(summary.inserted_bytes) > limits.max_text_bytes {
        return Err(Refusal::TooLarge("the text would be too long"));
    }
    summary.empty = blocks.is_empty() && deletes == 0;
    Ok(summary)
}

/// Everything an item points at must exist, in the document or among the
/// update's blocks, and the blocks of the update may not wait on each
/// other in a circle (yrs would keep them all pending): the references
/// within the update must form no cycle.
fn dependencies(
    blocks: &[BlockAt],
    spans: &HashMap<u64, Span>,
    references: &[Reference],
    known: &dyn Fn(u64) -> u32,
) -> Scan<()> {
    // Edges from a block to the blocks of this update it waits for.
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for reference in references {
        if reference.clock < known(reference.client) {
            continue;
        }
        let span = spans
            .get(&reference.client)
            .filter(|s| reference.clock >= s.start && reference.clock < s.end)
            .ok_or(Refusal::Invalid("an item next to one that does not exist"))?;
        let own = &blocks[span.first..span.first + span.count];
        let at = own.partition_point(|b| b.end <= reference.clock);
        let target = span.first + at;
        if target == reference.from {
            return Err(Refusal::Invalid("an item next to itself"));
        }
        edges.push((reference.from, target));
    }
    if edges.is_empty() {
        return Ok(());
    }
    // Blocks of one client wait for the one before them, too: yrs
    // integrates a client's blocks in order.
    for span in spans.values() {
        for i in span.first + 1..span.first + span.count {
            edges.push((i, i - 1));
        }
    }
    // Kahn's algorithm: every block must come out.
    let mut waiting = vec![0u32; blocks.len()];
    let mut waited_by: Vec<Vec<usize>> = vec![Vec::new(); blocks.len()];
    for &(from, to) in &edges {
        waiting[from] += 1;
        waited_by[to].push(from);
    }
    let mut ready: Vec<usize> = (0..blocks.len()).filter(|&b| waiting[b] == 0).collect();
    let mut done = 0;
    while let Some(b) = ready.pop() {
        done += 1;
        for &next in &waited_by[b] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(next);
            }
        }
    }
    if done < blocks.len() {
        return Err(Refusal::Invalid("items that wait on each other"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::updates::decoder::Decode;
    use yrs::{GetString, ReadTxn, Text, Transact, Update};

    fn limits() -> Limits {
        Limits::default()
    }

    fn doc_with(text: &str) -> yrs::Doc {
        let doc = yrs::Doc::with_client_id(1);
        let body = doc.get_or_insert_text(super::super::TEXT);
        body.insert(&mut doc.transact_mut(), 0, text);
        doc
    }

    fn known(doc: &yrs::Doc) -> impl Fn(u64) -> u32 + '_ {
        let sv = doc.transact().state_vector();
        move |client| sv.get(&yrs::block::ClientID::new(client))
    }

    #[test]
    fn edits_the_editor_makes_pass() {
        let server = doc_with("hello world");
        let client = yrs::Doc::with_client_id(2);
        let update = server.transact().encode_state_as_update_v1(&yrs::StateVector::default());
        client.transact_mut().apply_update(Update::decode_v1(&update).expect("update")).expect("applied");
        let body = client.get_or_insert_text(super::super::TEXT);
        let before = client.transact().state_vector();
        {
            let mut txn = client.transact_mut();
            body.insert(&mut txn, 5, ", dear");
            body.remove_range(&mut txn, 0, 1);
        }
        let edit = client.transact().encode_state_as_update_v1(&before);
        let summary = check_update(&edit, &known(&server), 11, &limits()).expect("accepted");
        assert_eq!(summary.inserted_bytes, 6);
        assert!(!summary.empty);
        server.transact_mut().apply_update(Update::decode_v1(&edit).expect("update")).expect("applied");
        let text = server.get_or_insert_text(super::super::TEXT);
        assert_eq!(text.get_string(&server.transact()), "ello, dear world");
        // Its whole state, as a client sends it in sync step 2, passes too.
        let all = client.transact().encode_state_as_update_v1(&yrs::StateVector::default());
        check_update(&all, &known(&server), 16, &limits()).expect("accepted");
        check_update(Update::EMPTY_V1, &known(&server), 16, &limits()).expect("the empty update");
    }

    #[test]
    fn a_gap_in_a_clients_history_is_refused() {
        let server = doc_with("abc");
        let client = doc_with("abc"); // the same client id, 1: clocks 0..3
        let body = client.get_or_insert_text(super::super::TEXT);
        let sv = client.transact().state_vector();
        body.insert(&mut client.transact_mut(), 3, "d");
        let next = client.transact().encode_state_as_update_v1(&sv);
        // Against an empty document, clock 3 of client 1 comes after a gap.
        let empty = yrs::Doc::new();
        assert_eq!(
            check_update(&next, &known(&empty), 0, &limits()),
            Err(Refusal::Invalid("blocks after a gap in a client's history"))
        );
        check_update(&next, &known(&server), 3, &limits()).expect("no gap");
    }

    #[test]
    fn counts_the_bytes_cannot_hold_are_refused_before_anything_is_reserved() {
        // One client claiming four billion blocks, in six bytes.
        let bomb = [1, 0xff, 0xff, 0xff, 0xff, 0x0f];
        assert!(matches!(check_update(&bomb, &|_| 0, 0, &limits()), Err(Refusal::Malformed(_))));
        // A state vector of 2^28 entries, in a sync step 1.
        let step1 = [0, 0, 5, 0x80, 0x80, 0x80, 0x80, 0x01];
        assert!(matches!(parts(&step1, &limits()), Err(Refusal::Malformed(_))));
        // An awareness update of 2^28 clients.
        let aware = [1, 5, 0x80, 0x80, 0x80, 0x80, 0x01];
        assert!(parts(&aware, &limits()).is_err());
    }

    #[test]
    fn numbers_past_their_range_are_refused() {
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        assert!(r.var().is_err());
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        assert_eq!(r.var(), Ok(u64::MAX));
        let mut r = Reader::new(&[0x80, 0x80, 0x80, 0x80, 0x10]);
        assert!(r.var32().is_err());
    }
}
