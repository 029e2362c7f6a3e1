//! rsheapdump: heap snapshots, profiles and their analysis for Node.js.
//!
//! The Rust core (`capture`, `snapshot`, `profile`) knows nothing of Node; `js` is the napi glue:
//! argument conversion, and the one place where errors become JS errors.

pub(crate) mod cancel;
pub(crate) mod capture;
pub(crate) mod error;
pub(crate) mod profile;
pub(crate) mod snapshot;
pub(crate) mod stall;
/// For the fuzz crate (fuzz/) and benches/ only; not an API: the crate's modules are private.
#[doc(hidden)]
pub mod internals {
    use std::path::Path;

    use crate::cancel::Cancel;
    pub use crate::error::{Error, ErrorKind};

    /// Parses and analyzes an in-memory snapshot (plain or gzip), keeping only the outcome.
    pub fn summarize_bytes(bytes: Vec<u8>) -> Result<(), Error> {
        crate::snapshot::summarize_bytes(bytes).map(drop)
    }

    /// Parses a snapshot file into the graph and drops it; returns the node count.
    pub fn parse_file(path: &Path) -> Result<usize, Error> {
        crate::snapshot::load_file(path, &|_, _| {}, &Cancel::new()).map(|g| g.node_count())
    }

    /// Runs a profile (or folded text) through every reader and stage; panics when an invariant
    /// breaks. Returns whether it was a usable profile.
    pub fn profile_every_stage(bytes: &[u8]) -> bool {
        crate::profile::check::every_stage(bytes)
    }

    /// Parses and analyzes a snapshot file; returns the class count and the total size.
    pub fn summarize_file(path: &Path) -> Result<(usize, f64), Error> {
        crate::snapshot::summarize_file(path, &|_, _| {}, &Cancel::new()).map(|s| (s.classes.len(), s.statistics.total))
    }
}

// napi registers the exports at load time; a test build has no loader, so they look unused.
#[cfg_attr(test, allow(dead_code))]
mod js;
