//! Writing a report without ever leaving it half-written, and checking it is current.
//!
//! Rendered files go to an [`Output`]: held in memory ([`Output::new`]), written at
//! once into a temporary folder beside the output folder ([`Output::staged`], so a large
//! report never has to fit in memory), or compared with the files already in the
//! output folder ([`Output::compare`], for `report --check`). Files may be added from
//! several threads at once. [`write()`] then moves each staged file into place; a failure
//! before the move leaves the previous output exactly as it was, and a staging folder
//! that is never written is removed. A manifest (`.thirdside-manifest`) lists the files
//! thirdside wrote, so a file it no longer generates (a removed case) is removed — and
//! a file it did not write is never touched.

use crate::error::Error;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The name of the manifest inside the output folder.
pub const MANIFEST: &str = ".thirdside-manifest";

/// Where an [`Output`]'s files go as they are added.
#[derive(Debug, Clone, PartialEq)]
enum Sink {
    /// Kept in memory.
    Memory,
    /// Written into the staging folder, unless the output folder already holds the
    /// same bytes.
    Staging {
        /// The staging folder.
        dir: PathBuf,
        /// The output folder.
        out: PathBuf,
        /// Whether the output folder existed when staging began (if not, no file in it
        /// can be left in place).
        existed: bool,
    },
    /// Compared with the files in this output folder.
    Compare(PathBuf),
}

/// A rendered report: relative path → bytes (in memory, staged or compared).
#[derive(Debug)]
pub struct Output {
    sink: Sink,
    /// Every file added; the bytes only when kept in memory. (Hash maps and sets:
    /// thousands of pages are added, and listing sorts them once.)
    files: Mutex<HashMap<PathBuf, Vec<u8>>>,
    /// With [`Sink::Compare`]: the files that differ or are missing, with why.
    stale: Mutex<BTreeMap<PathBuf, String>>,
    /// With [`Sink::Staging`]: the files already in place with the same bytes.
    unchanged: Mutex<HashSet<PathBuf>>,
    /// With [`Sink::Staging`]: set once [`write()`] has moved the files into place.
    done: bool,
    /// The render key of each page added with one ([`Output::add_keyed`],
    /// [`Output::keep`]): what the [`Cache`] records once the report is written.
    keys: Mutex<HashMap<PathBuf, u64>>,
    /// With [`Sink::Staging`]: the output folder's cache from the run before.
    cache: Cache,
    /// The pages kept from the run before ([`Output::keep`]).
    kept: Mutex<HashSet<PathBuf>>,
}

