//! `signal` where there are no POSIX signals (Windows): every request to watch one is refused with
//! [`ErrorKind::Unsupported`], and nothing is ever delivered.

use crate::error::{Error, ErrorKind, Result};

type Callback = Box<dyn Fn(i32) + Send + Sync>;

/// Refuses: this platform has no POSIX signals.
pub fn install(sig: i32) -> Result<()> {
    Err(Error::new(
        ErrorKind::Unsupported,
        format!("signal {sig}: this platform has no POSIX signals; take snapshots with writeSnapshot() or the HTTP handler instead"),
    ))
}

/// Never: nothing is installed here.
pub fn is_installed(_sig: i32) -> bool {
    false
}

/// Accepted and never called.
pub fn subscribe(_cb: Callback) -> u64 {
    0
}

/// Nothing to remove.
pub fn unsubscribe(_id: u64) {}
