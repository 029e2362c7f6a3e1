//! napi glue for `crate::snapshot`: `analyzeSnapshot` (off the event loop) and its sync twin.

use std::path::PathBuf;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::error::{check, to_js};
use super::task::{task_with, ProgressFn, Watch};
use crate::cancel::Cancel;
use crate::snapshot::{self, summary::Summary, Phase};

/// Heap composition in bytes, as DevTools' Statistics view shows it.
#[napi(object)]
pub struct SnapshotStatistics {
    /// The root's retained size plus native bytes outside the graph.
    pub total: f64,
    /// Total minus native.
    #[napi(js_name = "v8heap")]
    pub v8heap: f64,
    /// Native (embedder) memory.
    pub native: f64,
    /// Compiled code.
    pub code: f64,
    /// Strings.
    pub strings: f64,
    /// JS arrays with their elements.
    pub js_arrays: f64,
    /// ArrayBuffer backing stores.
    pub typed_arrays: f64,
    /// Hidden (system) objects.
    pub system: f64,
}

/// One row of DevTools' Summary view.
#[napi(object)]
pub struct SnapshotClass {
    /// Constructor name (`Function` for closures, `(string)`, `{a, b}` for plain objects...).
    pub name: String,
    /// DevTools' class key: `,Name`, or `scriptId,line,column,Name` for classes split by location.
    pub key: String,
    /// Objects with a non-zero shallow size.
    pub count: f64,
    /// Sum of shallow sizes.
    pub shallow_size: f64,
    /// Retained size of the class (objects dominated by another of the same class counted once).
    pub retained_size: f64,
    /// Smallest distance from the GC roots (system-only objects from 100000000).
    pub distance: f64,
}

/// What `analyzeSnapshot` resolves to.
#[napi(object)]
pub struct SnapshotSummary {
    /// Heap composition.
    pub statistics: SnapshotStatistics,
    /// One entry per class, in DevTools' order of first appearance.
    pub classes: Vec<SnapshotClass>,
    /// Nodes in the snapshot.
    pub node_count: f64,
    /// Edges in the snapshot.
    pub edge_count: f64,
}

pub(crate) fn to_object(s: Summary) -> SnapshotSummary {
    let st = s.statistics;
    SnapshotSummary {
        statistics: SnapshotStatistics {
            total: st.total,
            v8heap: st.v8heap,
            native: st.native,
            code: st.code,
            strings: st.strings,
            js_arrays: st.js_arrays,
            typed_arrays: st.typed_arrays,
            system: st.system,
        },
        classes: s
            .classes
            .into_iter()
            .map(|c| SnapshotClass {
                name: c.name,
                key: c.key,
                count: c.count as f64,
                shallow_size: c.shallow_size,
                retained_size: c.retained_size,
                distance: c.distance as f64,
            })
            .collect(),
        node_count: s.node_count as f64,
        edge_count: s.edge_count as f64,
    }
}

/// Parses and analyzes a snapshot file on the libuv thread pool.
pub struct AnalyzeTask {
    path: PathBuf,
    watch: Watch,
}

#[napi]
impl Task for AnalyzeTask {
    type Output = crate::error::Result<Summary>;
    type JsValue = SnapshotSummary;

    fn compute(&mut self) -> Result<Self::Output> {
        let w = &self.watch;
        Ok(snapshot::summarize_file(&self.path, &|p: Phase, f| w.report(p.as_str(), f), &w.cancel))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<SnapshotSummary> {
        out.map(to_object).map_err(|e| to_js(&env, &e))
    }
}

/// Analyzes a `.heapsnapshot` (plain or gzip) off the event loop; resolves to DevTools' Summary.
/// `onProgress(phase, fraction)` is queued to the event loop as it goes; `signal` aborts it.
#[napi]
pub fn analyze_snapshot(
    path: String,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> AsyncTask<AnalyzeTask> {
    let watch = Watch::new(on_progress, signal.as_ref());
    task_with(AnalyzeTask { path: PathBuf::from(path), watch }, signal)
}

/// Same as `analyzeSnapshot`, blocking; `onProgress(phase, fraction)` is called on this thread.
#[napi]
pub fn analyze_snapshot_sync(env: Env, path: String, on_progress: Option<Function<FnArgs<(String, f64)>, ()>>) -> Result<SnapshotSummary> {
    let report = |phase: Phase, fraction: f64| {
        if let Some(f) = &on_progress {
            // A throwing progress callback must not abort the analysis; its error is dropped.
            let _ = f.call((phase.as_str().to_owned(), fraction).into());
        }
    };
    check(&env, snapshot::summarize_file(std::path::Path::new(&path), &report, &Cancel::new())).map(to_object)
}