impl Default for Output {
    fn default() -> Self {
        Output::with(Sink::Memory)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::Staging { dir, .. } = &self.sink
            && !self.done
        {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Output {
    fn with(sink: Sink) -> Self {
        Output {
            sink,
            files: Mutex::default(),
            stale: Mutex::default(),
            unchanged: Mutex::default(),
            keys: Mutex::default(),
            cache: Cache::default(),
            kept: Mutex::default(),
            done: false,
        }
    }

    /// An empty report kept in memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty report whose files are written, as they are added, into a staging
    /// folder beside `out`; [`write()`] moves them into `out`.
    pub fn staged(out: &Path) -> Result<Self, Error> {
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
        std::fs::create_dir_all(&staging).map_err(io(&staging))?;
        let mut output = Output::with(Sink::Staging {
            dir: staging,
            out: out.to_path_buf(),
            existed: out.exists(),
        });
        output.cache = Cache::load(out);
        Ok(output)
    }

    /// An empty report whose files are compared, as they are added, with those in
    /// `out`; [`stale`] lists the differences.
    pub fn compare(out: &Path) -> Self {
        Output::with(Sink::Compare(out.to_path_buf()))
    }

    /// Adds a file. The path must be relative and stay inside the output folder. Adding
    /// a path again replaces what was added before.
    pub fn add(&self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Result<(), Error> {
        let path = inside(path.into())?;
        let bytes = bytes.into();
        let again = self.forget(&path);
        let kept = match &self.sink {
            Sink::Memory => bytes,
            Sink::Staging { dir, out, existed } => {
                // A page whose bytes are already in place is left alone: it is not
                // rewritten, so a report of thousands of cases where a few changed
                // writes only those, and unchanged files keep their times.
                let target = dir.join(&path);
                if *existed && difference(&out.join(&path), &bytes).is_none() {
                    if again {
                        let _ = std::fs::remove_file(&target);
                    }
                    lock(&self.unchanged).insert(path.clone());
                    lock(&self.files).insert(path, Vec::new());
                    return Ok(());
                }
                if again {
                    lock(&self.unchanged).remove(&path);
                }
                write_file(&target, |mut file| file.write_all(&bytes))?;
                Vec::new()
            }
            Sink::Compare(out) => {
                let target = out.join(&path);
                match difference(&target, &bytes) {
                    Some(why) => {
                        lock(&self.stale)
                            .insert(path.clone(), format!("{} ({why})", target.display()));
                    }
                    None => {
                        lock(&self.stale).remove(&path);
                    }
                }
                Vec::new()
            }
        };
        lock(&self.files).insert(path, kept);
        Ok(())
    }

    /// [`Output::add`] for a large file that `write` writes a piece at a time: a staged
    /// report writes it straight into its file, never holding it whole, and leaves the
    /// file in place when it is already there with the same bytes; the others are given
    /// its bytes.
    pub fn add_written(
        &self,
        path: impl Into<PathBuf>,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let path = inside(path.into())?;
        let Sink::Staging { dir, out, existed } = &self.sink else {
            let mut bytes = Vec::new();
            write(&mut bytes).map_err(io(&path))?;
            return self.add(path, bytes);
        };
        let again = self.forget(&path);
        let target = dir.join(&path);
        write_file(&target, |file| {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut buffered)?;
            buffered.flush()
        })?;
        let same = *existed
            && std::fs::File::open(&target)
                .and_then(|staged| Ok((staged.metadata()?.len(), staged)))
                .is_ok_and(|(len, staged)| differs(&out.join(&path), len, staged).is_none());
        if same {
            let _ = std::fs::remove_file(&target);
            lock(&self.unchanged).insert(path.clone());
        } else if again {
            lock(&self.unchanged).remove(&path);
        }
        lock(&self.files).insert(path, Vec::new());
        Ok(())
    }

    /// Forgets what was said of `path` when it was added before, if it was (only a path
    /// added before can have a key or be kept); true when it was.
    fn forget(&self, path: &Path) -> bool {
        let again = self.contains(path);
        if again {
            lock(&self.keys).remove(path);
            lock(&self.kept).remove(path);
        }
        again
    }

    /// [`Output::add`] for a page whose bytes depend only on inputs summed up by `key`
    /// (see [`Cache`]).
    pub fn add_keyed(
        &self,
        path: impl Into<PathBuf>,
        bytes: impl Into<Vec<u8>>,
        key: u64,
    ) -> Result<(), Error> {
        let path = path.into();
        self.add(path.clone(), bytes)?;
        lock(&self.keys).insert(path, key);
        Ok(())
    }

    /// Keeps the page already at `path` in the output folder, rendered before from
    /// inputs summed up by `key`, as [`Cache::fresh`] found: it is part of this report,
    /// unchanged and not rendered again. Only a staged report keeps pages; the others
    /// must be given the bytes ([`Output::add_keyed`]).
    pub fn keep(&self, path: impl Into<PathBuf>, key: u64) -> Result<(), Error> {
        let path = path.into();
        if !matches!(self.sink, Sink::Staging { .. }) {
            return Err(Error::Usage(format!(
                "{}: only a report being written keeps pages from an earlier run",
                path.display()
            )));
        }
        lock(&self.unchanged).insert(path.clone());
        lock(&self.files).insert(path.clone(), Vec::new());
        lock(&self.kept).insert(path.clone());
        lock(&self.keys).insert(path, key);
        Ok(())
    }

    /// How many pages were kept from the run before rather than rendered.
    pub fn kept(&self) -> usize {
        lock(&self.kept).len()
    }

    /// True when the page at `path` in the output folder was rendered by an earlier run
    /// from inputs summed up by `key` and is still as written ([`Cache::fresh`]), so
    /// that it may be kept ([`Output::keep`]). Always false unless the report is staged.
    pub fn fresh(&self, path: &Path, key: u64) -> bool {
        match &self.sink {
            Sink::Staging { out, .. } => self.cache.fresh(out, path, key),
            _ => false,
        }
    }

    /// How many of the files added are already in the output folder byte for byte, so
    /// that writing leaves them as they are (staged reports only).
    pub fn unchanged(&self) -> usize {
        lock(&self.unchanged).len()
    }

    /// How many files were added.
    pub fn len(&self) -> usize {
        lock(&self.files).len()
    }

    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The files' paths, in order.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = lock(&self.files).keys().cloned().collect();
        in_order(&mut paths, |p| p);
        paths
    }

    /// A file's bytes, when the report is kept in memory.
    pub fn get(&self, path: &str) -> Option<Vec<u8>> {
        match self.sink {
            Sink::Memory => lock(&self.files).get(Path::new(path)).cloned(),
            _ => None,
        }
    }

    fn contains(&self, path: &Path) -> bool {
        lock(&self.files).contains_key(path)
    }

    fn manifest(&self) -> Vec<u8> {
        let mut text = String::from("# Files written by thirdside report; do not edit.\n");
        for path in self.paths() {
            text.push_str(&slash(&path));
            text.push('\n');
        }
        text.push_str(MANIFEST);
        text.push('\n');
        text.into_bytes()
    }
}

/// How the file at `target` differs from `bytes`: `None` when it holds exactly them.
/// A file of another size differs without being read; one of the same size is compared
/// a block at a time, never read whole.
fn difference(target: &Path, bytes: &[u8]) -> Option<&'static str> {
    differs(target, bytes.len() as u64, bytes)
}

/// [`difference`] from the `len` bytes `expected` reads.
fn differs(target: &Path, len: u64, mut expected: impl Read) -> Option<&'static str> {
    let Ok(mut file) = std::fs::File::open(target) else {
        return Some("missing");
    };
    match file.metadata() {
        Ok(meta) if meta.is_file() && meta.len() == len => {}
        Ok(meta) if meta.is_file() => return Some("differs"),
        _ => return Some("missing"),
    }
    let mut block = vec![0; 64 * 1024];
    let mut other = vec![0; 64 * 1024];
    loop {
        match file.read(&mut block) {
            Ok(0) => return (!matches!(expected.read(&mut other), Ok(0))).then_some("differs"),
            Ok(n) => {
                if expected.read_exact(&mut other[..n]).is_err() || block[..n] != other[..n] {
                    return Some("differs");
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Some("missing"),
        }
    }
}

/// The path, when it is relative and stays inside the output folder.
/// The path, when it is relative and stays inside the output folder, written with
/// single separators (as [`in_order`] needs).
fn inside(path: PathBuf) -> Result<PathBuf, Error> {
    let inside = path.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside || path.as_os_str().is_empty() {
        return Err(Error::Usage(format!(
            "refusing to write {} outside the output folder",
            path.display()
        )));
    }
    Ok(path.components().collect())
}

/// Sorts paths made by [`inside`] as [`Path`] orders them (component by component), but
/// comparing bytes: with every separator read as the lowest byte, which no component
/// holds, the two orders agree, and thousands of paths sort several times faster.
fn in_order<T>(items: &mut [T], path: impl Fn(&T) -> &Path + Sync)
where
    T: Send,
{
    use rayon::slice::ParallelSliceMut;
    fn bytes(path: &Path) -> impl Iterator<Item = u8> + '_ {
        let separated = |b: &u8| if *b == b'/' { 0 } else { *b };
        path.as_os_str().as_encoded_bytes().iter().map(separated)
    }
    items.par_sort_unstable_by(|a, b| bytes(path(a)).cmp(bytes(path(b))));
}

/// Creates the file `target` and has `write` write it. Most files go into a folder
/// made already: the folder is made only when missing.
fn write_file(
    target: &Path,
    write: impl FnOnce(std::fs::File) -> std::io::Result<()>,
) -> Result<(), Error> {
    let file = match std::fs::File::create(target) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::File::create(target)
        }
        file => file,
    };
    file.and_then(write).map_err(io(target))
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

