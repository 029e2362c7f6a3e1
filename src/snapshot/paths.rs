//! Shortest retainer paths from the GC roots: one breadth-first search over non-weak edges that
//! keeps, per node, the edge it was first reached by. Like DevTools' distances it starts from the
//! user roots (the global objects) and only then from the synthetic roots, so a path reads
//! `global → cache → [] → Session` rather than going through V8 internals when both exist.
//!
//! A path is recovered by walking parent edges back to the root; an edge's source node is found
//! by binary search in the CSR offsets, so the search keeps 4 bytes per node and no reverse
//! edges.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::Hasher;

use super::flags::is_user_root;
use super::graph::Graph;
use crate::cancel::Cancel;

/// Marks a node without a parent edge (the root, or a node no strong path reaches).
pub const NO_PARENT: u32 = u32::MAX;

/// Paths longer than this are cut (their first steps dropped); real shortest paths are far
/// shorter, and a cap keeps output and clustering bounded on pathological graphs.
pub const MAX_PATH: usize = 512;

/// The shortest-path tree from the roots, as one parent edge per node.
#[derive(Debug)]
pub struct ShortestPaths {
    parent: Vec<u32>,
    root: u32,
}

/// One step of a path as edge and node ordinals; `edge` is None for the root's own step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawStep {
    /// The edge that leads to `node` (from the previous step's node).
    pub edge: Option<u32>,
    /// The node reached.
    pub node: u32,
}

impl ShortestPaths {
    /// Runs the search: user roots first, then everything else from the root.
    pub fn compute(g: &Graph) -> ShortestPaths {
        Self::compute_skipping(g, &|_| false)
    }

    /// Like [`compute`](Self::compute), but never leaves a node for which `skip` is true: what
    /// only such nodes hold counts as unreached.
    pub fn compute_skipping(g: &Graph, skip: &dyn Fn(u32) -> bool) -> ShortestPaths {
        Self::search(g, skip, &Cancel::new()).unwrap_or_else(|| unreachable!("nothing cancels a new flag"))
    }

    /// [`compute`](Self::compute), giving up (None) once `cancel` is set; checked every 64K
    /// nodes, so a closed viewer stops its search within a millisecond or so.
    pub fn compute_cancellable(g: &Graph, cancel: &Cancel) -> Option<ShortestPaths> {
        Self::search(g, &|_| false, cancel)
    }

    fn search(g: &Graph, skip: &dyn Fn(u32) -> bool, cancel: &Cancel) -> Option<ShortestPaths> {
        let n = g.node_count();
        let weak = g.kinds.e_weak;
        let mut parent = vec![NO_PARENT; n];
        let mut queue: Vec<u32> = Vec::new();
        let root = g.root;
        for e in g.edges(root) {
            let to = g.edge_to[e];
            if g.edge_type[e] != weak && to != root && parent[to as usize] == NO_PARENT && is_user_root(g, to) {
                parent[to as usize] = e as u32;
                queue.push(to);
            }
        }
        let bfs = |queue: &mut Vec<u32>, parent: &mut Vec<u32>| {
            let mut i = 0;
            while i < queue.len() {
                if i.is_multiple_of(65536) && cancel.is_cancelled() {
                    return false;
                }
                let v = queue[i];
                i += 1;
                if skip(v) {
                    continue;
                }
                for e in g.edges(v) {
                    let to = g.edge_to[e];
                    if g.edge_type[e] == weak || to == root || parent[to as usize] != NO_PARENT {
                        continue;
                    }
                    parent[to as usize] = e as u32;
                    queue.push(to);
                }
            }
            true
        };
        if !bfs(&mut queue, &mut parent) {
            return None;
        }
        queue.clear();
        queue.push(root);
        if !bfs(&mut queue, &mut parent) {
            return None;
        }
        Some(ShortestPaths { parent, root })
    }

    /// True when a chain of strong edges leads from the root to `n`.
    pub fn reached(&self, n: u32) -> bool {
        n == self.root || self.parent.get(n as usize).is_some_and(|&p| p != NO_PARENT)
    }

    /// The edge `n` was reached by, if any.
    pub fn parent_edge(&self, n: u32) -> Option<u32> {
        self.parent.get(n as usize).copied().filter(|&p| p != NO_PARENT)
    }

    /// Number of edges from the root to `n` (None when unreached); walks at most [`MAX_PATH`].
    pub fn depth(&self, g: &Graph, n: u32) -> Option<usize> {
        if !self.reached(n) {
            return None;
        }
        let mut d = 0;
        let mut v = n;
        while let Some(e) = self.parent_edge(v) {
            d += 1;
            v = edge_source(g, e as usize);
            if d > MAX_PATH {
                break;
            }
        }
        Some(d)
    }

