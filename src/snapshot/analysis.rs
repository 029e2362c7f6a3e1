//! Runs DevTools' processing steps over a parsed graph, in DevTools' order, and keeps every
//! derived array (sizes, distances, dominators, classes) for the summary and for later
//! analyses (comparison, leaks, retainer paths) to share.

use super::bits::Bits;
use super::dominators::{self, Dominators};
use super::essential::{essential_edges, EphemeronNames};
use super::graph::Graph;
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
    /// DevTools' page-owned flag per node.
    pub page_owned: Bits,
}

/// Derives everything from `graph`, reporting `Graph` and `Dominators` phases to `progress`.
pub fn analyze(mut graph: Graph, progress: &dyn Fn(Phase, f64)) -> Analysis {
    progress(Phase::Graph, 0.0);
    let t = Instant::now();
    dom_state::propagate(&mut graph);
    let page_owned = flags::page_owned(&graph);
    trace("flags", t);
    progress(Phase::Graph, 0.2);
    let t = Instant::now();
    let eph = EphemeronNames::new(&graph);
    let essential = essential_edges(&graph, &page_owned, &eph);
    trace("essential", t);
    progress(Phase::Graph, 0.4);
    // The dominator tree is the longest step and reads only edges: on a second core it runs
    // while sizes, distances and classes are computed here. New class names are collected
    // aside (`added`) and appended once the graph is no longer shared.
    let mut added = Added::after(&graph.strings);
    let g = &graph;
    let (tree, self_sizes, dist, class_of) = std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .name("rsheapdump-dominators".into())
            .spawn_scoped(s, || {
                let t = Instant::now();
                let tree = dominators::tree(g, &essential);
                trace("dominators", t);
                tree
            })
            .ok();
        let t = Instant::now();
        let self_sizes = shallow::transferred_sizes(g);
        trace("shallow", t);
        progress(Phase::Graph, 0.5);
        let t = Instant::now();
        let dist = distances::distances(g, &eph);
        trace("distances", t);
        progress(Phase::Graph, 0.7);
        let t = Instant::now();
        let mut class_of = classes::class_names_into(g, &mut added);
        trace("classes", t);
        let t = Instant::now();
        let defs = interfaces::infer(g);
        interfaces::apply_into(g, &defs, &mut class_of, &mut added);
        trace("interfaces", t);
        progress(Phase::Dominators, 0.0);
        let tree = match handle {
            Some(h) => h.join().ok(),
            None => None,
        };
        (tree, self_sizes, dist, class_of)
    });
    // No thread (or it died): compute inline; the result is the same.
    let tree = tree.unwrap_or_else(|| dominators::tree(&graph, &essential));
    drop(essential);
    added.append_to(&mut graph.strings);
    progress(Phase::Dominators, 0.8);
    let Dominators { idom, retained } = tree.finish(&self_sizes);
    progress(Phase::Dominators, 1.0);
    Analysis { graph, self_sizes, distances: dist, idom, retained, class_of, page_owned }
}