/// Writes the report into `out`, atomically per file and all-or-nothing before the
/// move. A report kept in memory is staged first; a staged one must have been staged
/// for `out`.
pub fn write(out: &Path, output: &mut Output) -> Result<(), Error> {
    let staging = match &output.sink {
        Sink::Staging { dir, .. } => dir.clone(),
        Sink::Memory => {
            let mut staged = Output::staged(out)?;
            let files = lock(&output.files).clone();
            for (path, bytes) in files {
                staged.add(path, bytes)?;
            }
            return write(out, &mut staged);
        }
        Sink::Compare(_) => {
            return Err(Error::Usage(
                "a report being compared cannot be written".to_string(),
            ));
        }
    };
    let manifest = staging.join(MANIFEST);
    std::fs::write(&manifest, output.manifest()).map_err(io(&manifest))?;
    let result = if out.exists() {
        move_files(&staging, out, output)
    } else {
        std::fs::rename(&staging, out).map_err(io(out))
    };
    let _ = std::fs::remove_dir_all(&staging);
    output.done = true;
    if result.is_ok() {
        // The cache only saves work: a report written without it is still whole.
        let _ = Cache::record(out, &lock(&output.keys));
    }
    result
}

/// The name of the render cache inside the output folder. It is not part of the report
/// (not in the manifest, not compared by `--check`) and need not be kept under version
/// control.
pub const CACHE: &str = ".thirdside-cache";