    /// The path from the root's first step down to `n`, and whether it was cut at [`MAX_PATH`].
    /// Empty when `n` is unreached or is the root.
    pub fn path(&self, g: &Graph, n: u32) -> (Vec<RawStep>, bool) {
        let mut steps = Vec::new();
        if !self.reached(n) {
            return (steps, false);
        }
        let mut v = n;
        let mut cut = false;
        while let Some(e) = self.parent_edge(v) {
            if steps.len() == MAX_PATH {
                cut = true;
                break;
            }
            steps.push(RawStep { edge: Some(e), node: v });
            v = edge_source(g, e as usize);
        }
        steps.reverse();
        (steps, cut)
    }
}

/// The node an edge starts from: the last node whose edges begin at or before `e`.
pub fn edge_source(g: &Graph, e: usize) -> u32 {
    let n = g.node_count();
    let starts = &g.first_edge[..n];
    let k = starts.partition_point(|&f| f as usize <= e);
    k.saturating_sub(1) as u32
}

/// An edge as DevTools prints it in the Retainers view: `[3]` for elements, the name otherwise.
pub fn edge_label(g: &Graph, e: usize) -> String {
    match g.edge_str(e) {
        Some(s) => s.to_owned(),
        None => format!("[{}]", g.edge_name[e]),
    }
}

/// The edge label with indexes folded (`[]`), so that paths differing only in positions cluster
/// together: element and hidden edges, and named edges whose name is a number (V8 names the
/// slots of hash tables, e.g. a Map's entries, by their index).
pub fn normalized_label(g: &Graph, e: usize) -> &str {
    match g.edge_str(e) {
        Some(s) if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) => s,
        _ => "[]",
    }
}

/// Hashes `label` with every run of digits written as one `#`: objects used as dictionaries name
/// their entries by key (`sess-17`, `user:42`), and keys that differ only in their numbers are
/// one kind of entry.
fn write_folding_digits(h: &mut DefaultHasher, label: &str) {
    let mut in_digits = false;
    for b in label.bytes() {
        if b.is_ascii_digit() {
            if !in_digits {
                h.write_u8(b'#');
            }
            in_digits = true;
        } else {
            h.write_u8(b);
            in_digits = false;
        }
    }
}

/// A hash of a path's normalized shape: each edge's type and label (indexes folded, digit runs
/// folded), and each node's class text (from `class_text`). Equal shapes hash equal within one
/// graph.
pub fn signature<'a>(g: &'a Graph, steps: &[RawStep], class_text: &dyn Fn(u32) -> &'a str) -> u64 {
    let mut h = DefaultHasher::new();
    for s in steps {
        if let Some(e) = s.edge {
            h.write_u8(g.edge_type[e as usize]);
            write_folding_digits(&mut h, normalized_label(g, e as usize));
        }
        h.write_u8(0xff);
        h.write(class_text(s.node).as_bytes());
        h.write_u8(0xfe);
    }
    h.finish()
}

/// Script names by V8 script id, found through functions the snapshot locates: a closure's
/// `shared` edge leads to its SharedFunctionInfo, whose `script` (`script_or_debug_info` in
/// newer V8) edge leads to the Script, whose node name is the script's URL or path.
pub fn script_names(g: &Graph) -> HashMap<u64, String> {
    let mut out: HashMap<u64, String> = HashMap::new();
    let follow =
        |from: u32, names: &[&str]| -> Option<u32> { g.edges(from).find(|&e| g.edge_str(e).is_some_and(|s| names.contains(&s))).map(|e| g.edge_to[e]) };
    for (n, loc) in g.locations.iter() {
        if g.node_type.get(n as usize) != Some(&g.kinds.closure) || out.contains_key(&loc.script_id) {
            continue;
        }
        let Some(shared) = follow(n, &["shared"]) else { continue };
        let Some(script) = follow(shared, &["script", "script_or_debug_info"]) else { continue };
        let name = g.name(script);
        if !name.is_empty() && !name.starts_with("system /") {
            out.insert(loc.script_id, name.to_owned());
        }
    }
    out
}

/// `script:line:column` (one-based, as editors count) of the constructor of `n`, when the
/// snapshot locates it; the script id stands in for a name the snapshot does not give.
pub fn location_text(g: &Graph, scripts: &HashMap<u64, String>, n: u32) -> Option<String> {
    let l = g.locations.get(n)?;
    let script = match scripts.get(&l.script_id) {
        Some(s) => s.clone(),
        None => format!("script {}", l.script_id),
    };
    Some(format!("{}:{}:{}", script, l.line + 1, l.column + 1))
}

/// A path step ready for output.
#[derive(Debug, Clone, PartialEq)]
pub struct PathStep {
    /// How the previous step's node holds this one (`cache`, `[3]`, `context`); None at the root.
    pub edge: Option<String>,
    /// The edge's type (`property`, `element`, `context`, `internal`, ...).
    pub edge_type: Option<String>,
    /// The node's id (stable across snapshots of one process).
    pub id: u64,
    /// The node's class as DevTools names it (`Map`, `Function`, `(string)`).
    pub class_name: String,
    /// The node's own name (constructor, function name, string text), cut to 80 characters.
    pub name: String,
    /// The node's type (`object`, `closure`, `array`, ...).
    pub node_type: String,
    /// Constructor source location, `script:line:column`, when the snapshot has it.
    pub location: Option<String>,
}

