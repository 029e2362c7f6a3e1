//! A snapshot held open for browsing (`rsheapdump view`, `openSnapshot`): the analysis stays in
//! memory and answers small, paged queries (a page of classes, a class's objects by retained
//! size, an object's retainers and references), so a page never loads the whole graph.
//!
//! Opening costs what `summary` costs. The indexes that only later queries need (reverse edges,
//! the objects of each class in retained order, shortest paths from the roots) are built by
//! [`Indexer`] on one background thread; a query that needs one before it is ready waits for it
//! (`OnceLock`), and [`Indexer::close`] stops the thread at its next check and joins it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use super::analysis::{analyze_with, Analysis};
use super::paths::{edge_label, edge_source, location_text, Describer, ShortestPaths};
use super::retainers::{not_found, through_holders, Retainers};
use super::summary::{self, Summary};
use super::{load_file, trace, Phase};
use crate::cancel::Cancel;
use crate::error::{Error, ErrorKind, Result};

/// How often (in items) index builders look at the cancel flag: cheap, and a close takes effect
/// within a millisecond or so.
const CHECK_EVERY: usize = 1 << 16;

/// Node names longer than this are cut (strings can be megabytes).
const NAME_CHARS: usize = 200;

/// A Summary column to sort classes by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassColumn {
    /// File order (DevTools' order of first appearance).
    Index,
    /// Constructor name.
    Name,
    /// Distance from the roots.
    Distance,
    /// Object count.
    Count,
    /// Sum of shallow sizes.
    Shallow,
    /// Retained size.
    Retained,
}

impl ClassColumn {
    /// Parses a column name as the page and the API spell it.
    pub fn parse(s: &str) -> Option<ClassColumn> {
        Some(match s {
            "index" => ClassColumn::Index,
            "name" => ClassColumn::Name,
            "distance" => ClassColumn::Distance,
            "count" => ClassColumn::Count,
            "shallowSize" => ClassColumn::Shallow,
            "retainedSize" => ClassColumn::Retained,
            _ => return None,
        })
    }
}

/// One row of a class page.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassRow {
    /// The row's index in the Summary (what [`View::objects`] takes).
    pub index: u32,
    /// The Summary row.
    pub class: summary::ClassSummary,
}

/// A page of rows and how many there are in all.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// Rows matching the query (before paging).
    pub total: u64,
    /// The rows from `offset`, at most `limit`.
    pub rows: Vec<T>,
}

/// One object as the viewer shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeInfo {
    /// The node id (DevTools' `@id`).
    pub id: u64,
    /// The node's name (string text, function name, constructor), cut to 200 characters.
    pub name: String,
    /// Its class, as in the Summary.
    pub class_name: String,
    /// Its node type (`object`, `closure`, `string`, ...).
    pub node_type: String,
    /// Shallow size (after DevTools' owned-array transfer).
    pub self_size: f64,
    /// Retained size.
    pub retained_size: f64,
    /// Distance from the roots (system-only objects from 100000000; -1 unreachable).
    pub distance: i64,
    /// Constructor or function location `script:line:column`, when the snapshot has it.
    pub location: Option<String>,
    /// Outgoing edges.
    pub edge_count: u64,
}

/// An edge and the node at its other end.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRow {
    /// The edge as DevTools prints it (`cache`, `[3]`).
    pub edge: String,
    /// The edge type (`property`, `element`, `context`, `weak`, ...).
    pub edge_type: String,
    /// The node the edge comes from (retainers) or goes to (references).
    pub node: NodeInfo,
}

/// Reverse edges: the edges into node `n` are `edge[first[n]..first[n + 1]]`, in edge order.
struct Reverse {
    first: Vec<u32>,
    edge: Vec<u32>,
}

/// The objects of each Summary row, largest retained size first: row `r`'s are
/// `node[first[r]..first[r + 1]]`.
struct Members {
    first: Vec<u64>,
    node: Vec<u32>,
}