/// What an earlier run rendered: for each page, the key of its inputs and the size and
/// modification time of the file written. A page whose key is the same and whose file
/// is as written is kept instead of rendered again ([`Output::keep`]).
///
/// A key sums up everything a page is rendered from (the caller's business: the case
/// file, the rubric, the bibliography, the templates and the binary). The file's size
/// and time stand in for its bytes, as they do for `make`: a page edited or replaced
/// since is rendered again.
#[derive(Debug, Default)]
pub struct Cache {
    entries: std::collections::HashMap<PathBuf, (u64, u64, u128)>,
}

/// A file's size and modification time in nanoseconds since the epoch.
fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?;
    let nanos = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), nanos))
}

impl Cache {
    /// The cache of the output folder `out`; empty when there is none or it cannot be
    /// read. Lines that do not parse are skipped.
    pub fn load(out: &Path) -> Cache {
        let Ok(text) = std::fs::read_to_string(out.join(CACHE)) else {
            return Cache::default();
        };
        let entries = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|line| {
                let mut fields = line.splitn(4, ' ');
                let key = u64::from_str_radix(fields.next()?, 16).ok()?;
                let len = fields.next()?.parse().ok()?;
                let nanos = fields.next()?.parse().ok()?;
                let path = PathBuf::from(fields.next()?);
                path.components()
                    .all(|c| matches!(c, Component::Normal(_)))
                    .then_some((path, (key, len, nanos)))
            })
            .collect();
        Cache { entries }
    }

    /// True when the page at `path` in `out` was rendered with `key` and its file is
    /// still as written.
    pub fn fresh(&self, out: &Path, path: &Path, key: u64) -> bool {
        self.entries.get(path).is_some_and(|(k, len, nanos)| {
            *k == key && stamp(&out.join(path)) == Some((*len, *nanos))
        })
    }

    /// Records the keyed pages now in `out`, replacing the cache atomically.
    fn record(out: &Path, keys: &HashMap<PathBuf, u64>) -> std::io::Result<()> {
        let mut text =
            String::from("# thirdside's render cache: key, size, time, page. Safe to delete.\n");
        use rayon::prelude::*;
        let mut keys: Vec<(&PathBuf, &u64)> = keys.iter().collect();
        in_order(&mut keys, |(p, _)| p);
        let lines: Vec<String> = keys
            .par_iter()
            .filter_map(|(path, key)| {
                let (len, nanos) = stamp(&out.join(path))?;
                Some(format!("{key:016x} {len} {nanos} {}\n", slash(path)))
            })
            .collect();
        text.extend(lines);
        let temporary = out.join(format!("{CACHE}.tmp-{}", std::process::id()));
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, out.join(CACHE))
    }
}

fn move_files(staging: &Path, out: &Path, output: &Output) -> Result<(), Error> {
    let old = previous(out);
    let unchanged = lock(&output.unchanged).clone();
    let paths: Vec<PathBuf> = output
        .paths()
        .into_iter()
        .filter(|p| !unchanged.contains(p))
        .collect();
    // Make every folder first, so that a failure cannot strike between two moves.
    for path in &paths {
        if let Some(dir) = out.join(path).parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
    }
    for path in paths
        .iter()
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
    for gone in old.iter().filter(|p| !output.contains(p)) {
        if gone.as_os_str() != MANIFEST {
            let _ = std::fs::remove_file(out.join(gone));
        }
    }
    Ok(())
}

