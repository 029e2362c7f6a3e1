//! napi glue for comparing snapshots: `diffSnapshots`, `findLeaks` and `retainerPaths`, each off
//! the event loop, with blocking twins that report progress (for the CLI).

use std::path::PathBuf;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::error::{check, to_js};
use super::task::{reporter, task_with, ProgressFn, Watch};
use crate::cancel::Cancel;
use crate::snapshot::diff::{self, Diff};
use crate::snapshot::leaks::{self, Leaks};
use crate::snapshot::paths::RetainerPath;
use crate::snapshot::retainers::{self, Query, Retainers};
use crate::snapshot::Phase;

/// One step of a retainer path.
#[napi(object, js_name = "RetainerPathStep")]
pub struct JsPathStep {
    /// How the previous node holds this one (`cache`, `[3]`, `context`); absent at the root.
    pub edge: Option<String>,
    /// The edge type (`property`, `element`, `context`, `internal`, `shortcut`, ...).
    pub edge_type: Option<String>,
    /// Node id (stable across snapshots of one process).
    pub id: f64,
    /// Class as DevTools names it.
    pub class_name: String,
    /// The node's own name (constructor, function or string text), cut to 80 characters.
    pub name: String,
    /// Node type (`object`, `closure`, `array`, `synthetic`, ...).
    pub node_type: String,
    /// Constructor location `script:line:column` (one-based), when the snapshot has it.
    pub location: Option<String>,
}

/// A retainer path, root first.
#[napi(object, js_name = "RetainerPath")]
pub struct JsRetainerPath {
    /// Steps from a GC root down to the object.
    pub steps: Vec<JsPathStep>,
    /// True when the path was too long and its root side was cut.
    pub truncated: bool,
}

fn path_object(p: RetainerPath) -> JsRetainerPath {
    JsRetainerPath {
        steps: p
            .steps
            .into_iter()
            .map(|s| JsPathStep {
                edge: s.edge,
                edge_type: s.edge_type,
                id: s.id as f64,
                class_name: s.class_name,
                name: s.name,
                node_type: s.node_type,
                location: s.location,
            })
            .collect(),
        truncated: p.truncated,
    }
}

/// One row of DevTools' Comparison view.
#[napi(object, js_name = "ClassDiff")]
pub struct JsClassDiff {
    /// Class name.
    pub name: String,
    /// DevTools' class key.
    pub key: String,
    /// Objects of the second snapshot the first does not have (`# New`).
    pub new_count: f64,
    /// Objects of the first snapshot gone from the second (`# Deleted`).
    pub deleted_count: f64,
    /// New minus deleted.
    pub count_delta: f64,
    /// Shallow size of the new objects (`Alloc. Size`).
    pub alloc_size: f64,
    /// Shallow size of the deleted objects (`Freed Size`).
    pub freed_size: f64,
    /// Allocated minus freed.
    pub size_delta: f64,
}

/// What `diffSnapshots` resolves to.
#[napi(object, js_name = "SnapshotDiff")]
pub struct JsDiff {
    /// Changed classes, largest size delta first.
    pub classes: Vec<JsClassDiff>,
    /// Nodes in the first snapshot.
    pub base_node_count: f64,
    /// Nodes in the second snapshot.
    pub target_node_count: f64,
    /// Ids present in both.
    pub shared_ids: f64,
}

fn diff_object(d: Diff) -> JsDiff {
    JsDiff {
        classes: d
            .classes
            .into_iter()
            .map(|c| JsClassDiff {
                name: c.name,
                key: c.key,
                new_count: c.new_count as f64,
                deleted_count: c.deleted_count as f64,
                count_delta: c.count_delta as f64,
                alloc_size: c.alloc_size,
                freed_size: c.freed_size,
                size_delta: c.size_delta,
            })
            .collect(),
        base_node_count: d.base_node_count as f64,
        target_node_count: d.target_node_count as f64,
        shared_ids: d.shared_ids as f64,
    }
}

/// Leak roots of one class with one retainer path shape.
#[napi(object, js_name = "LeakCluster")]
pub struct JsLeakCluster {
    /// Class name.
    pub class_name: String,
    /// DevTools' class key.
    pub key: String,
    /// Leaked objects in the cluster.
    pub count: f64,
    /// Their retained size together.
    pub retained_size: f64,
    /// Their shallow size together.
    pub shallow_size: f64,
    /// Ids of the first ones (at most 10), in the final snapshot.
    pub ids: Vec<f64>,
    /// The shortest retainer path of the first one.
    pub path: JsRetainerPath,
}

