//! The process's allocator: mimalloc, told to give freed memory back to the
//! system at once.
//!
//! A server allocates and frees many small strings per request from several
//! threads; mimalloc does that with less contention than the system
//! allocator (measured in bench/README.md, B1). By default it returns freed
//! memory only a second later, and only when the process next allocates, so
//! a server at rest kept what its busiest moment had used: each password
//! hash (19 MiB for argon2) stayed resident after sign-up, 27 MiB more
//! after four of them (B6 measured 67 MiB resident against 40 MiB).
//! Transparent huge pages are off too (the `no_thp` feature): with them a
//! few live bytes held 2 MiB, 14 MiB more at rest.
//!
//! The only unsafe code in Stoa: mimalloc's options are set through its C
//! functions, which the `mimalloc` crate does not wrap.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_long};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(test)]
    fn mi_option_get(option: c_int) -> c_long;
}

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t`
/// (`include/mimalloc.h`): how long freed memory waits, in milliseconds.
const PURGE_DELAY: c_int = 15;

/// Returns freed memory to the system as soon as it is free.
pub fn configure() {
    // SAFETY: mimalloc's options may be set at any time, from any thread.
    unsafe { mi_option_set(PURGE_DELAY, 0) };
}

/// The purge delay in effect, in milliseconds.
#[cfg(test)]
fn purge_delay() -> c_long {
    // SAFETY: as above.
    unsafe { mi_option_get(PURGE_DELAY) }
}

#[cfg(test)]
mod tests {
    use std::hint::black_box;

    /// The process's anonymous resident memory, in KiB.
    fn anonymous_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        let line = status.lines().find(|l| l.starts_with("RssAnon:")).expect("RssAnon");
        line.split_whitespace().nth(1).and_then(|kib| kib.parse().ok()).expect("a number")
    }

    #[test]
    fn memory_freed_is_given_back_at_once() {
        super::configure();
        assert_eq!(super::purge_delay(), 0);
        let before = anonymous_kib();
        // As much as a password hash takes, every page of it touched.
        let mut block = vec![0u8; 32 << 20];
        for page in block.chunks_mut(4096) {
            page[0] = 1;
        }
        black_box(&block);
        let held = anonymous_kib();
        assert!(held >= before + 30 * 1024, "the block is resident: {before} KiB, then {held} KiB");
        drop(block);
        let after = anonymous_kib();
        assert!(after < before + 8 * 1024, "freed memory stays resident: {before} KiB, then {held}, then {after} KiB");
    }
}
