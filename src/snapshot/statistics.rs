//! The Statistics pie of DevTools' Summary (`calculateStatistics`), from the shallow sizes after
//! the owned-array transfer.

use super::bits::Bits;
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

impl Statistics {
    /// Sets the total (the root's retained size plus `extra_native_bytes`), and with it the V8
    /// heap part.
    pub fn set_total(&mut self, total: f64) {
        self.total = total;
        self.v8heap = total - self.native;
    }
}

/// Computes the statistics but the total, which needs retained sizes (see
/// [`Statistics::set_total`]); `sizes` are the transferred shallow sizes.
pub fn statistics(g: &Graph, sizes: &[u32]) -> Statistics {
    let k = g.kinds;
    // Names compared per node are compared as string indexes (the text may occur under more
    // than one index).
    let named = |text: &str| {
        let mut b = Bits::new(g.strings.len());
        for i in 0..g.strings.len() {
            if g.strings.get(i as u32) == text {
                b.set(i);
            }
        }
        b
    };
    let array_name = named("Array");
    let buffer_name = named("system / JSArrayBufferData");
    let elements_name = named("elements");
    let is_array = |o: usize| {
        let t = g.node_type[o];
        t != k.hidden && t != k.native && t != k.code && t != k.cons_string && t != k.sliced_string && t != k.string && array_name.get(g.node_name[o] as usize)
    };
    // The `elements` store of each array, and whether exactly one edge (of any kind) points at
    // it: two bit sets over the nodes instead of a count per node.
    let mut store = Bits::new(g.node_count());
    let mut any = false;
    for o in 0..g.node_count() {
        if is_array(o) {
            if let Some(e) = elements_edge(g, &elements_name, o as u32) {
                store.set(g.edge_to[e] as usize);
                any = true;
            }
        }
    }
    let (mut once, mut more) = (Bits::new(0), Bits::new(0));
    if any {
        once = Bits::new(g.node_count());
        more = Bits::new(g.node_count());
        for &t in &g.edge_to {
            let t = t as usize;
            if store.get(t) {
                if once.get(t) {
                    more.set(t);
                } else {
                    once.set(t);
                }
            }
        }
    }
    let mut native = g.extra_native_bytes;
    let (mut typed, mut code, mut strings, mut arrays, mut system) = (0f64, 0f64, 0f64, 0f64, 0f64);
    for o in 0..g.node_count() {
        let size = sizes[o] as f64;
        let t = g.node_type[o];
        if t == k.hidden {
            system += size;
        } else if t == k.native {
            native += size;
            if buffer_name.get(g.node_name[o] as usize) {
                typed += size;
            }
        } else if t == k.code {
            code += size;
        } else if t == k.cons_string || t == k.sliced_string || t == k.string {
            strings += size;
        } else if array_name.get(g.node_name[o] as usize) {
            // The array plus its `elements` store when nothing else retains that store.
            let mut s = size;
            if let Some(e) = elements_edge(g, &elements_name, o as u32) {
                let el = g.edge_to[e] as usize;
                if once.get(el) && !more.get(el) {
                    s += sizes[el] as f64;
                }
            }
            arrays += s;
        }
    }
    Statistics { total: 0.0, v8heap: -native, native, code, strings, js_arrays: arrays, typed_arrays: typed, system }
}

/// The first internal edge named `elements` of node `o`.
fn elements_edge(g: &Graph, elements_name: &Bits, o: u32) -> Option<usize> {
    g.edges(o).find(|&e| g.edge_type[e] == g.kinds.e_internal && elements_name.get(g.edge_name[e] as usize))
}
