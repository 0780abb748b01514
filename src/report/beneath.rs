//! Moving, making and removing files under the output folder without ever following a
//! symbolic link, even one swapped in after the writer looked.
//!
//! [`super::write`] refuses a link on the way to any file before it starts, naming it. A
//! link put in place between that look and a move (a folder replaced by a link to
//! somewhere else while the run is moving pages) would still be followed by a move
//! through a path. Here every folder under `--out` is opened once, one component at a
//! time from `--out` itself, refusing links (`O_NOFOLLOW`), and each move, folder made
//! or file removed is done relative to the opened folders (`renameat`, `mkdirat`,
//! `unlinkat`): what the run looked at is what it writes into.
//!
//! Paths here are relative to the output folder, staging folders included (they are
//! inside it).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

#[cfg(unix)]
use rustix::fs::{AtFlags, Mode, OFlags};
#[cfg(unix)]
use std::os::fd::{AsFd, OwnedFd};

/// The output folder and the folders under it opened so far, none through a link.
#[derive(Debug)]
pub(super) struct Beneath {
    #[cfg(unix)]
    root: OwnedFd,
    #[cfg(unix)]
    open: HashMap<PathBuf, OwnedFd>,
    #[cfg(not(unix))]
    root: PathBuf,
}

/// The folder part and the name of a path relative to the output folder.
fn split(path: &Path) -> io::Result<(&Path, &std::ffi::OsStr)> {
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => Ok((parent, name)),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no file", path.display()),
        )),
    }
}

#[cfg(unix)]
impl Beneath {
    /// Opens the output folder itself, refusing a link.
    pub(super) fn open(out: &Path) -> io::Result<Beneath> {
        let root = rustix::fs::openat(
            rustix::fs::CWD,
            out,
            OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::RDONLY,
            Mode::empty(),
        )?;
        Ok(Beneath {
            root,
            open: HashMap::new(),
        })
    }

    /// The folder `dir` (relative; empty for the output folder), opened a component at a
    /// time without following a link.
    fn dir(&mut self, dir: &Path) -> io::Result<&OwnedFd> {
        let mut at = PathBuf::new();
        for component in dir.components() {
            let parent = at.clone();
            at.push(component);
            if !self.open.contains_key(&at) {
                let base = if parent.as_os_str().is_empty() {
                    &self.root
                } else {
                    &self.open[&parent]
                };
                let fd = rustix::fs::openat(
                    base.as_fd(),
                    component.as_os_str(),
                    OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::RDONLY,
                    Mode::empty(),
                )?;
                self.open.insert(at.clone(), fd);
            }
        }
        Ok(if at.as_os_str().is_empty() {
            &self.root
        } else {
            &self.open[&at]
        })
    }

    /// Renames `from` to `to`, replacing a file there. Across file systems (another
    /// one mounted inside the output folder), copies into a new file with a fresh name
    /// beside `to`, renames that over `to` and removes `from`.
    pub(super) fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        let ((from_dir, from_name), (to_dir, to_name)) = (split(from)?, split(to)?);
        self.dir(from_dir)?;
        self.dir(to_dir)?;
        let (a, b) = (self.fd(from_dir), self.fd(to_dir));
        match rustix::fs::renameat(a, from_name, b, to_name) {
            Err(rustix::io::Errno::XDEV) => self.copy(from, to),
            other => other.map_err(io::Error::from),
        }
    }

    fn fd(&self, dir: &Path) -> std::os::fd::BorrowedFd<'_> {
        if dir.as_os_str().is_empty() {
            self.root.as_fd()
        } else {
            self.open[dir].as_fd()
        }
    }

    fn copy(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        let ((from_dir, from_name), (to_dir, to_name)) = (split(from)?, split(to)?);
        let source = rustix::fs::openat(
            self.fd(from_dir),
            from_name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let mut source = std::fs::File::from(source);
        // A fresh name, created exclusively (an existing file or link there is never
        // opened): tried again with the next number while one exists.
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for n in 0..1000u32 {
            let name = format!(".thirdside-copy-{}-{stamp:x}-{n}", std::process::id());
            let created = rustix::fs::openat(
                self.fd(to_dir),
                name.as_str(),
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o644),
            );
            let file = match created {
                Err(rustix::io::Errno::EXIST) => continue,
                other => other?,
            };
            let mut file = std::fs::File::from(file);
            let copied = io::copy(&mut source, &mut file)
                .and_then(|_| file.sync_all())
                .and_then(|()| {
                    rustix::fs::renameat(self.fd(to_dir), name.as_str(), self.fd(to_dir), to_name)
                        .map_err(io::Error::from)
                });
            if let Err(error) = copied {
                let _ = rustix::fs::unlinkat(self.fd(to_dir), name.as_str(), AtFlags::empty());
                return Err(error);
            }
            return rustix::fs::unlinkat(self.fd(from_dir), from_name, AtFlags::empty())
                .map_err(io::Error::from);
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("no free name for a copy beside {}", to.display()),
        ))
    }

    /// Makes the folder `dir` (its parent must exist).
    pub(super) fn make_dir(&mut self, dir: &Path) -> io::Result<()> {
        let (parent, name) = split(dir)?;
        self.dir(parent)?;
        rustix::fs::mkdirat(self.fd(parent), name, Mode::from_raw_mode(0o777))?;
        Ok(())
    }

    /// Makes `dir` and the folders above it that are missing.
    pub(super) fn make_dirs(&mut self, dir: &Path) -> io::Result<()> {
        let mut at = PathBuf::new();
        for component in dir.components() {
            at.push(component);
            match self.make_dir(&at) {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                other => other?,
            }
        }
        Ok(())
    }

    /// Removes the file `path` (a link is removed itself, never followed).
    pub(super) fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        let (parent, name) = split(path)?;
        self.dir(parent)?;
        rustix::fs::unlinkat(self.fd(parent), name, AtFlags::empty())?;
        Ok(())
    }

    /// Removes the folder `dir` when it is empty.
    pub(super) fn remove_dir(&mut self, dir: &Path) -> io::Result<()> {
        let (parent, name) = split(dir)?;
        self.dir(parent)?;
        self.open.retain(|p, _| !p.starts_with(dir));
        rustix::fs::unlinkat(self.fd(parent), name, AtFlags::REMOVEDIR)?;
        Ok(())
    }
}

