//! Immediate dominators and retained sizes, computed exactly as DevTools does
//! (`calculateDominatorsAndRetainedSizes`): Lengauer–Tarjan over the essential edges, iterative,
//! with nodes unreachable from the root attached to the root (first those with only weak
//! retainers, each with its own DFS, then any remaining cycles one node at a time).
//!
//! The variable names follow the paper (Lengauer & Tarjan 1979), 1-based vertex numbers, 0 as
//! "none", as in DevTools, so the two can be compared line by line.

use super::bits::Bits;
use super::graph::Graph;

/// The dominator tree and retained sizes.
#[derive(Debug)]
pub struct Dominators {
    /// Immediate dominator ordinal per node (the root dominates itself).
    pub idom: Vec<u32>,
    /// Retained size per node: its own size plus everything it dominates.
    pub retained: Vec<f64>,
}

/// Reverse essential edges: the source node of every essential edge into `n`.
struct Preds {
    first: Vec<u32>,
    src: Vec<u32>,
}

impl Preds {
    fn new(g: &Graph, essential: &Bits) -> Preds {
        let n = g.node_count();
        let mut first = vec![0u32; n + 2];
        for e in 0..g.edge_count() {
            if essential.get(e) {
                first[g.edge_to[e] as usize + 2] += 1;
            }
        }
        for i in 2..n + 2 {
            first[i] += first[i - 1];
        }
        let mut src = vec![0u32; first[n + 1] as usize];
        for s in 0..n as u32 {
            for e in g.edges(s) {
                if essential.get(e) {
                    let t = g.edge_to[e] as usize + 1;
                    src[first[t] as usize] = s;
                    first[t] += 1;
                }
            }
        }
        first.pop();
        Preds { first, src }
    }

    #[inline]
    fn of(&self, ordinal: usize) -> &[u32] {
        &self.src[self.first[ordinal] as usize..self.first[ordinal + 1] as usize]
    }
}

