//! How the report's bytes are produced, behind one boundary: the embedded and
//! overridable Handlebars templates ([`templates::Templates`], the only entry the
//! report's page logic uses), the fast evaluator of the templates' common subset
//! (`evaluator`, checked byte for byte against Handlebars), the compact template data it
//! reads (`data`) and the escaping of text for Markdown, HTML and SVG ([`escape`]).
//!
//! The page logic (`crate::report`'s views) hands a serializable view and a template
//! name to [`templates::Templates`] and gets text back; it never sees which engine ran.

mod data;
pub mod escape;
mod evaluator;
pub mod templates;
