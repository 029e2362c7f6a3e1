//! Immediate dominators and retained sizes, computed exactly as DevTools does
//! (`calculateDominatorsAndRetainedSizes`) over the essential edges, iteratively, with nodes
//! unreachable from the root attached to the root (first those with only weak retainers, each
//! with its own DFS, then any remaining cycles one node at a time). DevTools runs
//! Lengauer–Tarjan; Semi-NCA gives the same tree wherever the numbering is a true DFS tree and
//! is used there, Lengauer–Tarjan elsewhere.
//!
//! The variable names follow the paper (Lengauer & Tarjan 1979), 1-based vertex numbers, 0 as
//! "none", as in DevTools, so the two can be compared line by line.

use super::bits::Bits;
use super::graph::Graph;
use super::mem::prefetch;

/// The dominator tree and retained sizes.
#[derive(Debug)]
pub struct Dominators {
    /// Immediate dominator ordinal per node (the root dominates itself).
    pub idom: Vec<u32>,
    /// Retained size per node: its own size plus everything it dominates.
    pub retained: Vec<f64>,
}

/// Computes dominators over `essential` edges from the graph's root, with `self_sizes` as the
/// sizes to accumulate (DevTools uses the sizes after the owned-array transfer).
///
/// Vertices are renamed to their DFS numbers before the main loop. Lengauer–Tarjan only ever
/// compares DFS numbers, so the result is the same as DevTools' (which works on node ordinals),
/// but the arrays are then walked nearly in order, which is several times faster on big graphs.
#[cfg(test)]
pub fn compute(g: &Graph, essential: &Bits, self_sizes: &[u32]) -> Dominators {
    tree(g, essential).finish(self_sizes)
}

/// One vertex of the eval/link forest: its forest ancestor (0: not linked), the least
/// semidominator on its compressed path, and, for Lengauer–Tarjan, the vertex that has it (the
/// label; its bucket step needs it). Semi-NCA needs no label (`L = ()`): 8 bytes a record, not
/// 12. A label always names a vertex that is already processed (its semidominator is final),
/// so caching its semidominator here is exact and saves a second random read per comparison.
#[derive(Clone, Copy)]
struct Link<L> {
    ancestor: u32,
    semi: u32,
    label: L,
}

const _: () = assert!(std::mem::size_of::<Link<()>>() == 8 && std::mem::size_of::<Link<u32>>() == 12);

/// What a [`Link`] keeps of the vertex with the least semidominator.
trait Label: Copy {
    /// The label of vertex `v`.
    fn of(v: u32) -> Self;
}

impl Label for () {
    #[inline]
    fn of(_: u32) {}
}

impl Label for u32 {
    #[inline]
    fn of(v: u32) -> u32 {
        v
    }
}

impl<L: Label> Link<L> {
    /// The record of vertex `v` linked under `ancestor`, with semidominator `semi`.
    #[inline]
    fn new(v: u32, ancestor: u32, semi: u32) -> Self {
        Link { ancestor, semi, label: L::of(v) }
    }
}

/// The dominator tree in DFS numbering, before sizes are known.
pub struct Tree {
    /// DFS number -> node ordinal (index 0 unused).
    vertex: Vec<u32>,
    /// DFS number -> immediate dominator's DFS number.
    dom: Vec<u32>,
    /// Nodes numbered (all of them).
    n: u32,
}

impl Tree {
    /// Node ordinals and retained sizes from the DFS-numbered tree.
    #[cfg(test)]
    pub fn finish(self, self_sizes: &[u32]) -> Dominators {
        self.accumulate(self_sizes).finish()
    }