/// Computes dominators over `essential` edges from the graph's root, with `self_sizes` as the
/// sizes to accumulate (DevTools uses the sizes after the owned-array transfer).
pub fn compute(g: &Graph, essential: &Bits, self_sizes: &[u64]) -> Dominators {
    let node_count = g.node_count();
    let preds = Preds::new(g, essential);
    let len = node_count + 1;
    let mut parent = vec![0u32; len];
    // During the DFS `ancestor` holds each vertex's next edge to examine; the forest links it
    // stores later all start at 0, so it is cleared in between. One array fewer at peak.
    let mut ancestor = vec![0u32; len];
    let mut vertex = vec![0u32; len];
    let mut label = vec![0u32; len];
    let mut semi = vec![0u32; len];
    let mut n: u32 = 0;

    let first_edge = &g.first_edge;
    let edge_to = &g.edge_to;

    // Iterative DFS, as DevTools': `ancestor[v]` (for now) is the next edge of v to look at.
    let dfs = |root: u32, parent: &mut Vec<u32>, next_edge: &mut Vec<u32>, semi: &mut Vec<u32>, vertex: &mut Vec<u32>, label: &mut Vec<u32>, n: &mut u32| {
        next_edge[root as usize] = first_edge[root as usize - 1];
        let mut v = root;
        while v != 0 {
            if semi[v as usize] == 0 {
                *n += 1;
                semi[v as usize] = *n;
                vertex[*n as usize] = v;
                label[v as usize] = v;
            }
            let mut v_next = parent[v as usize];
            let v_ord = v as usize - 1;
            let end = first_edge[v_ord + 1];
            while next_edge[v as usize] < end {
                let e = next_edge[v as usize] as usize;
                next_edge[v as usize] += 1;
                if !essential.get(e) {
                    continue;
                }
                let w = edge_to[e] + 1;
                if semi[w as usize] == 0 {
                    parent[w as usize] = v;
                    next_edge[w as usize] = first_edge[w as usize - 1];
                    v_next = w;
                    break;
                }
            }
            v = v_next;
        }
    };

    let r = g.root + 1;
    dfs(r, &mut parent, &mut ancestor, &mut semi, &mut vertex, &mut label, &mut n);
    if (n as usize) < node_count {
        // Nodes with only weak (non-essential) retainers: each starts its own DFS under the root.
        for v in 1..=node_count as u32 {
            if semi[v as usize] == 0 && preds.of(v as usize - 1).is_empty() {
                parent[v as usize] = r;
                dfs(v, &mut parent, &mut ancestor, &mut semi, &mut vertex, &mut label, &mut n);
            }
        }
    }
    if (n as usize) < node_count {
        // What is left are cycles retained only by each other: each node hangs off the root.
        for v in 1..=node_count as u32 {
            if semi[v as usize] == 0 {
                parent[v as usize] = r;
                n += 1;
                semi[v as usize] = n;
                vertex[n as usize] = v;
                label[v as usize] = v;
            }
        }
    }
    ancestor.iter_mut().for_each(|a| *a = 0);

    let mut stack: Vec<u32> = Vec::new();
    // eval() with path compression, iterative (the forest can be millions deep).
    let mut evaluate = |v: u32, ancestor: &mut Vec<u32>, label: &mut Vec<u32>, semi: &Vec<u32>| -> u32 {
        if ancestor[v as usize] == 0 {
            return v;
        }
        stack.clear();
        let mut x = v;
        while ancestor[ancestor[x as usize] as usize] != 0 {
            stack.push(x);
            x = ancestor[x as usize];
        }
        while let Some(w) = stack.pop() {
            let a = ancestor[w as usize] as usize;
            if semi[label[a] as usize] < semi[label[w as usize] as usize] {
                label[w as usize] = label[a];
            }
            ancestor[w as usize] = ancestor[a];
        }
        label[v as usize]
    };

    // Buckets as insertion-ordered linked lists (DevTools uses a Set per vertex).
    let mut bucket_head = vec![0u32; len];
    let mut bucket_tail = vec![0u32; len];
    let mut bucket_next = vec![0u32; len];
    let mut dom = vec![0u32; len];

    for i in (2..=n).rev() {
        let w = vertex[i as usize];
        let w_ord = w as usize - 1;
        let ps = preds.of(w_ord);
        for &v_ord in ps {
            let v = v_ord + 1;
            let u = evaluate(v, &mut ancestor, &mut label, &semi);
            if semi[u as usize] < semi[w as usize] {
                semi[w as usize] = semi[u as usize];
            }
        }
        if ps.is_empty() {
            // An orphan: its single predecessor is taken to be the root.
            semi[w as usize] = semi[r as usize];
        }
        let b = vertex[semi[w as usize] as usize] as usize;
        bucket_next[w as usize] = 0;
        if bucket_head[b] == 0 {
            bucket_head[b] = w;
        } else {
            bucket_next[bucket_tail[b] as usize] = w;
        }
        bucket_tail[b] = w;
        let pw = parent[w as usize];
        ancestor[w as usize] = pw; // link(parent[w], w)
        let mut v = bucket_head[pw as usize];
        while v != 0 {
            let u = evaluate(v, &mut ancestor, &mut label, &semi);
            dom[v as usize] = if semi[u as usize] < semi[v as usize] { u } else { pw };
            v = bucket_next[v as usize];
        }
        bucket_head[pw as usize] = 0;
    }
    drop((bucket_head, bucket_tail, bucket_next, ancestor, label, parent));

    dom[0] = r;
    dom[r as usize] = r;
    for i in 2..=n {
        let w = vertex[i as usize] as usize;
        if dom[w] != vertex[semi[w] as usize] {
            dom[w] = dom[dom[w] as usize];
        }
    }
    drop(semi);

    let mut idom = vec![0u32; node_count];
    let mut retained = vec![0f64; node_count];
    for o in 0..node_count {
        idom[o] = dom[o + 1].wrapping_sub(1);
        retained[o] = self_sizes[o] as f64;
    }
    drop(dom);
    for i in (2..=n).rev() {
        let o = vertex[i as usize] as usize - 1;
        let d = idom[o] as usize;
        if d < node_count {
            retained[d] += retained[o];
        }
    }
    Dominators { idom, retained }
}

/// Children lists of the dominator tree (`first[n]..first[n + 1]` in `children`), in the same
/// order DevTools builds them (`buildDominatedNodes`), which fixes its traversal order.
#[derive(Debug)]
pub struct DominatedNodes {
    /// Offsets per node, `node_count + 1` long.
    pub first: Vec<u32>,
    /// Dominated node ordinals.
    pub children: Vec<u32>,
}

/// Builds the dominated-nodes lists from the immediate dominators.
pub fn dominated_nodes(idom: &[u32], root: u32) -> DominatedNodes {
    let n = idom.len();
    let mut first = vec![0u32; n + 1];
    for (o, &d) in idom.iter().enumerate() {
        if o as u32 != root && (d as usize) < n {
            first[d as usize] += 1;
        }
    }
    // DevTools fills each slice from its end (it counts down), so children come out in reverse
    // ordinal order; mirror that so later traversals visit nodes in the same order.
    let mut acc = 0u32;
    for f in first.iter_mut().take(n) {
        let c = *f;
        *f = acc;
        acc += c;
    }
    first[n] = acc;
    let mut fill: Vec<u32> = first[1..].to_vec();
    let mut children = vec![0u32; acc as usize];
    for (o, &d) in idom.iter().enumerate() {
        if o as u32 != root && (d as usize) < n {
            fill[d as usize] -= 1;
            children[fill[d as usize] as usize] = o as u32;
        }
    }
    DominatedNodes { first, children }
}
