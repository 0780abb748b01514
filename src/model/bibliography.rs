//! The bibliography: citation key → work. See `rubrics/README.md`.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The bibliography file: one table per work, keyed by citation key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Bibliography {
    /// Works by key.
    pub works: BTreeMap<Spanned<String>, Work>,
}

impl Bibliography {
    /// The work with this key.
    pub fn get(&self, key: &str) -> Option<&Work> {
        self.works.get(key)
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