    /// Retained sizes, accumulated in decreasing DFS order as DevTools does; the tree stays in
    /// DFS numbering, where walking it reads memory nearly in order.
    pub fn accumulate(self, self_sizes: &[u32]) -> Accumulated {
        let Tree { vertex, dom, n } = self;
        let len = vertex.len();
        let mut ret: Vec<f64> = Vec::with_capacity(len);
        super::mem::prefault(&mut ret);
        ret.extend((0..len).map(|i| if i == 0 { 0.0 } else { self_sizes[vertex[i] as usize] as f64 }));
        for w in (2..=n as usize).rev() {
            ret[dom[w] as usize] += ret[w];
        }
        Accumulated { vertex, dom, retained: ret }
    }
}

/// The dominator tree with retained sizes, in DFS numbering: vertex `w` (1-based; 1 is the
/// root, 0 is unused) is node `vertex[w]`; its immediate dominator is `dom[w]`, which is below
/// `w`.
pub struct Accumulated {
    /// DFS number -> node ordinal.
    pub vertex: Vec<u32>,
    /// DFS number -> immediate dominator's DFS number (the root's is itself).
    pub dom: Vec<u32>,
    /// DFS number -> retained size.
    pub retained: Vec<f64>,
}

impl Accumulated {
    /// Immediate dominators and retained sizes by node ordinal.
    pub fn finish(&self) -> Dominators {
        let Accumulated { vertex, dom, retained: ret } = self;
        let nc = vertex.len() - 1;
        let mut idom = super::mem::zeros::<u32>(nc);
        let mut retained = super::mem::zeros::<f64>(nc);
        for w in 1..vertex.len() {
            let node = vertex[w] as usize;
            idom[node] = vertex[dom[w] as usize];
            retained[node] = ret[w];
        }
        Dominators { idom, retained }
    }
}

/// The Lengauer–Tarjan part: reads only the graph's edges, so it can run on another thread
/// while sizes, distances and names are computed.
#[cfg(test)]
pub fn tree(g: &Graph, essential: &Bits) -> Tree {
    let numbering = number(g, essential);
    let pairs = pred_pairs(g, essential);
    from_parts(numbering, pairs)
}

/// The DFS numbering of the nodes over essential edges, in DevTools' order.
pub struct Numbering {
    /// Node -> DFS number (1-based).
    num: Vec<u32>,
    /// DFS number -> node (index 0 unused).
    vertex: Vec<u32>,
    /// DFS number -> parent's DFS number.
    parent: Vec<u32>,
    /// Nodes numbered (all of them).
    n: u32,
    /// Whether some nodes were numbered one at a time (cycles unreachable from the root and from
    /// weakly held nodes): their tree edges to the root are not in the graph.
    loose: bool,
}

