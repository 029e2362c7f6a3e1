//! Which edges count for dominators, by DevTools' rules (`computeIsEssentialEdge`): not weak
//! edges, not self edges, not shortcuts except at the root, not edges from a non-page-owned node
//! into a page-owned one, and not the table→value edge of a WeakMap entry (the key→value edge
//! is kept, which gives the more useful dominator).

use std::collections::HashMap;

use super::bits::Bits;
use super::fxhash::FxBuild;
use super::graph::Graph;
use super::weakmap;

/// Per string index: is it an ephemeron edge name, and if so, the table id it names. One bit
/// per string and a map for the few that are (a table entry per string was 16 bytes each).
pub struct EphemeronNames {
    /// Ephemeron names among the strings.
    is: Bits,
    /// Table id per ephemeron name.
    table: HashMap<u32, u64, FxBuild>,
}

impl EphemeronNames {
    /// Scans the string table once (ephemeron names are rare; this avoids parsing per edge).
    pub fn new(g: &Graph) -> Self {
        let mut is = Bits::new(g.strings.len());
        let mut table = HashMap::default();
        for i in 0..g.strings.len() {
            let s = g.strings.get(i as u32);
            // Cheap pre-check before the full parse: every ephemeron name contains this.
            if s.contains("pair in WeakMap") {
                if let Some(e) = weakmap::parse(s) {
                    // Digit strings too long for u64 can never equal a node id.
                    is.set(i);
                    table.insert(i as u32, e.table_id.parse::<u64>().unwrap_or(u64::MAX));
                }
            }
        }
        EphemeronNames { is, table }
    }

    /// The table id if string `s` is an ephemeron edge name.
    #[inline]
    pub fn table_of(&self, s: u32) -> Option<u64> {
        if !self.is.get(s as usize) {
            return None;
        }
        self.table.get(&s).copied()
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