/// A shortest retainer path, root side first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RetainerPath {
    /// The steps from a root down to the object.
    pub steps: Vec<PathStep>,
    /// True when the path was longer than [`MAX_PATH`] and its root side was dropped.
    pub truncated: bool,
}

/// What a path printer needs to know about a graph's nodes.
pub struct Describer<'a> {
    /// The graph.
    pub g: &'a Graph,
    /// Class (string index) per node.
    pub class_of: &'a [u32],
    /// Script names by id.
    pub scripts: HashMap<u64, String>,
}

impl<'a> Describer<'a> {
    /// A describer over `g` with classes `class_of`.
    pub fn new(g: &'a Graph, class_of: &'a [u32]) -> Self {
        Describer { g, class_of, scripts: script_names(g) }
    }

    /// The class text of node `n`.
    pub fn class_text(&self, n: u32) -> &'a str {
        let g: &'a Graph = self.g;
        match self.class_of.get(n as usize) {
            Some(&c) => g.strings.get(c),
            None => g.name(n),
        }
    }

    /// Turns raw steps into output steps.
    pub fn describe(&self, steps: &[RawStep], truncated: bool) -> RetainerPath {
        let g = self.g;
        let steps = steps
            .iter()
            .map(|s| {
                let name = g.name(s.node);
                let name = match name.char_indices().nth(80) {
                    Some((i, _)) => format!("{}\u{2026}", &name[..i]),
                    None => name.to_owned(),
                };
                PathStep {
                    edge: s.edge.map(|e| edge_label(g, e as usize)),
                    edge_type: s.edge.map(|e| g.edge_type_names.get(g.edge_type[e as usize] as usize).cloned().unwrap_or_default()),
                    id: g.id(s.node),
                    class_name: self.class_text(s.node).to_owned(),
                    name,
                    node_type: g.type_name(s.node).to_owned(),
                    location: location_text(g, &self.scripts, s.node),
                }
            })
            .collect();
        RetainerPath { steps, truncated }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Builder, Name};
    use super::*;

    #[test]
    fn labels_fold_indexes_and_numeric_slot_names() {
        let mut b = Builder::default();
        let root = b.node("synthetic", "", 1, 0);
        let map = b.node("object", "Map", 3, 8);
        let table = b.node("array", "", 5, 8);
        let v = b.node("object", "V", 7, 8);
        b.edge(root, "shortcut", Name::S("m"), map);
        b.edge(map, "internal", Name::S("table"), table);
        b.edge(table, "internal", Name::S("323"), v);
        b.edge(table, "element", Name::I(4), v);
        let g = b.graph();
        let labels: Vec<(String, &str)> = (0..g.edge_count()).map(|e| (edge_label(&g, e), normalized_label(&g, e))).collect();
        assert_eq!(labels, [("m".into(), "m"), ("table".into(), "table"), ("323".into(), "[]"), ("[4]".into(), "[]")]);
        assert_eq!(edge_source(&g, 3), table as u32);
        assert_eq!(edge_source(&g, 0), root as u32);
        let sp = ShortestPaths::compute(&g);
        let (steps, cut) = sp.path(&g, v as u32);
        assert!(!cut);
        assert_eq!(steps.iter().map(|s| s.node).collect::<Vec<_>>(), [map as u32, table as u32, v as u32]);
        assert_eq!(sp.depth(&g, v as u32), Some(3));
    }

    #[test]
    fn signatures_fold_numbers_in_dictionary_keys_but_not_names() {
        let mut b = Builder::default();
        let root = b.node("synthetic", "", 1, 0);
        let dict = b.node("object", "Object", 3, 8);
        b.edge(root, "shortcut", Name::S("sessions"), dict);
        let mut leaves = Vec::new();
        for (i, key) in ["sess-1", "sess-22", "user-3", "sess-x"].iter().enumerate() {
            let v = b.node("object", "Session", 5 + 2 * i as u64, 8);
            b.edge(dict, "property", Name::S(key), v);
            leaves.push(v as u32);
        }
        let g = b.graph();
        let sp = ShortestPaths::compute(&g);
        let class = |n: u32| g.name(n);
        let sig: Vec<u64> = leaves.iter().map(|&v| signature(&g, &sp.path(&g, v).0, &class)).collect();
        assert_eq!(sig[0], sig[1], "sess-1 and sess-22 are one kind of entry");
        assert_ne!(sig[0], sig[2], "user-3 is another");
        assert_ne!(sig[0], sig[3], "and sess-x has no number to fold");
    }
}
