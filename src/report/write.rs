//! Writing a report without ever leaving it half-written, without ever writing outside
//! its folder, and checking it is current.
//!
//! Rendered files go to an [`Output`]: held in memory ([`Output::new`]), written at
//! once into a staging folder inside the output folder ([`Output::staged`], so a large
//! report never has to fit in memory and every move stays on one file system), or
//! compared with the files already in the output folder ([`Output::compare`], for
//! `report --check`). Files may be added from several threads at once.
//!
//! [`write()`] moves the staged files into place as one transaction: it first writes a
//! journal (`.thirdside-journal`) naming every file it will create, replace or remove,
//! moves each replaced or removed file aside into the staging folder, moves the new one
//! in, and removes the journal only when every move is done. A failure part way rolls
//! the moves back at once; a run killed part way leaves the journal, and the next run
//! (or [`recover`]) rolls it back before anything else. So the folder is always
//! wholly old or wholly new, or holds a journal that says it is neither.
//!
//! Runs into one folder are serialised by a lock (`.thirdside-lock`, held for the whole
//! run): a second run is refused with the holder's process id. Staging folders left by
//! runs that died are removed by the next run.
//!
//! Nothing is written, moved or removed through a symbolic link: a link anywhere on the
//! way to a file (`reports/cases -> elsewhere`) or the output folder itself being one
//! is refused, naming the link. A manifest (`.thirdside-manifest`) lists the files
//! thirdside wrote with a digest of each, so a file it no longer generates (a removed
//! case) is removed only while its bytes are still the ones written; a file not in the
//! manifest is never replaced (unless it holds exactly the bytes that would be written)
//! and never removed. `--out` may not be the root or the home folder.

use super::beneath::Beneath;
use crate::error::Error;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The name of the manifest inside the output folder.
pub const MANIFEST: &str = ".thirdside-manifest";

/// The name of the journal of an update in progress, inside the output folder.
pub const JOURNAL: &str = ".thirdside-journal";

/// The name of the lock file that serialises runs into one output folder.
pub const LOCK: &str = ".thirdside-lock";

/// How the names of staging folders inside the output folder begin.
const STAGING: &str = ".thirdside-staging-";

/// A 128-bit digest (XXH3) of a file's bytes, as the manifest records it.
type Digest = u128;

