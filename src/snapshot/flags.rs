//! Node flags DevTools derives from the root's edges: which nodes are user roots, and which are
//! "page-owned" (reachable from the root's shortcut edges, i.e. from the global objects, rather
//! than only from V8 internals such as the debugger).

use super::bits::Bits;
use super::graph::Graph;

/// DevTools' `isUserRoot` for a JS snapshot: any non-synthetic node, or `(Document DOM trees)`.
pub fn is_user_root(g: &Graph, n: u32) -> bool {
    let t = g.node_type[n as usize];
    t != g.kinds.synthetic || g.name(n) == "(Document DOM trees)"
}

/// True when some edge of the root leads to a user root. Snapshots taken with "expose
/// internals" have none; DevTools then skips the owned-array size transfer.
pub fn has_user_roots(g: &Graph) -> bool {
    g.edges(g.root).any(|e| {
        let to = g.edge_to[e];
        g.node_type[to as usize] != g.kinds.synthetic || g.name(to) == "(Document DOM trees)"
    })
}

/// DevTools' `markPageOwnedNodes`: flood from the root's shortcut edges (and element edges to
/// `(Document DOM trees)`) over every non-weak edge.
pub fn page_owned(g: &Graph) -> Bits {
    let k = g.kinds;
    let mut flags = Bits::new(g.node_count());
    let mut stack: Vec<u32> = Vec::new();
    for e in g.edges(g.root) {
        let t = g.edge_type[e];
        let to = g.edge_to[e];
        if t == k.e_element {
            if !(g.node_type[to as usize] == k.synthetic && g.name(to) == "(Document DOM trees)") {
                continue;
            }
        } else if t != k.e_shortcut {
            continue;
        }
        stack.push(to);
        flags.set(to as usize);
    }
    while let Some(n) = stack.pop() {
        for e in g.edges(n) {
            let to = g.edge_to[e];
            if flags.get(to as usize) || g.edge_type[e] == k.e_weak {
                continue;
            }
            stack.push(to);
            flags.set(to as usize);
        }
    }
    flags
}