/// Numbers the nodes in DevTools' DFS order: first from the root, then nodes with only weak
/// retainers (each its own DFS under the root), then the rest one at a time under the root.
pub fn number(g: &Graph, essential: &Bits) -> Numbering {
    let t0 = std::time::Instant::now();
    let nc = g.node_count();
    let len = nc + 1;
    let first_edge = &g.first_edge;
    let edge_to = &g.edge_to;

    // DFS numbering (1-based), in DevTools' order: a vertex is numbered when first reached.
    let mut num = super::mem::zeros::<u32>(nc); // node -> DFS number
    let mut vertex = super::mem::zeros::<u32>(len); // DFS number -> node
    let mut parent = super::mem::zeros::<u32>(len); // DFS number -> parent's DFS number
    let mut n: u32 = 0;
    let mut loose = false;
    {
        // The DFS keeps each open vertex's next edge on an explicit stack (the path from the
        // start), which stays in cache; the visiting order is exactly DevTools'.
        let mut stack: Vec<(u32, u32, u32)> = Vec::new(); // (node, next edge, DFS number)
                                                          // Numbered nodes, one bit each: the per-edge test stays in cache instead of reading
                                                          // the (node-sized) number array at random.
        let mut visited = Bits::new(nc);
        let mut dfs = |start: u32, start_parent: u32, num: &mut Vec<u32>, vertex: &mut Vec<u32>, parent: &mut Vec<u32>, n: &mut u32| {
            *n += 1;
            num[start as usize] = *n;
            visited.set(start as usize);
            vertex[*n as usize] = start;
            parent[*n as usize] = start_parent;
            stack.push((start, first_edge[start as usize], *n));
            while let Some(top) = stack.last_mut() {
                let (v, vn) = (top.0, top.2);
                let end = first_edge[v as usize + 1];
                let mut found = None;
                while top.1 < end {
                    let e = top.1 as usize;
                    top.1 += 1;
                    if !essential.get(e) {
                        continue;
                    }
                    let w = edge_to[e];
                    if !visited.get(w as usize) {
                        found = Some(w);
                        break;
                    }
                }
                match found {
                    Some(w) => {
                        *n += 1;
                        num[w as usize] = *n;
                        visited.set(w as usize);
                        vertex[*n as usize] = w;
                        parent[*n as usize] = vn;
                        stack.push((w, first_edge[w as usize], *n));
                    }
                    None => {
                        stack.pop();
                    }
                }
            }
        };
        dfs(g.root, 0, &mut num, &mut vertex, &mut parent, &mut n);
        if (n as usize) < nc {
            // Nodes with only weak (non-essential) retainers: each starts its own DFS under the root.
            let mut has_essential_retainer = Bits::new(nc);
            for (e, &to) in edge_to.iter().enumerate() {
                if essential.get(e) {
                    has_essential_retainer.set(to as usize);
                }
            }
            for v in 0..nc as u32 {
                if num[v as usize] == 0 && !has_essential_retainer.get(v as usize) {
                    dfs(v, 1, &mut num, &mut vertex, &mut parent, &mut n);
                }
            }
        }
        if (n as usize) < nc {
            // What is left are cycles retained only by each other: each node hangs off the root.
            loose = true;
            for v in 0..nc as u32 {
                if num[v as usize] == 0 {
                    n += 1;
                    num[v as usize] = n;
                    vertex[n as usize] = v;
                    parent[n as usize] = 1;
                }
            }
        }
    }

    super::trace("  dfs", t0);
    Numbering { num, vertex, parent, n, loose }
}

/// The remaining steps over a numbering and the predecessor pairs: predecessor lists, then
/// semidominators and immediate dominators (Semi-NCA, or Lengauer–Tarjan where it must).
pub fn from_parts(numbering: Numbering, pairs: PredPairs) -> Tree {
    let Numbering { num, vertex, parent, n, loose } = numbering;
    let t0 = std::time::Instant::now();
    let (pred_first, pred_src) = pred_lists(pairs, &num);
    drop(num);
    super::trace("  predecessors", t0);
    let t0 = std::time::Instant::now();
    let preds = Preds { vertex: &vertex, first: pred_first, src: pred_src };
    // Semi-NCA needs a true DFS tree. DevTools' numbering is one of the graph with an edge
    // from the root to each weakly held node it restarts from (those have no essential
    // retainers, and DevTools takes the root as their predecessor); nodes numbered one at a
    // time are not, and there only Lengauer–Tarjan gives DevTools' result.
    let dom = match if loose { None } else { semi_nca(&preds, &parent, n) } {
        Some(dom) => dom,
        None => lengauer_tarjan(&preds, parent, n),
    };
    super::trace("  semidominators", t0);
    Tree { vertex, dom, n }
}

/// Both algorithms on one graph, for tests: Semi-NCA's answer (if it ran to the end), whether
/// the numbering is loose, and Lengauer–Tarjan's answer, all in DFS numbering.
#[cfg(test)]
pub fn both_algorithms(g: &Graph, essential: &Bits) -> (Option<Vec<u32>>, bool, Vec<u32>) {
    let Numbering { num, vertex, parent, n, loose } = number(g, essential);
    let (first, src) = pred_lists(pred_pairs(g, essential), &num);
    let preds = Preds { vertex: &vertex, first, src };
    (semi_nca(&preds, &parent, n), loose, lengauer_tarjan(&preds, parent, n))
}

