//! Giving freed memory back to the system between the phases of a long command.
//!
//! The binary's allocator (mimalloc) keeps the memory a thread freed, for that thread to
//! reuse. Between phases that allocate very differently — parsing thousands of case
//! files on every thread, then one page of ten thousand rows — what one phase kept is
//! not what the next needs, and the peak becomes their sum. The binary registers, once,
//! a function that returns a thread's freed memory to the system ([`on_release`]); the
//! library calls [`release`] between phases, on every thread of the pool. A program that
//! registers nothing (the library used elsewhere, the tests) is unaffected.
//!
//! Not responsible for: what is freed. A phase still drops what it no longer needs.

use std::sync::OnceLock;

static RELEASE: OnceLock<fn()> = OnceLock::new();

/// Registers how to give a thread's freed memory back; the first registration stays.
pub fn on_release(release: fn()) {
    let _ = RELEASE.set(release);
}

/// Gives freed memory back to the system, on this thread and on each of the thread
/// pool's, with the function registered by [`on_release`] (if any).
pub fn release() {
    if let Some(release) = RELEASE.get() {
        rayon::broadcast(|_| release());
        release();
    }
}
