//! The bibliography: citation key → work. See `rubrics/README.md`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use toml::Spanned;

/// The bibliography file: one table per work, keyed by citation key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Bibliography {
    /// Works by key.
    pub works: BTreeMap<Spanned<String>, Work>,
    /// Each work's [`Bibliography::short_citation`], made once when first asked for:
    /// a report cites the same few works hundreds of thousands of times.
    #[serde(skip)]
    citations: OnceLock<BTreeMap<String, String>>,
}

impl Bibliography {
    /// The work with this key.
    pub fn get(&self, key: &str) -> Option<&Work> {
        self.works.get(key)
    }

    /// "Smilde and Ramsey 2020": the work's authors' family names and year; `None` for
    /// a key not in the bibliography.
    pub fn short_citation(&self, key: &str) -> Option<&str> {
        self.citations
            .get_or_init(|| {
                self.works
                    .iter()
                    .map(|(key, w)| {
                        let citation = format!("{} {}", w.short_authors(), w.year.get_ref());
                        (key.get_ref().clone(), citation)
                    })
                    .collect()
            })
            .get(key)
            .map(String::as_str)
    }

    /// True when the key is in the bibliography.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// One work.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Work {
    /// Authors, "Family, Given", or an organisation.
    pub authors: Vec<String>,
    /// Year of publication.
    pub year: Spanned<i64>,
    /// Title.
    pub title: String,
    /// Where it was published.
    pub published: String,
    /// Where it can be read, if anywhere.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
}

impl Work {
    /// "Smilde and Ramsey", "Crocker, Hampson and Aall": family names for in-text use.
    pub fn short_authors(&self) -> String {
        let family: Vec<&str> = self
            .authors
            .iter()
            .map(|a| a.split(',').next().unwrap_or(a).trim())
            .collect();
        match family.as_slice() {
            [] => String::new(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {}", init.join(", "), last),
        }
    }
}
