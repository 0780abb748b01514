//! Fuzz target: the file-system side of `report`. The bytes describe an output folder as
//! a repository or a careless user could leave it (files, folders, FIFOs, symbolic links
//! out of it, to itself and to its parent, a manifest of any lines, a journal of an
//! "interrupted" update with a staging folder, a cache) and then one or two reports of
//! any paths, written as `report` writes them (staged inside the folder, pages kept from
//! the run before when the cache says they are fresh). Whatever happens:
//! - nothing outside the output folder changes;
//! - a file the report does not write, and that no manifest or journal line names, keeps
//!   its bytes;
//! - a write that succeeds leaves every page with its bytes, and `report --check`'s
//!   comparison then finds the folder current;
//! - a write that fails, into a folder with no journal or staging folder planted, leaves
//!   the folder as it was;
//! - nothing panics.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use thirdside::report::write::{Output, stale, write};

/// A path of up to three components from names that matter to the writer.
#[derive(Debug, Arbitrary)]
struct Name(Vec<u8>);

const PARTS: &[&str] = &[
    "a",
    "b",
    "cases",
    "index.md",
    "x.html",
    ".thirdside-manifest",
    ".thirdside-journal",
    ".thirdside-cache",
    ".thirdside-lock",
    ".thirdside-staging-p",
    "..",
    ".",
];

impl Name {
    fn path(&self) -> String {
        let parts: Vec<&str> = self
            .0
            .iter()
            .take(3)
            .map(|b| PARTS[*b as usize % PARTS.len()])
            .collect();
        if parts.is_empty() {
            "a".to_string()
        } else {
            parts.join("/")
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Plant {
    File(Vec<u8>),
    Folder,
    Fifo,
    LinkToOutsideFolder,
    LinkToOutsideFile,
    LinkToItself,
    LinkToParent,
    LinkDangling,
}

#[derive(Debug, Arbitrary)]
enum Line {
    /// A line naming a path with the digest of what is there now (so a removal would be
    /// allowed if it were reached).
    Digested(Name),
    /// A line naming a path without a digest.
    Bare(Name),
    /// A line naming a path with the digest of these bytes.
    Claimed(Name, Vec<u8>),
    Raw(String),
}

#[derive(Debug, Arbitrary)]
struct Journal {
    /// The staging folder the journal names: the planted one, or any text.
    staging: Option<String>,
    lines: Vec<(u8, Line)>,
    /// Files in the planted staging folder (under `old/` or `new/`).
    staged: Vec<(bool, Name, Vec<u8>)>,
}

#[derive(Debug, Arbitrary)]
enum Page {
    Add(Name, Vec<u8>),
    Keyed(Name, Vec<u8>, u8),
    /// Kept from the run before when the cache says it is fresh, else added.
    Keep(Name, Vec<u8>, u8),
}

#[derive(Debug, Arbitrary)]
struct Input {
    planted: Vec<(Name, Plant)>,
    manifest: Option<Vec<Line>>,
    journal: Option<Journal>,
    cache: Option<Vec<u8>>,
    runs: Vec<Vec<Page>>,
}

/// Every entry under `dir`: files with their bytes, links with their targets, folders
/// and other kinds marked.
fn everything(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            let rel = p
                .strip_prefix(dir)
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                let target = fs::read_link(&p).map(|t| t.display().to_string());
                all.insert(rel, format!("-> {target:?}").into_bytes());
            } else if kind.is_dir() {
                all.insert(format!("{rel}/"), Vec::new());
                stack.push(p);
            } else if kind.is_file() {
                all.insert(rel, fs::read(&p).unwrap_or_default());
            } else {
                all.insert(rel, b"(other)".to_vec());
            }
        }
    }
    all
}

