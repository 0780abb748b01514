//! The layout of `src/` and its map, `ARCHITECTURE.md`, stay in step: every folder and
//! every module of `src/` is named in the map by its path, `src/` stays small at its top
//! level, and no two files share a name (apart from `mod.rs`), so a file's name says
//! which concept it holds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every folder and `.rs` file under `src/`, as `src/...` paths; the template files
/// inside a `templates` folder are data, not modules, so only that folder is listed.
fn entries(dir: &Path, out: &mut Vec<(String, bool)>) {
    let mut children: Vec<_> = std::fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|e| e.expect("an entry").path())
        .collect();
    children.sort();
    for path in children {
        let relative = path
            .strip_prefix(root())
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            out.push((relative, true));
            if path.file_name().is_some_and(|n| n != "templates") {
                entries(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((relative, false));
        }
    }
}

fn all() -> Vec<(String, bool)> {
    let mut out = Vec::new();
    entries(&root().join("src"), &mut out);
    out
}

#[test]
fn the_map_names_every_folder_and_module_of_src() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let missing: Vec<String> = all()
        .into_iter()
        .filter(|(path, _)| {
            // A file inside a folder may be named by its file name in that folder's
            // entry (`src/corpus/model/` (`rubric.rs`, …)); a folder by its path.
            let (folder, name) = path.rsplit_once('/').expect("a path under src/");
            let by_path = map.contains(path.as_str());
            let in_folder_entry =
                map.contains(&format!("`{folder}/`")) && map.contains(&format!("`{name}`"));
            !(by_path || in_folder_entry)
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not name: {missing:?}; add each to its code map"
    );
}

#[test]
fn src_has_at_most_ten_entries_at_its_top_level() {
    let top: Vec<String> = all()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.matches('/').count() == 1)
        .collect();
    assert!(top.len() <= 10, "src/ has {} entries: {top:?}", top.len());
}

#[test]
fn no_two_files_of_src_share_a_name_but_mod_rs() {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, is_dir) in all() {
        let name = path.rsplit('/').next().expect("a name").to_string();
        if !is_dir && name != "mod.rs" {
            by_name.entry(name).or_default().push(path);
        }
    }
    let shared: Vec<_> = by_name.values().filter(|paths| paths.len() > 1).collect();
    assert!(shared.is_empty(), "files sharing a name: {shared:?}");
}
