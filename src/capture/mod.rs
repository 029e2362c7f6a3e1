//! Capturing: the file writer and the registry of open sinks the capture worker feeds.

pub mod headroom;
// V8's writer into a pipe (POSIX pipes and /proc/self/fd or /dev/fd).
#[cfg(unix)]
pub mod pipe;
// Signals are POSIX: elsewhere (Windows) the same API refuses with a clear error, so a build
// there compiles and fails nowhere silently; lib/signal.js does not ask for them on win32.
#[cfg(unix)]
pub mod signal;
#[cfg(not(unix))]
#[path = "signal_unsupported.rs"]
pub mod signal;
pub mod sink;
pub mod writer;
