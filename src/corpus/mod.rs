//! The corpus comes in: the three kinds of input file as serde types ([`model`]), read
//! and parsed with every problem collected ([`load`]), checked across files into a
//! [`validate::Corpus`] ([`validate`]), each problem a positioned [`diagnostic`].
//! Beside them: bounded reading of every input file, refusing what is not a regular
//! file ([`read`]), safe ids ([`id`]), partial dates ([`date`]), quotation checks against
//! source texts ([`quote`]), the corpus shipped inside the binary ([`embedded`]) and
//! second reads of chosen case files, checked unchanged ([`reread`]), and the parse that
//! reports every problem of a file at once ([`recover`]).
//!
//! Nothing here scores: a checked corpus is what [`crate::score`] reads.

pub mod date;
pub mod diagnostic;
pub mod embedded;
pub mod id;
pub mod load;
pub mod model;
pub mod quote;
pub mod read;
pub mod recover;
pub mod reread;
pub mod validate;