fn digest(bytes: &[u8]) -> Digest {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// The digest of the file at `path`, read a block at a time; `None` when it is not a
/// regular file or cannot be read.
fn digest_file(path: &Path) -> Option<Digest> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut block = vec![0; 64 * 1024];
    loop {
        match file.read(&mut block) {
            Ok(0) => return Some(hasher.digest128()),
            Ok(n) => hasher.update(&block[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// Where an [`Output`]'s files go as they are added.
#[derive(Debug, Clone, PartialEq)]
enum Sink {
    /// Kept in memory.
    Memory,
    /// Written into the staging folder, unless the output folder already holds the
    /// same bytes.
    Staging {
        /// The staging folder (inside `out`); new files go to its `new/`, replaced and
        /// removed ones are moved aside into its `old/`.
        dir: PathBuf,
        /// The output folder.
        out: PathBuf,
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
    /// With [`Sink::Staging`]: the digest of each file added (of a kept page, none:
    /// it is taken from the manifest or the file when the report is written).
    digests: Mutex<HashMap<PathBuf, Digest>>,
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
    /// With [`Sink::Staging`]: the lock on the output folder, held until dropped.
    lock: Option<Lock>,
    /// With [`Sink::Staging`]: what was found and repaired of an earlier run.
    recovered: Vec<String>,
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

/// A chosen point of a write where the kill and fault tests stop a run (only with the
/// `testing` feature): the process aborts there when the test-only variable
/// `THIRDSIDE_ABORT_AT` names the point, and the write fails there, as a failing move
/// would, when `THIRDSIDE_FAIL_AT` does.
#[cfg(feature = "testing")]
fn crash_point(point: &str) -> Result<(), Error> {
    if std::env::var("THIRDSIDE_ABORT_AT").is_ok_and(|at| at == point) {
        std::process::abort();
    }
    if std::env::var("THIRDSIDE_FAIL_AT").is_ok_and(|at| at == point) {
        return Err(Error::Io {
            path: PathBuf::from(point),
            source: std::io::Error::other("failure injected by THIRDSIDE_FAIL_AT"),
        });
    }
    Ok(())
}

#[cfg(not(feature = "testing"))]
#[inline(always)]
fn crash_point(_point: &str) -> Result<(), Error> {
    Ok(())
}

/// The lock on an output folder: the lock file, locked, removed when dropped.
#[derive(Debug)]
struct Lock {
    file: std::fs::File,
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held: a run that opened it meanwhile finds, once it has
        // the lock, that the path no longer names its file, and opens it again.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Same file, for the lock's check that the path still names the file it locked.
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_a: &std::fs::Metadata, _b: &std::fs::Metadata) -> bool {
    true
}

impl Lock {
    /// Takes the lock on `out`, or says which run holds it.
    fn take(out: &Path) -> Result<Lock, Error> {
        let path = out.join(LOCK);
        loop {
            refuse_link(out, Path::new(LOCK))?;
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = match holder.trim().parse::<u32>() {
                        Ok(pid) => format!("process {pid}"),
                        Err(_) => "another process".to_string(),
                    };
                    return Err(Error::Usage(format!(
                        "{}: another thirdside report ({holder}) is writing into {}; wait for it to finish, then run again",
                        path.display(),
                        out.display()
                    )));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(&path)(e)),
            }
            let held = file.metadata().map_err(io(&path))?;
            match std::fs::symlink_metadata(&path) {
                Ok(now) if same_file(&held, &now) => {}
                // Removed by the run that held it, just before it let go: open again.
                _ => continue,
            }
            file.set_len(0).map_err(io(&path))?;
            writeln!(file, "{}", std::process::id()).map_err(io(&path))?;
            return Ok(Lock { file, path });
        }
    }
}

/// Refuses a symbolic link on the way from `out` to `path` (the folders `path` passes
/// through and the file itself), naming it: thirdside writes, moves and removes only
/// real files in real folders under `out`. Components that do not exist yet are fine.
fn refuse_link(out: &Path, path: &Path) -> Result<(), Error> {
    let mut at = out.to_path_buf();
    for component in path.components() {
        at.push(component);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&at)
                    .map(|t| format!(" (to {})", t.display()))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "{} is a symbolic link{target}; thirdside writes only inside {} and follows no link there: remove the link",
                    at.display(),
                    out.display()
                )));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// [`refuse_link`] for many paths, checking each folder once.
fn refuse_links<'a>(out: &Path, paths: impl IntoIterator<Item = &'a Path>) -> Result<(), Error> {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for path in paths {
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
            && !seen.contains(parent)
        {
            refuse_link(out, parent)?;
            seen.insert(parent.to_path_buf());
        }
        if let Ok(meta) = std::fs::symlink_metadata(out.join(path))
            && meta.file_type().is_symlink()
        {
            refuse_link(out, path)?;
        }
    }
    Ok(())
}

/// Checks the output folder before anything is written: not a file, not a link, not
/// the root or the home folder. Makes it when missing.
fn checked_out(out: &Path) -> Result<(), Error> {
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(out)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "--out {}: is a symbolic link (to {target}); give the folder it points to as --out, or remove the link",
                out.display()
            )));
        }
        if !meta.is_dir() {
            return Err(Error::Usage(format!(
                "--out {}: exists and is not a folder",
                out.display()
            )));
        }
    }
    let forbidden = |dir: &Path| {
        let Ok(dir) = dir.canonicalize() else {
            return false;
        };
        dir.parent().is_none()
            || std::env::var_os("HOME")
                .and_then(|home| PathBuf::from(home).canonicalize().ok())
                .is_some_and(|home| home == dir)
    };
    // The folder itself, or the nearest existing folder it would be made in, when `out`
    // names the root or home in another way (`/tmp/..`).
    if forbidden(out) || (out.components().next_back() == Some(Component::RootDir)) {
        return Err(Error::Usage(format!(
            "--out {}: is the root or the home folder; give a folder of its own (such as reports)",
            out.display()
        )));
    }
    std::fs::create_dir_all(out).map_err(io(out))?;
    if forbidden(out) {
        return Err(Error::Usage(format!(
            "--out {}: is the root or the home folder; give a folder of its own (such as reports)",
            out.display()
        )));
    }
    Ok(())
}

