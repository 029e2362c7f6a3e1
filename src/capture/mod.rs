//! Capturing: the file writer and the registry of open sinks the capture worker feeds.

pub mod signal;
pub mod sink;
pub mod writer;
