//! Crafted y-sync messages for fuzzing the co-editing endpoint and its
//! checks (feature `testing`): structurally valid, semantically absurd
//! updates like those that made yrs panic, near-valid ones aimed at what
//! the document holds, and count bombs. Used by the tests and by
//! `stoa-bench ysync-fuzz`, which sends them to a running server.

use rand::Rng;
use yrs::updates::encoder::Encode;
use yrs::{ReadTxn, Text, Transact};

/// A lib0 writer.
struct Out(Vec<u8>);

impl Out {
    fn var(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(b);
                return;
            }
            self.0.push(b | 0x80);
        }
    }

    fn string(&mut self, s: &str) {
        self.var(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
}

/// Wraps an update as a y-sync `Update` message.
pub fn update_message(update: &[u8]) -> Vec<u8> {
    let mut out = Out(vec![0, 2]);
    out.var(update.len() as u64);
    out.0.extend_from_slice(update);
    out.0
}

/// A client id: one the document knows, a small one, or any.
fn client(rng: &mut impl Rng, known: &[(u64, u32)]) -> u64 {
    match rng.random_range(0..6) {
        0 | 1 if !known.is_empty() => known[rng.random_range(0..known.len())].0,
        2 => rng.random_range(0..8),
        3 => u64::from(rng.random::<u32>()),
        4 => rng.random::<u64>() >> rng.random_range(0..64),
        _ => rng.random_range(1..4),
    }
}

/// A clock for `client`: at, just before or just after what the document
/// has of it, or far away.
fn clock(rng: &mut impl Rng, known: &[(u64, u32)], client: u64) -> u64 {
    let at = known.iter().find(|(c, _)| *c == client).map_or(0, |(_, k)| u64::from(*k));
    match rng.random_range(0..8) {
        0 | 1 => at,
        2 => at.saturating_sub(rng.random_range(1..4)),
        3 => at + rng.random_range(1..4),
        4 => u64::from(u32::MAX) - rng.random_range(0..4),
        5 => u64::from(rng.random::<u32>()),
        6 => rng.random_range(0..40),
        _ => u64::from(u32::MAX) + rng.random_range(0..4),
    }
}

fn length(rng: &mut impl Rng) -> u64 {
    match rng.random_range(0..4) {
        0 => 1,
        1 => rng.random_range(1..16),
        2 => rng.random_range(1..u64::from(u32::MAX)),
        _ => u64::from(u32::MAX) + rng.random_range(0..3),
    }
}

/// One crafted update (v1 encoding). `known` is the document's state
/// vector as the sender last saw it.
pub fn update(rng: &mut impl Rng, known: &[(u64, u32)]) -> Vec<u8> {
    let mut out = Out(Vec::new());
    let clients = rng.random_range(0..3);
    out.var(clients);
    for _ in 0..clients {
        let blocks = rng.random_range(1..4);
        out.var(blocks);
        let c = client(rng, known);
        out.var(c);
        out.var(clock(rng, known, c));
        for _ in 0..blocks {
            // GC, deleted, string (often), skip, type, any, format, embed,
            // JSON, binary, subdocument, move.
            let kind = [0u8, 1, 4, 4, 4, 10, 7, 8, 6, 5, 2, 3, 9, 11][rng.random_range(0..14)];
            if kind == 0 || kind == 10 {
                out.0.push(kind);
                out.var(length(rng));
                continue;
            }
            let (origin, right, sub) = (rng.random_bool(0.5), rng.random_bool(0.4), rng.random_bool(0.1));
            let mut info = kind;
            if origin {
                info |= 0x80;
            }
            if right {
                info |= 0x40;
            }
            if sub && !origin && !right {
                info |= 0x20;
            }
            out.0.push(info);
            for flag in [origin, right] {
                if flag {
                    let c = client(rng, known);
                    out.var(c);
                    out.var(clock(rng, known, c));
                }
            }
            if !origin && !right {
                if rng.random_bool(0.7) {
                    out.var(1);
                    out.string(["body", "other", ""][rng.random_range(0..3)]);
                } else {
                    out.var(0);
                    let c = client(rng, known);
                    out.var(c);
                    out.var(clock(rng, known, c));
                }
                if sub {
                    out.string("key");
                }
            }
            match kind {
                1 => out.var(length(rng)),
                4 => {
                    let text: String =
                        (0..rng.random_range(1..6)).map(|_| ['a', 'é', '😀', '\n'][rng.random_range(0..4)]).collect();
                    out.string(&text);
                }
                7 => {
                    out.var(rng.random_range(0..8));
                    if rng.random_bool(0.3) {
                        out.string("name");
                    }
                }
                8 => {
                    out.var(1);
                    out.0.push(119);
                    out.string("value");
                }
                6 => {
                    out.string("bold");
                    out.string("true");
                }
                5 => out.string("{}"),
                2 => {
                    out.var(1);
                    out.string("1");
                }
                3 => {
                    out.var(2);
                    out.0.extend_from_slice(&[1, 2]);
                }
                9 => {
                    out.string("guid");
                    out.0.push(119);
                    out.string("x");
                }
                _ => {
                    out.var(rng.random_range(0..4));
                    for _ in 0..2 {
                        let c = client(rng, known);
                        out.var(c);
                        out.var(clock(rng, known, c));
                    }
                    out.var(0);
                }
            }
        }
    }
    let deleted = rng.random_range(0..3);
    out.var(deleted);
    for _ in 0..deleted {
        let c = client(rng, known);
        out.var(c);
        let ranges = rng.random_range(1..3);
        out.var(ranges);
        for _ in 0..ranges {
            out.var(clock(rng, known, c));
            out.var(length(rng));
        }
    }
    out.0
}

/// A real edit of `doc` (as the editor makes them), as an update message;
/// it changes `doc` too.
pub fn edit(rng: &mut impl Rng, doc: &yrs::Doc) -> Vec<u8> {
    let text = doc.get_or_insert_text(super::TEXT);
    let before = doc.transact().state_vector();
    {
        let mut txn = doc.transact_mut();
        // Offsets are in bytes, on character boundaries.
        let current = yrs::GetString::get_string(&text, &txn);
        let bounds: Vec<u32> = current.char_indices().map(|(i, _)| i as u32).chain([current.len() as u32]).collect();
        if bounds.len() > 4 && rng.random_bool(0.3) {
            let i = rng.random_range(0..bounds.len() - 2);
            text.remove_range(&mut txn, bounds[i], bounds[i + 2] - bounds[i]);
        } else {
            let at = bounds[rng.random_range(0..bounds.len())];
            text.insert(&mut txn, at, ["word ", "é", "\n", "😀"][rng.random_range(0..4)]);
        }
    }
    update_message(&doc.transact().encode_state_as_update_v1(&before))
}

/// One message to send: mostly crafted updates, some with a byte flipped,
/// some count bombs and oversized awareness, and now and then a real edit
/// of `doc` so the document grows as it would in use.
pub fn message(rng: &mut impl Rng, doc: &yrs::Doc) -> Vec<u8> {
    let known: Vec<(u64, u32)> = doc.transact().state_vector().iter().map(|(c, k)| (c.get(), *k)).collect();
    match rng.random_range(0..20) {
        0..=1 => edit(rng, doc),
        2 => {
            // A state vector, an awareness or an update claiming 2^28 entries.
            let mut out = Out(Vec::new());
            match rng.random_range(0..3) {
                0 => out.0.extend_from_slice(&[0, 0, 5]),
                1 => out.0.extend_from_slice(&[1, 5]),
                _ => out.0.extend_from_slice(&[0, 2, 5]),
            }
            out.0.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x01]);
            out.0
        }
        3 => {
            let mut out = Out(vec![1]);
            let mut inner = Out(Vec::new());
            let n = rng.random_range(1..20);
            inner.var(n);
            for i in 0..n {
                inner.var(i);
                inner.var(1);
                inner.string(&"x".repeat(rng.random_range(0..6000)));
            }
            out.var(inner.0.len() as u64);
            out.0.extend_from_slice(&inner.0);
            out.0
        }
        4..=5 => {
            let mut bytes = update_message(&update(rng, &known));
            let at = rng.random_range(0..bytes.len());
            bytes[at] ^= 1 << rng.random_range(0..8);
            bytes
        }
        _ => update_message(&update(rng, &known)),
    }
}

/// An awareness entry, for tests that need a valid one.
pub fn awareness_message(client: u64, json: &str) -> Vec<u8> {
    let mut inner = Out(Vec::new());
    inner.var(1);
    inner.var(client);
    inner.var(1);
    inner.string(json);
    let mut out = Out(vec![1]);
    out.var(inner.0.len() as u64);
    out.0.extend_from_slice(&inner.0);
    out.0
}

/// A sync step 1 with an empty state vector: asks for the whole document.
pub fn ask_everything() -> Vec<u8> {
    let mut out = Out(vec![0, 0]);
    let sv = yrs::StateVector::default().encode_v1();
    out.var(sv.len() as u64);
    out.0.extend_from_slice(&sv);
    out.0
}