impl Output {
    fn with(sink: Sink) -> Self {
        Output {
            sink,
            files: Mutex::default(),
            digests: Mutex::default(),
            stale: Mutex::default(),
            unchanged: Mutex::default(),
            keys: Mutex::default(),
            cache: Cache::default(),
            kept: Mutex::default(),
            done: false,
            lock: None,
            recovered: Vec::new(),
        }
    }

    /// An empty report kept in memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty report whose files are written, as they are added, into a staging
    /// folder inside `out`; [`write()`] moves them into place. Takes the lock on `out`
    /// (refused while another run holds it), rolls back an update an earlier run left
    /// unfinished and removes the staging folders of dead runs ([`Output::recovered`]
    /// says what was found).
    pub fn staged(out: &Path) -> Result<Self, Error> {
        checked_out(out)?;
        let held = Lock::take(out)?;
        let recovered = recover_locked(out)?;
        let staging = tempfile::Builder::new()
            .prefix(STAGING)
            .tempdir_in(out)
            .map_err(io(out))?
            .keep();
        for part in ["new", "old"] {
            let dir = staging.join(part);
            std::fs::create_dir(&dir).map_err(io(&dir))?;
        }
        let mut output = Output::with(Sink::Staging {
            dir: staging,
            out: out.to_path_buf(),
        });
        output.cache = Cache::load(out);
        output.lock = Some(held);
        output.recovered = recovered;
        Ok(output)
    }

    /// What [`Output::staged`] found of earlier runs and repaired (an interrupted update
    /// rolled back, staging folders of dead runs removed), one sentence each.
    pub fn recovered(&self) -> &[String] {
        &self.recovered
    }

    /// An empty report whose files are compared, as they are added, with those in
    /// `out`; [`stale`] lists the differences.
    pub fn compare(out: &Path) -> Self {
        Output::with(Sink::Compare(out.to_path_buf()))
    }

