//! Reading one file within a size limit.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::Special;
use crate::finding::{ErrorKind, ScanError};
use crate::settings::Limits;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The operating system refused (missing, no permission, a dangling link…).
    #[error("{}: {error}", .path.display())]
    Io { path: PathBuf, error: io::Error },
    /// Larger than the limit: `len` bytes, or more (`at_least`) when the file
    /// was read up to the limit and then given up.
    #[error("{}: {}", .path.display(), self.message())]
    Limit {
        path: PathBuf,
        len: usize,
        at_least: bool,
        max: usize,
    },
    /// A FIFO, socket or device: not opened.
    #[error("{}: {}", .path.display(), self.message())]
    NotRegular { path: PathBuf, what: Special },
    /// Not UTF-8 text ([`Reader::read_to_string`] only).
    #[error("{}: {}", .path.display(), self.message())]
    NotUtf8 { path: PathBuf, valid_up_to: usize },
}

impl ReadError {
    /// The path that was not read.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Io { path, .. }
            | ReadError::Limit { path, .. }
            | ReadError::NotRegular { path, .. }
            | ReadError::NotUtf8 { path, .. } => path,
        }
    }

    /// How it is reported: `io`, `limit`, `unsupported` or `parse`.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ReadError::Io { .. } => ErrorKind::Io,
            ReadError::Limit { .. } => ErrorKind::Limit,
            ReadError::NotRegular { .. } => ErrorKind::Unsupported,
            ReadError::NotUtf8 { .. } => ErrorKind::Parse,
        }
    }

    /// The message without the path (the operating system's text for `Io`,
    /// which users search for).
    pub fn message(&self) -> String {
        match self {
            ReadError::Io { error, .. } => error.to_string(),
            ReadError::Limit {
                len, at_least, max, ..
            } => {
                let size = if *at_least {
                    format!("more than {max} bytes")
                } else {
                    format!("{len} bytes")
                };
                format!(
                    "the file is {size}, over the size limit of {max} bytes; it was not read (raise `limits: max-file-size` to read it)"
                )
            }
            ReadError::NotRegular { what, .. } => {
                format!("{}: not a regular file; it was not opened", what.describe())
            }
            ReadError::NotUtf8 { valid_up_to, .. } => {
                format!("not UTF-8 text: invalid byte at byte offset {valid_up_to}")
            }
        }
    }

    /// The error about a whole file, reported under `display`.
    pub fn to_scan_error(&self, display: impl Into<String>) -> ScanError {
        ScanError::file(self.kind(), display, self.message())
    }
}

/// Reads whole files up to a limit. `Reader::default()` allows
/// [`Limits::DEFAULT_MAX_FILE_BYTES`] (16 MiB), for commands without a
/// configuration; a scan passes its `limits: max-file-size`
/// ([`Limits::file_bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    max: usize,
    pipes: bool,
}

impl Default for Reader {
    fn default() -> Self {
        Self::new(Limits::DEFAULT_MAX_FILE_BYTES)
    }
}

impl Reader {
    /// Reads regular files of at most `max` bytes.
    pub fn new(max: usize) -> Self {
        Self { max, pipes: false }
    }

    /// The limit in bytes.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Also read named pipes (a path the user named, `<(cat file)`), up to the
    /// limit: reading one waits for its writer, as `cat` does.
    #[must_use]
    pub fn pipes(mut self, yes: bool) -> Self {
        self.pipes = yes;
        self
    }

    fn readable(&self, path: &Path, meta: &fs::Metadata) -> Result<(), ReadError> {
        match Special::of(meta) {
            None if meta.is_dir() => Err(ReadError::Io {
                path: path.to_path_buf(),
                error: io::ErrorKind::IsADirectory.into(),
            }),
            None => Ok(()),
            Some(Special::Fifo) if self.pipes => Ok(()),
            Some(what) => Err(ReadError::NotRegular {
                path: path.to_path_buf(),
                what,
            }),
        }
    }

    fn within(&self, path: &Path, meta: &fs::Metadata) -> Result<(), ReadError> {
        let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        if meta.is_file() && len > self.max {
            return Err(ReadError::Limit {
                path: path.to_path_buf(),
                len,
                at_least: false,
                max: self.max,
            });
        }
        Ok(())
    }

    /// The bytes of `path` (links followed). What is not a regular file (or an
    /// allowed pipe) is refused without being opened; a file whose length is
    /// over the limit is not read; at most `max + 1` bytes are ever read.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        let io = |error| ReadError::Io {
            path: path.to_path_buf(),
            error,
        };
        let meta = fs::metadata(path).map_err(io)?;
        self.readable(path, &meta)?;
        self.within(path, &meta)?;
        let file = open(path, meta.is_file()).map_err(io)?;
        // The path may have been replaced between the two looks.
        let meta = file.metadata().map_err(io)?;
        self.readable(path, &meta)?;
        self.within(path, &meta)?;
        let capacity = usize::try_from(meta.len()).unwrap_or(0).min(self.max);
        let mut bytes = Vec::with_capacity(capacity);
        file.take(self.max as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() > self.max {
            return Err(ReadError::Limit {
                path: path.to_path_buf(),
                len: bytes.len(),
                at_least: true,
                max: self.max,
            });
        }
        Ok(bytes)
    }

    /// [`Reader::read`], as UTF-8 text.
    pub fn read_to_string(&self, path: &Path) -> Result<String, ReadError> {
        String::from_utf8(self.read(path)?).map_err(|e| ReadError::NotUtf8 {
            path: path.to_path_buf(),
            valid_up_to: e.utf8_error().valid_up_to(),
        })
    }
}

/// Open for reading. A path that was a regular file is opened without blocking
/// (on Unix), so a FIFO put in its place after the check cannot block the open;
/// the handle is checked again after opening.
fn open(path: &Path, regular: bool) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if regular {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    let _ = regular;
    options.open(path)
}
