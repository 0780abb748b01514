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
    citations: OnceLock<BTreeMap<String, Cited>>,
}

/// How a work is cited in the text.
#[derive(Debug, Clone)]
struct Cited {
    /// "Smilde and Ramsey 2020".
    short: String,
    /// "2020", or "2023a" among several works of the same authors and year.
    year: String,
}

/// The letters after a year: a … z, then aa, ab …
fn letters(n: usize) -> String {
    let mut n = n;
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl Bibliography {
    /// The work with this key.
    pub fn get(&self, key: &str) -> Option<&Work> {
        self.works.get(key)
    }

    /// "Smilde and Ramsey 2020": the work's authors' family names and year, with a
    /// letter after the year ("El País 2023a", "El País 2023b") when the same authors
    /// have several works that year; `None` for a key not in the bibliography.
    pub fn short_citation(&self, key: &str) -> Option<&str> {
        self.cited().get(key).map(|c| c.short.as_str())
    }

    /// The year as cited: "2023", or "2023a", "2023b"… when the same authors have
    /// several works that year (lettered in the order of their titles, then keys).
    pub fn year_label(&self, key: &str) -> &str {
        self.cited().get(key).map_or("", |c| c.year.as_str())
    }

    /// The works as a bibliography lists them: by authors (as written, ignoring case),
    /// then year, then the letter after the year.
    pub fn in_order(&self) -> Vec<(&str, &Work)> {
        let cited = self.cited();
        let mut works: Vec<(String, &str, &str, &Work)> = self
            .works
            .iter()
            .map(|(k, w)| {
                let key = k.get_ref().as_str();
                let year = cited.get(key).map_or("", |c| c.year.as_str());
                (w.authors.join("; ").to_lowercase(), year, key, w)
            })
            .collect();
        works.sort_by(|a, b| (&a.0, a.1.len(), a.1, a.2).cmp(&(&b.0, b.1.len(), b.1, b.2)));
        works.into_iter().map(|(_, _, k, w)| (k, w)).collect()
    }

    /// Every work's citation, made once: works grouped by authors and year, a group of
    /// several lettered by title.
    fn cited(&self) -> &BTreeMap<String, Cited> {
        self.citations.get_or_init(|| {
            // (authors, year) → (title, key) of each of their works that year.
            type Groups<'a> = BTreeMap<(&'a [String], i64), Vec<(&'a str, &'a str)>>;
            let mut groups: Groups = BTreeMap::new();
            for (k, w) in &self.works {
                groups
                    .entry((w.authors.as_slice(), *w.year.get_ref()))
                    .or_default()
                    .push((w.title.as_str(), k.get_ref().as_str()));
            }
            let mut cited = BTreeMap::new();
            for ((_, year), mut works) in groups {
                works.sort();
                let several = works.len() > 1;
                for (n, (_, key)) in works.into_iter().enumerate() {
                    let year = match several {
                        true => format!("{year}{}", letters(n)),
                        false => year.to_string(),
                    };
                    let work = &self.works[key];
                    cited.insert(
                        key.to_string(),
                        Cited {
                            short: format!("{} {year}", work.short_authors()),
                            year,
                        },
                    );
                }
            }
            cited
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn works_by_the_same_authors_in_one_year_are_lettered_and_listed_by_author() {
        let bibliography: Bibliography = toml::from_str(
            r#"
            [pais-b]
            authors = ["El País"]
            year = 2023
            title = "Zeta"
            published = "Madrid"
            [pais-a]
            authors = ["El País"]
            year = 2023
            title = "Alpha"
            published = "Madrid"
            [abc]
            authors = ["Zubiri, Ana"]
            year = 2020
            title = "T"
            published = "P"
            [pais-old]
            authors = ["El País"]
            year = 2019
            title = "Old"
            published = "Madrid"
            "#,
        )
        .expect("bibliography");
        assert_eq!(bibliography.short_citation("pais-a"), Some("El País 2023a"));
        assert_eq!(bibliography.short_citation("pais-b"), Some("El País 2023b"));
        assert_eq!(
            bibliography.short_citation("pais-old"),
            Some("El País 2019")
        );
        assert_eq!(bibliography.short_citation("abc"), Some("Zubiri 2020"));
        let order: Vec<&str> = bibliography
            .in_order()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(order, ["pais-old", "pais-a", "pais-b", "abc"]);
        assert_eq!(bibliography.year_label("pais-b"), "2023b");
        assert_eq!(
            [letters(0), letters(25), letters(26), letters(27)],
            ["a", "z", "aa", "ab"]
        );
    }
}
