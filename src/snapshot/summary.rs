//! DevTools' Summary view: per class, the object count, shallow and retained size and distance
//! (`buildAggregates` + `calculateClassesRetainedSize`), keyed as DevTools keys classes for the
//! Comparison view (`,<name>` or `<script>,<line>,<column>,<name>` for located objects).

use std::collections::HashMap;

use super::analysis::{Analysis, Derived};
use super::fxhash::FxBuild;
use super::dominators::{dominated_nodes, Accumulated};
use super::statistics::Statistics;

/// One row of the Summary view.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassSummary {
    /// Constructor (class) name.
    pub name: String,
    /// DevTools' class key: `,<name>`, or `<scriptId>,<line>,<column>,<name>` when the objects'
    /// constructor location splits the class.
    pub key: String,
    /// Objects with a non-zero shallow size.
    pub count: u64,
    /// Sum of shallow sizes.
    pub shallow_size: f64,
    /// Retained size of the class: objects not dominated by another object of the same class.
    pub retained_size: f64,
    /// Smallest distance from the roots.
    pub distance: i32,
}

/// The Summary view and Statistics of one snapshot.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Heap composition.
    pub statistics: Statistics,
    /// One entry per class, in DevTools' key order (first appearance in the node array).
    pub classes: Vec<ClassSummary>,
    /// Nodes in the snapshot.
    pub node_count: u64,
    /// Edges in the snapshot.
    pub edge_count: u64,
}

/// Internal class keys: a class string index, or a location-split key numbered after them.
pub struct ClassKeys {
    /// Key id per node.
    pub of: Vec<u32>,
    /// First id used for location-split keys (the string table's length).
    pub base: u32,
    /// Public key text and display name of each location-split key, from `base` on.
    pub located: Vec<(String, String)>,
}

impl ClassKeys {
    /// Number of key ids (for per-key arrays).
    pub fn len(&self) -> usize {
        self.base as usize + self.located.len()
    }

    /// True when there are no keys at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Public key text and display name of key `id`.
    pub fn describe(&self, d: &Derived, id: u32) -> (String, String) {
        if id >= self.base {
            return self.located.get((id - self.base) as usize).cloned().unwrap_or_default();
        }
        let name = d.name(id);
        (format!(",{name}"), name.to_owned())
    }
}

/// Computes each node's class key as DevTools' `classKeyInternal`.
pub fn class_keys(d: &Derived) -> ClassKeys {
    let g = d.graph;
    let base = d.string_count();
    // DevTools keys by the text `script,line,column,name`; the numeric tuple is a cache in front
    // of the text map, so the text is built once per distinct key, not once per object.
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut fast: HashMap<(u64, u64, u64, u32), u32, FxBuild> = HashMap::default();
    let mut located: Vec<(String, String)> = Vec::new();
    let mut of = d.class_of.to_vec();
    {
        for (o, l) in g.locations.iter() {
            let o = o as usize;
            let key = &mut of[o];
            if g.node_type[o] != g.kinds.object {
                continue;
            }
            {
                let tuple = (l.script_id, l.line, l.column, *key);
                *key = match fast.get(&tuple) {
                    Some(&id) => id,
                    None => {
                        let name = d.name(tuple.3);
                        let k = format!("{},{},{},{}", l.script_id, l.line, l.column, name);
                        let id = match index.get(&k) {
                            Some(&id) => id,
                            None => {
                                let id = base + located.len() as u32;
                                index.insert(k.clone(), id);
                                located.push((k, name.to_owned()));
                                id
                            }
                        };
                        fast.insert(tuple, id);
                        id
                    }
                };
            }
        }
    }
    ClassKeys { of, base, located }
}

/// Builds the Summary from an analysis.
pub fn summarize(a: &Analysis) -> Summary {
    complete(a, prepare(&a.derived()))
}

/// The Summary's rows without retained sizes, and the statistics without the total: all that
/// does not need the dominator tree, so it can be computed while the tree is built.
pub struct Prepared {
    keys: ClassKeys,
    /// Row index per key id (`u32::MAX` for none).
    slot_of: Vec<u32>,
    rows: Vec<(u32, ClassSummary)>,
    statistics: Statistics,
    /// Whether the rows' retained sizes are in (see [`class_retained_in`]).
    retained_done: bool,
}