/// Predecessor lists by node ordinal, with entries as DFS numbers (see [`pred_lists`]).
struct Preds<'a> {
    vertex: &'a [u32],
    first: Vec<u32>,
    src: Vec<u32>,
}

impl Preds<'_> {
    /// The predecessors of DFS vertex `w`, as DFS numbers.
    #[inline]
    fn of(&self, w: u32) -> &[u32] {
        let node = self.vertex[w as usize] as usize;
        &self.src[self.first[node] as usize..self.first[node + 1] as usize]
    }

    /// Asks the CPU to fetch what [`Preds::of`] and the forest will read for vertices a few
    /// steps ahead: the loops go down the DFS numbers, but each vertex's list and its
    /// predecessors' forest records lie at random places, and one miss at a time is the cost.
    #[inline]
    fn prefetch<L>(&self, w: u32, forest: &[L]) {
        const LIST_AHEAD: u32 = 32;
        const SRC_AHEAD: u32 = 16;
        const FOREST_AHEAD: u32 = 8;
        if w > LIST_AHEAD {
            let node = self.vertex[(w - LIST_AHEAD) as usize] as usize;
            prefetch(self.first.as_ptr().wrapping_add(node));
        }
        if w > SRC_AHEAD {
            let node = self.vertex[(w - SRC_AHEAD) as usize] as usize;
            prefetch(self.src.as_ptr().wrapping_add(self.first[node] as usize));
        }
        if w > FOREST_AHEAD {
            let x = w - FOREST_AHEAD;
            for &v in self.of(x) {
                if v > x {
                    prefetch(forest.as_ptr().wrapping_add(v as usize));
                }
            }
        }
    }
}

/// The eval/link forest of Lengauer–Tarjan, with path compression.
struct Forest<L> {
    links: Vec<Link<L>>,
    stack: Vec<u32>,
}

impl<L: Label> Forest<L> {
    fn new(len: usize) -> Forest<L> {
        Forest { links: super::mem::filled(len, Link::new(0, 0, 0)), stack: Vec::new() }
    }

    /// link(): hangs `w` (semidominator `semi`) under its DFS parent.
    #[inline]
    fn link(&mut self, parent: u32, w: u32, semi: u32) {
        self.links[w as usize] = Link::new(w, parent, semi);
    }

    /// eval(): the record holding the least semidominator on `v`'s forest path (and, for
    /// Lengauer–Tarjan, its vertex); iterative (the forest can be millions deep).
    #[inline]
    fn eval(&mut self, v: u32) -> Link<L> {
        let forest = &mut self.links;
        let fv = forest[v as usize];
        if fv.ancestor == 0 {
            // Not linked yet: v itself, whose semidominator is still v.
            return Link::new(v, 0, v);
        }
        if forest[fv.ancestor as usize].ancestor == 0 {
            return fv;
        }
        self.stack.clear();
        let mut x = v;
        while forest[forest[x as usize].ancestor as usize].ancestor != 0 {
            self.stack.push(x);
            x = forest[x as usize].ancestor;
        }
        while let Some(w) = self.stack.pop() {
            let fa = forest[forest[w as usize].ancestor as usize];
            let fw = &mut forest[w as usize];
            if fa.semi < fw.semi {
                fw.semi = fa.semi;
                fw.label = fa.label;
            }
            fw.ancestor = fa.ancestor;
        }
        forest[v as usize]
    }

    /// The semidominator of `w` from its predecessors (all vertices above `w` are linked).
    #[inline]
    fn semi(&mut self, w: u32, ps: &[u32]) -> u32 {
        if ps.is_empty() {
            // An orphan: its single predecessor is taken to be the root.
            return 1;
        }
        let mut sw = w;
        for &v in ps {
            // A predecessor numbered below w is not processed yet: eval(v) is v, semi[v] is v.
            let c = if v < w { v } else { self.eval(v).semi };
            if c < sw {
                sw = c;
            }
        }
        sw
    }
}

