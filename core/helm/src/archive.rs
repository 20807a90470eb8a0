//! Chart archives (`.tgz`): gzip, then tar, read in memory with every budget
//! explicit (Helm's `LoadArchiveFiles`: 100 MiB decompressed, 5 MiB a file;
//! ours adds an entry count). Paths are checked as Helm checks them (absolute
//! paths, `..`, drive letters, `Chart.yaml` outside the chart folder).

use std::io::Read;

use crate::error::{HelmError, HelmErrorKind};

/// Budgets for one archive (and each archive nested in it, separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Total decompressed bytes of file contents (Helm: 100 MiB).
    pub max_total_bytes: u64,
    /// Decompressed bytes of one file (Helm: 5 MiB).
    pub max_file_bytes: u64,
    /// Tar entries (headers), folders included.
    pub max_entries: usize,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        Self {
            max_total_bytes: 100 * 1024 * 1024,
            max_file_bytes: 5 * 1024 * 1024,
            max_entries: 20_000,
        }
    }
}

fn archive_err(message: impl Into<String>) -> HelmError {
    HelmError::new(HelmErrorKind::Archive, message)
}

fn limit_err(message: impl Into<String>) -> HelmError {
    HelmError::new(HelmErrorKind::Limit, message)
}

/// The files of a chart archive, names relative to the chart folder (the first
/// path component, the chart's own folder, removed), in archive order.
pub fn read_archive(
    bytes: &[u8],
    limits: &ArchiveLimits,
) -> Result<Vec<(String, Vec<u8>)>, HelmError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(archive_err("gzip: invalid header"));
    }
    // Header blocks and padding are read through the same budget, a block at a time.
    let budget = limits
        .max_total_bytes
        .saturating_add(512 * (limits.max_entries as u64 + 2) * 2);
    let mut tar = flate2::read::MultiGzDecoder::new(bytes).take(budget);
    let mut files = Vec::new();
    let mut remaining = limits.max_total_bytes;
    let mut long_name: Option<String> = None;
    let mut pax_path: Option<String> = None;
    let mut entries = 0usize;
    let mut block = [0u8; 512];
    loop {
        if !read_block(&mut tar, &mut block)? {
            break;
        }
        if block.iter().all(|&b| b == 0) {
            break;
        }
        entries += 1;
        if entries > limits.max_entries {
            return Err(limit_err(format!(
                "chart archive has more than {} entries",
                limits.max_entries
            )));
        }
        if !checksum_ok(&block) {
            return Err(archive_err("archive/tar: invalid tar header"));
        }
        let size = parse_size(block.get(124..136).unwrap_or_default())
            .ok_or_else(|| archive_err("archive/tar: invalid tar header"))?;
        let typeflag = block.get(156).copied().unwrap_or(b'0');
        let mut name = if let Some(n) = long_name.take() {
            n
        } else {
            let base = cstr(block.get(0..100).unwrap_or_default());
            let is_ustar = block.get(257..262) == Some(b"ustar");
            let prefix = if is_ustar {
                cstr(block.get(345..500).unwrap_or_default())
            } else {
                String::new()
            };
            if prefix.is_empty() {
                base
            } else {
                format!("{prefix}/{base}")
            }
        };
        if let Some(p) = pax_path.take() {
            name = p;
        }
        let padded = size.div_ceil(512) * 512;
        match typeflag {
            // GNU long name, PAX headers: their data describes the next entry.
            b'L' | b'x' | b'g' => {
                if size > 1024 * 1024 {
                    return Err(limit_err("chart archive has an oversized tar header"));
                }
                let data = read_exact_vec(&mut tar, padded)?;
                let data = data.get(..size as usize).unwrap_or_default();
                if typeflag == b'L' {
                    long_name = Some(cstr(data));
                } else if typeflag == b'x' {
                    pax_path = pax_record(data, "path");
                }
                continue;
            }
            b'5' => {
                skip(&mut tar, padded)?;
                continue;
            }
            b'0' | 0 | b'7' => {}
            // Links, devices, FIFOs: no content Helm would read.
            _ => {
                skip(&mut tar, padded)?;
                continue;
            }
        }
        let n = clean_name(&name)?;
        if size > remaining {
            return Err(limit_err(format!(
                "decompressed chart is larger than the maximum size {}",
                limits.max_total_bytes
            )));
        }
        if size > limits.max_file_bytes {
            return Err(limit_err(format!(
                "decompressed chart file {name:?} is larger than the maximum file size {}",
                limits.max_file_bytes
            )));
        }
        let mut data = read_exact_vec(&mut tar, padded)?;
        data.truncate(size as usize);
        remaining -= size;
        if let Some(rest) = data.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            data = rest.to_vec();
        }
        files.push((n, data));
    }
    if files.is_empty() {
        return Err(archive_err("no files in chart archive"));
    }
    Ok(files)
}

