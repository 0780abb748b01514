//! `thirdside report` against a hostile or careless `--out`: planted symbolic links, a
//! hand-edited manifest, files it did not write, the root or home folder, runs racing
//! into one folder, and runs that fail or are killed part way through the move (the
//! test-only `THIRDSIDE_FAIL_AT` and `THIRDSIDE_ABORT_AT`, with the `testing` feature).
//! Each test fails on the writer before the transaction and passes after.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `thirdside report RUBRICS CASES --out OUT` with extra environment variables.
fn report(cases: &Path, out: &Path, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_thirdside"));
    command
        .arg("report")
        .arg(common::tests_dir().join("fixtures/rubrics"))
        .arg(cases)
        .arg("--out")
        .arg(out)
        .env_remove("RUST_BACKTRACE")
        .env_remove("THIRDSIDE_ABORT_AT")
        .env_remove("THIRDSIDE_FAIL_AT");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().expect("the binary runs");
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// Where two trees differ, by path; empty when they are the same.
fn diff(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| k.to_string())
        .collect()
}

fn ok(run: Run) -> Run {
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    run
}

fn refused(run: Run) -> Run {
    assert_eq!(run.code, Some(2), "{}\n{}", run.stdout, run.stderr);
    run
}

/// The shipped fixtures (old) and a copy with one case removed and one changed (new).
fn corpora(dir: &Path) -> (PathBuf, PathBuf) {
    let old = common::tests_dir().join("fixtures/valid");
    let new = dir.join("new-cases");
    fs::create_dir_all(&new).expect("mkdir");
    for name in ["all-met.toml", "override.toml"] {
        fs::copy(old.join(name), new.join(name)).expect("copy");
    }
    let text = fs::read_to_string(new.join("all-met.toml")).expect("read");
    let changed = text.replacen("title = \"", "title = \"Changed: ", 1);
    assert_ne!(text, changed, "the title is changed");
    fs::write(new.join("all-met.toml"), changed).expect("write");
    (old, new)
}

/// Every file and link under `dir` (not the cache, not folders), path → bytes or link
/// target.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("list").flatten() {
            let p = entry.path();
            let rel = p
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            let kind = entry.file_type().expect("type");
            if kind.is_symlink() {
                let target = fs::read_link(&p).expect("link");
                files.insert(rel, format!("-> {}", target.display()).into_bytes());
            } else if kind.is_dir() {
                stack.push(p);
            } else if rel != ".thirdside-cache" {
                files.insert(rel, fs::read(&p).expect("read"));
            }
        }
    }
    files
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_inside_out_is_refused_naming_the_link() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let out = dir.path().join("reports");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).expect("mkdir");
    fs::write(elsewhere.join("all-met.md"), "precious").expect("write");
    ok(report(&old, &out, &[]));
    fs::remove_dir_all(out.join("cases")).expect("rm");
    std::os::unix::fs::symlink("../elsewhere", out.join("cases")).expect("link");
    let before = tree(&out);
    let run = refused(report(&old, &out, &[]));
    assert!(
        run.stderr.contains("cases is a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("elsewhere"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(elsewhere.join("all-met.md")).expect("read"),
        "precious"
    );
    assert_eq!(fs::read_dir(&elsewhere).expect("list").count(), 1);
    assert_eq!(
        diff(&tree(&out), &before),
        Vec::<String>::new(),
        "nothing in --out changed"
    );

    // --out itself a link (a repository can carry `reports -> ../..`).
    let linked = dir.path().join("linked");
    std::os::unix::fs::symlink("elsewhere", &linked).expect("link");
    let run = refused(report(&old, &linked, &[]));
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert_eq!(fs::read_dir(&elsewhere).expect("list").count(), 1);
}

#[cfg(unix)]
#[test]
fn a_manifest_entry_through_a_link_deletes_nothing_outside() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let out = dir.path().join("reports");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).expect("mkdir");
    fs::write(elsewhere.join("precious.txt"), "precious").expect("write");
    ok(report(&old, &out, &[]));
    std::os::unix::fs::symlink("../elsewhere", out.join("link")).expect("link");
    let manifest = out.join(".thirdside-manifest");
    let mut text = fs::read_to_string(&manifest).expect("manifest");
    text.push_str("link/precious.txt\n");
    fs::write(&manifest, &text).expect("write");
    let run = report(&old, &out, &[]);
    assert!(run.code == Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("link is a symbolic link"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(elsewhere.join("precious.txt")).expect("still there"),
        "precious"
    );
}