fn digest(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

fn line(out: &Path, line: &Line, named: &mut Vec<String>) -> String {
    match line {
        Line::Digested(name) => {
            let path = name.path();
            named.push(path.clone());
            // Never open a FIFO (it would block): only a regular file is read.
            let at = out.join(&path);
            let regular = fs::metadata(&at).is_ok_and(|m| m.is_file());
            let bytes = if regular {
                fs::read(&at).unwrap_or_default()
            } else {
                Vec::new()
            };
            format!("{} {path}", digest(&bytes))
        }
        Line::Bare(name) => {
            named.push(name.path());
            name.path()
        }
        Line::Claimed(name, bytes) => {
            named.push(name.path());
            format!("{} {}", digest(bytes), name.path())
        }
        Line::Raw(text) => {
            // Any word of a raw line may be taken for a path.
            named.extend(text.split([' ', '\n', '\r']).map(str::to_string));
            text.clone()
        }
    }
}

/// Writes a planted file, unless something other than a regular file is there already
/// (opening a planted FIFO to write would block, and a link is left as planted).
fn put(at: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match fs::symlink_metadata(at) {
        Ok(meta) if !meta.is_file() => Ok(()),
        _ => fs::write(at, bytes),
    }
}

fn plant(out: &Path, outside: &Path, path: &str, what: &Plant) {
    let at = out.join(path);
    if let Some(parent) = at.parent() {
        let _ = fs::create_dir_all(parent);
    }
    let _ = match what {
        Plant::File(bytes) => put(&at, bytes),
        Plant::Folder => fs::create_dir_all(&at),
        Plant::Fifo => {
            let c = std::ffi::CString::new(at.as_os_str().as_encoded_bytes()).unwrap_or_default();
            // SAFETY: a valid C string; mkfifo only creates a node.
            unsafe { libc_mkfifo(c.as_ptr(), 0o600) };
            Ok(())
        }
        Plant::LinkToOutsideFolder => std::os::unix::fs::symlink(outside, &at),
        Plant::LinkToOutsideFile => std::os::unix::fs::symlink(outside.join("a"), &at),
        Plant::LinkToItself => std::os::unix::fs::symlink(".", &at),
        Plant::LinkToParent => std::os::unix::fs::symlink("..", &at),
        Plant::LinkDangling => std::os::unix::fs::symlink(outside.join("none"), &at),
    };
}

unsafe extern "C" {
    #[link_name = "mkfifo"]
    fn libc_mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
}

fuzz_target!(|input: Input| {
    if input.runs.is_empty() || input.runs.len() > 2 || input.planted.len() > 12 {
        return;
    }
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let out = dir.path().join("out");
    let outside = dir.path().join("outside");
    let _ = fs::create_dir_all(outside.join("a/b"));
    for name in ["a/x", "b", "a/b/c", "index.md"] {
        let _ = fs::write(outside.join(name), format!("outside {name}"));
    }
    let _ = fs::create_dir_all(&out);
    for (name, what) in &input.planted {
        plant(&out, &outside, &name.path(), what);
    }
    // Paths some planted line names: their files may legitimately change.
    let mut named: Vec<String> = Vec::new();
    if let Some(lines) = &input.manifest {
        let text: Vec<String> = lines.iter().map(|l| line(&out, l, &mut named)).collect();
        let _ = put(
            &out.join(".thirdside-manifest"),
            (text.join("\n") + "\n").as_bytes(),
        );
    }
    // A planted journal or staging folder is an update to roll back or a dead run's
    // folder to remove: then a failed run may have changed the folder.
    let planted_update = input.journal.is_some()
        || fs::read_dir(&out).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(".thirdside-staging-") || name == ".thirdside-journal"
            })
        });
    if let Some(journal) = &input.journal {
        let staging = out.join(".thirdside-staging-p");
        for (old, name, bytes) in &journal.staged {
            let at = staging
                .join(if *old { "old" } else { "new" })
                .join(name.path());
            if let Some(parent) = at.parent() {
                let _ = fs::create_dir_all(parent);
            }
            let _ = put(&at, bytes);
        }
        let mut text = format!(
            "staging {}\n",
            journal.staging.as_deref().unwrap_or(".thirdside-staging-p")
        );
        for (word, l) in &journal.lines {
            let word = ["create", "replace", "remove", "folder", ""][*word as usize % 5];
            text.push_str(&format!("{word} {}\n", line(&out, l, &mut named)));
        }
        let _ = put(&out.join(".thirdside-journal"), text.as_bytes());
    }
    if let Some(cache) = &input.cache {
        let _ = put(&out.join(".thirdside-cache"), cache);
    }
    let outside_before = everything(&outside);
    for run in &input.runs {
        let before = everything(&out);
        // The files the manifest there now names may go or be replaced.
        let manifest_path = out.join(".thirdside-manifest");
        let manifest = if fs::symlink_metadata(&manifest_path).is_ok_and(|m| m.is_file()) {
            fs::read_to_string(&manifest_path).unwrap_or_default()
        } else {
            String::new()
        };
        let mut named = named.clone();
        named.extend(
            manifest
                .lines()
                .map(|l| l.rsplit(' ').next().unwrap_or(l).to_string()),
        );
        let staged = Output::staged(&out);
        let mut pages: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let result = staged.and_then(|mut output| {
            for page in run {
                let (raw, bytes, key, keep) = match page {
                    Page::Add(n, b) => (n.path(), b, None, false),
                    Page::Keyed(n, b, k) => (n.path(), b, Some(u64::from(*k)), false),
                    Page::Keep(n, b, k) => (n.path(), b, Some(u64::from(*k)), true),
                };
                let path = raw
                    .split('/')
                    .filter(|c| *c != ".")
                    .collect::<Vec<_>>()
                    .join("/");
                let path = if raw.starts_with("./") || raw == "." {
                    raw
                } else {
                    path
                };
                let added = match key {
                    Some(k) if keep && output.fresh(Path::new(&path), k) => output
                        .keep(path.as_str(), k)
                        .map(|()| before.get(&path).cloned()),
                    Some(k) => output
                        .add_keyed(path.as_str(), bytes.clone(), k)
                        .map(|()| Some(bytes.clone())),
                    None => output
                        .add(path.as_str(), bytes.clone())
                        .map(|()| Some(bytes.clone())),
                };
                match added {
                    Ok(Some(b)) => {
                        pages.insert(path, b);
                    }
                    Ok(None) => {}
                    Err(_) => {}
                }
            }
            write(&out, &mut output)
        });
        let after = everything(&out);
        assert_eq!(
            everything(&outside),
            outside_before,
            "outside --out changed: {result:?}"
        );
        for (path, bytes) in &before {
            let mentioned = named.iter().any(|n| {
                let n = n.trim_matches('/');
                !n.is_empty() && (path.starts_with(n) || n.starts_with(path.trim_end_matches('/')))
            });
            let internal = path.starts_with(".thirdside-");
            if mentioned
                || internal
                || pages
                    .keys()
                    .any(|p| p == path || path.starts_with(&format!("{p}/")))
            {
                continue;
            }
            if path.ends_with('/') {
                continue; // an emptied folder may go
            }
            assert_eq!(
                after.get(path),
                Some(bytes),
                "{path} was changed: {result:?}"
            );
        }
        match &result {
            Ok(()) => {
                let check = Output::compare(&out);
                for (path, bytes) in &pages {
                    assert_eq!(
                        fs::read(out.join(path)).ok().as_ref(),
                        Some(bytes),
                        "{path}"
                    );
                    let _ = check.add(path.as_str(), bytes.clone());
                }
                assert_eq!(
                    stale(&out, &check),
                    Vec::<String>::new(),
                    "current after a write"
                );
            }
            Err(_) if !planted_update => {
                let unchanged: BTreeMap<_, _> = after
                    .iter()
                    .filter(|(p, _)| !p.starts_with(".thirdside-lock"))
                    .collect();
                let was: BTreeMap<_, _> = before
                    .iter()
                    .filter(|(p, _)| !p.starts_with(".thirdside-lock"))
                    .collect();
                assert_eq!(unchanged, was, "a failed write changed --out: {result:?}");
            }
            Err(_) => {}
        }
    }
});
