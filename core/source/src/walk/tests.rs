use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// A scratch folder under the system's temporary folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "stockade-walk-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `(display, what)` of every entry: `file`, `named`, `skipped: reason`, `error`.
fn summary(entries: &[Entry]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|e| match e {
            Entry::File { display, named, .. } => (
                display.clone(),
                if *named { "named" } else { "file" }.to_string(),
            ),
            Entry::Skipped {
                display, reason, ..
            } => (display.clone(), format!("skipped: {reason}")),
            Entry::Error { display, .. } => (display.clone(), "error".to_string()),
        })
        .collect()
}

fn files(entries: &[Entry]) -> Vec<String> {
    summary(entries)
        .into_iter()
        .filter(|(_, what)| what == "file" || what == "named")
        .map(|(d, _)| d)
        .collect()
}

#[test]
fn walks_in_name_order_and_skips_hidden_and_build_folders() {
    let dir = Scratch::new("order");
    for rel in [
        "b.yaml",
        "a/z.yaml",
        "a/y.txt",
        "a.yaml",
        ".git/config.yaml",
        ".github/ci.yaml",
        "target/t.yaml",
        "node_modules/m.yaml",
        ".hidden.yaml",
    ] {
        dir.write(rel, "x");
    }
    let root = display_path(dir.path());
    let mut walker = Walker::new(Folders::Visible, is_yaml_or_json);
    let got = files(&walker.walk(dir.path(), &root));
    let want: Vec<String> = [".hidden.yaml", "a/z.yaml", "a.yaml", "b.yaml"]
        .iter()
        .map(|r| format!("{root}/{r}"))
        .collect();
    assert_eq!(got, want);

    // Kyverno's walk enters hidden folders, but not `.git`.
    let mut walker = Walker::new(Folders::AllButGit, is_yaml_or_json);
    let got = files(&walker.walk(dir.path(), "."));
    assert_eq!(
        got,
        [
            ".github/ci.yaml",
            ".hidden.yaml",
            "a/z.yaml",
            "a.yaml",
            "b.yaml",
            "node_modules/m.yaml",
            "target/t.yaml"
        ]
    );
}

#[test]
fn a_named_file_is_returned_whatever_its_name_and_only_once() {
    let dir = Scratch::new("named");
    let notes = dir.write("notes.txt", "x");
    let mut walker = Walker::new(Folders::Visible, |_| false);
    assert_eq!(
        summary(&walker.walk(&notes, "notes.txt")),
        [("notes.txt".to_string(), "named".to_string())]
    );
    assert!(walker.walk(&notes, "notes.txt").is_empty());
    let missing = walker.walk(&dir.path().join("missing"), "missing");
    assert!(matches!(missing.as_slice(), [Entry::Error { .. }]));
}

#[cfg(unix)]
#[test]
fn link_loops_end_and_linked_files_are_returned_once() {
    use std::os::unix::fs::symlink;
    let dir = Scratch::new("loops");
    dir.write("a/pod.yaml", "x");
    // Two links to the parent in every folder: without a visited set the walk
    // would be exponential in the link depth limit.
    symlink("..", dir.path().join("a/up")).unwrap();
    symlink("..", dir.path().join("a/up2")).unwrap();
    symlink("a", dir.path().join("b")).unwrap();
    symlink("a/pod.yaml", dir.path().join("same.yaml")).unwrap();
    symlink("self.yaml", dir.path().join("self.yaml")).unwrap();
    symlink("missing", dir.path().join("dangling.yaml")).unwrap();
    let mut walker = Walker::new(Folders::Visible, is_yaml_or_json);
    let got = summary(&walker.walk(dir.path(), "."));
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], ("a/pod.yaml".to_string(), "file".to_string()));
    assert_eq!(got[1].0, "dangling.yaml");
    assert!(got[1].1.starts_with("skipped: cannot be read"), "{got:?}");
    assert_eq!(got[2].0, "self.yaml");
    assert!(got[2].1.starts_with("skipped: cannot be read"), "{got:?}");
}