/// All leaked objects of one class.
#[napi(object, js_name = "LeakClass")]
pub struct JsLeakClass {
    /// Class name.
    pub name: String,
    /// DevTools' class key.
    pub key: String,
    /// Leaked objects.
    pub count: f64,
    /// Their shallow size.
    pub shallow_size: f64,
}

/// What `findLeaks` resolves to.
#[napi(object, js_name = "LeakReport")]
pub struct JsLeaks {
    /// Clusters, largest retained size first.
    pub clusters: Vec<JsLeakCluster>,
    /// Clusters left out by the limit.
    pub omitted_clusters: f64,
    /// Leaked objects per class, most first.
    pub classes: Vec<JsLeakClass>,
    /// Leaked objects in all.
    pub leaked_objects: f64,
    /// Leaked objects not retained by another leaked object.
    pub leak_roots: f64,
    /// Retained size of all leaks.
    pub retained_size: f64,
    /// Nodes in the baseline, target and final snapshots.
    pub node_counts: Vec<f64>,
}

fn leaks_object(l: Leaks) -> JsLeaks {
    JsLeaks {
        clusters: l
            .clusters
            .into_iter()
            .map(|c| JsLeakCluster {
                class_name: c.class_name,
                key: c.key,
                count: c.count as f64,
                retained_size: c.retained_size,
                shallow_size: c.shallow_size,
                ids: c.ids.into_iter().map(|i| i as f64).collect(),
                path: path_object(c.path),
            })
            .collect(),
        omitted_clusters: l.omitted_clusters as f64,
        classes: l.classes.into_iter().map(|c| JsLeakClass { name: c.name, key: c.key, count: c.count as f64, shallow_size: c.shallow_size }).collect(),
        leaked_objects: l.leaked_objects as f64,
        leak_roots: l.leak_roots as f64,
        retained_size: l.retained_size,
        node_counts: l.node_counts.iter().map(|&n| n as f64).collect(),
    }
}

/// Objects sharing a retainer path shape (or one path of a node, for an id query).
#[napi(object, js_name = "RetainerGroup")]
pub struct JsRetainerGroup {
    /// Objects in the group.
    pub count: f64,
    /// Ids of the first ones (at most 10).
    pub ids: Vec<f64>,
    /// The path; absent when no strong path reaches the objects.
    pub path: Option<JsRetainerPath>,
}

/// What `retainerPaths` resolves to.
#[napi(object, js_name = "RetainerPaths")]
pub struct JsRetainers {
    /// Objects that matched the query.
    pub matched: f64,
    /// Groups, most objects first; for an id, one per direct retainer, nearest first.
    pub groups: Vec<JsRetainerGroup>,
    /// Groups left out by the limit.
    pub omitted: f64,
}

pub(crate) fn retainers_object(r: Retainers) -> JsRetainers {
    JsRetainers {
        matched: r.matched as f64,
        groups: r
            .groups
            .into_iter()
            .map(|g| JsRetainerGroup { count: g.count as f64, ids: g.ids.into_iter().map(|i| i as f64).collect(), path: g.path.map(path_object) })
            .collect(),
        omitted: r.omitted as f64,
    }
}

/// `diffSnapshots` on the libuv thread pool.
pub struct DiffTask {
    base: PathBuf,
    target: PathBuf,
    watch: Watch,
}

#[napi]
impl Task for DiffTask {
    type Output = crate::error::Result<Diff>;
    type JsValue = JsDiff;

