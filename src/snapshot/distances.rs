//! Distances from the roots, as DevTools computes them (`calculateDistances`): BFS from the user
//! roots first, then from the root for what is left, those starting at 100,000,000 (system
//! distance). Weak edges never count, and DevTools' filter skips descriptor-array links and the
//! first of the two edges of a WeakMap entry; the filter's state depends on visiting order, so the
//! traversal order matches DevTools' exactly.

use std::collections::HashSet;

use super::bits::Bits;
use super::essential::EphemeronNames;
use super::flags::is_user_root;
use super::graph::Graph;
use super::mem::prefetch;
use super::weakmap;

/// Distance of nodes no BFS reached (DevTools' `noDistance`).
pub const NO_DISTANCE: i32 = -5;
/// Distance of the root when user roots exist; system-only nodes count from here.
pub const BASE_SYSTEM_DISTANCE: i32 = 100_000_000;

/// JavaScript's `parseInt(s, 10)`, as a float (NaN when there are no digits).
pub fn js_parse_int(s: &str) -> f64 {
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits: &str = &t[..t.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return f64::NAN;
    }
    let v: f64 = digits.parse().unwrap_or(f64::INFINITY);
    if neg {
        -v
    } else {
        v
    }
}

/// Computes the distance of every node.
pub fn distances(g: &Graph, eph: &EphemeronNames) -> Vec<i32> {
    let n = g.node_count();
    let k = g.kinds;
    let mut dist = super::mem::filled(n, NO_DISTANCE);
    let mut queue: Vec<u32> = Vec::with_capacity(n);
    let mut pending: HashSet<&str> = HashSet::new();

    // DevTools' filter for JSHeapSnapshot; returns false for edges BFS must not follow. The
    // node-level tests (`native_context`, `descriptors`) are computed once per node by the BFS.
    let mut filter = |native_context: bool, descriptors: bool, e: usize| -> bool {
        if native_context && g.edge_str(e) == Some("sloppy_function_map") {
            return false;
        }
        if descriptors {
            let index = match g.edge_str(e) {
                Some(s) => js_parse_int(s),
                None => g.edge_name[e] as f64,
            };
            return index < 2.0 || index % 3.0 != 1.0;
        }
        if g.edge_type[e] == k.e_internal && eph.table_of(g.edge_name[e]).is_some() {
            if let Some(m) = weakmap::parse(g.strings.get(g.edge_name[e])) {
                if !pending.remove(m.duplicated_part) {
                    pending.insert(m.duplicated_part);
                    return false;
                }
            }
        }
        true
    };

    // The node names the filter tests, as string indexes (compared per node).
    let named = |text: &str| {
        let mut b = Bits::new(g.strings.len());
        for i in 0..g.strings.len() {
            if g.strings.get(i as u32) == text {
                b.set(i);
            }
        }
        b
    };
    let native_context_name = named("system / NativeContext");
    let descriptors_name = named("(map descriptors)");
    // Reached nodes, one bit each (mirrors dist != NO_DISTANCE): the per-edge test stays in
    // cache instead of reading the node-sized distance array at random.
    let mut seen = Bits::new(n);
    // `start` is the distance of the nodes queued at the start; a node's distance is its
    // level in the queue, so the loop never reads the distance array at random.
    let mut bfs = |queue: &mut Vec<u32>, dist: &mut Vec<i32>, seen: &mut Bits, start: i32| {
        let mut i = 0;
        let mut level_end = queue.len();
        let mut d = start + 1;
        while i < queue.len() {
            if i == level_end {
                level_end = queue.len();
                d += 1;
            }
            // The queue says which nodes come next: fetch their records, then their edges.
            const NODE_AHEAD: usize = 16;
            const EDGES_AHEAD: usize = 8;
            if let Some(&ahead) = queue.get(i + NODE_AHEAD) {
                prefetch(g.first_edge.as_ptr().wrapping_add(ahead as usize));
                prefetch(g.node_name.as_ptr().wrapping_add(ahead as usize));
                prefetch(g.node_type.as_ptr().wrapping_add(ahead as usize));
            }
            if let Some(&ahead) = queue.get(i + EDGES_AHEAD) {
                let e = g.first_edge[ahead as usize] as usize;
                prefetch(g.edge_to.as_ptr().wrapping_add(e));
                prefetch(g.edge_type.as_ptr().wrapping_add(e));
            }
            let node = queue[i];
            i += 1;
            let nt = g.node_type[node as usize];
            let name = g.node_name[node as usize] as usize;
            let native_context = nt == k.hidden && native_context_name.get(name);
            let descriptors = nt == k.array && descriptors_name.get(name);
            for e in g.edges(node) {
                if g.edge_type[e] == k.e_weak {
                    continue;
                }
                let child = g.edge_to[e];
                if seen.get(child as usize) {
                    continue;
                }
                if !filter(native_context, descriptors, e) {
                    continue;
                }
                seen.set(child as usize);
                dist[child as usize] = d;
                queue.push(child);
            }
        }
    };

    for e in g.edges(g.root) {
        let to = g.edge_to[e];
        if is_user_root(g, to) {
            dist[to as usize] = 1;
            seen.set(to as usize);
            queue.push(to);
        }
    }
    let had_user_roots = !queue.is_empty();
    bfs(&mut queue, &mut dist, &mut seen, 1);
    let root_distance = if had_user_roots { BASE_SYSTEM_DISTANCE } else { 0 };
    dist[g.root as usize] = root_distance;
    seen.set(g.root as usize);
    queue.clear();
    queue.push(g.root);
    bfs(&mut queue, &mut dist, &mut seen, root_distance);
    dist
}

#[cfg(test)]
mod tests {
    use super::js_parse_int;

    #[test]
    fn parse_int_like_javascript() {
        assert_eq!(js_parse_int("12"), 12.0);
        assert_eq!(js_parse_int("  -7x"), -7.0);
        assert_eq!(js_parse_int("+3"), 3.0);
        assert!(js_parse_int("abc").is_nan());
        assert!(js_parse_int("").is_nan());
    }
}
