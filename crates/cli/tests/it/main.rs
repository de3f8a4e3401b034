//! Tests of the `stoa` binary itself: real processes, real signals.

mod process;
