//! Which edges count for dominators, by DevTools' rules (`computeIsEssentialEdge`): not weak
//! edges, not self edges, not shortcuts except at the root, not edges from a non-page-owned node
//! into a page-owned one, and not the table→value edge of a WeakMap entry (the key→value edge
//! is kept, which gives the more useful dominator).

use super::bits::Bits;
use super::graph::Graph;
use super::weakmap;

/// Per string index: is it an ephemeron edge name, and if so, the table id it names.
pub struct EphemeronNames {
    /// `table[string index]`: Some(table id) for ephemeron names.
    table: Vec<Option<u64>>,
}

impl EphemeronNames {
    /// Scans the string table once (ephemeron names are rare; this avoids parsing per edge).
    pub fn new(g: &Graph) -> Self {
        let mut table = vec![None; g.strings.len()];
        for (i, slot) in table.iter_mut().enumerate() {
            let s = g.strings.get(i as u32);
            // Cheap pre-check before the full parse: every ephemeron name contains this.
            if s.contains("pair in WeakMap") {
                if let Some(e) = weakmap::parse(s) {
                    // Digit strings too long for u64 can never equal a node id.
                    *slot = Some(e.table_id.parse::<u64>().unwrap_or(u64::MAX));
                }
            }
        }
        EphemeronNames { table }
    }

    /// The table id if string `s` is an ephemeron edge name.
    #[inline]
    pub fn table_of(&self, s: u32) -> Option<u64> {
        self.table.get(s as usize).copied().flatten()
    }
}

/// Marks the edges the dominator computation may use; `page_owned` holds DevTools' page flag.
pub fn essential_edges(g: &Graph, page_owned: &Bits, eph: &EphemeronNames) -> Bits {
    let k = g.kinds;
    let mut out = Bits::new(g.edge_count());
    for src in 0..g.node_count() as u32 {
        let src_page = page_owned.get(src as usize);
        let is_root = src == g.root;
        for e in g.edges(src) {
            let t = g.edge_type[e];
            if t == k.e_internal {
                if let Some(table) = eph.table_of(g.edge_name[e]) {
                    if table == g.id(src) {
                        continue;
                    }
                }
            }
            if t == k.e_weak {
                continue;
            }
            let to = g.edge_to[e];
            if to == src {
                continue;
            }
            if !is_root {
                if t == k.e_shortcut {
                    continue;
                }
                if page_owned.get(to as usize) && !src_page {
                    continue;
                }
            }
            out.set(e);
        }
    }
    out
}