/// The first half of [`summarize`]: everything but retained sizes.
pub fn prepare(d: &Derived) -> Prepared {
    let g = d.graph;
    let keys = class_keys(d);
    // Aggregates in order of first appearance, as DevTools' Map iterates.
    let mut slot_of: Vec<u32> = vec![u32::MAX; keys.len()];
    let mut rows: Vec<(u32, ClassSummary)> = Vec::new();
    for o in 0..g.node_count() {
        let size = d.self_sizes[o];
        if size == 0 {
            continue;
        }
        let key = keys.of[o];
        let dist = d.distances[o];
        match slot_of[key as usize] {
            i if i != u32::MAX => {
                let r = &mut rows[i as usize].1;
                r.count += 1;
                r.shallow_size += size as f64;
                r.distance = r.distance.min(dist);
            }
            _ => {
                slot_of[key as usize] = rows.len() as u32;
                let (k, name) = keys.describe(d, key);
                rows.push((key, ClassSummary { name, key: k, count: 1, shallow_size: size as f64, retained_size: 0.0, distance: dist }));
            }
        }
    }
    Prepared { statistics: d.statistics.clone(), keys, slot_of, rows, retained_done: false }
}

/// Class retained sizes from the dominator tree in DFS numbering (see [`Accumulated`]): the
/// same sums as [`complete`] computes by node, in another order of addition, which changes
/// nothing (the sizes are integers). Children lists are one pass here (each vertex's
/// dominator is numbered below it), and the walk reads memory nearly in order.
pub fn class_retained_in(p: &mut Prepared, tree: &Accumulated, self_sizes: &[u32]) {
    let t = std::time::Instant::now();
    let Accumulated { vertex, dom, retained } = tree;
    let len = vertex.len();
    // First child and next sibling per vertex (0: none; vertex 0 is unused).
    let mut head: Vec<u32> = super::mem::zeros(len);
    let mut next: Vec<u32> = super::mem::zeros(len);
    for w in (2..len).rev() {
        let d = dom[w] as usize;
        next[w] = head[d];
        head[d] = w as u32;
    }
    let mut active = vec![false; p.rows.len()];
    // Stack entries: a vertex to visit, or a row to clear (high bit set) once the subtree of
    // the vertex that set it is done.
    const CLEAR: u32 = 1 << 31;
    let mut stack: Vec<u32> = vec![1];
    while let Some(v) = stack.pop() {
        if v & CLEAR != 0 {
            active[(v & !CLEAR) as usize] = false;
            continue;
        }
        let o = vertex[v as usize] as usize;
        let first = head[v as usize];
        if self_sizes[o] != 0 {
            let s = p.slot_of[p.keys.of[o] as usize];
            if !active[s as usize] {
                p.rows[s as usize].1.retained_size += retained[v as usize];
                if first != 0 {
                    active[s as usize] = true;
                    stack.push(s | CLEAR);
                }
            }
        }
        let mut c = first;
        while c != 0 {
            stack.push(c);
            c = next[c as usize];
        }
    }
    p.retained_done = true;
    super::trace("  class retained", t);
}

/// The second half of [`summarize`]: class retained sizes from the dominator tree (unless
/// [`class_retained_in`] added them), and the total.
pub fn complete(a: &Analysis, p: Prepared) -> Summary {
    let g = &a.graph;
    let Prepared { keys, slot_of, mut rows, mut statistics, retained_done } = p;
    if !retained_done {
        // Class retained size: walk the dominator tree; a node counts unless a dominator of it
        // with the same class already counted.
        let dn = dominated_nodes(&a.idom, g.root);
        let mut active = vec![false; keys.len()];
        // Stack entries: (node, false) to visit a node; (key, true) to clear a key when the
        // subtree of the node that set it is done.
        let mut stack: Vec<(u32, bool)> = vec![(g.root, false)];
        while let Some((v, exit)) = stack.pop() {
            if exit {
                active[v as usize] = false;
                continue;
            }
            let o = v as usize;
            let key = keys.of[o];
            let seen = active[key as usize];
            let kids = &dn.children[dn.first[o] as usize..dn.first[o + 1] as usize];
            if !seen && a.self_sizes[o] != 0 {
                if let Some(row) = rows.get_mut(slot_of[key as usize] as usize) {
                    row.1.retained_size += a.retained[o];
                }
                if !kids.is_empty() {
                    active[key as usize] = true;
                    stack.push((key, true));
                }
            }
            for &c in kids {
                stack.push((c, false));
            }
        }
    }

    // DevTools keys its result object by the public key text: a later class with the same text
    // replaces an earlier one (it keeps the earlier position).
    let mut by_text: HashMap<String, usize> = HashMap::new();
    let mut classes: Vec<ClassSummary> = Vec::with_capacity(rows.len());
    for (_, row) in rows {
        match by_text.get(&row.key) {
            Some(&i) => classes[i] = row,
            None => {
                by_text.insert(row.key.clone(), classes.len());
                classes.push(row);
            }
        }
    }
    let root_retained = a.retained.get(g.root as usize).copied().unwrap_or(0.0);
    statistics.set_total(root_retained + g.extra_native_bytes);
    Summary {
        statistics,
        classes,
        node_count: g.node_count() as u64,
        edge_count: g.edge_count() as u64,
    }
}
