//! napi glue for `crate::snapshot::view`: `openSnapshot` resolves to a `SnapshotView` whose
//! queries run on the libuv thread pool (an index still being built must not block the event
//! loop), and `close()` stops its background thread.

use std::path::PathBuf;
use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::compare::{retainers_object, JsRetainers};
use super::error::to_js;
use super::snapshot::{to_object, SnapshotClass, SnapshotSummary};
use super::task::{task_with, ProgressFn, Watch};
use crate::cancel::Cancel;
use crate::error::{Error, ErrorKind, Result as CoreResult};
use crate::snapshot::view::{self, ClassColumn, ClassRow, EdgeRow, Indexer, NodeInfo, Page, View};
use crate::snapshot::Phase;

/// A Summary row with its index (what `objects()` takes).
#[napi(object)]
pub struct ViewClass {
    /// The row's index in the Summary.
    pub index: u32,
    /// The row.
    pub class: SnapshotClass,
}

/// A page of Summary rows.
#[napi(object)]
pub struct ViewClassPage {
    /// Rows matching the filter.
    pub total: f64,
    /// The page.
    pub rows: Vec<ViewClass>,
}

/// One object.
#[napi(object)]
pub struct ViewNode {
    /// Node id (DevTools' `@id`).
    pub id: f64,
    /// The node's name (string text, function name, constructor), cut to 200 characters.
    pub name: String,
    /// Its class as in the Summary.
    pub class_name: String,
    /// Node type (`object`, `closure`, `string`, ...).
    pub node_type: String,
    /// Shallow size.
    pub self_size: f64,
    /// Retained size.
    pub retained_size: f64,
    /// Distance from the roots (system-only objects from 100000000; -1 unreachable).
    pub distance: f64,
    /// Constructor or function location `script:line:column`, when the snapshot has it.
    pub location: Option<String>,
    /// Outgoing edges.
    pub edge_count: f64,
}

/// A page of objects.
#[napi(object)]
pub struct ViewNodePage {
    /// Objects in all.
    pub total: f64,
    /// The page.
    pub rows: Vec<ViewNode>,
}

/// An edge and the node at its other end.
#[napi(object)]
pub struct ViewEdge {
    /// The edge as DevTools prints it (`cache`, `[3]`).
    pub edge: String,
    /// Edge type (`property`, `element`, `context`, `weak`, ...).
    pub edge_type: String,
    /// The retainer (for `retainers`) or the referenced node (for `references`).
    pub node: ViewNode,
}

/// A page of edges.
#[napi(object)]
pub struct ViewEdgePage {
    /// Edges in all.
    pub total: f64,
    /// The page.
    pub rows: Vec<ViewEdge>,
}

fn node_object(n: NodeInfo) -> ViewNode {
    ViewNode {
        id: n.id as f64,
        name: n.name,
        class_name: n.class_name,
        node_type: n.node_type,
        self_size: n.self_size,
        retained_size: n.retained_size,
        distance: n.distance as f64,
        location: n.location,
        edge_count: n.edge_count as f64,
    }
}

fn class_page(p: Page<ClassRow>) -> ViewClassPage {
    let rows = p
        .rows
        .into_iter()
        .map(|r| {
            let c = r.class;
            ViewClass {
                index: r.index,
                class: SnapshotClass {
                    name: c.name,
                    key: c.key,
                    count: c.count as f64,
                    shallow_size: c.shallow_size,
                    retained_size: c.retained_size,
                    distance: c.distance as f64,
                },
            }
        })
        .collect();
    ViewClassPage { total: p.total as f64, rows }
}

fn node_page(p: Page<NodeInfo>) -> ViewNodePage {
    ViewNodePage { total: p.total as f64, rows: p.rows.into_iter().map(node_object).collect() }
}

fn edge_page(p: Page<EdgeRow>) -> ViewEdgePage {
    ViewEdgePage {
        total: p.total as f64,
        rows: p.rows.into_iter().map(|e| ViewEdge { edge: e.edge, edge_type: e.edge_type, node: node_object(e.node) }).collect(),
    }
}

