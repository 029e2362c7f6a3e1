//! Runs DevTools' processing steps over a parsed graph, in DevTools' order, and keeps every
//! derived array (sizes, distances, dominators, classes) for the summary and for later
//! analyses (comparison, leaks, retainer paths) to share.

use super::dominators::{self, Accumulated, Dominators};
use super::essential::{essential_edges, EphemeronNames};
use super::graph::Graph;
use super::statistics::{statistics, Statistics};
use super::strings::Added;
use super::{classes, distances, dom_state, flags, interfaces, shallow, trace, Phase};
use std::time::Instant;

/// A graph with everything DevTools derives from it.
#[derive(Debug)]
pub struct Analysis {
    /// The graph; detached DOM nodes are renamed and class names appended to its strings.
    pub graph: Graph,
    /// Shallow sizes after the owned-array transfer (what DevTools shows as Shallow Size).
    pub self_sizes: Vec<u32>,
    /// Distance from the roots per node.
    pub distances: Vec<i32>,
    /// Immediate dominator per node.
    pub idom: Vec<u32>,
    /// Retained size per node.
    pub retained: Vec<f64>,
    /// Class (a string index) per node.
    pub class_of: Vec<u32>,
    /// The Statistics view but its total (which needs the dominator tree).
    pub statistics: Statistics,
}

/// The derived data that is ready before the dominator tree: what a step running beside the
/// dominator computation may read (see [`analyze_with`]).
pub struct Derived<'a> {
    /// The graph (its string table not yet extended: use [`Derived::name`]).
    pub graph: &'a Graph,
    /// Class names derived so far, numbered after the graph's strings.
    added: Option<&'a Added>,
    /// Shallow sizes after the owned-array transfer.
    pub self_sizes: &'a [u32],
    /// Distance from the roots per node.
    pub distances: &'a [i32],
    /// Class (a string index) per node.
    pub class_of: &'a [u32],
    /// The Statistics view but its total.
    pub statistics: &'a Statistics,
}

impl Derived<'_> {
    /// String `i`, from the graph's table or from the names derived so far.
    pub fn name(&self, i: u32) -> &str {
        match self.added {
            Some(a) => a.get(&self.graph.strings, i),
            None => self.graph.strings.get(i),
        }
    }

    /// Number of strings, counting the names derived so far.
    pub fn string_count(&self) -> u32 {
        match self.added {
            Some(a) => a.end(),
            None => self.graph.strings.len() as u32,
        }
    }
}

impl Analysis {
    /// A view of the analysis as [`Derived`] data.
    pub fn derived(&self) -> Derived<'_> {
        Derived {
            graph: &self.graph,
            added: None,
            self_sizes: &self.self_sizes,
            distances: &self.distances,
            class_of: &self.class_of,
            statistics: &self.statistics,
        }
    }
}

/// Derives everything from `graph`, reporting `Graph` and `Dominators` phases to `progress`.
pub fn analyze(graph: Graph, progress: &dyn Fn(Phase, f64)) -> Analysis {
    analyze_with(graph, progress, |_| (), |(), _, _| ()).0
}

/// [`analyze`], also running `beside` on this thread while the dominator tree is built on
/// another (so work that needs no dominators adds nothing to the time), and then `after` with
/// its result and the tree in DFS numbering, while the tree is turned to node order.
pub fn analyze_with<T, U>(
    mut graph: Graph,
    progress: &dyn Fn(Phase, f64),
    beside: impl FnOnce(&Derived) -> T,
    after: impl FnOnce(T, &Derived, &Accumulated) -> U,
) -> (Analysis, U) {
    progress(Phase::Graph, 0.0);
    let t = Instant::now();
    dom_state::propagate(&mut graph);
    let eph = EphemeronNames::new(&graph);
    trace("dom state", t);
    // The dominator tree is the longest chain (page flags, essential edges, DFS numbering,
    // predecessor lists, semidominators). It runs on a second core in three legs, each beside
    // work of about the same length here: sizes and statistics; the predecessor pairs (which
    // need no DFS numbers); then distances, classes and `beside`. New class names are
    // collected aside (`added`) and appended once the graph is no longer shared.
    let mut added = Added::after(&graph.strings);
    let g = &graph;
    let (essential, (self_sizes, stats)) = beside_each_other(
        || {
            let t = Instant::now();
            let page_owned = flags::page_owned(g);
            trace("  flags", t);
            let t = Instant::now();
            let essential = essential_edges(g, &page_owned, &eph);
            trace("  essential", t);
            essential
        },
        || {
            let t = Instant::now();
            let self_sizes = shallow::transferred_sizes(g);
            trace("shallow", t);
            // Here rather than with the Summary's rows: the third leg is the longer one.
            let t = Instant::now();
            let stats = statistics(g, &self_sizes);
            trace("statistics", t);
            (self_sizes, stats)
        },
    );
    progress(Phase::Graph, 0.2);
    let (numbering, pairs) = beside_each_other(|| dominators::number(g, &essential), || dominators::pred_pairs(g, &essential));
    drop(essential);
    progress(Phase::Graph, 0.4);
    let (tree, (dist, class_of, extra)) = beside_each_other(
        || {
            let t = Instant::now();
            let tree = dominators::from_parts(numbering, pairs);
            trace("dominators", t);
            tree
        },
        || {
            let t = Instant::now();
            let dist = distances::distances(g, &eph);
            trace("distances", t);
            progress(Phase::Graph, 0.6);
            let t = Instant::now();
            let mut class_of = classes::class_names_into(g, &mut added);
            trace("classes", t);
            let t = Instant::now();
            let defs = interfaces::infer(g);
            interfaces::apply_into(g, &defs, &mut class_of, &mut added);
            trace("interfaces", t);
            progress(Phase::Graph, 0.8);
            let t = Instant::now();
            let extra = beside(&Derived { graph: g, added: Some(&added), self_sizes: &self_sizes, distances: &dist, class_of: &class_of, statistics: &stats });
            trace("beside", t);
            progress(Phase::Dominators, 0.0);
            (dist, class_of, extra)
        },
    );
    added.append_to(&mut graph.strings);
    progress(Phase::Dominators, 0.8);
    let t = Instant::now();
    let tree = tree.accumulate(&self_sizes);
    trace("retained", t);
    let t = Instant::now();
    let derived = Derived { graph: &graph, added: None, self_sizes: &self_sizes, distances: &dist, class_of: &class_of, statistics: &stats };
    let (Dominators { idom, retained }, extra) = beside_each_other(|| tree.finish(), || after(extra, &derived, &tree));
    drop(tree);
    trace("after", t);
    progress(Phase::Dominators, 1.0);
    (Analysis { graph, self_sizes, distances: dist, idom, retained, class_of, statistics: stats }, extra)
}

/// Runs `a` on a second thread and `b` on this one, and returns both results. When no thread
/// can be started, `a` runs here afterwards: the result is the same.
fn beside_each_other<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    // The closure waits in a slot the thread takes it from, so it is still here if the
    // thread never starts.
    let slot = std::sync::Mutex::new(Some(a));
    let take = || slot.lock().ok().and_then(|mut s| s.take());
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new().name("rsheapdump-analysis".into()).spawn_scoped(s, || take().map(|a| a()));
        let rb = b();
        let ra = match handle.map(|h| h.join()) {
            Ok(Ok(Some(ra))) => ra,
            // A panic there is a panic here, as if `a` had run on this thread.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            _ => match take() {
                Some(a) => a(),
                None => unreachable!("the closure runs once"),
            },
        };
        (ra, rb)
    })
}
