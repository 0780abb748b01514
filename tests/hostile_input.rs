//! Hostile input files: source texts that are not text, FIFOs and devices where a file
//! should be, link loops in `cases/`, and files far over the size limit. Each must end
//! at once with an error naming the file, never hang, never skip a check silently.
//! Each test fails on the reading before `src/corpus/read.rs` and passes after.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs thirdside from `tests/`, killed if it takes longer than `limit` (a hang).
fn run_within(args: &[&std::ffi::OsStr], limit: Duration) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_thirdside"))
        .args(args)
        .current_dir(common::tests_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("thirdside {args:?} still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn a_source_text_that_is_not_text_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp");
    let sources = dir.path().join("sources");
    fs::create_dir_all(&sources).expect("mkdir");
    let rubrics = common::tests_dir().join("fixtures/rubrics");
    let cases = common::tests_dir().join("fixtures/valid");
    type Make = Box<dyn Fn(&Path)>;
    let mut kinds: Vec<(&str, Make)> = vec![
        (
            "not valid UTF-8",
            Box::new(|p: &Path| fs::write(p, b"an earlier effort \xe9t\xe9").expect("write")),
        ),
        (
            "is a folder",
            Box::new(|p: &Path| fs::create_dir(p).expect("mkdir")),
        ),
    ];
    #[cfg(unix)]
    kinds.push((
        "is a device",
        Box::new(|p: &Path| std::os::unix::fs::symlink("/dev/zero", p).expect("link")),
    ));
    for (why, make) in kinds {
        let text = sources.join("fixture-report.txt");
        let _ = fs::remove_file(&text);
        let _ = fs::remove_dir(&text);
        make(&text);
        let (code, stdout, stderr) = run_within(
            &[
                "check".as_ref(),
                "--sources".as_ref(),
                sources.as_os_str(),
                rubrics.as_os_str(),
                cases.as_os_str(),
            ],
            LIMIT,
        );
        assert_eq!(code, 1, "{why}: the check fails\n{stdout}\n{stderr}");
        assert!(
            stdout.contains("fixture-report.txt") && stdout.contains(why),
            "{why}: {stdout}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_case_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("temp");
    let cases = dir.path().join("cases");
    fs::create_dir_all(&cases).expect("mkdir");
    let fifo = cases.join("a.toml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // No mkfifo here.
    }
    let rubrics = common::tests_dir().join("fixtures/rubrics");
    for args in [
        vec!["check".as_ref(), rubrics.as_os_str(), cases.as_os_str()],
        vec!["check".as_ref(), rubrics.as_os_str(), fifo.as_os_str()],
    ] {
        let (code, _, stderr) = run_within(&args, LIMIT);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("a.toml") && stderr.contains("named pipe"),
            "{stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn link_loops_in_cases_are_refused_at_once() {
    let dir = tempfile::tempdir().expect("temp");
    let cases = dir.path().join("cases");
    fs::create_dir_all(&cases).expect("mkdir");
    fs::copy(
        common::tests_dir().join("fixtures/valid/all-met.toml"),
        cases.join("all-met.toml"),
    )
    .expect("copy");
    std::os::unix::fs::symlink(".", cases.join("a")).expect("link");
    std::os::unix::fs::symlink(".", cases.join("b")).expect("link");
    let rubrics = common::tests_dir().join("fixtures/rubrics");
    let (code, _, stderr) = run_within(
        &["check".as_ref(), rubrics.as_os_str(), cases.as_os_str()],
        LIMIT,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("loop"), "{stderr}");
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("temp");
    let cases = dir.path().join("cases");
    fs::create_dir_all(&cases).expect("mkdir");
    // 1 GB, sparse: no disk is used, and reading it whole would take seconds and a
    // gigabyte of memory.
    let huge = fs::File::create(cases.join("huge.toml")).expect("create");
    huge.set_len(1 << 30).expect("sparse");
    let rubrics = common::tests_dir().join("fixtures/rubrics");
    let started = Instant::now();
    let (code, stdout, stderr) = run_within(
        &["check".as_ref(), rubrics.as_os_str(), cases.as_os_str()],
        LIMIT,
    );
    let took = started.elapsed();
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("huge.toml") && stdout.contains("more than the limit"),
        "{stdout}"
    );
    // Far below what reading a gigabyte costs (16 s before); generous for a busy machine.
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn sensitivity_refuses_more_draws_than_its_stated_maximum() {
    let (code, _, stderr) = run_within(
        &[
            "sensitivity".as_ref(),
            "--samples".as_ref(),
            "100000000".as_ref(),
            "fixtures/rubrics".as_ref(),
            "fixtures/valid".as_ref(),
        ],
        LIMIT,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("1000000"), "{stderr}");
}