/// A query task: runs `run` on the view on the thread pool, converts with `conv` on the main
/// thread. One type per result type, so binding.d.ts knows what each promise resolves to.
macro_rules! query_task {
    ($task:ident, $out:ty, $js:ty, $conv:expr) => {
        /// A view query on the libuv thread pool.
        pub struct $task {
            view: Arc<View>,
            run: Option<Box<dyn FnOnce(&View) -> CoreResult<$out> + Send>>,
        }

        #[napi]
        impl Task for $task {
            type Output = CoreResult<$out>;
            type JsValue = $js;

            fn compute(&mut self) -> Result<Self::Output> {
                Ok(match self.run.take() {
                    Some(run) => run(&self.view),
                    None => Err(Error::new(ErrorKind::ViewClosed, "this query was already answered")),
                })
            }

            fn resolve(&mut self, env: Env, out: Self::Output) -> Result<$js> {
                out.map($conv).map_err(|e| to_js(&env, &e))
            }
        }
    };
}

query_task!(ClassesTask, Page<ClassRow>, ViewClassPage, class_page);
query_task!(NodesTask, Page<NodeInfo>, ViewNodePage, node_page);
query_task!(NodeTask, NodeInfo, ViewNode, node_object);
query_task!(EdgesTask, Page<EdgeRow>, ViewEdgePage, edge_page);
query_task!(PathsTask, crate::snapshot::retainers::Retainers, JsRetainers, retainers_object);
query_task!(BaselineTask, (), (), |()| ());

/// An open snapshot (from `openSnapshot`): paged queries answered from memory.
#[napi]
pub struct SnapshotView {
    inner: Option<Indexer>,
}

impl SnapshotView {
    fn view(&self, env: &Env) -> Result<Arc<View>> {
        match &self.inner {
            Some(ix) => Ok(Arc::clone(ix.view())),
            None => Err(to_js(env, &Error::new(ErrorKind::ViewClosed, "the snapshot view was closed: open the file again with openSnapshot()"))),
        }
    }
}

#[napi]
impl SnapshotView {
    /// The Summary and Statistics (what `analyzeSnapshot` resolves to).
    #[napi]
    pub fn summary(&self, env: Env) -> Result<SnapshotSummary> {
        Ok(to_object(self.view(&env)?.summary().clone()))
    }

    /// A page of Summary rows: `sort` is `index`, `name`, `distance`, `count`, `shallowSize` or
    /// `retainedSize`; `filter` keeps names containing it (case-insensitive).
    #[napi]
    pub fn classes(&self, env: Env, sort: String, descending: bool, filter: String, offset: u32, limit: u32) -> Result<AsyncTask<ClassesTask>> {
        let view = self.view(&env)?;
        let Some(column) = ClassColumn::parse(&sort) else {
            return Err(to_js(&env, &Error::new(ErrorKind::InvalidValue, format!("unknown sort column '{sort}'"))));
        };
        let run = Box::new(move |v: &View| Ok(v.classes(column, descending, &filter, offset as usize, limit as usize)));
        Ok(AsyncTask::new(ClassesTask { view, run: Some(run) }))
    }

    /// A page of the objects of Summary row `index`, largest retained size first.
    #[napi]
    pub fn objects(&self, env: Env, index: u32, offset: u32, limit: u32) -> Result<AsyncTask<NodesTask>> {
        let view = self.view(&env)?;
        let run = Box::new(move |v: &View| v.objects(index, offset as usize, limit as usize));
        Ok(AsyncTask::new(NodesTask { view, run: Some(run) }))
    }

    /// A page of the objects of Summary row `index` that the baseline lacks (new since it).
    #[napi]
    pub fn new_objects(&self, env: Env, index: u32, offset: u32, limit: u32) -> Result<AsyncTask<NodesTask>> {
        let view = self.view(&env)?;
        let run = Box::new(move |v: &View| v.new_objects(index, offset as usize, limit as usize));
        Ok(AsyncTask::new(NodesTask { view, run: Some(run) }))
    }