fn clean_name(raw: &str) -> Result<String, HelmError> {
    let delimiter = if raw.contains('\\') { '\\' } else { '/' };
    let parts: Vec<&str> = raw.split(delimiter).collect();
    if parts.first() == Some(&"Chart.yaml") {
        return Err(archive_err("chart yaml not in base directory"));
    }
    let joined = parts.get(1..).unwrap_or_default().join("/");
    if joined.starts_with('/') {
        return Err(archive_err("chart illegally contains absolute paths"));
    }
    let cleaned = clean_path(&joined);
    if cleaned == "." {
        return Err(archive_err(format!(
            "chart illegally contains content outside the base directory: {raw:?}"
        )));
    }
    if cleaned.starts_with("..") {
        return Err(archive_err("chart illegally references parent directory"));
    }
    let b = cleaned.as_bytes();
    if b.len() >= 3 && b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(1..3) == Some(b":/")
    {
        return Err(archive_err("chart contains illegally named files"));
    }
    Ok(cleaned)
}

/// Go's `path.Clean` for relative paths.
pub fn clean_path(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let rooted = p.starts_with('/');
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

fn read_block(r: &mut impl Read, block: &mut [u8; 512]) -> Result<bool, HelmError> {
    let mut filled = 0;
    while filled < 512 {
        let slice = block.get_mut(filled..).unwrap_or_default();
        match r.read(slice) {
            Ok(0) => {
                return if filled == 0 {
                    Ok(false)
                } else {
                    Err(archive_err("unexpected EOF"))
                };
            }
            Ok(n) => filled += n,
            Err(e) => return Err(archive_err(gzip_error(&e))),
        }
    }
    Ok(true)
}

fn gzip_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    if text.contains("corrupt") || text.contains("invalid") {
        "gzip: invalid header".to_string()
    } else {
        format!("unexpected EOF ({text})")
    }
}

fn read_exact_vec(r: &mut impl Read, n: u64) -> Result<Vec<u8>, HelmError> {
    let mut data = Vec::new();
    let got = r
        .take(n)
        .read_to_end(&mut data)
        .map_err(|e| archive_err(gzip_error(&e)))?;
    if (got as u64) < n {
        return Err(limit_err(
            "unexpected EOF: the archive ends inside a file, or is larger than the budget",
        ));
    }
    Ok(data)
}

fn skip(r: &mut impl Read, n: u64) -> Result<(), HelmError> {
    let copied = std::io::copy(&mut r.take(n), &mut std::io::sink())
        .map_err(|e| archive_err(gzip_error(&e)))?;
    if copied < n {
        return Err(archive_err("unexpected EOF"));
    }
    Ok(())
}

fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(b.get(..end).unwrap_or_default()).into_owned()
}