    fn compute(&mut self) -> Result<Self::Output> {
        let w = &self.watch;
        Ok(diff::compare_files(&self.base, &self.target, &|l, f| w.report(l, f), &w.cancel))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<JsDiff> {
        out.map(diff_object).map_err(|e| to_js(&env, &e))
    }
}

/// Compares two snapshots of one process as DevTools' Comparison view does, off the event loop.
#[napi]
pub fn diff_snapshots(
    base: String,
    target: String,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> AsyncTask<DiffTask> {
    let watch = Watch::new(on_progress, signal.as_ref());
    task_with(DiffTask { base: base.into(), target: target.into(), watch }, signal)
}

/// Same as `diffSnapshots`, blocking; `onProgress(label, fraction)` is called on this thread.
#[napi]
pub fn diff_snapshots_sync(env: Env, base: String, target: String, on_progress: Option<Function<FnArgs<(String, f64)>, ()>>) -> Result<JsDiff> {
    let report = reporter(&on_progress);
    check(&env, diff::compare_files(base.as_ref(), target.as_ref(), &report, &Cancel::new())).map(diff_object)
}

/// `findLeaks` on the libuv thread pool.
pub struct LeaksTask {
    files: [PathBuf; 3],
    limit: usize,
    watch: Watch,
}

#[napi]
impl Task for LeaksTask {
    type Output = crate::error::Result<Leaks>;
    type JsValue = JsLeaks;

    fn compute(&mut self) -> Result<Self::Output> {
        let [a, b, c] = &self.files;
        let w = &self.watch;
        Ok(leaks::find_in_files(a, b, c, self.limit, &|l, f| w.report(l, f), &w.cancel))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<JsLeaks> {
        out.map(leaks_object).map_err(|e| to_js(&env, &e))
    }
}

/// Finds objects allocated after `base`, present in `target` and still alive in `final`,
/// clustered by retainer path; `limit` clusters at most (0: all). Off the event loop.
#[napi]
pub fn find_leaks(
    base: String,
    target: String,
    final_snapshot: String,
    limit: u32,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> AsyncTask<LeaksTask> {
    let watch = Watch::new(on_progress, signal.as_ref());
    task_with(LeaksTask { files: [base.into(), target.into(), final_snapshot.into()], limit: limit as usize, watch }, signal)
}

/// Same as `findLeaks`, blocking; `onProgress(label, fraction)` is called on this thread.
#[napi]
pub fn find_leaks_sync(
    env: Env,
    base: String,
    target: String,
    final_snapshot: String,
    limit: u32,
    on_progress: Option<Function<FnArgs<(String, f64)>, ()>>,
) -> Result<JsLeaks> {
    let report = reporter(&on_progress);
    check(&env, leaks::find_in_files(base.as_ref(), target.as_ref(), final_snapshot.as_ref(), limit as usize, &report, &Cancel::new())).map(leaks_object)
}

/// The query of `retainerPaths`: a class name, or a node id when `class_name` is absent.
fn query(class_name: Option<String>, id: f64) -> Query {
    match class_name {
        Some(c) => Query::Class(c),
        None => Query::Id(id as u64),
    }
}

/// `retainerPaths` on the libuv thread pool.
pub struct RetainersTask {
    file: PathBuf,
    query: Query,
    limit: usize,
    watch: Watch,
}

#[napi]
impl Task for RetainersTask {
    type Output = crate::error::Result<Retainers>;
    type JsValue = JsRetainers;

    fn compute(&mut self) -> Result<Self::Output> {
        let w = &self.watch;
        Ok(retainers::find_in_file(&self.file, &self.query, self.limit, &|p: Phase, f| w.report(p.as_str(), f), &w.cancel))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<JsRetainers> {
        out.map(retainers_object).map_err(|e| to_js(&env, &e))
    }
}

/// Shortest retainer paths of a class's objects (`className`) or of one node (`id`), off the
/// event loop; at most `limit` groups (0: all).
#[napi]
pub fn retainer_paths(
    file: String,
    class_name: Option<String>,
    id: f64,
    limit: u32,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> AsyncTask<RetainersTask> {
    let watch = Watch::new(on_progress, signal.as_ref());
    task_with(RetainersTask { file: file.into(), query: query(class_name, id), limit: limit as usize, watch }, signal)
}

/// Same as `retainerPaths`, blocking; `onProgress(label, fraction)` is called on this thread.
#[napi]
pub fn retainer_paths_sync(
    env: Env,
    file: String,
    class_name: Option<String>,
    id: f64,
    limit: u32,
    on_progress: Option<Function<FnArgs<(String, f64)>, ()>>,
) -> Result<JsRetainers> {
    let report = reporter(&on_progress);
    let phase = |p: Phase, f: f64| report(p.as_str(), f);
    check(&env, retainers::find_in_file(file.as_ref(), &query(class_name, id), limit as usize, &phase, &Cancel::new())).map(retainers_object)
}