#[test]
fn a_hand_edited_manifest_line_deletes_nothing_thirdside_did_not_write() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let out = dir.path().join("reports");
    ok(report(&old, &out, &[]));
    fs::write(out.join("notes.txt"), "mine").expect("write");
    let manifest = out.join(".thirdside-manifest");
    let mut text = fs::read_to_string(&manifest).expect("manifest");
    // A line without a digest, and one with a digest that is not the file's.
    text.push_str("notes.txt\n");
    text.push_str(&format!("{} cases/all-met.md\n", "0".repeat(32)));
    fs::write(&manifest, &text).expect("write");
    ok(report(&old, &out, &[]));
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).expect("kept"),
        "mine"
    );
    // An edited page that is no longer generated is kept too: its bytes are not ours.
    let (_, new) = corpora(&dir.path().join("x"));
    fs::write(out.join("cases/unknowns.md"), "edited by hand").expect("edit");
    ok(report(&new, &out, &[]));
    assert_eq!(
        fs::read_to_string(out.join("cases/unknowns.md")).expect("kept"),
        "edited by hand"
    );
    // One still as written is removed.
    assert!(!out.join("cases/unknowns.html").exists());
}

#[cfg(unix)]
#[test]
fn the_cache_is_never_written_through_a_planted_link() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let out = dir.path().join("reports");
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "victim").expect("write");
    fs::create_dir_all(&out).expect("mkdir");
    std::os::unix::fs::symlink(&victim, out.join(".thirdside-cache")).expect("link");
    // The old name of the cache's temporary file was predictable: plant it too.
    for pid in 0..4000 {
        let _ =
            std::os::unix::fs::symlink(&victim, out.join(format!(".thirdside-cache.tmp-{pid}")));
    }
    ok(report(&old, &out, &[]));
    ok(report(&old, &out, &[]));
    assert_eq!(fs::read_to_string(&victim).expect("read"), "victim");
}

#[test]
fn a_file_thirdside_did_not_write_is_never_replaced() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let out = dir.path().join("reports");
    fs::create_dir_all(&out).expect("mkdir");
    fs::write(out.join("index.md"), "my own index").expect("write");
    let run = refused(report(&old, &out, &[]));
    assert!(
        run.stderr
            .contains("index.md exists and thirdside did not write it"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(out.join("index.md")).expect("read"),
        "my own index"
    );

    // A file holding exactly the bytes that would be written is taken over.
    let reference = dir.path().join("reference");
    ok(report(&old, &reference, &[]));
    fs::copy(reference.join("index.md"), out.join("index.md")).expect("copy");
    ok(report(&old, &out, &[]));
    assert_eq!(diff(&tree(&out), &tree(&reference)), Vec::<String>::new());
}

#[test]
fn out_may_not_be_the_root_or_home() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let run = refused(report(&old, Path::new("/"), &[]));
    assert!(
        run.stderr.contains("root or the home folder"),
        "{}",
        run.stderr
    );
    let home = dir.path().join("home");
    fs::create_dir_all(&home).expect("mkdir");
    let home_str = home.to_str().expect("utf-8");
    let run = refused(report(&old, &home, &[("HOME", home_str)]));
    assert!(
        run.stderr.contains("root or the home folder"),
        "{}",
        run.stderr
    );
    let run = refused(report(&old, &home.join("sub/.."), &[("HOME", home_str)]));
    assert!(
        run.stderr.contains("root or the home folder"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_dir(&home).expect("list").count(),
        1,
        "only sub/ was made"
    );
}

#[test]
fn a_run_holding_the_lock_refuses_a_second_naming_it() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let out = dir.path().join("reports");
    fs::create_dir_all(&out).expect("mkdir");
    let lock = fs::File::create(out.join(".thirdside-lock")).expect("lock file");
    lock.try_lock().expect("locked");
    fs::write(out.join(".thirdside-lock"), "4242\n").expect("pid");
    let run = refused(report(&old, &out, &[]));
    assert!(
        run.stderr
            .contains("another thirdside report (process 4242)"),
        "{}",
        run.stderr
    );
    drop(lock);
    ok(report(&old, &out, &[]));
    assert!(
        !out.join(".thirdside-lock").exists(),
        "the lock goes with its run"
    );
}