/// Elsewhere, by path: the look before the moves is the only guard.
#[cfg(not(unix))]
impl Beneath {
    pub(super) fn open(out: &Path) -> io::Result<Beneath> {
        Ok(Beneath {
            root: out.to_path_buf(),
        })
    }
    pub(super) fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(self.root.join(from), self.root.join(to))
    }
    pub(super) fn make_dir(&mut self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir(self.root.join(dir))
    }
    pub(super) fn make_dirs(&mut self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(self.root.join(dir))
    }
    pub(super) fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(self.root.join(path))
    }
    pub(super) fn remove_dir(&mut self, dir: &Path) -> io::Result<()> {
        std::fs::remove_dir(self.root.join(dir))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_folder_swapped_for_a_link_is_not_followed() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("out");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(out.join("cases")).expect("mkdir");
        std::fs::create_dir_all(out.join("stage")).expect("mkdir");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        std::fs::write(out.join("stage/a.html"), "page").expect("write");
        let mut beneath = Beneath::open(&out).expect("opens");
        // Swapped after the look: `cases` is now a link out of the folder.
        std::fs::remove_dir(out.join("cases")).expect("rmdir");
        std::os::unix::fs::symlink(&elsewhere, out.join("cases")).expect("link");
        let moved = beneath.rename(Path::new("stage/a.html"), Path::new("cases/a.html"));
        assert!(moved.is_err(), "moved through the link");
        assert!(!elsewhere.join("a.html").exists());
        assert!(beneath.make_dir(Path::new("cases/sub")).is_err());
        assert!(!elsewhere.join("sub").exists());
        assert!(
            Beneath::open(&out.join("cases")).is_err(),
            "the folder itself a link"
        );
    }

    #[test]
    fn moves_make_and_remove_relative_to_the_folder() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("stage")).expect("mkdir");
        std::fs::write(out.join("stage/a.html"), "page").expect("write");
        let mut beneath = Beneath::open(&out).expect("opens");
        beneath.make_dirs(Path::new("cases/deep")).expect("makes");
        beneath
            .rename(Path::new("stage/a.html"), Path::new("cases/deep/a.html"))
            .expect("moves");
        assert_eq!(
            std::fs::read_to_string(out.join("cases/deep/a.html"))
                .ok()
                .as_deref(),
            Some("page")
        );
        beneath
            .copy(Path::new("cases/deep/a.html"), Path::new("stage/b.html"))
            .expect("copies");
        assert_eq!(
            std::fs::read_to_string(out.join("stage/b.html"))
                .ok()
                .as_deref(),
            Some("page")
        );
        assert!(!out.join("cases/deep/a.html").exists());
        beneath
            .remove_file(Path::new("stage/b.html"))
            .expect("removes");
        beneath
            .remove_dir(Path::new("cases/deep"))
            .expect("removes");
        assert!(!out.join("cases/deep").exists());
    }
}
