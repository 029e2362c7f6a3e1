//! DevTools' Summary view: per class, the object count, shallow and retained size and distance
//! (`buildAggregates` + `calculateClassesRetainedSize`), keyed as DevTools keys classes for the
//! Comparison view (`,<name>` or `<script>,<line>,<column>,<name>` for located objects).

use std::collections::HashMap;

use super::analysis::{Analysis, Derived};
use super::dominators::Accumulated;
use super::fxhash::FxBuild;
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

/// Class retained sizes from the dominator tree in DFS numbering (see [`Accumulated`]), where
/// the walk reads memory nearly in order.
pub fn class_retained_in(p: &mut Prepared, tree: &Accumulated, self_sizes: &[u32]) {
    let t = std::time::Instant::now();
    let Accumulated { vertex, dom, retained } = tree;
    // Vertex 0 is unused in DFS numbering.
    add_class_retained(p, Tree { parent: dom, root: 1, first: 1, node: |w| vertex[w as usize] }, retained, self_sizes);
    super::trace("  class retained", t);
}

/// A dominator tree as [`add_class_retained`] walks it: vertices `first..parent.len()`, each
/// standing for node `node(v)`.
struct Tree<'a, F> {
    parent: &'a [u32],
    root: u32,
    first: usize,
    node: F,
}

/// DevTools' `calculateClassesRetainedSize`: a node counts toward its class's row unless a
/// dominator of it with the same class already counted. The order of the walk changes only the
/// order of addition, which changes nothing (the sizes are integers).
fn add_class_retained(p: &mut Prepared, tree: Tree<'_, impl Fn(u32) -> u32>, retained: &[f64], self_sizes: &[u32]) {
    let Tree { parent, root, first, node } = tree;
    // First child and next sibling per vertex, as vertex + 1 (0: none).
    let len = parent.len();
    let mut head: Vec<u32> = super::mem::zeros(len);
    let mut next: Vec<u32> = super::mem::zeros(len);
    for w in (first..len).rev() {
        if w as u32 != root {
            let d = parent[w] as usize;
            next[w] = head[d];
            head[d] = w as u32 + 1;
        }
    }
    let mut active = vec![false; p.rows.len()];
    let mut stack: Vec<u32> = vec![root];
    // Rows to clear once the stack is back to a length: the subtree of the vertex that set
    // the row is then done.
    let mut clear_at: Vec<(usize, u32)> = Vec::new();
    loop {
        while let Some(&(at, s)) = clear_at.last() {
            if stack.len() > at {
                break;
            }
            active[s as usize] = false;
            clear_at.pop();
        }
        let Some(v) = stack.pop() else { break };
        let o = node(v) as usize;
        let kid = head[v as usize];
        if self_sizes[o] != 0 {
            let s = p.slot_of[p.keys.of[o] as usize];
            if !active[s as usize] {
                p.rows[s as usize].1.retained_size += retained[v as usize];
                if kid != 0 {
                    active[s as usize] = true;
                    clear_at.push((stack.len(), s));
                }
            }
        }
        let mut c = kid;
        while c != 0 {
            stack.push(c - 1);
            c = next[(c - 1) as usize];
        }
    }
    p.retained_done = true;
}

/// The second half of [`summarize`]: class retained sizes from the dominator tree (unless
/// [`class_retained_in`] added them), and the total.
pub fn complete(a: &Analysis, p: Prepared) -> Summary {
    complete_with_rows(a, p, false).0
}

/// [`complete`], and with `rows` also each node's row in the Summary's classes (`u32::MAX` for
/// nodes the Summary does not count: shallow size 0, or a class replaced by a later one with the
/// same key text), for the viewer's list of a class's objects.
pub fn complete_with_rows(a: &Analysis, mut p: Prepared, rows: bool) -> (Summary, Vec<u32>) {
    let g = &a.graph;
    if !p.retained_done {
        add_class_retained(&mut p, Tree { parent: &a.idom, root: g.root, first: 0, node: |o| o }, &a.retained, &a.self_sizes);
    }
    let Prepared { rows: prepared_rows, mut statistics, keys, slot_of, .. } = p;

    // DevTools keys its result object by the public key text: a later class with the same text
    // replaces an earlier one (it keeps the earlier position).
    let mut by_text: HashMap<String, usize> = HashMap::new();
    let mut classes: Vec<ClassSummary> = Vec::with_capacity(prepared_rows.len());
    // Final row per prepared row, and the prepared row each final row holds now.
    let mut final_of: Vec<u32> = Vec::with_capacity(prepared_rows.len());
    let mut holder: Vec<u32> = Vec::with_capacity(prepared_rows.len());
    for (k, (_, row)) in prepared_rows.into_iter().enumerate() {
        match by_text.get(&row.key) {
            Some(&i) => {
                classes[i] = row;
                holder[i] = k as u32;
                final_of.push(i as u32);
            }
            None => {
                by_text.insert(row.key.clone(), classes.len());
                final_of.push(classes.len() as u32);
                holder.push(k as u32);
                classes.push(row);
            }
        }
    }
    let row_of = if rows {
        (0..g.node_count())
            .map(|o| {
                if a.self_sizes[o] == 0 {
                    return u32::MAX;
                }
                let k = slot_of[keys.of[o] as usize];
                match final_of.get(k as usize) {
                    Some(&f) if holder[f as usize] == k => f,
                    _ => u32::MAX,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let root_retained = a.retained.get(g.root as usize).copied().unwrap_or(0.0);
    statistics.set_total(root_retained + g.extra_native_bytes);
    (Summary { statistics, classes, node_count: g.node_count() as u64, edge_count: g.edge_count() as u64 }, row_of)
}
