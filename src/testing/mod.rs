//! Test support, not part of the product: built only for this crate's own tests and
//! with the `testing` feature, which the tests, benchmarks and the `synth` example turn
//! on (the crate is its own dev-dependency with that feature). The `thirdside` binary
//! and a library user's build never contain it.
//!
//! - [`synth`]: synthetic corpora of any size, for benchmarks and tests.

pub mod synth;
