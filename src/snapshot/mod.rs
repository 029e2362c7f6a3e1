//! The heap snapshot analyzer: DevTools' Summary numbers, natively, for files of any size.
//!
//! Pipeline: [`input`] (bytes, gzip) → [`parse`] (streaming JSON into [`graph::Graph`]) →
//! [`analysis`] (DevTools' derived data) → [`summary`] (per-class rows and statistics).
//! Pure Rust; the napi glue lives in `crate::js::snapshot`.

pub mod analysis;
pub mod bits;
pub mod classes;
pub mod diff;
pub mod distances;
pub mod dom_state;
pub mod dominators;
pub mod essential;
pub mod flags;
pub mod fxhash;
pub mod graph;
pub mod ids;
pub mod input;
pub mod interfaces;
pub mod json;
pub mod leaks;
pub mod mem;
pub mod meta;
pub mod parse;
pub mod paths;
pub mod retainers;
pub mod shallow;
pub mod statistics;
pub mod strings;
pub mod summary;
pub mod view;
pub mod weakmap;

#[cfg(test)]
mod tests;

use std::path::Path;

use crate::cancel::Cancel;
use crate::error::Result;

/// A stage of the analysis, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading and decoding the file.
    Parsing,
    /// Flags, sizes, distances.
    Graph,
    /// Dominator tree, retained sizes and classes.
    Dominators,
}

impl Phase {
    /// The phase's name as shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Parsing => "parsing",
            Phase::Graph => "graph",
            Phase::Dominators => "dominators",
        }
    }
}

/// When `RSHEAPDUMP_TRACE` is set, prints how long a step took (to stderr), for benchmarks,
/// with the process's resident memory at its end and peak so far (Linux).
pub(crate) fn trace(step: &str, since: std::time::Instant) {
    if std::env::var_os("RSHEAPDUMP_TRACE").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kb = |key: &str| status.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse::<u64>().ok());
        let mem = match (kb("VmRSS:"), kb("VmHWM:")) {
            (Some(rss), Some(hwm)) => format!("  rss {:>5} MiB, peak {:>5} MiB", rss / 1024, hwm / 1024),
            _ => String::new(),
        };
        eprintln!("rsheapdump: {step:<14} {:>7.0} ms{mem}", since.elapsed().as_secs_f64() * 1000.0);
    }
}

/// Parses a snapshot file (plain or gzip) into a graph; stops with `ABORT_ERR` at the next chunk
/// read once `cancel` is set.
pub fn load_file(path: &Path, progress: &dyn Fn(Phase, f64), cancel: &Cancel) -> Result<graph::Graph> {
    let report = |f: f64| progress(Phase::Parsing, f);
    let mut inp = input::Input::open(path)?;
    inp.set_progress(&report);
    inp.set_abort(cancel.clone());
    let g = parse::parse(&mut inp)?;
    cancel.check()?;
    Ok(g)
}

/// Parses and analyzes a snapshot file and returns DevTools' Summary.
pub fn summarize_file(path: &Path, progress: &dyn Fn(Phase, f64), cancel: &Cancel) -> Result<summary::Summary> {
    let t = std::time::Instant::now();
    let g = load_file(path, progress, cancel)?;
    trace("parse", t);
    let (a, prepared) = analysis::analyze_with(g, progress, summary::prepare, |mut p, d, tree| {
        summary::class_retained_in(&mut p, tree, d.self_sizes);
        p
    });
    cancel.check()?;
    let t = std::time::Instant::now();
    let s = summary::complete(&a, prepared);
    trace("summary", t);
    Ok(s)
}

/// Parses and analyzes an in-memory snapshot (plain or gzip).
pub fn summarize_bytes(bytes: Vec<u8>) -> Result<summary::Summary> {
    let mut inp = input::Input::from_bytes(bytes);
    let g = parse::parse(&mut inp)?;
    let a = analysis::analyze(g, &|_, _| {});
    Ok(summary::summarize(&a))
}