/// The files in `out` that differ from the report: changed, missing, or written by an
/// earlier run and no longer generated, in path order. Empty when `out` is current.
pub fn stale(out: &Path, output: &Output) -> Vec<String> {
    let mut stale: Vec<(PathBuf, String)> = match &output.sink {
        Sink::Compare(_) => lock(&output.stale)
            .iter()
            .map(|(p, s)| (p.clone(), s.clone()))
            .collect(),
        _ => lock(&output.files)
            .iter()
            .filter_map(|(path, bytes)| {
                let target = out.join(path);
                let why = difference(&target, bytes)?;
                Some((path.clone(), format!("{} ({why})", target.display())))
            })
            .collect(),
    };
    stale.sort();
    let mut stale: Vec<String> = stale.into_iter().map(|(_, s)| s).collect();
    for gone in previous(out) {
        if !output.contains(&gone) && gone.as_os_str() != MANIFEST {
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
        let o = Output::new();
        for (p, b) in files {
            o.add(*p, b.as_bytes()).expect("relative path");
        }
        o
    }

    #[test]
    fn refuses_paths_outside_the_folder() {
        let o = Output::new();
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
        write(&out, &mut output(&[("a.md", "1"), ("cases/b.md", "2")])).expect("first write");
        std::fs::write(out.join("mine.txt"), "keep me").expect("user file");
        assert!(stale(&out, &output(&[("a.md", "1"), ("cases/b.md", "2")])).is_empty());
        write(&out, &mut output(&[("a.md", "3")])).expect("second write");
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
        write(&out, &mut output(&[("a.md", "1"), ("b.md", "2")])).expect("write");
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
        assert!(write(&blocker.join("reports"), &mut output(&[("a.md", "1")])).is_err());
        assert!(write(&blocker, &mut output(&[("a.md", "1")])).is_err());
        assert_eq!(std::fs::read_to_string(&blocker).expect("intact"), "x");
    }

    #[test]
    fn a_staged_report_that_is_never_written_leaves_no_trace() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("reports");
        write(&out, &mut output(&[("a.md", "1")])).expect("first write");
        {
            let staged = Output::staged(&out).expect("staging");
            staged.add("a.md", "2").expect("staged");
            staged.add("cases/b.md", "3").expect("staged");
            // A later page fails to render: the output is dropped unwritten.
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["reports"], "the staging folder is removed");
        assert_eq!(std::fs::read_to_string(out.join("a.md")).expect("a"), "1");
        assert!(!out.join("cases").exists());
    }

    #[test]
    fn staged_and_compared_reports_agree_with_one_in_memory() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("r");
        let mut staged = Output::staged(&out).expect("staging");
        // Added from several threads, out of order.
        std::thread::scope(|scope| {
            scope.spawn(|| staged.add("b.md", "2").expect("b"));
            scope.spawn(|| staged.add("cases/c.md", "3").expect("c"));
            scope.spawn(|| staged.add("a.md", "1").expect("a"));
        });
        write(&out, &mut staged).expect("write");
        let files = [("a.md", "1"), ("b.md", "2"), ("cases/c.md", "3")];
        assert!(stale(&out, &output(&files)).is_empty());
        let compared = Output::compare(&out);
        for (p, b) in [("cases/c.md", "changed"), ("a.md", "1"), ("d.md", "4")] {
            compared.add(p, b).expect("compared");
        }
        let s = stale(&out, &compared);
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0].ends_with("c.md (differs)"), "{s:?}");
        assert!(s[1].ends_with("d.md (missing)"), "{s:?}");
        assert!(s[2].ends_with("b.md (no longer generated)"), "{s:?}");
        assert!(write(&out, &mut Output::compare(&out)).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_left_in_place() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("r");
        write(&out, &mut output(&[("a.md", "1"), ("b.md", "2")])).expect("write");
        let inode = |name: &str| std::fs::metadata(out.join(name)).expect("meta").ino();
        let (a, b) = (inode("a.md"), inode("b.md"));
        let mut again = Output::staged(&out).expect("staging");
        again.add("a.md", "1").expect("a");
        again.add("b.md", "changed").expect("b");
        write(&out, &mut again).expect("second write");
        assert_eq!(inode("a.md"), a, "the unchanged file is the same file");
        assert_ne!(inode("b.md"), b, "the changed file was replaced");
        assert_eq!(
            std::fs::read_to_string(out.join("b.md")).expect("b"),
            "changed"
        );
        assert!(stale(&out, &output(&[("a.md", "1"), ("b.md", "changed")])).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_written_a_piece_at_a_time_is_what_its_bytes_would_be() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("r");
        // Larger than a comparison block, so that blocks after the first are compared.
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let pieces = |bytes: &[u8]| {
            let bytes = bytes.to_vec();
            move |w: &mut dyn Write| {
                for piece in bytes.chunks(7_000) {
                    w.write_all(piece)?;
                }
                Ok(())
            }
        };
        // A report of a large file and a small one, written a piece at a time.
        let report = |data: &[u8]| {
            let mut staged = Output::staged(&out).expect("staging");
            staged
                .add_written("d/data.json", pieces(data))
                .expect("data");
            staged
                .add_written("same.csv", pieces(b"a,b\n"))
                .expect("same");
            write(&out, &mut staged).expect("write");
        };
        report(&big);
        assert_eq!(std::fs::read(out.join("d/data.json")).expect("read"), big);
        let inode = |name: &str| std::fs::metadata(out.join(name)).expect("meta").ino();
        let (data, same) = (inode("d/data.json"), inode("same.csv"));

        // Again, with one byte changed deep inside the large file.
        let mut changed = big.clone();
        changed[150_000] ^= 1;
        report(&changed);
        assert_ne!(inode("d/data.json"), data, "the changed file was replaced");
        assert_eq!(
            std::fs::read(out.join("d/data.json")).expect("read"),
            changed
        );
        assert_eq!(
            inode("same.csv"),
            same,
            "the unchanged file is the same file"
        );

        // In memory and compared, the file is its bytes.
        let memory = Output::new();
        memory
            .add_written("same.csv", pieces(b"a,b\n"))
            .expect("memory");
        assert_eq!(memory.get("same.csv").as_deref(), Some(&b"a,b\n"[..]));
        let compared = Output::compare(&out);
        compared
            .add_written("same.csv", pieces(b"a,b\n"))
            .expect("same");
        compared
            .add_written("d/data.json", pieces(&big))
            .expect("differs");
        let stale = stale(&out, &compared);
        assert_eq!(stale.len(), 1, "{stale:?}");
        assert!(stale[0].contains("data.json"), "{stale:?}");
        assert!(
            Output::new().add_written("../x", pieces(b"")).is_err(),
            "outside the folder"
        );
    }

    proptest::proptest! {
        #[test]
        fn paths_are_listed_in_the_order_of_paths(
            paths in proptest::collection::vec("[a-c.\\-_]{1,3}(/{1,2}[a-c.\\-_]{1,3}){0,2}", 0..30),
        ) {
            let mut made: Vec<PathBuf> = paths
                .iter()
                .filter_map(|p| inside(PathBuf::from(p)).ok())
                .collect();
            let mut expected = made.clone();
            expected.sort();
            in_order(&mut made, |p| p);
            proptest::prop_assert_eq!(made, expected);
        }
    }

    #[test]
    fn adding_a_path_again_replaces_it_in_every_sink() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("r");
        write(&out, &mut output(&[("a.md", "1"), ("b.md", "2")])).expect("write");
        // Staged: unchanged then changed, and changed then unchanged.
        let mut staged = Output::staged(&out).expect("staging");
        staged.add("a.md", "1").expect("a");
        staged.add("a.md", "new").expect("a again");
        staged.add("b.md", "first").expect("b");
        staged.add("b.md", "2").expect("b again");
        write(&out, &mut staged).expect("write");
        assert_eq!(std::fs::read_to_string(out.join("a.md")).expect("a"), "new");
        assert_eq!(std::fs::read_to_string(out.join("b.md")).expect("b"), "2");
        // Compared: a difference replaced by the same bytes is no longer stale, and the
        // other way round.
        let compared = Output::compare(&out);
        compared.add("a.md", "differs").expect("a");
        compared.add("a.md", "new").expect("a again");
        compared.add("b.md", "2").expect("b");
        compared.add("b.md", "differs").expect("b again");
        let s = stale(&out, &compared);
        assert_eq!(s.len(), 1, "{s:?}");
        assert!(s[0].ends_with("b.md (differs)"), "{s:?}");
        // In memory: the last bytes.
        let memory = Output::new();
        memory.add("a.md", "1").expect("a");
        memory.add("a.md", "2").expect("a again");
        assert_eq!(memory.get("a.md"), Some(b"2".to_vec()));
        assert_eq!(memory.len(), 1);
    }
}
