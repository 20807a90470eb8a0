#![allow(clippy::unwrap_used)]
fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let t = std::time::Instant::now();
        let r = stockade::scan(&text, Some(&path), None);
        println!(
            "{path} {:?} findings={} errors={:?}",
            t.elapsed(),
            r.findings.len(),
            r.errors.iter().map(|e| &e.message).collect::<Vec<_>>()
        );
    }
}
