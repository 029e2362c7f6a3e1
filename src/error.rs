//! The one error type of the crate. The core says *what* went wrong ([`ErrorKind`]); the napi glue
//! (`src/js/error.rs`) alone decides the `code` users match on and the JS class (Error, TypeError,
//! RangeError, AbortError), so the core names neither Node's codes nor JS functions.

use std::fmt;
use std::io;
use std::path::Path;

/// What went wrong. Each kind has one stable code (the table is `src/js/error.rs`); a kind is
/// added there and in `lib/codes.js` together (a test checks both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A system call failed; the code is its errno name (`ENOENT`, `ENOSPC`...).
    Io,
    /// A value the caller passed is not one the call accepts (a TypeError in JS).
    InvalidValue,
    /// A number the caller passed is outside the accepted range (a RangeError in JS).
    OutOfRange,
    /// The caller cancelled the work (an `AbortSignal` fired).
    Cancelled,
    /// A capture file was abandoned before it was complete (its `.partial` is removed).
    WriteAborted,
    /// A capture file id that is not open (already finished or aborted).
    UnknownSink,
    /// A thread could not be started, or panicked.
    Thread,
    /// A signal handler or its pipe could not be set up.
    Signal,
    /// The platform lacks what the call needs (POSIX signals on Windows).
    Unsupported,
    /// A snapshot file is malformed at an offset.
    Parse,
    /// A profile file is JSON of the right kind but breaks the format's rules.
    InvalidProfile,
    /// The file is not a profile of the kind asked for.
    NotAProfile,
    /// Two snapshots do not come from one process, so their object ids do not match.
    UnrelatedSnapshots,
    /// Two inputs to compare are of different kinds (a CPU and a heap profile, a snapshot and a
    /// profile).
    MismatchedInputs,
    /// No object of the class asked for.
    ClassNotFound,
    /// No object with the id asked for.
    NodeNotFound,
    /// A query on a snapshot view that was closed.
    ViewClosed,
}

/// What went wrong, with the context a user needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong; decides the code.
    pub kind: ErrorKind,
    /// Human message: what happened and what to do.
    pub message: String,
    /// The failed system call (`open`, `write`, `rename`...) for I/O errors.
    pub syscall: Option<String>,
    /// The path the failed call was about.
    pub path: Option<String>,
    /// The OS error number, negated as in Node (`-2` for ENOENT).
    pub errno: Option<i32>,
    /// Byte offset in the input, for parse errors.
    pub offset: Option<u64>,
}

/// Shorthand for results carrying [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with a message and nothing else.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), syscall: None, path: None, errno: None, offset: None }
    }

    /// The errno name of an [`ErrorKind::Io`] error (`ENOENT`), as Node puts it in `err.code`.
    pub fn errno_code(&self) -> String {
        match self.errno {
            Some(n) => errno_name(-n).map(str::to_owned).unwrap_or_else(|| format!("E{}", -n)),
            None => "EIO".to_owned(),
        }
    }

    /// An I/O error shaped like Node's: `ENOENT: no such file or directory, open '/x'`.
    pub fn io(err: &io::Error, syscall: &str, path: &Path) -> Self {
        let path_s = path.display().to_string();
        #[cfg(unix)]
        let raw = err.raw_os_error();
        // Windows' raw codes are Win32 errors, not errno values: name the common cases by kind.
        #[cfg(not(unix))]
        let raw = errno_of_kind(err.kind());
        let (code, errno) = match raw {
            Some(n) => (errno_name(n).map(str::to_owned).unwrap_or_else(|| format!("E{n}")), Some(-n)),
            None => ("EIO".to_owned(), None),
        };
        let desc = strip_os_suffix(&err.to_string());
        let hint = errno_hint(&code);
        let message = format!("{code}: {desc}, {syscall} '{path_s}'{hint}");
        Error { kind: ErrorKind::Io, message, syscall: Some(syscall.into()), path: Some(path_s), errno, offset: None }
    }

    /// A malformed-input error at a byte offset.
    pub fn parse(offset: u64, what: impl fmt::Display, hint: &str) -> Self {
        let mut e = Error::new(ErrorKind::Parse, format!("{what} at byte {offset}{}", if hint.is_empty() { String::new() } else { format!(". {hint}") }));
        e.offset = Some(offset);
        e
    }

    /// The work was cancelled (an `AbortSignal` fired).
    pub fn aborted() -> Self {
        Error::new(ErrorKind::Cancelled, "The operation was aborted")
    }

    /// Same error, with the path it concerns attached.
    pub fn with_path(mut self, path: &Path) -> Self {
        self.path = Some(path.display().to_string());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(not(unix))]