/// Semi-NCA (Georgiadis): semidominators as in Lengauer–Tarjan, then each immediate dominator
/// as the nearest common ancestor of the vertex's parent and its semidominator, found by
/// walking up the dominators already known. No buckets: about half the work of
/// [`lengauer_tarjan`]. The walk is quadratic on some graphs, so it gives up (`None`) past a
/// step budget linear in the graph.
fn semi_nca(preds: &Preds, parent: &[u32], n: u32) -> Option<Vec<u32>> {
    let len = parent.len();
    let mut forest = Forest::<()>::new(len);
    // The semidominators, then (in place) the immediate dominators.
    let mut dom = super::mem::zeros::<u32>(len);
    for w in (2..=n).rev() {
        preds.prefetch(w, &forest.links);
        let sw = forest.semi(w, preds.of(w));
        dom[w as usize] = sw;
        forest.link(parent[w as usize], w, sw);
    }
    drop(forest);
    dom[0] = 1;
    dom[1] = 1;
    let mut budget = 4 * len as u64 + preds.src.len() as u64;
    for w in 2..=n as usize {
        let semi = dom[w];
        let mut x = parent[w];
        while x > semi {
            x = dom[x as usize];
            budget = budget.checked_sub(1)?;
        }
        dom[w] = x;
    }
    Some(dom)
}

/// Lengauer–Tarjan with DevTools' buckets: exact for any numbering, including vertices hung
/// off the root without an edge.
fn lengauer_tarjan(preds: &Preds, mut parent: Vec<u32>, n: u32) -> Vec<u32> {
    let len = parent.len();

    // No semidominator array: a vertex's own is only needed while it is processed (then it is
    // in its forest record as the label's), and again when its bucket is drained, where it is
    // the bucket's vertex. The last step only asks whether dom[w] == semi[w], which holds
    // exactly for the vertices whose bucket step chose the parent: one bit each.
    let mut dom_is_semi = Bits::new(len);
    let mut forest = Forest::<u32>::new(len);
    let mut dom = super::mem::zeros::<u32>(len);

    // Buckets as linked lists; DevTools iterates each bucket (a Set) in insertion order, which
    // is decreasing DFS number, so lists are built at the head and read back reversed.
    // A vertex's parent is read only when it is processed; its slot then holds the vertex's
    // next bucket entry (the parent array doubles as the buckets' link array).
    let mut bucket_head = super::mem::zeros::<u32>(len);
    let mut batch: Vec<u32> = Vec::new();
    for w in (2..=n).rev() {
        preds.prefetch(w, &forest.links);
        let sw = forest.semi(w, preds.of(w));
        let b = sw as usize;
        let pw = parent[w as usize];
        parent[w as usize] = bucket_head[b];
        bucket_head[b] = w;
        forest.link(pw, w, sw);
        batch.clear();
        let mut v = bucket_head[pw as usize];
        while v != 0 {
            batch.push(v);
            v = parent[v as usize];
        }
        bucket_head[pw as usize] = 0;
        for &v in batch.iter().rev() {
            // v is in pw's bucket: semi[v] is pw.
            let Link { label: u, semi: su, .. } = forest.eval(v);
            if su < pw {
                dom[v as usize] = u;
            } else {
                dom[v as usize] = pw;
                dom_is_semi.set(v as usize);
            }
        }
    }
    drop((bucket_head, forest, parent));

    dom[0] = 1;
    dom[1] = 1;
    for w in 2..=n as usize {
        if !dom_is_semi.get(w) {
            dom[w] = dom[dom[w] as usize];
        }
    }
    dom
}