#[test]
fn concurrent_runs_into_one_folder_leave_one_whole_report() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, new) = corpora(dir.path());
    let reference_old = dir.path().join("ref-old");
    let reference_new = dir.path().join("ref-new");
    ok(report(&old, &reference_old, &[]));
    ok(report(&new, &reference_new, &[]));
    let out = dir.path().join("reports");
    for round in 0..4 {
        let runs: Vec<Run> = std::thread::scope(|scope| {
            let a = scope.spawn(|| report(&old, &out, &[]));
            let b = scope.spawn(|| report(&new, &out, &[]));
            vec![a.join().expect("a"), b.join().expect("b")]
        });
        let passed = runs.iter().filter(|r| r.code == Some(0)).count();
        assert!(
            passed >= 1,
            "round {round}: {:?}",
            runs.iter().map(|r| &r.stderr).collect::<Vec<_>>()
        );
        for run in runs.iter().filter(|r| r.code != Some(0)) {
            assert_eq!(run.code, Some(2), "{}", run.stderr);
            assert!(
                run.stderr.contains("another thirdside report"),
                "{}",
                run.stderr
            );
        }
        let now = tree(&out);
        let (to_old, to_new) = (
            diff(&now, &tree(&reference_old)),
            diff(&now, &tree(&reference_new)),
        );
        assert!(
            to_old.is_empty() || to_new.is_empty(),
            "round {round}: neither wholly old ({to_old:?}) nor wholly new ({to_new:?})"
        );
    }
}

/// The points of a write where the kill and fault tests stop it.
const POINTS: &[&str] = &[
    "staged",
    "journal",
    "move-1",
    "move-2",
    "move-3",
    "move-7",
    "moved",
    "committed",
    "cache",
];

#[test]
fn a_failure_part_way_through_the_move_rolls_back() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, new) = corpora(dir.path());
    let out = dir.path().join("reports");
    ok(report(&old, &out, &[]));
    let before = tree(&out);
    for point in [
        "staged", "journal", "move-1", "move-2", "move-3", "move-7", "moved",
    ] {
        let run = refused(report(&new, &out, &[("THIRDSIDE_FAIL_AT", point)]));
        assert!(
            run.stderr.contains("failure injected"),
            "{point}: {}",
            run.stderr
        );
        assert_eq!(
            diff(&tree(&out), &before),
            Vec::<String>::new(),
            "{point}: the previous output, wholly"
        );
    }
}

#[test]
fn a_kill_at_any_point_is_recovered_by_the_next_run() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, new) = corpora(dir.path());
    let reference_new = dir.path().join("ref-new");
    ok(report(&new, &reference_new, &[]));
    let want_new = tree(&reference_new);
    for point in POINTS {
        let out = dir.path().join(format!("reports-{point}"));
        ok(report(&old, &out, &[]));
        let want_old = tree(&out);
        let killed = report(&new, &out, &[("THIRDSIDE_ABORT_AT", point)]);
        assert_eq!(
            killed.code, None,
            "{point}: killed by a signal: {}",
            killed.stderr
        );
        // What a reader finds after recovery: wholly old or wholly new.
        let found = thirdside::report::write::recover(&out).expect("recovers");
        let now = tree(&out);
        let (to_old, to_new) = (diff(&now, &want_old), diff(&now, &want_new));
        assert!(
            to_old.is_empty() || to_new.is_empty(),
            "{point}: neither wholly old ({to_old:?}) nor wholly new ({to_new:?}) after recovery ({found:?})"
        );
        if ["journal", "move-1", "move-2", "move-3", "move-7", "moved"].contains(point) {
            assert_eq!(to_old, Vec::<String>::new(), "{point}: rolled back");
            assert!(
                found.iter().any(|f| f.contains("interrupted")),
                "{point}: {found:?}"
            );
        }
        // And the next run, after another kill, says so and completes.
        let killed = report(&new, &out, &[("THIRDSIDE_ABORT_AT", point)]);
        assert_eq!(killed.code, None, "{point}");
        let run = ok(report(&new, &out, &[]));
        if ["journal", "move-1", "move-2", "move-3", "move-7", "moved"].contains(point) {
            assert!(
                run.stderr.contains("was interrupted part way; rolled back"),
                "{point}: {}",
                run.stderr
            );
        }
        assert_eq!(
            diff(&tree(&out), &want_new),
            Vec::<String>::new(),
            "{point}: wholly new"
        );
        let run = Command::new(env!("CARGO_BIN_EXE_thirdside"))
            .arg("report")
            .arg(common::tests_dir().join("fixtures/rubrics"))
            .arg(&new)
            .arg("--out")
            .arg(&out)
            .arg("--check")
            .output()
            .expect("runs");
        assert!(
            run.status.success(),
            "{point}: {}",
            String::from_utf8_lossy(&run.stdout)
        );
    }
}

