//! The napi glue, one file per area: argument conversion and calls into the plain-Rust core.
//! Errors become JS errors only in `error.rs`.

pub mod capture;
pub mod compare;
pub mod error;
pub mod headroom;
pub mod profile;
pub mod signal;
pub mod snapshot;
pub mod stall;
pub mod task;
pub mod view;