fn parse_size(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        // base-256
        let mut v: u64 = 0;
        for (i, &b) in field.iter().enumerate() {
            let b = if i == 0 { b & 0x7f } else { b };
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let s = cstr(field);
    let s = s.trim_matches(|c: char| c == ' ' || c == '\0');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

fn checksum_ok(block: &[u8; 512]) -> bool {
    let Some(stored) = block.get(148..156).and_then(parse_size) else {
        return false;
    };
    let sum: u64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    sum == stored
}

fn pax_record(data: &[u8], key: &str) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    let mut rest: &str = &text;
    while !rest.is_empty() {
        let (len, after) = rest.split_once(' ')?;
        let len: usize = len.parse().ok()?;
        let record = rest.get(..len)?;
        let body = record.get(record.find(' ')? + 1..)?.strip_suffix('\n')?;
        let _ = after;
        if let Some((k, v)) = body.split_once('=') {
            if k == key {
                return Some(v.to_string());
            }
        }
        rest = rest.get(len..)?;
    }
    None
}

/// Write a gzip tar of `files` (for tests and fixtures): `(path, contents)`.
pub fn write_archive(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut tar = Vec::new();
    for (path, data) in files {
        let mut header = [0u8; 512];
        let name = path.as_bytes();
        let n = name.len().min(100);
        if let (Some(dst), Some(src)) = (header.get_mut(..n), name.get(..n)) {
            dst.copy_from_slice(src);
        }
        put(&mut header, 100, b"0000644\0");
        put(&mut header, 108, b"0000000\0");
        put(&mut header, 116, b"0000000\0");
        put(
            &mut header,
            124,
            format!("{:011o}\0", data.len()).as_bytes(),
        );
        put(&mut header, 136, b"00000000000\0");
        put(&mut header, 148, b"        ");
        put(&mut header, 156, b"0");
        put(&mut header, 257, b"ustar\x0000");
        let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        put(&mut header, 148, format!("{sum:06o}\0 ").as_bytes());
        tar.extend_from_slice(&header);
        tar.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        tar.extend(std::iter::repeat_n(0u8, pad));
    }
    tar.extend(std::iter::repeat_n(0u8, 1024));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = gz.write_all(&tar);
    gz.finish().unwrap_or_default()
}

fn put(header: &mut [u8; 512], at: usize, bytes: &[u8]) {
    if let Some(dst) = header.get_mut(at..at + bytes.len()) {
        dst.copy_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn round_trip_and_paths() {
        let tgz = write_archive(&[("c/Chart.yaml", b"name: c\n"), ("c/templates/a.yaml", b"x")]);
        let files = read_archive(&tgz, &ArchiveLimits::default()).unwrap();
        assert_eq!(files[0].0, "Chart.yaml");
        assert_eq!(files[1], ("templates/a.yaml".to_string(), b"x".to_vec()));
        let bad = write_archive(&[("c/../../etc/passwd", b"x")]);
        assert_eq!(
            read_archive(&bad, &ArchiveLimits::default())
                .unwrap_err()
                .message,
            "chart illegally references parent directory"
        );
        assert_eq!(
            read_archive(b"not gzip", &ArchiveLimits::default())
                .unwrap_err()
                .message,
            "gzip: invalid header"
        );
    }

    #[test]
    fn zip_bomb_is_a_limit() {
        let big = vec![0u8; 3 << 20];
        let tgz = write_archive(&[
            ("c/Chart.yaml", b"name: c\n"),
            ("c/big", &big),
            ("c/big2", &big),
        ]);
        assert!(tgz.len() < 64 * 1024, "compresses well: {}", tgz.len());
        let limits = ArchiveLimits {
            max_total_bytes: 4 << 20,
            ..ArchiveLimits::default()
        };
        let err = read_archive(&tgz, &limits).unwrap_err();
        assert_eq!(err.kind, HelmErrorKind::Limit);
        let limits = ArchiveLimits {
            max_file_bytes: 1 << 20,
            ..ArchiveLimits::default()
        };
        assert!(read_archive(&tgz, &limits)
            .unwrap_err()
            .message
            .contains("maximum file size"));
    }
}
