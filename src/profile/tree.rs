//! The two DevTools views of a call tree: bottom-up (functions by self value, totals counted
//! once per stack even under recursion) and top-down (the call tree with totals).

use super::model::{Category, Profile};

/// Per node: self + all descendants (value, count). One backwards pass over the pre-order.
pub fn totals(p: &Profile) -> (Vec<f64>, Vec<u64>) {
    let mut value: Vec<f64> = p.nodes.iter().map(|n| n.value).collect();
    let mut count: Vec<u64> = p.nodes.iter().map(|n| n.count).collect();
    for i in (1..p.nodes.len()).rev() {
        let parent = p.nodes[i].parent as usize;
        value[parent] += value[i];
        count[parent] += count[i];
    }
    (value, count)
}

/// One row of the bottom-up table: a function, aggregated over every node that runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRow {
    /// Index into `Profile::frames`.
    pub frame: u32,
    /// Self value (µs or bytes).
    pub self_value: f64,
    /// Total value: samples with this function anywhere on the stack, each counted once.
    pub total_value: f64,
    /// Samples with this function on top.
    pub self_count: u64,
    /// Samples with this function anywhere on the stack.
    pub total_count: u64,
}

/// The bottom-up table, hottest self value first (ties: total, then name), without `(root)`.
pub fn bottom_up(p: &Profile) -> Vec<FunctionRow> {
    let (tv, tc) = totals(p);
    let nf = p.frames.len();
    let mut rows: Vec<FunctionRow> =
        (0..nf).map(|f| FunctionRow { frame: f as u32, self_value: 0.0, total_value: 0.0, self_count: 0, total_count: 0 }).collect();
    let mut seen = vec![false; nf];
    // How many nodes on the current root path run each function: a node adds its total only
    // when no ancestor runs the same function, so recursion is not counted twice.
    let mut on_path = vec![0u32; nf];
    let mut path: Vec<usize> = Vec::new();
    for (i, n) in p.nodes.iter().enumerate() {
        while let Some(&top) = path.last() {
            if p.nodes[top].end as usize > i {
                break;
            }
            on_path[p.nodes[top].frame as usize] -= 1;
            path.pop();
        }
        let f = n.frame as usize;
        let row = &mut rows[f];
        seen[f] = true;
        row.self_value += n.value;
        row.self_count += n.count;
        if on_path[f] == 0 {
            row.total_value += tv[i];
            row.total_count += tc[i];
        }
        on_path[f] += 1;
        path.push(i);
    }
    let mut out: Vec<FunctionRow> = rows.into_iter().filter(|r| seen[r.frame as usize] && p.frames[r.frame as usize].category() != Category::Root).collect();
    out.sort_by(|a, b| {
        b.self_value
            .total_cmp(&a.self_value)
            .then(b.total_value.total_cmp(&a.total_value))
            .then_with(|| p.frames[a.frame as usize].name.cmp(&p.frames[b.frame as usize].name))
            .then(a.frame.cmp(&b.frame))
    });
    out
}

/// One line of the top-down tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRow {
    /// Node index in `Profile::nodes`.
    pub node: u32,
    /// Depth below the root (the root's children have depth 0; the root itself is not listed).
    pub depth: u32,
    /// Self value of the node.
    pub self_value: f64,
    /// Total value of the node's subtree.
    pub total_value: f64,
}

/// The top-down call tree in display order (children by total, largest first), without the
/// root, leaving out subtrees whose total is below `min_value` and nodes deeper than `max_depth`.
pub fn top_down(p: &Profile, min_value: f64, max_depth: u32) -> Vec<TreeRow> {
    let (tv, _) = totals(p);
    let mut out = Vec::new();
    let mut stack: Vec<(usize, u32)> = Vec::new();
    let push_children = |stack: &mut Vec<(usize, u32)>, i: usize, depth: u32| {
        let mut kids: Vec<usize> = p.children(i).filter(|&c| tv[c] >= min_value && tv[c] > 0.0).collect();
        // Reverse order on the stack so the largest pops first.
        kids.sort_by(|&a, &b| tv[a].total_cmp(&tv[b]).then(b.cmp(&a)));
        stack.extend(kids.into_iter().map(|c| (c, depth)));
    };
    if p.nodes.is_empty() {
        return out;
    }
    push_children(&mut stack, 0, 0);
    while let Some((i, depth)) = stack.pop() {
        out.push(TreeRow { node: i as u32, depth, self_value: p.nodes[i].value, total_value: tv[i] });
        if depth < max_depth {
            push_children(&mut stack, i, depth + 1);
        }
    }
    out
}