    /// Adds a file. The path must be relative and stay inside the output folder. Adding
    /// a path again replaces what was added before.
    pub fn add(&self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Result<(), Error> {
        let path = page(path.into())?;
        let bytes = bytes.into();
        let again = self.forget(&path);
        let kept = match &self.sink {
            Sink::Memory => bytes,
            Sink::Staging { dir, out } => {
                // A page whose bytes are already in place is left alone: it is not
                // rewritten, so a report of thousands of cases where a few changed
                // writes only those, and unchanged files keep their times.
                let target = dir.join("new").join(&path);
                lock(&self.digests).insert(path.clone(), digest(&bytes));
                if difference(&out.join(&path), &bytes).is_none() {
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
        let path = page(path.into())?;
        let Sink::Staging { dir, out } = &self.sink else {
            let mut bytes = Vec::new();
            write(&mut bytes).map_err(io(&path))?;
            return self.add(path, bytes);
        };
        let again = self.forget(&path);
        let target = dir.join("new").join(&path);
        write_file(&target, |file| {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut buffered)?;
            buffered.flush()
        })?;
        let written = digest_file(&target).ok_or_else(|| Error::Io {
            path: target.clone(),
            source: std::io::Error::other("the file just written cannot be read back"),
        })?;
        lock(&self.digests).insert(path.clone(), written);
        let same = std::fs::File::open(&target)
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
            lock(&self.digests).remove(path);
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
        let path = page(path.into())?;
        if !matches!(self.sink, Sink::Staging { .. }) {
            return Err(Error::Usage(format!(
                "{}: only a report being written keeps pages from an earlier run",
                path.display()
            )));
        }
        lock(&self.digests).remove(&path);
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

    /// The manifest: each file with its digest, in path order, then the manifest.
    fn manifest(&self, digests: &HashMap<PathBuf, Digest>) -> Vec<u8> {
        let mut text = String::from(
            "# Files written by thirdside report, each after the XXH3-128 digest of its bytes; do not edit.\n",
        );
        for path in self.paths() {
            if let Some(d) = digests.get(&path) {
                text.push_str(&format!("{d:032x} "));
            }
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
/// a block at a time, never read whole. A symbolic link is never the same.
fn difference(target: &Path, bytes: &[u8]) -> Option<&'static str> {
    differs(target, bytes.len() as u64, bytes)
}

/// [`difference`] from the `len` bytes `expected` reads.
fn differs(target: &Path, len: u64, mut expected: impl Read) -> Option<&'static str> {
    match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.is_file() && meta.len() == len => {}
        Ok(meta) if meta.is_file() => return Some("differs"),
        _ => return Some("missing"),
    }
    let Ok(mut file) = std::fs::File::open(target) else {
        return Some("missing");
    };
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

/// The path, when it is relative and stays inside the output folder, written with
/// single separators (as [`in_order`] needs) and without line breaks (it must fit on
/// one line of the manifest and the journal).
fn inside(path: PathBuf) -> Result<PathBuf, Error> {
    let inside = path.components().all(|c| matches!(c, Component::Normal(_)));
    let one_line = !path
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .any(|b| *b == b'\n' || *b == b'\r');
    if !inside || !one_line || path.as_os_str().is_empty() {
        return Err(Error::Usage(format!(
            "refusing to write {} outside the output folder",
            path.display()
        )));
    }
    Ok(path.components().collect())
}

/// A page's path: [`inside`] the output folder, and not one of the names thirdside keeps
/// for its own files there (`.thirdside-manifest`, the journal, the lock, the cache and
/// the staging folders all begin `.thirdside-`), which a page would overwrite or be
/// overwritten by.
fn page(path: PathBuf) -> Result<PathBuf, Error> {
    let path = inside(path)?;
    let reserved = path
        .components()
        .next()
        .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with(".thirdside-"));
    if reserved {
        return Err(Error::Usage(format!(
            "refusing to write {}: names beginning `.thirdside-` at the top of the output folder are thirdside's own files",
            path.display()
        )));
    }
    Ok(path)
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

/// Creates the file `target` (in the staging folder) and has `write` write it. Most
/// files go into a folder made already: the folder is made only when missing.
fn write_file(
    target: &Path,
    write: impl FnOnce(std::fs::File) -> std::io::Result<()>,
) -> Result<(), Error> {
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target)
    };
    let file = match create() {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            create()
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            // Added again: the staged file of the first addition goes.
            std::fs::remove_file(target).map_err(io(target))?;
            create()
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

/// The files a previous run listed in the manifest, each with its digest when the
/// manifest recorded one (manifests of earlier versions did not).
fn previous(out: &Path) -> BTreeMap<PathBuf, Option<Digest>> {
    let Ok(meta) = std::fs::symlink_metadata(out.join(MANIFEST)) else {
        return BTreeMap::new();
    };
    if !meta.is_file() {
        return BTreeMap::new();
    }
    own_file(&out.join(MANIFEST))
        .map(|text| {
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .map(|line| match line.split_once(' ') {
                    Some((d, path)) if d.len() == 32 => match u128::from_str_radix(d, 16) {
                        Ok(d) => (PathBuf::from(path), Some(d)),
                        Err(_) => (PathBuf::from(line), None),
                    },
                    _ => (PathBuf::from(line), None),
                })
                .filter(|(p, _)| p.components().all(|c| matches!(c, Component::Normal(_))))
                .collect()
        })
        .unwrap_or_default()
}

/// The most a manifest, journal or cache may hold: a line per file, about 70 bytes,
/// for millions of files.
const MAX_OWN_FILE: u64 = 512 * 1024 * 1024;

/// The text of one of thirdside's own files in the output folder (the manifest, the
/// journal, the cache): read only when it is a regular file (a FIFO planted under its
/// name would block the read), within [`MAX_OWN_FILE`].
fn own_file(path: &Path) -> Result<String, Error> {
    crate::corpus::read::read_text(path, MAX_OWN_FILE)
}

/// One step of an update, as the journal records it.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// A folder made (removed again on rollback when empty).
    Folder(PathBuf),
    /// A new file moved in where there was none, with the digest of its bytes: a
    /// rollback removes it only while it holds them.
    Create(PathBuf, Digest),
    /// A file replaced: the old one is moved aside into `old/` first. With the digest
    /// of the new file: a rollback puts the old one back only over these bytes.
    Replace(PathBuf, Digest),
    /// A file removed: moved aside into `old/`.
    Remove(PathBuf),
}

impl Step {
    fn line(&self) -> String {
        match self {
            Step::Folder(p) => format!("folder {}\n", slash(p)),
            Step::Create(p, d) => format!("create {d:032x} {}\n", slash(p)),
            Step::Replace(p, d) => format!("replace {d:032x} {}\n", slash(p)),
            Step::Remove(p) => format!("remove {}\n", slash(p)),
        }
    }

    /// The step a journal line records; `None` for a line that names a path outside
    /// the folder, or a created or replaced file without the digest of its bytes
    /// (nothing is removed or overwritten that cannot be shown to be thirdside's).
    fn parse(line: &str) -> Option<Step> {
        let (word, rest) = line.split_once(' ')?;
        let digested = || {
            let (d, path) = rest.split_once(' ')?;
            let d = (d.len() == 32)
                .then(|| u128::from_str_radix(d, 16).ok())
                .flatten()?;
            Some((inside(PathBuf::from(path)).ok()?, d))
        };
        Some(match word {
            "folder" => Step::Folder(inside(PathBuf::from(rest)).ok()?),
            "create" => digested().map(|(p, d)| Step::Create(p, d))?,
            "replace" => digested().map(|(p, d)| Step::Replace(p, d))?,
            "remove" => Step::Remove(inside(PathBuf::from(rest)).ok()?),
            _ => return None,
        })
    }

    fn path(&self) -> &Path {
        match self {
            Step::Folder(p) | Step::Create(p, _) | Step::Replace(p, _) | Step::Remove(p) => p,
        }
    }
}

/// Writes `text` to `target` atomically: a temporary file with a random name, created
/// exclusively beside it, then renamed over it.
fn replace_atomically(target: &Path, text: &[u8], sync: bool) -> std::io::Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!("{name}.tmp-"))
        .tempfile_in(dir)?;
    temporary.write_all(text)?;
    if sync {
        temporary.as_file().sync_all()?;
    }
    temporary.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Rolls back an update an earlier run left unfinished in `out` (its journal is there)
/// and removes the staging folders of runs that died, taking the lock on `out` for the
/// while. Returns what it found, one sentence each; empty when `out` was clean.
pub fn recover(out: &Path) -> Result<Vec<String>, Error> {
    if !out.is_dir() {
        return Ok(Vec::new());
    }
    let _held = Lock::take(out)?;
    recover_locked(out)
}

/// [`recover`] with the lock held.
fn recover_locked(out: &Path) -> Result<Vec<String>, Error> {
    let mut found = Vec::new();
    let journal = out.join(JOURNAL);
    if std::fs::symlink_metadata(&journal).is_ok() {
        refuse_link(out, Path::new(JOURNAL))?;
        let text = own_file(&journal)?;
        let mut lines = text.lines().filter(|l| !l.starts_with('#'));
        let staging = lines
            .next()
            .and_then(|l| l.strip_prefix("staging "))
            .filter(|name| {
                name.starts_with(STAGING)
                    && inside(PathBuf::from(name)).is_ok_and(|p| p.components().count() == 1)
            })
            .map(|name| out.join(name));
        let steps: Vec<Step> = lines.filter_map(Step::parse).collect();
        match staging {
            Some(staging) => {
                let undone = roll_back(out, &staging, &steps)?;
                found.push(format!(
                    "{}: an earlier report into {} was interrupted part way; rolled back ({undone} files restored), so the folder is as it was before that run",
                    journal.display(),
                    out.display()
                ));
            }
            None => {
                return Err(Error::Usage(format!(
                    "{}: the journal of an interrupted update does not name its staging folder; restore {} from version control, then delete the journal",
                    journal.display(),
                    out.display()
                )));
            }
        }
        std::fs::remove_file(&journal).map_err(io(&journal))?;
    }
    // With the lock held no other run is writing here: every staging folder is a
    // dead run's.
    let mut removed = 0;
    if let Ok(entries) = std::fs::read_dir(out) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with(STAGING)
                && entry.file_type().is_ok_and(|t| t.is_dir())
                && std::fs::remove_dir_all(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed += remove_legacy_staging(out);
    if removed > 0 {
        found.push(format!(
            "{}: removed {removed} staging folder(s) left by runs that did not finish",
            out.display()
        ));
    }
    Ok(found)
}

/// Removes the staging folders earlier versions made beside `out`
/// (`.NAME.thirdside-tmp-PID`) whose process is no longer running. Only where running
/// processes can be seen (`/proc`); elsewhere they are left.
fn remove_legacy_staging(out: &Path) -> usize {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return 0;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    if !Path::new("/proc/self").exists() {
        return 0;
    }
    let prefix = format!(".{}.thirdside-tmp-", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let dead = !Path::new(&format!("/proc/{pid}")).exists();
        if dead
            && entry.file_type().is_ok_and(|t| t.is_dir())
            && std::fs::remove_dir_all(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Undoes `steps` (in reverse) of an update staged in `staging`: replaced and removed
/// files come back from `old/`, created files go, folders made are removed when empty.
/// A file is removed, or put back over, only while it holds the bytes the update moved
/// in (the journal's digest): a planted or hand-edited journal cannot make a rollback
/// remove or overwrite a file thirdside did not write.
/// Safe to repeat (a rollback killed part way is rolled back again). Returns how many
/// files were put back.
fn roll_back(out: &Path, staging: &Path, steps: &[Step]) -> Result<usize, Error> {
    let mut beneath = Beneath::open(out).map_err(io(out))?;
    let within = staged_within(staging)?;
    let (old, new) = (within.join("old"), within.join("new"));
    let mut restored = 0;
    for step in steps.iter().rev() {
        let target = out.join(step.path());
        match step {
            Step::Replace(path, written) | Step::Create(path, written) => {
                // The file there now is the one this update moved in, or none (the move
                // had not happened): anything else is not thirdside's, and stays.
                let present = std::fs::symlink_metadata(&target).is_ok();
                let ours = present && digest_file(&target) == Some(*written);
                let moved_in = std::fs::symlink_metadata(out.join(new.join(path))).is_err();
                if let Step::Replace(..) = step {
                    let aside = old.join(path);
                    if std::fs::symlink_metadata(out.join(&aside)).is_ok() && (!present || ours) {
                        beneath
                            .rename(&aside, path)
                            .map_err(|e| refused(out, path, e))?;
                        restored += 1;
                    }
                } else if moved_in && ours {
                    beneath
                        .remove_file(path)
                        .map_err(|e| refused(out, path, e))?;
                }
            }
            Step::Remove(path) => {
                let aside = old.join(path);
                if std::fs::symlink_metadata(out.join(&aside)).is_ok()
                    && std::fs::symlink_metadata(&target).is_err()
                {
                    beneath
                        .rename(&aside, path)
                        .map_err(|e| refused(out, path, e))?;
                    restored += 1;
                }
            }
            Step::Folder(path) => {
                let _ = beneath.remove_dir(path);
            }
        }
    }
    drop(beneath);
    let _ = std::fs::remove_dir_all(staging);
    Ok(restored)
}

/// The staging folder's path relative to the output folder it is directly inside.
fn staged_within(staging: &Path) -> Result<PathBuf, Error> {
    staging
        .file_name()
        .map(PathBuf::from)
        .ok_or_else(|| Error::Usage(format!("{}: not a staging folder", staging.display())))
}

/// The error of a move, a folder made or a file removed at `path` under `out`: the link
/// on the way when there is one now (put there after the look before the moves),
/// naming it; else the error itself.
fn refused(out: &Path, path: &Path, error: std::io::Error) -> Error {
    match refuse_link(out, path) {
        Err(linked) => linked,
        Ok(()) => io(&out.join(path))(error),
    }
}

/// Writes the report into `out` as one transaction (see the module's doc). A report
/// kept in memory is staged first; a staged one must have been staged for `out`.
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
    crash_point("staged")?;
    let result = move_files(&staging, out, output);
    let _ = std::fs::remove_dir_all(&staging);
    output.done = true;
    if result.is_ok() {
        let _ = crash_point("cache");
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

/// A regular file's size and modification time in nanoseconds since the epoch.
fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
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
        let cache = out.join(CACHE);
        if !std::fs::symlink_metadata(&cache).is_ok_and(|m| m.is_file()) {
            return Cache::default();
        }
        let Ok(text) = own_file(&cache) else {
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

    /// Records the keyed pages now in `out`, replacing the cache atomically (through a
    /// temporary file with a random name, created exclusively).
    fn record(out: &Path, keys: &HashMap<PathBuf, u64>) -> Result<(), Error> {
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
        refuse_link(out, Path::new(CACHE))?;
        let cache = out.join(CACHE);
        replace_atomically(&cache, text.as_bytes(), false).map_err(io(&cache))
    }
}

/// The update from the staged report: checked (no link, no folder where a file goes, no
/// file replaced or removed that thirdside did not write), journaled, then moved into
/// place; rolled back when a move fails.
fn move_files(staging: &Path, out: &Path, output: &Output) -> Result<(), Error> {
    let old = previous(out);
    let unchanged = lock(&output.unchanged).clone();
    let paths = output.paths();
    refuse_links(
        out,
        paths
            .iter()
            .map(PathBuf::as_path)
            .chain(old.keys().map(PathBuf::as_path)),
    )?;
    refuse_links(out, [Path::new(MANIFEST), Path::new(JOURNAL)])?;

    // The digest of every file of the report: of those added, as added; of pages kept
    // from the run before, as the manifest recorded it (or read again).
    let mut digests = lock(&output.digests).clone();
    for path in lock(&output.kept).iter() {
        let known = old.get(path).copied().flatten();
        if let Some(d) = known.or_else(|| digest_file(&out.join(path))) {
            digests.insert(path.clone(), d);
        }
    }
    let manifest = staging.join("new").join(MANIFEST);
    let manifest_bytes = output.manifest(&digests);
    std::fs::write(&manifest, &manifest_bytes).map_err(io(&manifest))?;
    digests.insert(PathBuf::from(MANIFEST), digest(&manifest_bytes));

    let mut steps = Vec::new();
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    let moving = paths
        .iter()
        .filter(|p| !unchanged.contains(*p))
        .map(PathBuf::as_path)
        .chain([Path::new(MANIFEST)]);
    for path in moving {
        let target = out.join(path);
        for dir in path
            .ancestors()
            .skip(1)
            .filter(|d| !d.as_os_str().is_empty())
        {
            if !folders.contains(dir) {
                match std::fs::symlink_metadata(out.join(dir)) {
                    Ok(meta) if meta.is_dir() => {}
                    Ok(_) => {
                        return Err(Error::Usage(format!(
                            "{} is a file; thirdside needs a folder there: move it away",
                            out.join(dir).display()
                        )));
                    }
                    Err(_) => {
                        folders.insert(dir.to_path_buf());
                    }
                }
            }
        }
        // Every file moved in was added (or is the manifest), so its digest is known.
        let written = digests.get(path).copied().unwrap_or_default();
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                return Err(Error::Usage(format!(
                    "{} is a folder; thirdside needs to write a file there",
                    target.display()
                )));
            }
            Ok(_) if path == Path::new(MANIFEST) || old.contains_key(path) => {
                steps.push(Step::Replace(path.to_path_buf(), written));
            }
            Ok(_) => {
                return Err(Error::Usage(format!(
                    "{} exists and thirdside did not write it (it is not in {}): move it away or delete it, then run again",
                    target.display(),
                    out.join(MANIFEST).display()
                )));
            }
            Err(_) => steps.push(Step::Create(path.to_path_buf(), written)),
        }
    }
    // Files an earlier run wrote and this one no longer generates go, but only while
    // they hold the bytes written: an edited one, or one a hand-edited manifest names,
    // is left alone.
    for (gone, recorded) in &old {
        if gone.as_os_str() != MANIFEST
            && !output.contains(gone)
            && recorded.is_some()
            && digest_file(&out.join(gone)) == *recorded
        {
            steps.push(Step::Remove(gone.clone()));
        }
    }
    let mut journal = format!(
        "# thirdside report: an update of this folder in progress. If you see this file, the run\n# was interrupted; the next `thirdside report` into this folder rolls it back.\nstaging {}\n",
        staging
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    for dir in &folders {
        journal.push_str(&Step::Folder(dir.clone()).line());
    }
    for step in &steps {
        journal.push_str(&step.line());
    }
    // The staging folder is directly inside `out` (made there, or named by a journal).
    let within = staged_within(staging)?;
    let journal_path = out.join(JOURNAL);
    replace_atomically(&journal_path, journal.as_bytes(), true).map_err(io(&journal_path))?;

    let mut done: Vec<Step> = Vec::new();
    let result = (|| {
        // Every move from here is relative to folders opened without following a link.
        let mut beneath = Beneath::open(out).map_err(io(out))?;
        crash_point("journal")?;
        for dir in &folders {
            done.push(Step::Folder(dir.clone()));
            beneath.make_dir(dir).map_err(|e| refused(out, dir, e))?;
        }
        for (n, step) in steps.iter().enumerate() {
            done.push(step.clone());
            let staged = within.join("new").join(step.path());
            match step {
                Step::Create(path, _) => {
                    beneath
                        .rename(&staged, path)
                        .map_err(|e| refused(out, path, e))?;
                }
                Step::Replace(path, _) | Step::Remove(path) => {
                    let aside = within.join("old").join(path);
                    if let Some(parent) = aside.parent() {
                        beneath
                            .make_dirs(parent)
                            .map_err(|e| refused(out, parent, e))?;
                    }
                    beneath
                        .rename(path, &aside)
                        .map_err(|e| refused(out, path, e))?;
                    if matches!(step, Step::Replace(..)) {
                        beneath
                            .rename(&staged, path)
                            .map_err(|e| refused(out, path, e))?;
                    }
                }
                Step::Folder(_) => {}
            }
            crash_point(&format!("move-{}", n + 1))?;
        }
        crash_point("moved")
    })();
    if let Err(error) = result {
        // Put back what was moved, then say what failed.
        roll_back(out, staging, &done)?;
        std::fs::remove_file(&journal_path).map_err(io(&journal_path))?;
        return Err(error);
    }
    std::fs::remove_file(&journal_path).map_err(io(&journal_path))?;
    // Past the commit a fault cannot be injected, only a kill.
    let _ = crash_point("committed");
    // Folders that removing a file left empty go too (deepest first; a folder that is
    // not empty stays).
    let mut emptied: Vec<&Path> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Remove(p) => Some(p.as_path()),
            _ => None,
        })
        .flat_map(|p| p.ancestors().skip(1))
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    emptied.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    emptied.dedup();
    if let Ok(mut beneath) = Beneath::open(out) {
        for dir in emptied {
            let _ = beneath.remove_dir(dir);
        }
    }
    Ok(())
}

/// The files in `out` that differ from the report: changed, missing, or written by an
/// earlier run and no longer generated, in path order; and an update left unfinished.
/// Empty when `out` is current.
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
    for gone in previous(out).into_keys() {
        if !output.contains(&gone) && gone.as_os_str() != MANIFEST {
            stale.push(format!(
                "{} (no longer generated)",
                out.join(&gone).display()
            ));
        }
    }
    if std::fs::symlink_metadata(out.join(JOURNAL)).is_ok() {
        stale.push(format!(
            "{} (an update was interrupted; the next report rolls it back)",
            out.join(JOURNAL).display()
        ));
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
    fn refuses_pages_named_as_thirdsides_own_files() {
        let output = Output::new();
        for name in [
            ".thirdside-cache",
            ".thirdside-manifest",
            ".thirdside-staging-x/a",
        ] {
            assert!(output.add(name, "x").is_err(), "{name}");
        }
        assert!(output.add("a/.thirdside-cache", "x").is_ok());
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
