//! thirdside: score peacemaking efforts against rubrics from case files in which every
//! judgment is backed by evidence.

pub mod analysis;
