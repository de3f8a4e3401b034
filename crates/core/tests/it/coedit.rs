//! The checks every co-editing message passes before yrs sees it
//! (`coedit::wire`): reproducers of the yrs panics they keep out, ready to
//! report upstream, and property tests that nothing they accept breaks a
//! document.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use stoa_core::coedit::wire::{self, Limits, Refusal};
use stoa_core::coedit::{TEXT, crafted};
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, Text, Transact, Update};

/// A document whose client 1 wrote some text.
fn written() -> yrs::Doc {
    let doc = yrs::Doc::with_client_id(1);
    let text = doc.get_or_insert_text(TEXT);
    text.insert(&mut doc.transact_mut(), 0, "hello");
    doc
}

fn known(doc: &yrs::Doc) -> impl Fn(u64) -> u32 {
    let sv = doc.transact().state_vector();
    move |client| sv.get(&yrs::block::ClientID::new(client))
}

/// Upstream reproducer (yrs 0.28.1): an update holding one collected range
/// (a GC block) of a client the document knows, at a clock far past what
/// it has of that client, panics in `BlockStore::push`
/// (`block_store.rs:317`, `unwrap` on `None`) instead of waiting as a
/// pending update. Eleven bytes: one client (1) with one block at clock
/// 4294967293, a GC block of length 1, and an empty delete set. On a
/// document without client 1's text it is kept pending, as it should be.
/// If this test fails, yrs fixed it: keep the refusal below and say so
/// upstream.
#[test]
fn yrs_panics_on_a_collected_range_far_past_a_clients_clock() {
    let update: [u8; 11] = [1, 1, 1, 0xfd, 0xff, 0xff, 0xff, 0x0f, 0, 1, 0];
    let doc = written();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let decoded = Update::decode_v1(&update).expect("well formed");
        let _ = doc.transact_mut().apply_update(decoded);
    }));
    assert!(outcome.is_err(), "yrs 0.28.1 panics on this update");
    // The checks refuse it before yrs sees it.
    let doc = written();
    assert_eq!(
        wire::check_update(&update, &known(&doc), 5, &Limits::default()),
        Err(Refusal::Invalid("blocks after a gap in a client's history"))
    );
}

#[test]
fn updates_past_the_limits_are_refused() {
    let doc = written();
    let limits = Limits { max_update_bytes: 64, max_text_bytes: 10, ..Limits::default() };
    let peer = yrs::Doc::with_client_id(2);
    let update = doc.transact().encode_state_as_update_v1(&yrs::StateVector::default());
    peer.transact_mut().apply_update(Update::decode_v1(&update).expect("decoded")).expect("applied");
    let sv = peer.transact().state_vector();
    peer.get_or_insert_text(TEXT).insert(&mut peer.transact_mut(), 5, " world!");
    let edit = peer.transact().encode_state_as_update_v1(&sv);
    assert_eq!(
        wire::check_update(&edit, &known(&doc), 5, &limits),
        Err(Refusal::TooLarge("the text would be too long"))
    );
    let long = vec![0u8; 65];
    assert_eq!(wire::check_update(&long, &known(&doc), 5, &limits), Err(Refusal::TooLarge("update too large")));
    assert_eq!(wire::parts(&long, &limits), Err(Refusal::TooLarge("message too large")));
}

/// Applies `bytes` to `doc` when the checks accept them, and says whether
/// yrs then panicked or left parts of it waiting.
fn accepted_and_broke(doc: &yrs::Doc, bytes: &[u8]) -> Option<bool> {
    let text = doc.get_or_insert_text(TEXT);
    let len = u64::from(text.len(&doc.transact()));
    wire::check_update(bytes, &known(doc), len, &Limits::default()).ok()?;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let update = Update::decode_v1(bytes).expect("accepted updates decode");
        let mut txn = doc.transact_mut();
        txn.apply_update(update).expect("accepted updates apply");
        let missing = txn.has_missing_updates();
        drop(txn);
        missing
    }));
    Some(outcome.unwrap_or(true))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever bytes arrive, the scanner answers without panicking.
    #[test]
    fn the_scanner_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let limits = Limits::default();
        let _ = wire::parts(&bytes, &limits);
        let _ = wire::check_update(&bytes, &|c| (c % 7) as u32, 3, &limits);
    }

    /// Crafted updates aimed at what the document holds, mixed with real
    /// edits: every update the checks accept applies cleanly, with nothing
    /// left waiting, and the document can still be encoded and read.
    #[test]
    fn nothing_the_checks_accept_breaks_a_document(seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        let doc = written();
        let writer = yrs::Doc::with_client_id(2);
        let all = doc.transact().encode_state_as_update_v1(&yrs::StateVector::default());
        writer.transact_mut().apply_update(Update::decode_v1(&all).expect("decoded")).expect("applied");
        for _ in 0..40 {
            let known: Vec<(u64, u32)> = doc.transact().state_vector().iter().map(|(c, k)| (c.get(), *k)).collect();
            let bytes = if rand::Rng::random_bool(&mut rng, 0.2) {
                let message = crafted::edit(&mut rng, &writer);
                message[3..].to_vec()
            } else {
                crafted::update(&mut rng, &known)
            };
            prop_assert_ne!(accepted_and_broke(&doc, &bytes), Some(true), "{:?}", bytes);
        }
        let text = doc.get_or_insert_text(TEXT);
        let _ = yrs::GetString::get_string(&text, &doc.transact());
        let state = doc.transact().encode_state_as_update_v1(&yrs::StateVector::default());
        let unbounded = Limits { max_text_bytes: u64::MAX, max_update_bytes: usize::MAX, ..Limits::default() };
        let reread = wire::check_update(&state, &|_| 0, 0, &unbounded);
        prop_assert!(reread.is_ok(), "the document's own state passes the checks: {:?}", reread);
    }
}