#[cfg(unix)]
#[test]
fn special_files_are_skipped_never_opened_and_readers_refuse_them() {
    use std::os::unix::fs::symlink;
    let dir = Scratch::new("special");
    let fifo = dir.path().join("pipe.yaml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
    symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
    let mut walker = Walker::new(Folders::Visible, is_yaml_or_json);
    let got = summary(&walker.walk(dir.path(), "."));
    assert_eq!(
        got,
        [
            (
                "pipe.yaml".to_string(),
                "skipped: a named pipe (FIFO): not a regular file; it was not opened".to_string()
            ),
            (
                "zero.yaml".to_string(),
                "skipped: a character device: not a regular file; it was not opened".to_string()
            ),
        ]
    );
    // Named: a pipe is a file only when the caller reads pipes.
    let named = Walker::new(Folders::Visible, |_| true).walk(&fifo, "p");
    assert!(matches!(
        named.as_slice(),
        [Entry::Skipped {
            named: true,
            reason: Skip::Special(Special::Fifo),
            ..
        }]
    ));
    let named = Walker::new(Folders::Visible, |_| true)
        .named_pipes(true)
        .walk(&fifo, "p");
    assert!(matches!(
        named.as_slice(),
        [Entry::File { named: true, .. }]
    ));

    let reader = Reader::default();
    let err = reader.read(&fifo).unwrap_err();
    assert!(matches!(
        err,
        ReadError::NotRegular {
            what: Special::Fifo,
            ..
        }
    ));
    let err = reader.read(Path::new("/dev/zero")).unwrap_err();
    assert_eq!(err.kind(), crate::finding::ErrorKind::Unsupported);
    assert_eq!(err.path(), Path::new("/dev/zero"));
    // Even when pipes are allowed, a device is not.
    let err = reader.pipes(true).read(Path::new("/dev/zero")).unwrap_err();
    assert!(matches!(err, ReadError::NotRegular { .. }), "{err}");
}

#[test]
fn the_reader_checks_the_length_before_reading() {
    let dir = Scratch::new("limit");
    let big = dir.write("big.yaml", &"x".repeat(100));
    let small = dir.write("small.yaml", "kind: Pod\n");
    let reader = Reader::new(64);
    assert_eq!(reader.read_to_string(&small).unwrap(), "kind: Pod\n");
    let err = reader.read(&big).unwrap_err();
    assert_eq!(err.kind(), crate::finding::ErrorKind::Limit);
    assert!(matches!(
        err,
        ReadError::Limit {
            len: 100,
            at_least: false,
            max: 64,
            ..
        }
    ));
    assert!(err.to_string().contains("big.yaml"), "{err}");
    let scan_error = err.to_scan_error("big.yaml");
    assert_eq!(scan_error.path, "big.yaml");
    assert!(
        scan_error
            .message
            .contains("100 bytes, over the size limit of 64"),
        "{scan_error}"
    );
    let err = reader.read(&dir.path().join("missing")).unwrap_err();
    assert_eq!(err.kind(), crate::finding::ErrorKind::Io);
    let err = reader.read(dir.path()).unwrap_err();
    assert_eq!(err.kind(), crate::finding::ErrorKind::Io);
    let bad = dir.path().join("bad.yaml");
    fs::write(&bad, b"ok\xFF").unwrap();
    assert!(matches!(
        reader.read_to_string(&bad).unwrap_err(),
        ReadError::NotUtf8 { valid_up_to: 2, .. }
    ));
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_says_it_is_empty_is_still_bounded() {
    // /proc files report a length of 0; /proc/self/maps is longer than 16 bytes.
    let err = Reader::new(16)
        .read(Path::new("/proc/self/maps"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::Limit {
                len: 17,
                at_least: true,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn display_paths_join_without_dot_prefix() {
    assert_eq!(join_display(".", "Dockerfile"), "Dockerfile");
    assert_eq!(join_display("./", "Dockerfile"), "Dockerfile");
    assert_eq!(join_display("a/b/", "c"), "a/b/c");
    assert_eq!(join_display("/", "etc"), "etc");
}

/// Prunes the names it was given; records the folders it entered.
struct ByName {
    names: Vec<&'static str>,
    entered: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
}

impl Prune for ByName {
    fn enter(&mut self, dir: &Path) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        self.entered.borrow_mut().push(name);
    }
    fn prune(&mut self, path: &Path, _is_dir: bool) -> bool {
        let name = path.file_name().unwrap().to_string_lossy();
        self.names.iter().any(|n| *n == name)
    }
}

#[test]
fn a_prune_hook_passes_over_walked_entries_but_never_named_ones() {
    let dir = Scratch::new("prune");
    for rel in [
        "keep.yaml",
        "drop.yaml",
        "vendor/v.yaml",
        "target/t.yaml",
        "a/b.yaml",
    ] {
        dir.write(rel, "x");
    }
    let entered = std::rc::Rc::default();
    let prune = ByName {
        names: vec!["drop.yaml", "vendor"],
        entered: std::rc::Rc::clone(&entered),
    };
    // NotHidden enters `target`: the hook decides.
    let mut walker = Walker::new(Folders::NotHidden, is_yaml_or_json).prune(prune);
    let got = files(&walker.walk(dir.path(), "."));
    assert_eq!(got, ["a/b.yaml", "keep.yaml", "target/t.yaml"]);
    assert!(!entered.borrow().contains(&"vendor".to_string()));
    assert!(entered.borrow().contains(&"a".to_string()));
    // A named path is never pruned.
    let named = walker.walk(&dir.path().join("drop.yaml"), "drop.yaml");
    assert_eq!(files(&named), ["drop.yaml"]);
}
