//! Opening and reading input files at a cost bounded by a limit, never by the file.
//!
//! Every file thirdside reads (case, rubric, bibliography, policy, source text,
//! template) comes through [`read`]: its metadata is checked first, so a FIFO, a
//! device, a socket or a folder is refused with an error naming it before it is opened
//! (opening a FIFO would block, reading `/dev/zero` would never end), and a file over the
//! limit is refused before a byte of it is read; then at most the limit (plus one byte,
//! to notice a file that grew) is read. [`toml_files`] walks folders for `.toml` files,
//! following links but refusing a link loop (a folder reached twice, known by its device
//! and inode). This module decides nothing about what a file means; parsing is
//! [`crate::corpus::load`]'s.

use crate::corpus::diagnostic::Diagnostic;
use crate::error::Error;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a bounded read found.
#[derive(Debug)]
pub enum Contents {
    /// The file's bytes, no more than the limit.
    Bytes(Vec<u8>),
    /// The file is larger than the limit: this many bytes (not read).
    TooLarge(u64),
}

fn refused(path: &Path, why: String) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, why),
    }
}

/// What kind of thing a path is, in words, when it is not a regular file.
fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Reads the regular file at `path` (links followed), refusing anything else, and
/// reading no more than `limit` bytes: a larger file is [`Contents::TooLarge`].
pub fn read(path: &Path, limit: u64) -> Result<Contents, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if let Some(kind) = not_a_file(&meta) {
        return Err(refused(
            path,
            format!("is {kind}, not a regular file: give the path of a file"),
        ));
    }
    if meta.len() > limit {
        return Ok(Contents::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // Checked again on the file opened: the path may have been replaced meanwhile.
    let opened = file.metadata().map_err(io)?;
    if let Some(kind) = not_a_file(&opened) {
        return Err(refused(
            path,
            format!("is {kind}, not a regular file: give the path of a file"),
        ));
    }
    let mut bytes = Vec::with_capacity(opened.len().min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Ok(Contents::TooLarge(bytes.len() as u64));
    }
    Ok(Contents::Bytes(bytes))
}

/// [`read`] for a file that must fit: one over the limit is an error that says so.
pub fn read_within(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    match read(path, limit)? {
        Contents::Bytes(bytes) => Ok(bytes),
        Contents::TooLarge(len) => Err(refused(
            path,
            format!(
                "the file is {len} bytes, more than the limit of {limit} bytes: split it or shorten it"
            ),
        )),
    }
}

/// [`read_within`] for text that must be UTF-8: other bytes are an error naming the
/// file and the offset of the first invalid byte.
pub fn read_text(path: &Path, limit: u64) -> Result<String, Error> {
    let bytes = read_within(path, limit)?;
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        refused(
            path,
            format!(
                "is not valid UTF-8 (invalid byte at offset {}): save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// The diagnostic for a file over the limit, as loading reports it.
pub fn too_large(path: &Path, len: u64, limit: u64) -> Diagnostic {
    Diagnostic::error(
        path,
        None,
        format!("the file is {len} bytes, more than the limit of {limit} bytes"),
    )
    .with_help("split the file; no rubric or case needs to be this large")
}

/// A folder's identity, to notice one reached twice through links.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Every `.toml` file under the given paths (files or folders, searched recursively in
/// name order, names starting with `.` skipped). A path named directly must be a
/// regular file or a folder; a folder reached a second time (a link loop such as
/// `cases/a -> .`) is an error naming the link.
pub fn toml_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for path in paths {
        collect(path, &mut files, &mut seen)?;
    }
    Ok(files)
}

fn collect(
    path: &Path,
    files: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashMap<(u64, u64), PathBuf>,
) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    if !meta.is_dir() {
        let kind = not_a_file(&meta).unwrap_or("not a regular file");
        return Err(refused(path, format!("is {kind}: give a file or a folder")));
    }
    if cfg!(unix) {
        if let Some(first) = seen.get(&identity(&meta)) {
            return Err(refused(
                path,
                format!(
                    "is the folder {} again (a symbolic link loop or a second link to it): remove the link",
                    first.display()
                ),
            ));
        }
        seen.insert(identity(&meta), path.to_path_buf());
    }
    let mut children = Vec::new();
    for entry in std::fs::read_dir(path).map_err(io)? {
        children.push(entry.map_err(io)?.path());
    }
    children.sort();
    for child in children {
        let name = child.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.as_deref().is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        match std::fs::metadata(&child) {
            Ok(m) if m.is_dir() => collect(&child, files, seen)?,
            // A broken link or an unreadable entry is reported when the file is read.
            _ if child.extension().is_some_and(|e| e == "toml") => files.push(child),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_within_the_limit_and_refuses_beyond_it() {
        let dir = tempfile::tempdir().expect("temp");
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "0123456789").expect("write");
        assert!(matches!(read(&file, 10), Ok(Contents::Bytes(b)) if b.len() == 10));
        assert!(matches!(read(&file, 9), Ok(Contents::TooLarge(10))));
        let err = read_within(&file, 9).expect_err("too large").to_string();
        assert!(
            err.contains("a.toml") && err.contains("more than the limit"),
            "{err}"
        );
        let err = read(dir.path(), 10).expect_err("a folder").to_string();
        assert!(err.contains("is a folder"), "{err}");
        std::fs::write(&file, b"ok \xff").expect("write");
        let err = read_text(&file, 10).expect_err("not UTF-8").to_string();
        assert!(
            err.contains("not valid UTF-8") && err.contains("offset 3"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_loops_are_refused() {
        let err = read(Path::new("/dev/zero"), 10)
            .expect_err("device")
            .to_string();
        assert!(err.contains("/dev/zero: is a device"), "{err}");
        let dir = tempfile::tempdir().expect("temp");
        std::fs::write(dir.path().join("a.toml"), "").expect("write");
        std::os::unix::fs::symlink(".", dir.path().join("loop")).expect("link");
        let err = toml_files(&[dir.path().to_path_buf()])
            .expect_err("loop")
            .to_string();
        assert!(err.contains("loop"), "{err}");
    }
}