    /// Reads the node ids of an earlier snapshot of the same process (`path`), so that
    /// `newObjects` can tell the objects allocated since. Once per view.
    #[napi]
    pub fn set_baseline(&self, env: Env, path: String) -> Result<AsyncTask<BaselineTask>> {
        let view = self.view(&env)?;
        let run = Box::new(move |v: &View| {
            let ids = view::baseline_ids(std::path::Path::new(&path), &Cancel::new())?;
            v.set_baseline(ids)
        });
        Ok(AsyncTask::new(BaselineTask { view, run: Some(run) }))
    }

    /// The object with node id `id`.
    #[napi]
    pub fn node(&self, env: Env, id: f64) -> Result<AsyncTask<NodeTask>> {
        let view = self.view(&env)?;
        let run = Box::new(move |v: &View| v.node(id as u64));
        Ok(AsyncTask::new(NodeTask { view, run: Some(run) }))
    }

    /// A page of the edges into object `id`, nearest retainer first (weak ones included).
    #[napi]
    pub fn retainers(&self, env: Env, id: f64, offset: u32, limit: u32) -> Result<AsyncTask<EdgesTask>> {
        let view = self.view(&env)?;
        let run = Box::new(move |v: &View| v.retainers(id as u64, offset as usize, limit as usize));
        Ok(AsyncTask::new(EdgesTask { view, run: Some(run) }))
    }

    /// A page of object `id`'s outgoing edges, in snapshot order.
    #[napi]
    pub fn references(&self, env: Env, id: f64, offset: u32, limit: u32) -> Result<AsyncTask<EdgesTask>> {
        let view = self.view(&env)?;
        let run = Box::new(move |v: &View| v.references(id as u64, offset as usize, limit as usize));
        Ok(AsyncTask::new(EdgesTask { view, run: Some(run) }))
    }

    /// Shortest paths from the roots through each strong retainer of `id`, nearest first (the
    /// same as `retainerPaths(file, { id })`); at most `limit` (0: all).
    #[napi]
    pub fn retainer_paths(&self, env: Env, id: f64, limit: u32) -> Result<AsyncTask<PathsTask>> {
        let view = self.view(&env)?;
        let run = Box::new(move |v: &View| v.retainer_paths(id as u64, limit as usize));
        Ok(AsyncTask::new(PathsTask { view, run: Some(run) }))
    }

    /// Whether the background indexes are built (queries before that wait for them).
    #[napi]
    pub fn indexes_ready(&self) -> bool {
        self.inner.as_ref().is_some_and(|ix| ix.view().indexes_ready())
    }

    /// Stops the background index builder, waits for it, and lets the memory go once queries
    /// in flight end. Later queries reject with `ERR_RSHEAPDUMP_VIEW_CLOSED`.
    #[napi]
    pub fn close(&mut self) {
        if let Some(ix) = self.inner.take() {
            ix.close();
        }
    }
}

/// `openSnapshot` on the libuv thread pool.
pub struct OpenTask {
    path: PathBuf,
    watch: Watch,
}

#[napi]
impl Task for OpenTask {
    type Output = CoreResult<View>;
    type JsValue = SnapshotView;

    fn compute(&mut self) -> Result<Self::Output> {
        let w = &self.watch;
        Ok(view::open(&self.path, &|p: Phase, f| w.report(p.as_str(), f), &w.cancel))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<SnapshotView> {
        out.map(|v| SnapshotView { inner: Some(Indexer::start(v)) }).map_err(|e| to_js(&env, &e))
    }
}

/// Parses and analyzes a snapshot off the event loop and keeps it open for queries.
#[napi]
pub fn open_snapshot(
    path: String,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> AsyncTask<OpenTask> {
    let watch = Watch::new(on_progress, signal.as_ref());
    task_with(OpenTask { path: PathBuf::from(path), watch }, signal)
}