fn errno_of_kind(kind: io::ErrorKind) -> Option<i32> {
    use io::ErrorKind as K;
    Some(match kind {
        K::NotFound => libc::ENOENT,
        K::PermissionDenied => libc::EACCES,
        K::AlreadyExists => libc::EEXIST,
        K::StorageFull => libc::ENOSPC,
        K::IsADirectory => libc::EISDIR,
        K::NotADirectory => libc::ENOTDIR,
        K::ReadOnlyFilesystem => libc::EROFS,
        K::InvalidInput => libc::EINVAL,
        K::OutOfMemory => libc::ENOMEM,
        _ => return None,
    })
}

fn strip_os_suffix(s: &str) -> String {
    // std formats "No such file or directory (os error 2)"; Node says "no such file or directory".
    let s = s.split(" (os error").next().unwrap_or(s);
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn errno_hint(code: &str) -> &'static str {
    match code {
        "ENOENT" => " (does the directory exist?)",
        "EACCES" | "EPERM" => " (choose a directory this process may write to)",
        "ENOSPC" | "EDQUOT" => " (free disk space or write elsewhere; a snapshot is about 2x heapUsed, 0.35x with gzip)",
        "EFBIG" => " (the file size limit was reached; raise it or use gzip)",
        "EISDIR" => " (give a file name, not a directory)",
        "EROFS" => " (the file system is read-only)",
        _ => "",
    }
}

/// The symbolic name of an errno value, as Node reports it in `err.code`.
pub fn errno_name(n: i32) -> Option<&'static str> {
    use libc::*;
    Some(match n {
        ENOENT => "ENOENT",
        EACCES => "EACCES",
        EPERM => "EPERM",
        ENOSPC => "ENOSPC",
        #[cfg(unix)]
        EDQUOT => "EDQUOT",
        EFBIG => "EFBIG",
        EISDIR => "EISDIR",
        ENOTDIR => "ENOTDIR",
        EEXIST => "EEXIST",
        EROFS => "EROFS",
        EMFILE => "EMFILE",
        ENFILE => "ENFILE",
        EIO => "EIO",
        ENAMETOOLONG => "ENAMETOOLONG",
        #[cfg(unix)]
        ELOOP => "ELOOP",
        EBADF => "EBADF",
        EINVAL => "EINVAL",
        EBUSY => "EBUSY",
        EXDEV => "EXDEV",
        EAGAIN => "EAGAIN",
        EINTR => "EINTR",
        ENOMEM => "ENOMEM",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_error_looks_like_nodes() {
        let err = io::Error::from_raw_os_error(libc::ENOENT);
        let e = Error::io(&err, "open", Path::new("/nope/x"));
        assert_eq!(e.kind, ErrorKind::Io);
        assert_eq!(e.errno_code(), "ENOENT");
        assert_eq!(e.syscall.as_deref(), Some("open"));
        assert_eq!(e.path.as_deref(), Some("/nope/x"));
        assert_eq!(e.errno, Some(-libc::ENOENT));
        assert!(e.message.starts_with("ENOENT: no such file or directory, open '/nope/x'"), "{}", e.message);
    }

    #[test]
    fn parse_error_names_offset() {
        let e = Error::parse(42, "unexpected end of input", "the file is truncated");
        assert_eq!(e.kind, ErrorKind::Parse);
        assert_eq!(e.offset, Some(42));
        assert!(e.message.contains("at byte 42"));
    }
}
