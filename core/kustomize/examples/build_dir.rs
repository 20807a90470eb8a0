//! `cargo run --release -p stockade-kustomize --example build_dir -- DIR`:
//! read the files under the current folder into a map and print the build of
//! DIR (relative to it), as `kubectl kustomize DIR` prints it. Used to time the
//! build against kubectl (whole process).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;

use stockade_kustomize::{build, FileMap, Options};

fn read_tree(root: &Path, rel: &str, out: &mut FileMap) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            read_tree(root, &path, out);
        } else if ft.is_file() {
            out.insert(path, std::fs::read(e.path()).unwrap());
        }
    }
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut files = FileMap::new();
    read_tree(Path::new("."), "", &mut files);
    match build(&files, &dir, &Options::default()) {
        Ok(b) => {
            std::io::stdout().write_all(b.to_yaml().as_bytes()).unwrap();
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
