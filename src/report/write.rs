//! Writing a report without ever leaving it half-written, and checking it is current.
//!
//! Everything is rendered in memory first ([`Output`]). [`write`] puts the files in a
//! temporary folder beside the output folder, then moves each into place; a failure
//! before the move leaves the previous output exactly as it was. A manifest
//! (`.thirdside-manifest`) lists the files thirdside wrote, so a file it no longer
//! generates (a removed case) is removed — and a file it did not write is never touched.

use crate::error::Error;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// The name of the manifest inside the output folder.
pub const MANIFEST: &str = ".thirdside-manifest";

/// A rendered report: relative path → bytes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Output {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Output {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file. The path must be relative and stay inside the output folder.
    pub fn add(
        &mut self,
        path: impl Into<PathBuf>,
        bytes: impl Into<Vec<u8>>,
    ) -> Result<(), Error> {
        let path = path.into();
        let inside = path.components().all(|c| matches!(c, Component::Normal(_)));
        if !inside || path.as_os_str().is_empty() {
            return Err(Error::Usage(format!(
                "refusing to write {} outside the output folder",
                path.display()
            )));
        }
        self.files.insert(path, bytes.into());
        Ok(())
    }

    /// The files, in path order.
    pub fn files(&self) -> &BTreeMap<PathBuf, Vec<u8>> {
        &self.files
    }

    /// A file's bytes.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(Path::new(path)).map(Vec::as_slice)
    }

    fn manifest(&self) -> Vec<u8> {
        let mut text = String::from("# Files written by thirdside report; do not edit.\n");
        for path in self.files.keys() {
            text.push_str(&slash(path));
            text.push('\n');
        }
        text.push_str(MANIFEST);
        text.push('\n');
        text.into_bytes()
    }
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The files a previous run listed in the manifest.
fn previous(out: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_to_string(out.join(MANIFEST))
        .map(|text| {
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .map(PathBuf::from)
                .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))))
                .collect()
        })
        .unwrap_or_default()
}

/// Writes the report into `out`, atomically per file and all-or-nothing before the move.
pub fn write(out: &Path, output: &Output) -> Result<(), Error> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!(
            "--out {}: exists and is not a folder",
            out.display()
        )));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "reports".to_string());
    let staging = parent.join(format!(".{name}.thirdside-tmp-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    let staged = stage(&staging, output);
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let result = if out.exists() {
        move_files(&staging, out, output)
    } else {
        std::fs::rename(&staging, out).map_err(io(out))
    };
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn stage(staging: &Path, output: &Output) -> Result<(), Error> {
    std::fs::create_dir_all(staging).map_err(io(staging))?;
    for (path, bytes) in &output.files {
        let target = staging.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::write(&target, bytes).map_err(io(&target))?;
    }
    let manifest = staging.join(MANIFEST);
    std::fs::write(&manifest, output.manifest()).map_err(io(&manifest))
}

fn move_files(staging: &Path, out: &Path, output: &Output) -> Result<(), Error> {
    let old = previous(out);
    // Make every folder first, so that a failure cannot strike between two moves.
    for path in output.files.keys() {
        if let Some(dir) = out.join(path).parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
    }
    for path in output
        .files
        .keys()
        .map(PathBuf::as_path)
        .chain([Path::new(MANIFEST)])
    {
        let target = out.join(path);
        if target.is_dir() {
            return Err(Error::Usage(format!(
                "{} is a folder; thirdside needs to write a file there",
                target.display()
            )));
        }
        std::fs::rename(staging.join(path), &target).map_err(io(&target))?;
    }
    for gone in old.iter().filter(|p| !output.files.contains_key(*p)) {
        if gone.as_os_str() != MANIFEST {
            let _ = std::fs::remove_file(out.join(gone));
        }
    }
    Ok(())
}

/// The files in `out` that differ from the report: changed, missing, or written by an
/// earlier run and no longer generated. Empty when `out` is current.
pub fn stale(out: &Path, output: &Output) -> Vec<String> {
    let mut stale = Vec::new();
    for (path, bytes) in &output.files {
        match std::fs::read(out.join(path)) {
            Ok(current) if current == *bytes => {}
            Ok(_) => stale.push(format!("{} (differs)", out.join(path).display())),
            Err(_) => stale.push(format!("{} (missing)", out.join(path).display())),
        }
    }
    for gone in previous(out) {
        if !output.files.contains_key(&gone) && gone.as_os_str() != MANIFEST {
            stale.push(format!(
                "{} (no longer generated)",
                out.join(&gone).display()
            ));
        }
    }
    stale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        let mut o = Output::new();
        for (p, b) in files {
            o.add(*p, b.as_bytes()).expect("relative path");
        }
        o
    }

    #[test]
    fn refuses_paths_outside_the_folder() {
        let mut o = Output::new();
        assert!(o.add("../x", "y").is_err());
        assert!(o.add("/etc/x", "y").is_err());
        assert!(o.add("a/../../x", "y").is_err());
        assert!(o.add("", "y").is_err());
        assert!(o.add("cases/a.md", "y").is_ok());
    }

    #[test]
    fn writes_replaces_and_keeps_foreign_files() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("reports");
        write(&out, &output(&[("a.md", "1"), ("cases/b.md", "2")])).expect("first write");
        std::fs::write(out.join("mine.txt"), "keep me").expect("user file");
        assert!(stale(&out, &output(&[("a.md", "1"), ("cases/b.md", "2")])).is_empty());
        write(&out, &output(&[("a.md", "3")])).expect("second write");
        assert_eq!(std::fs::read_to_string(out.join("a.md")).expect("a"), "3");
        assert!(!out.join("cases/b.md").exists(), "no longer generated");
        assert_eq!(
            std::fs::read_to_string(out.join("mine.txt")).expect("mine"),
            "keep me"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(leftovers, ["reports"], "no staging folder left behind");
    }

    #[test]
    fn stale_names_changed_missing_and_removed_files() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("r");
        write(&out, &output(&[("a.md", "1"), ("b.md", "2")])).expect("write");
        let s = stale(&out, &output(&[("a.md", "changed"), ("c.md", "3")]));
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0].ends_with("a.md (differs)"));
        assert!(s[1].ends_with("c.md (missing)"));
        assert!(s[2].ends_with("b.md (no longer generated)"));
    }

    #[test]
    fn an_unwritable_target_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("temp");
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").expect("file");
        assert!(write(&blocker.join("reports"), &output(&[("a.md", "1")])).is_err());
        assert!(write(&blocker, &output(&[("a.md", "1")])).is_err());
        assert_eq!(std::fs::read_to_string(&blocker).expect("intact"), "x");
    }
}