/// The first half of the predecessor lists (see [`pred_lists`]): essential edges as (target,
/// source node) pairs, bucketed by target range. Needs no DFS numbers, so it can be built on
/// another core while the DFS runs.
pub struct PredPairs {
    /// Pairs of range `r` are `range_count[r]..range_count[r + 1]`.
    range_count: Vec<u32>,
    /// Target node, low bits (its range gives the rest).
    low: Vec<u16>,
    /// Source node ordinal.
    src: Vec<u32>,
    /// Nodes in the graph.
    nodes: usize,
}

/// Bits of a target ordinal that stay within one range of [`PredPairs`]: a range's counters
/// fit in the cache.
const RANGE_BITS: u32 = 15;

/// Splits the essential edges into target ranges, in edge order (a stable pass: nothing here
/// reads memory at random per edge; placing each edge straight into its list was once the
/// slowest step of the whole analysis).
pub fn pred_pairs(g: &Graph, essential: &Bits) -> PredPairs {
    let t0 = std::time::Instant::now();
    let nc = g.node_count();
    let ranges = (nc >> RANGE_BITS) + 1;
    let mut range_count = vec![0u32; ranges + 1];
    let mut total = 0usize;
    for (e, &to) in g.edge_to.iter().enumerate() {
        if essential.get(e) {
            range_count[(to >> RANGE_BITS) as usize + 1] += 1;
            total += 1;
        }
    }
    for i in 1..=ranges {
        range_count[i] += range_count[i - 1];
    }
    let mut low = super::mem::zeros::<u16>(total);
    let mut src = super::mem::zeros::<u32>(total);
    let mut fill = range_count.clone();
    for s in 0..nc as u32 {
        for e in g.edges(s) {
            if essential.get(e) {
                let t = g.edge_to[e];
                let r = (t >> RANGE_BITS) as usize;
                let at = fill[r] as usize;
                low[at] = (t & ((1 << RANGE_BITS) - 1)) as u16;
                src[at] = s;
                fill[r] += 1;
            }
        }
    }
    super::trace("  pred pairs", t0);
    PredPairs { range_count, low, src, nodes: nc }
}

/// Predecessor lists over essential edges: indexed by target node ordinal (`first` has
/// `node_count + 1` offsets), the entries are DFS numbers of the sources. Each list is in
/// DevTools' retainer order (its buildRetainers fills every list from the end, so edge order
/// reversed). Per range of [`PredPairs`], a counting sort by target.
fn pred_lists(pairs: PredPairs, num: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let PredPairs { range_count, low: pair_low, src: pair_src, nodes: nc } = pairs;
    let ranges = range_count.len() - 1;
    let total = pair_low.len();
    // `first[t + 1]` serves as list t's fill cursor and ends up at list t's start, so shifting
    // the array by one afterwards gives the offsets without a second node-sized array.
    let mut first = super::mem::zeros::<u32>(nc + 1);
    for r in 0..ranges {
        let hi = (r as u32) << RANGE_BITS;
        for &low in &pair_low[range_count[r] as usize..range_count[r + 1] as usize] {
            first[(hi | low as u32) as usize + 1] += 1;
        }
    }
    for i in 1..=nc {
        first[i] += first[i - 1];
    }
    let mut src = super::mem::zeros::<u32>(total);
    for r in 0..ranges {
        let hi = (r as u32) << RANGE_BITS;
        let span = range_count[r] as usize..range_count[r + 1] as usize;
        // Within a range the sources come in increasing order, but far apart: `num` is
        // fetched a few pairs ahead.
        const AHEAD: usize = 16;
        let (lows, srcs) = (&pair_low[span.clone()], &pair_src[span]);
        for (i, (&low, &s)) in lows.iter().zip(srcs).enumerate() {
            if let Some(&ahead) = srcs.get(i + AHEAD) {
                prefetch(num.as_ptr().wrapping_add(ahead as usize));
            }
            let c = &mut first[(hi | low as u32) as usize + 1];
            *c -= 1;
            src[*c as usize] = num[s as usize];
        }
    }
    drop((pair_low, pair_src));
    first.remove(0);
    first.push(total as u32);
    (first, src)
}