/// A journal planted in `--out` (a repository can carry one), naming files thirdside
/// did not write as created or replaced, with a staging folder holding other bytes for
/// them: the next run's rollback neither removes nor overwrites them.
#[test]
fn a_planted_journal_removes_and_overwrites_nothing_thirdside_did_not_write() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let out = dir.path().join("reports");
    ok(report(&old, &out, &[]));
    fs::write(out.join("mine.txt"), "the user's notes").expect("write");
    fs::write(out.join("theirs.txt"), "the user's other notes").expect("write");
    let staging = out.join(".thirdside-staging-planted");
    fs::create_dir_all(staging.join("old")).expect("mkdir");
    fs::write(staging.join("old/theirs.txt"), "planted").expect("write");
    fs::write(staging.join("old/index.md"), "planted index").expect("write");
    let digest = |bytes: &[u8]| format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes));
    fs::write(
        out.join(".thirdside-journal"),
        format!(
            "staging .thirdside-staging-planted\ncreate {} mine.txt\ncreate mine.txt\nreplace {} theirs.txt\nreplace theirs.txt\nreplace {} index.md\n",
            digest(b"what thirdside would have written"),
            digest(b"not what is there"),
            digest(b"not the index either"),
        ),
    )
    .expect("write");
    let before = tree(&out);
    let run = ok(report(&old, &out, &[]));
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    let after = tree(&out);
    for name in ["mine.txt", "theirs.txt", "index.md"] {
        assert_eq!(after.get(name), before.get(name), "{name} was touched");
    }
    assert!(!staging.exists(), "the planted staging folder is removed");
}

