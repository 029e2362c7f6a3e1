//! The Statistics pie of DevTools' Summary (`calculateStatistics`), from the shallow sizes after
//! the owned-array transfer.

use super::graph::Graph;

/// Heap composition in bytes, as DevTools' Statistics view shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    /// Total: the root's retained size plus `extra_native_bytes`.
    pub total: f64,
    /// Total minus native.
    pub v8heap: f64,
    /// Native (embedder) nodes plus `extra_native_bytes`.
    pub native: f64,
    /// Compiled code.
    pub code: f64,
    /// Strings (plain, concatenated, sliced).
    pub strings: f64,
    /// JS arrays including their elements store when only the array holds it.
    pub js_arrays: f64,
    /// ArrayBuffer backing stores (`system / JSArrayBufferData`).
    pub typed_arrays: f64,
    /// Hidden (system) nodes.
    pub system: f64,
}

/// Computes the statistics; `sizes` are the transferred shallow sizes, `root_retained` the root's
/// retained size.
pub fn statistics(g: &Graph, sizes: &[u32], root_retained: f64) -> Statistics {
    let k = g.kinds;
    let mut native = g.extra_native_bytes;
    let (mut typed, mut code, mut strings, mut arrays, mut system) = (0f64, 0f64, 0f64, 0f64, 0f64);
    let mut in_degree: Option<Vec<u32>> = None;
    for o in 0..g.node_count() {
        let size = sizes[o] as f64;
        let t = g.node_type[o];
        if t == k.hidden {
            system += size;
        } else if t == k.native {
            native += size;
            if g.name(o as u32) == "system / JSArrayBufferData" {
                typed += size;
            }
        } else if t == k.code {
            code += size;
        } else if t == k.cons_string || t == k.sliced_string || t == k.string {
            strings += size;
        } else if g.name(o as u32) == "Array" {
            // The array plus its `elements` store when nothing else retains that store.
            let deg = in_degree.get_or_insert_with(|| g.in_degrees());
            let mut s = size;
            for e in g.edges(o as u32) {
                if g.edge_type[e] == k.e_internal && g.strings.get(g.edge_name[e]) == "elements" {
                    let el = g.edge_to[e] as usize;
                    if deg[el] == 1 {
                        s += sizes[el] as f64;
                    }
                    break;
                }
            }
            arrays += s;
        }
    }
    let total = root_retained + g.extra_native_bytes;
    Statistics { total, v8heap: total - native, native, code, strings, js_arrays: arrays, typed_arrays: typed, system }
}
