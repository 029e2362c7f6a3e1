//! The heap graph in columns: one array per node field and per edge field, edges grouped by their
//! source node (CSR). This is the shared model for every analysis (summary, diff, leaks, retainer
//! paths); it stays as the file describes it, and derived data lives with each analysis.
//!
//! Node and edge references are ordinals (`u32`), not the file's field indexes, so nothing here
//! overflows when `count × fields` passes 2^32.

use std::ops::Range;

use super::strings::Strings;

/// Marks a node or edge type the snapshot does not have.
pub const NONE: u8 = u8::MAX;

/// Type indices of the node and edge kinds DevTools' rules name ([`NONE`] when absent).
#[derive(Clone, Copy, Debug)]
#[allow(missing_docs)]
pub struct Kinds {
    pub hidden: u8,
    pub array: u8,
    pub string: u8,
    pub object: u8,
    pub code: u8,
    pub closure: u8,
    pub regexp: u8,
    pub native: u8,
    pub synthetic: u8,
    pub cons_string: u8,
    pub sliced_string: u8,
    pub e_element: u8,
    pub e_property: u8,
    pub e_internal: u8,
    pub e_hidden: u8,
    pub e_shortcut: u8,
    pub e_weak: u8,
    pub e_invisible: u8,
}

impl Kinds {
    /// Looks the kinds up by name in the snapshot's type lists.
    pub fn from_names(node_types: &[String], edge_types: &[String]) -> Kinds {
        let n = |name: &str| node_types.iter().position(|t| t == name).map_or(NONE, |i| i as u8);
        let e = |name: &str| edge_types.iter().position(|t| t == name).map_or(NONE, |i| i as u8);
        Kinds {
            hidden: n("hidden"),
            array: n("array"),
            string: n("string"),
            object: n("object"),
            code: n("code"),
            closure: n("closure"),
            regexp: n("regexp"),
            native: n("native"),
            synthetic: n("synthetic"),
            cons_string: n("concatenated string"),
            sliced_string: n("sliced string"),
            e_element: e("element"),
            e_property: e("property"),
            e_internal: e("internal"),
            e_hidden: e("hidden"),
            e_shortcut: e("shortcut"),
            e_weak: e("weak"),
            // DevTools appends a synthetic 'invisible' type after the file's own edge types.
            e_invisible: e("invisible").min(edge_types.len().min(NONE as usize - 1) as u8),
        }
    }
}

/// Where the constructor of an object was defined (from the snapshot's `locations`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// V8 script id.
    pub script_id: u64,
    /// Zero-based line.
    pub line: u64,
    /// Zero-based column.
    pub column: u64,
}

/// Constructor locations by node ordinal: sorted by node, one per node (DevTools keeps the
/// last one a file gives). A sorted column instead of a hash map: V8 writes locations in node
/// order, so building it is a push per record, and it is half the memory.
#[derive(Debug, Default)]
pub struct Locations {
    entries: Vec<(u32, Location)>,
}

impl Locations {
    /// Builds the table from `(node, location)` records in file order.
    pub fn from_records(mut entries: Vec<(u32, Location)>) -> Locations {
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: among records for one node, the file's last stays last.
            entries.sort_by_key(|e| e.0);
            let mut out: Vec<(u32, Location)> = Vec::with_capacity(entries.len());
            for e in entries {
                match out.last_mut() {
                    Some(last) if last.0 == e.0 => *last = e,
                    _ => out.push(e),
                }
            }
            entries = out;
        }
        entries.shrink_to_fit();
        Locations { entries }
    }

    /// Node `n`'s location.
    pub fn get(&self, n: u32) -> Option<&Location> {
        self.entries.binary_search_by_key(&n, |e| e.0).ok().map(|i| &self.entries[i].1)
    }

    /// Every `(node, location)`, in node order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Location)> + '_ {
        self.entries.iter().map(|(n, l)| (*n, l))
    }
}

/// A parsed heap snapshot.
#[derive(Debug)]
pub struct Graph {
    /// The string table (node names, edge names), extended by analyses that derive names.
    pub strings: Strings,
    /// Node type names, by type index (`meta.node_types[type]`).
    pub node_type_names: Vec<String>,
    /// Edge type names, by type index.
    pub edge_type_names: Vec<String>,
    /// Indices of the types DevTools' rules refer to.
    pub kinds: Kinds,
    /// Node type index per node.
    pub node_type: Vec<u8>,
    /// Node name (string index) per node.
    pub node_name: Vec<u32>,
    /// Low 32 bits of the node id per node.
    pub node_id: Vec<u32>,
    /// High 32 bits of the node id per node; empty when every id fits in 32 bits (V8's JS ids
    /// do; native ids in browsers may not), which saves 4 bytes a node in the common case.
    pub node_id_hi: Vec<u32>,
    /// Self size per node, as in the file. 32 bits like DevTools' arrays: no single V8 object
    /// comes near 4 GiB.
    pub node_self: Vec<u32>,
    /// DOM detachedness per node (0 unknown, 1 attached, 2 detached); empty when the file has no
    /// such field (6-field nodes).
    pub node_detachedness: Vec<u8>,
    /// Edges of node `n` are `first_edge[n]..first_edge[n + 1]`.
    pub first_edge: Vec<u32>,
    /// Edge type index per edge.
    pub edge_type: Vec<u8>,
    /// String index (most types) or element index (`element`, `hidden`) per edge.
    pub edge_name: Vec<u32>,
    /// Target node ordinal per edge.
    pub edge_to: Vec<u32>,
    /// Ordinal of the root node.
    pub root: u32,
    /// Constructor locations by node ordinal.
    pub locations: Locations,
    /// Native memory V8 reports outside the graph (`snapshot.extra_native_bytes`).
    pub extra_native_bytes: f64,
}

impl Graph {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.node_type.len()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.edge_type.len()
    }

    /// The edge ordinals of node `n`.
    #[inline]
    pub fn edges(&self, n: u32) -> Range<usize> {
        self.first_edge[n as usize] as usize..self.first_edge[n as usize + 1] as usize
    }

    /// The node's id.
    #[inline]
    pub fn id(&self, n: u32) -> u64 {
        let lo = self.node_id[n as usize] as u64;
        match self.node_id_hi.get(n as usize) {
            Some(&hi) => (hi as u64) << 32 | lo,
            None => lo,
        }
    }

    /// The node's name.
    pub fn name(&self, n: u32) -> &str {
        self.strings.get(self.node_name[n as usize])
    }

    /// The node's type name (`object`, `closure`, ...).
    pub fn type_name(&self, n: u32) -> &str {
        self.node_type_names.get(self.node_type[n as usize] as usize).map_or("", |s| s.as_str())
    }

    /// Whether edge `e` is named by a string (all types but `element` and `hidden`).
    #[inline]
    pub fn edge_has_string_name(&self, e: usize) -> bool {
        let t = self.edge_type[e];
        t != self.kinds.e_element && t != self.kinds.e_hidden
    }

    /// The edge's name string, or None for indexed edges.
    pub fn edge_str(&self, e: usize) -> Option<&str> {
        self.edge_has_string_name(e).then(|| self.strings.get(self.edge_name[e]))
    }
}