/// An analyzed snapshot and its query indexes.
pub struct View {
    a: Analysis,
    summary: Summary,
    /// Summary row per node (`u32::MAX`: not counted).
    row_of: Vec<u32>,
    /// Node ordinals in id order, when the file's order is not (V8 writes ids ascending).
    by_id: Option<Vec<u32>>,
    scripts: HashMap<u64, String>,
    reverse: OnceLock<Option<Reverse>>,
    members: OnceLock<Option<Members>>,
    shortest: OnceLock<Option<ShortestPaths>>,
    /// Ids of an earlier snapshot of the same process, sorted (see [`View::set_baseline`]).
    baseline: OnceLock<Vec<u64>>,
    cancel: Cancel,
}

/// The node ids of the snapshot at `path`, sorted: the baseline a view tells new objects by.
pub fn baseline_ids(path: &Path, cancel: &Cancel) -> Result<Vec<u64>> {
    let g = load_file(path, &|_, _| {}, cancel)?;
    let mut ids: Vec<u64> = (0..g.node_count() as u32).map(|n| g.id(n)).collect();
    drop(g);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Parses and analyzes `path` as `summary` does, and keeps the result for queries.
pub fn open(path: &Path, progress: &dyn Fn(Phase, f64), cancel: &Cancel) -> Result<View> {
    let t = std::time::Instant::now();
    let g = load_file(path, progress, cancel)?;
    trace("parse", t);
    let (a, prepared) = analyze_with(g, progress, summary::prepare, |mut p, d, tree| {
        summary::class_retained_in(&mut p, tree, d.self_sizes);
        p
    });
    cancel.check()?;
    let t = std::time::Instant::now();
    let (summary, row_of) = summary::complete_with_rows(&a, prepared, true);
    trace("summary", t);
    // A flag of its own: the signal that could abort the opening does not close the view.
    Ok(View::new(a, summary, row_of, Cancel::new()))
}

impl View {
    /// A view of an analysis; `row_of` as [`summary::complete_with_rows`] gives it.
    pub fn new(a: Analysis, summary: Summary, row_of: Vec<u32>, cancel: Cancel) -> View {
        let g = &a.graph;
        let sorted = (1..g.node_count() as u32).all(|n| g.id(n - 1) < g.id(n));
        let by_id = (!sorted).then(|| {
            let mut v: Vec<u32> = (0..g.node_count() as u32).collect();
            v.sort_unstable_by_key(|&n| g.id(n));
            v
        });
        let scripts = super::paths::script_names(g);
        View {
            a,
            summary,
            row_of,
            by_id,
            scripts,
            reverse: OnceLock::new(),
            members: OnceLock::new(),
            shortest: OnceLock::new(),
            baseline: OnceLock::new(),
            cancel,
        }
    }

    /// The Summary and Statistics, as `analyzeSnapshot` gives them.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// A page of Summary rows whose name contains `filter` (case-insensitive), sorted by
    /// `column` (ties in Summary order).
    pub fn classes(&self, column: ClassColumn, descending: bool, filter: &str, offset: usize, limit: usize) -> Page<ClassRow> {
        let classes = &self.summary.classes;
        let needle = filter.to_lowercase();
        let mut order: Vec<u32> =
            (0..classes.len() as u32).filter(|&i| needle.is_empty() || classes[i as usize].name.to_lowercase().contains(&needle)).collect();
        let c = |i: &u32| &classes[*i as usize];
        let cmp = |x: &u32, y: &u32| -> std::cmp::Ordering {
            let (a, b) = (c(x), c(y));
            let o = match column {
                ClassColumn::Index => x.cmp(y),
                ClassColumn::Name => a.name.cmp(&b.name),
                ClassColumn::Distance => a.distance.cmp(&b.distance),
                ClassColumn::Count => a.count.cmp(&b.count),
                ClassColumn::Shallow => a.shallow_size.total_cmp(&b.shallow_size),
                ClassColumn::Retained => a.retained_size.total_cmp(&b.retained_size),
            };
            if descending {
                o.reverse()
            } else {
                o
            }
        };
        order.sort_by(|x, y| cmp(x, y).then(x.cmp(y)));
        let total = order.len() as u64;
        let rows = order.into_iter().skip(offset).take(limit).map(|i| ClassRow { index: i, class: classes[i as usize].clone() }).collect();
        Page { total, rows }
    }

    /// A page of the objects of Summary row `row`, largest retained size first.
    pub fn objects(&self, row: u32, offset: usize, limit: usize) -> Result<Page<NodeInfo>> {
        self.check_row(row)?;
        let m = self.members()?;
        let (from, to) = (m.first[row as usize] as usize, m.first[row as usize + 1] as usize);
        let rows = m.node[from..to].iter().skip(offset).take(limit).map(|&n| self.info(n)).collect();
        Ok(Page { total: (to - from) as u64, rows })
    }

    /// Sets the ids of an earlier snapshot of the same process (from [`baseline_ids`]): objects
    /// whose id is not among them are new, as DevTools' Comparison matches objects by id. Once.
    pub fn set_baseline(&self, ids: Vec<u64>) -> Result<()> {
        self.baseline
            .set(ids)
            .map_err(|_| Error::new(ErrorKind::InvalidValue, "this view already has a baseline: open the snapshot again to compare with another"))
    }

    /// A page of the objects of Summary row `row` that the baseline does not have (allocated
    /// after it), largest retained size first.
    pub fn new_objects(&self, row: u32, offset: usize, limit: usize) -> Result<Page<NodeInfo>> {
        let Some(base) = self.baseline.get() else {
            return Err(Error::new(ErrorKind::InvalidValue, "no baseline: compare with an earlier snapshot first (setBaseline)"));
        };
        self.check_row(row)?;
        let m = self.members()?;
        let (from, to) = (m.first[row as usize] as usize, m.first[row as usize + 1] as usize);
        let g = &self.a.graph;
        let fresh = m.node[from..to].iter().filter(|&&n| base.binary_search(&g.id(n)).is_err());
        let mut total = 0u64;
        let mut rows = Vec::new();
        for &n in fresh {
            if total as usize >= offset && rows.len() < limit {
                rows.push(self.info(n));
            }
            total += 1;
        }
        Ok(Page { total, rows })
    }

    /// The node with id `id`.
    pub fn node(&self, id: u64) -> Result<NodeInfo> {
        Ok(self.info(self.find(id)?))
    }

    /// A page of the edges into node `id` (weak ones too, as DevTools lists them), from the
    /// nearest retainer (smallest distance) to the farthest, ties in edge order.
    pub fn retainers(&self, id: u64, offset: usize, limit: usize) -> Result<Page<EdgeRow>> {
        let n = self.find(id)?;
        let r = self.reverse()?;
        let g = &self.a.graph;
        let slots = r.first[n as usize] as usize..r.first[n as usize + 1] as usize;
        let mut edges: Vec<(i32, u32, u32)> = r.edge[slots]
            .iter()
            .map(|&e| {
                let src = edge_source(g, e as usize);
                (distance_key(self.a.distances[src as usize]), e, src)
            })
            .collect();
        edges.sort_unstable();
        let total = edges.len() as u64;
        let rows = edges.into_iter().skip(offset).take(limit).map(|(_, e, src)| self.edge_row(e as usize, src)).collect();
        Ok(Page { total, rows })
    }

    /// A page of node `id`'s outgoing edges, in the snapshot's order.
    pub fn references(&self, id: u64, offset: usize, limit: usize) -> Result<Page<EdgeRow>> {
        let n = self.find(id)?;
        let g = &self.a.graph;
        let edges = g.edges(n);
        let total = edges.len() as u64;
        let rows = edges.skip(offset).take(limit).map(|e| self.edge_row(e, g.edge_to[e])).collect();
        Ok(Page { total, rows })
    }

    /// Shortest paths from the roots through each strong retainer of node `id`, nearest first:
    /// the same answer as `retainerPaths(file, { id })`.
    pub fn retainer_paths(&self, id: u64, limit: usize) -> Result<Retainers> {
        let n = self.find(id)?;
        let r = self.reverse()?;
        let sp = self.shortest()?;
        let g = &self.a.graph;
        let d = Describer { g, class_of: &self.a.class_of, scripts: self.scripts.clone() };
        let slots = r.first[n as usize] as usize..r.first[n as usize + 1] as usize;
        let holders = r.edge[slots].iter().map(|&e| (edge_source(g, e as usize), e as usize));
        Ok(through_holders(g, sp, &d, n, holders, limit))
    }

    /// Builds every index now (the background thread's work); Err once cancelled. The class
    /// members first: a class's object list is what the page asks for first, and on a 4.7 GB
    /// file it waited 50.8 s when the reverse edges were built before it.
    pub fn build_indexes(&self) -> Result<()> {
        self.members()?;
        self.reverse()?;
        self.shortest()?;
        Ok(())
    }

    /// Whether every index is built.
    pub fn indexes_ready(&self) -> bool {
        matches!((self.reverse.get(), self.members.get(), self.shortest.get()), (Some(Some(_)), Some(Some(_)), Some(Some(_))))
    }

    fn check_row(&self, row: u32) -> Result<()> {
        if row as usize >= self.summary.classes.len() {
            return Err(Error::new(
                ErrorKind::ClassNotFound,
                format!("no class row {row}: the Summary has {} rows (take the index from a classes page)", self.summary.classes.len()),
            ));
        }
        Ok(())
    }

    fn find(&self, id: u64) -> Result<u32> {
        let g = &self.a.graph;
        let found = match &self.by_id {
            Some(order) => order.binary_search_by_key(&id, |&n| g.id(n)).ok().map(|i| order[i]),
            None => {
                let (mut lo, mut hi) = (0u32, g.node_count() as u32);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if g.id(mid) < id {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                (lo < g.node_count() as u32 && g.id(lo) == id).then_some(lo)
            }
        };
        found.ok_or_else(|| not_found(id))
    }

    fn info(&self, n: u32) -> NodeInfo {
        let g = &self.a.graph;
        let name = g.name(n);
        let name = match name.char_indices().nth(NAME_CHARS) {
            Some((i, _)) => format!("{}\u{2026}", &name[..i]),
            None => name.to_owned(),
        };
        NodeInfo {
            id: g.id(n),
            name,
            class_name: g.strings.get(self.a.class_of[n as usize]).to_owned(),
            node_type: g.type_name(n).to_owned(),
            self_size: self.a.self_sizes[n as usize] as f64,
            retained_size: self.a.retained[n as usize],
            distance: self.a.distances[n as usize] as i64,
            location: location_text(g, &self.scripts, n),
            edge_count: g.edges(n).len() as u64,
        }
    }

    fn edge_row(&self, e: usize, other: u32) -> EdgeRow {
        let g = &self.a.graph;
        EdgeRow { edge: edge_label(g, e), edge_type: g.edge_type_names.get(g.edge_type[e] as usize).cloned().unwrap_or_default(), node: self.info(other) }
    }

    fn closed(&self) -> Error {
        Error::new(ErrorKind::ViewClosed, "the snapshot view was closed: open the file again with openSnapshot()")
    }

    fn reverse(&self) -> Result<&Reverse> {
        self.reverse.get_or_init(|| timed("reverse index", || build_reverse(&self.a, &self.cancel))).as_ref().ok_or_else(|| self.closed())
    }

    fn members(&self) -> Result<&Members> {
        self.members
            .get_or_init(|| timed("class members", || build_members(&self.a, &self.row_of, self.summary.classes.len(), &self.cancel)))
            .as_ref()
            .ok_or_else(|| self.closed())
    }

    fn shortest(&self) -> Result<&ShortestPaths> {
        self.shortest
            .get_or_init(|| timed("shortest paths", || ShortestPaths::compute_cancellable(&self.a.graph, &self.cancel)))
            .as_ref()
            .ok_or_else(|| self.closed())
    }
}

fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let t = std::time::Instant::now();
    let r = f();
    trace(step, t);
    r
}

/// Sorts unreachable nodes (distance -1) last.
fn distance_key(d: i32) -> i32 {
    if d < 0 {
        i32::MAX
    } else {
        d
    }
}

fn build_reverse(a: &Analysis, cancel: &Cancel) -> Option<Reverse> {
    let g = &a.graph;
    let n = g.node_count();
    let mut first: Vec<u32> = super::mem::zeros(n + 1);
    for (i, &t) in g.edge_to.iter().enumerate() {
        if i.is_multiple_of(CHECK_EVERY) && cancel.is_cancelled() {
            return None;
        }
        first[t as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut edge: Vec<u32> = super::mem::zeros(g.edge_count());
    for src in 0..n as u32 {
        if (src as usize).is_multiple_of(CHECK_EVERY) && cancel.is_cancelled() {
            return None;
        }
        for e in g.edges(src) {
            let t = g.edge_to[e] as usize;
            edge[fill[t] as usize] = e as u32;
            fill[t] += 1;
        }
    }
    Some(Reverse { first, edge })
}

fn build_members(a: &Analysis, row_of: &[u32], rows: usize, cancel: &Cancel) -> Option<Members> {
    let mut first: Vec<u64> = vec![0; rows + 1];
    for &r in row_of {
        if r != u32::MAX {
            first[r as usize + 1] += 1;
        }
    }
    for i in 0..rows {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut node: Vec<u32> = super::mem::zeros(first[rows] as usize);
    for (o, &r) in row_of.iter().enumerate() {
        if o.is_multiple_of(CHECK_EVERY) && cancel.is_cancelled() {
            return None;
        }
        if r != u32::MAX {
            node[fill[r as usize] as usize] = o as u32;
            fill[r as usize] += 1;
        }
    }
    let retained = &a.retained;
    for r in 0..rows {
        if cancel.is_cancelled() {
            return None;
        }
        let part = &mut node[first[r] as usize..first[r + 1] as usize];
        // Largest first; ties in node order (the part is in node order, and the sort is stable).
        part.sort_by(|&x, &y| retained[y as usize].total_cmp(&retained[x as usize]));
    }
    Some(Members { first, node })
}

/// A view with its background index builder.
pub struct Indexer {
    view: Arc<View>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl Indexer {
    /// Starts building `view`'s indexes on a thread of its own (when one can be started; if not,
    /// each index is built by the first query that needs it).
    pub fn start(view: View) -> Indexer {
        let view = Arc::new(view);
        let v = Arc::clone(&view);
        let worker = std::thread::Builder::new()
            .name("rsheapdump-view".into())
            .spawn(move || {
                let t = std::time::Instant::now();
                if v.build_indexes().is_ok() {
                    trace("indexes ready", t);
                }
            })
            .ok();
        Indexer { view, worker: Mutex::new(worker) }
    }

    /// The view, for queries (on any thread).
    pub fn view(&self) -> &Arc<View> {
        &self.view
    }

    /// Stops the index builder at its next check and waits for it; queries still running finish
    /// (or fail with `ERR_RSHEAPDUMP_VIEW_CLOSED` if they needed an index not yet built).
    pub fn close(&self) {
        self.view.cancel.cancel();
        let handle = self.worker.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }

    /// Whether the background thread has ended.
    #[cfg(test)]
    pub fn idle(&self) -> bool {
        self.worker.lock().unwrap_or_else(|e| e.into_inner()).as_ref().is_none_or(|h| h.is_finished())
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::super::analysis::analyze;
    use super::super::retainers::{find, Query};
    use super::super::tests::{Builder, Name};
    use super::*;

    /// root → global → cache (Map) → table → 3 Sessions (sizes 10, 30, 20); one Session also
    /// held by a closure's context; a string held weakly and strongly.
    fn heap() -> Builder {
        let mut b = Builder::default();
        let root = b.node("synthetic", "", 1, 0);
        let gc = b.node("synthetic", "(GC roots)", 3, 0);
        let global = b.node("object", "global", 5, 40);
        let map = b.node("object", "Map", 7, 32);
        let table = b.node("array", "", 9, 64);
        b.edge(root, "element", Name::I(1), gc);
        b.edge(root, "shortcut", Name::S("global"), global);
        b.edge(gc, "element", Name::I(0), global);
        b.edge(global, "property", Name::S("cache"), map);
        b.edge(map, "internal", Name::S("table"), table);
        let sessions: Vec<usize> = [10, 30, 20].iter().enumerate().map(|(i, &s)| b.node("object", "Session", 101 + 2 * i as u64, s)).collect();
        for (i, &s) in sessions.iter().enumerate() {
            b.edge(table, "element", Name::I(i as u32), s);
        }
        let f = b.node("closure", "handler", 201, 32);
        let ctx = b.node("object", "system / Context", 203, 16);
        b.edge(gc, "element", Name::I(1), f);
        b.edge(f, "context", Name::S("context"), ctx);
        b.edge(ctx, "context", Name::S("session"), sessions[1]);
        let s = b.node("string", "hello", 301, 24);
        b.edge(sessions[0], "property", Name::S("name"), s);
        b.edge(global, "weak", Name::S("w"), s);
        b
    }

    fn view_of(b: &Builder, cancel: Cancel) -> View {
        let a = analyze(b.graph(), &|_, _| {});
        let p = summary::prepare(&a.derived());
        let (s, rows) = summary::complete_with_rows(&a, p, true);
        View::new(a, s, rows, cancel)
    }

    #[test]
    fn pages_of_classes_objects_retainers_and_references() {
        let b = heap();
        let v = view_of(&b, Cancel::new());
        // The Summary is the one `summary` gives.
        let plain = super::super::summarize_bytes(b.json().into_bytes()).expect("summary");
        assert_eq!(v.summary().classes, plain.classes);

        let by_retained = v.classes(ClassColumn::Retained, true, "", 0, 100);
        assert_eq!(by_retained.total, plain.classes.len() as u64);
        let sizes: Vec<f64> = by_retained.rows.iter().map(|r| r.class.retained_size).collect();
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
        let filtered = v.classes(ClassColumn::Name, false, "sESS", 0, 10);
        assert_eq!(filtered.total, 1);
        let session = filtered.rows[0].index;
        assert_eq!(filtered.rows[0].class.name, "Session");
        assert_eq!(v.classes(ClassColumn::Index, false, "", 1, 2).rows.iter().map(|r| r.index).collect::<Vec<_>>(), [1, 2]);

        let objs = v.objects(session, 0, 2).expect("objects");
        assert_eq!(objs.total, 3);
        // Largest retained first: 103 (30) then 105 (20), and the third on the next page. 101
        // retains its string too (24 + 10).
        assert_eq!(objs.rows.iter().map(|o| o.id).collect::<Vec<_>>(), [101, 103]);
        assert_eq!(objs.rows[0].retained_size, 34.0);
        assert_eq!(v.objects(session, 2, 10).expect("page 2").rows.iter().map(|o| o.id).collect::<Vec<_>>(), [105]);
        assert_eq!(v.objects(999, 0, 1).unwrap_err().kind, ErrorKind::ClassNotFound);

        let s = v.node(103).expect("node");
        assert_eq!((s.class_name.as_str(), s.node_type.as_str(), s.self_size, s.edge_count), ("Session", "object", 30.0, 0));
        assert_eq!(v.node(104).unwrap_err().kind, ErrorKind::NodeNotFound);

        // Two retainers of 103: the table's [1] (distance 3) before the closure's context (a
        // system object: distance from 100000000); the string's weak retainer (from global,
        // distance 1) comes before the Session's property (distance 4): weak ones are listed too.
        let r = v.retainers(103, 0, 10).expect("retainers");
        assert_eq!(r.rows.iter().map(|e| (e.edge.as_str(), e.node.id)).collect::<Vec<_>>(), [("[1]", 9), ("session", 203)]);
        let r = v.retainers(301, 0, 10).expect("retainers");
        assert_eq!(r.rows.iter().map(|e| (e.edge.as_str(), e.edge_type.as_str())).collect::<Vec<_>>(), [("w", "weak"), ("name", "property")]);
        let out = v.references(7, 0, 10).expect("references");
        assert_eq!((out.total, out.rows[0].edge.as_str(), out.rows[0].node.id), (1, "table", 9));

        // Retainer paths equal the file-based query's, for every node.
        for id in [103, 301, 105, 5, 1] {
            assert_eq!(v.retainer_paths(id, 0).expect("paths"), find(b.graph(), &Query::Id(id), 0).expect("find"), "@{id}");
        }
        assert!(v.indexes_ready());
    }

    #[test]
    fn new_objects_are_those_the_baseline_lacks() {
        let v = view_of(&heap(), Cancel::new());
        let session = v.classes(ClassColumn::Name, false, "Session", 0, 1).rows[0].index;
        assert_eq!(v.new_objects(session, 0, 10).unwrap_err().kind, ErrorKind::InvalidValue);
        // The baseline had 101 and 105 (and everything else but 103).
        let base: Vec<u64> = [1, 3, 5, 7, 9, 101, 105, 201, 203, 301].into();
        v.set_baseline(base.clone()).expect("first");
        assert!(v.set_baseline(base).is_err());
        let fresh = v.new_objects(session, 0, 10).expect("page");
        assert_eq!((fresh.total, fresh.rows.iter().map(|o| o.id).collect::<Vec<_>>()), (1, vec![103]));
        assert_eq!(v.new_objects(session, 1, 10).expect("page").rows.len(), 0);
        assert_eq!(v.new_objects(99, 0, 10).unwrap_err().kind, ErrorKind::ClassNotFound);
    }

    #[test]
    fn ids_out_of_order_are_found() {
        let mut b = Builder::default();
        let root = b.node("synthetic", "", 9, 0);
        let x = b.node("object", "X", 3, 8);
        b.edge(root, "shortcut", Name::S("x"), x);
        let v = view_of(&b, Cancel::new());
        assert_eq!(v.node(3).expect("found").name, "X");
        assert_eq!(v.node(9).expect("found").node_type, "synthetic");
        assert!(v.node(4).is_err());
    }

    #[test]
    fn close_stops_the_index_builder() {
        // Cancelled before the thread looks: it builds nothing, and close() returns after it ended.
        let cancel = Cancel::new();
        cancel.cancel();
        let ix = Indexer::start(view_of(&heap(), cancel));
        ix.close();
        assert!(ix.idle());
        assert!(!ix.view().indexes_ready());
        assert_eq!(ix.view().retainers(103, 0, 1).unwrap_err().kind, ErrorKind::ViewClosed);
        assert_eq!(ix.view().objects(0, 0, 1).unwrap_err().kind, ErrorKind::ViewClosed);
        // Queries that need no index still answer.
        assert_eq!(ix.view().node(103).expect("node").id, 103);

        let ix = Indexer::start(view_of(&heap(), Cancel::new()));
        assert!(ix.view().retainer_paths(103, 0).is_ok());
        ix.close();
        assert!(ix.idle());
    }
}
