//! What the kustomize tests that compare with `kubectl kustomize` share:
//! whether kubectl is here, writing a file map to a folder for it, and the
//! deterministic generator the generated overlays are drawn from.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use stockade_kustomize::FileMap;

/// Whether `kubectl` runs here (the tests that need it say SKIPPED otherwise).
pub fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Write `files` under `root`, for kubectl to read.
pub fn write_tree(root: &Path, files: &FileMap) {
    for (p, c) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// xorshift: deterministic, so a failing case reproduces from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn pick(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.pick(one_in) == 0
    }

    pub fn choose<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.pick(items.len()))
        }
    }
}
