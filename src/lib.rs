//! rsheapdump: heap snapshots, profiles and their analysis for Node.js.
//!
//! The Rust core (`capture`, `snapshot`, `profile`) knows nothing of Node; `js` is the napi glue:
//! argument conversion, and the one place where errors become JS errors.

pub mod cancel;
pub mod capture;
pub mod error;
pub mod profile;
pub mod snapshot;
// napi registers the exports at load time; a test build has no loader, so they look unused.
#[cfg_attr(test, allow(dead_code))]
mod js;