/// FIFOs planted under the names of thirdside's own files (found by fuzzing): reading
/// one would block for ever. The manifest and the cache are ignored, the journal is an
/// error naming it; no run hangs.
#[cfg(unix)]
#[test]
fn fifos_named_as_its_own_files_never_block_a_run() {
    for name in [
        ".thirdside-manifest",
        ".thirdside-cache",
        ".thirdside-journal",
    ] {
        let dir = tempfile::tempdir().expect("temp");
        let (old, _) = corpora(dir.path());
        let out = dir.path().join("reports");
        fs::create_dir_all(&out).expect("mkdir");
        let made = Command::new("mkfifo").arg(out.join(name)).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // No mkfifo here.
        }
        // The run is killed if it blocks: a hang fails the test instead of stalling it.
        let mut child = Command::new(env!("CARGO_BIN_EXE_thirdside"))
            .arg("report")
            .arg(common::tests_dir().join("fixtures/rubrics"))
            .arg(&old)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        let mut waited = 0;
        let status = loop {
            if let Some(status) = child.try_wait().expect("waits") {
                break status;
            }
            waited += 1;
            if waited > 600 {
                let _ = child.kill();
                panic!("{name}: a FIFO blocked the run");
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
            .expect("reads");
        if name == ".thirdside-journal" {
            assert_eq!(status.code(), Some(2), "{stderr}");
            assert!(stderr.contains("not a regular file"), "{stderr}");
        } else {
            assert!(status.success(), "{name}: {stderr}");
        }
    }
}

#[test]
fn staging_folders_of_dead_runs_are_removed() {
    let dir = tempfile::tempdir().expect("temp");
    let (old, _) = corpora(dir.path());
    let out = dir.path().join("reports");
    ok(report(&old, &out, &[]));
    let dead = out.join(".thirdside-staging-dead1");
    fs::create_dir_all(dead.join("new/cases")).expect("mkdir");
    fs::write(dead.join("new/cases/x.md"), vec![b'x'; 100_000]).expect("write");
    // One from an earlier version, beside --out, of a process that is not running.
    let legacy = dir.path().join(".reports.thirdside-tmp-999999999");
    fs::create_dir_all(&legacy).expect("mkdir");
    let run = ok(report(&old, &out, &[]));
    assert!(run.stderr.contains("staging folder"), "{}", run.stderr);
    assert!(!dead.exists());
    if Path::new("/proc/self").exists() {
        assert!(!legacy.exists());
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_out_on_another_file_system_works() {
    use std::os::unix::fs::MetadataExt;
    let shm = Path::new("/dev/shm");
    let dir = tempfile::tempdir().expect("temp");
    let Ok(other) = tempfile::tempdir_in(shm) else {
        return;
    };
    let dev = |p: &Path| fs::metadata(p).expect("meta").dev();
    if dev(other.path()) == dev(dir.path()) {
        return;
    }
    let (old, new) = corpora(dir.path());
    let out = other.path().join("reports");
    ok(report(&old, &out, &[]));
    ok(report(&new, &out, &[]));
    let reference = dir.path().join("ref");
    ok(report(&new, &reference, &[]));
    assert_eq!(diff(&tree(&out), &tree(&reference)), Vec::<String>::new());
}

/// Every file and link under `dir`, folders included (marked with a trailing `/`).
#[cfg(unix)]
fn everything(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = tree(dir);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("list").flatten() {
            if entry.file_type().expect("type").is_dir() {
                let rel = entry
                    .path()
                    .strip_prefix(dir)
                    .expect("in")
                    .to_string_lossy()
                    .into_owned();
                all.insert(format!("{rel}/"), Vec::new());
                stack.push(entry.path());
            }
        }
    }
    all
}

#[cfg(unix)]
proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
    /// The file-system side fuzzed: an output folder holding generated files, folders,
    /// links out of it and a manifest of any lines; a report of any paths. Whatever the
    /// outcome, nothing outside the folder changes, and the folder is either as it was
    /// (an error) or holds the report (success) beside the files it did not write.
    #[test]
    fn no_tree_under_out_makes_a_write_escape_it(
        planted in proptest::collection::vec(("[ab]{1}(/[ab]{1}){0,2}", 0..4u8), 0..8),
        manifest in proptest::collection::vec("[ab]{1}(/[ab]{1}){0,2}", 0..6),
        report in proptest::collection::vec(("[ab]{1}(/[ab]{1}){0,2}", "[xy]{0,3}"), 1..6),
    ) {
        use thirdside::report::write::{Output, write};
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("out");
        let outside = dir.path().join("outside");
        fs::create_dir_all(outside.join("a/b")).expect("mkdir");
        for name in ["a", "b", "a/a", "a/b/a", "b/b"] {
            let _ = fs::write(outside.join(name), format!("outside {name}"));
        }
        fs::create_dir_all(&out).expect("mkdir");
        for (path, kind) in &planted {
            let at = out.join(path);
            if let Some(parent) = at.parent() {
                let _ = fs::create_dir_all(parent);
            }
            let _ = match kind {
                0 => fs::write(&at, "user file"),
                1 => fs::create_dir_all(&at),
                2 => std::os::unix::fs::symlink(&outside, &at),
                _ => std::os::unix::fs::symlink(outside.join("a"), &at),
            };
        }
        // Manifest lines naming planted or outside files, some with the digest of
        // what is there, so that a removal would be allowed if it were reached.
        let mut text = String::from("# planted\n");
        for path in &manifest {
            match fs::read(out.join(path)) {
                Ok(bytes) => text.push_str(&format!("{:032x} {path}\n", xxhash_rust::xxh3::xxh3_128(&bytes))),
                Err(_) => text.push_str(&format!("{path}\n")),
            }
        }
        let _ = fs::write(out.join(".thirdside-manifest"), text);
        let outside_before = everything(&outside);
        let out_before = everything(&out);
        let mut output = Output::new();
        let mut wanted = BTreeMap::new();
        for (path, bytes) in &report {
            if output.add(path.as_str(), bytes.as_bytes()).is_ok() {
                wanted.insert(path.clone(), bytes.clone());
            }
        }
        let result = write(&out, &mut output);
        proptest::prop_assert_eq!(everything(&outside), outside_before, "outside changed ({:?})", result.as_ref().err().map(|e| e.to_string()));
        match result {
            Ok(()) => {
                for (path, bytes) in &wanted {
                    let written = fs::read(out.join(path));
                    proptest::prop_assert_eq!(written.ok(), Some(bytes.as_bytes().to_vec()), "{}", path);
                }
            }
            Err(_) => {
                proptest::prop_assert_eq!(everything(&out), out_before, "a failed write changed --out");
            }
        }
    }
}
