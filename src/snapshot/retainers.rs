//! `retainers`: who holds an object. For a class, every instance's shortest path from the roots,
//! grouped by the path's normalized shape; for one node id, one shortest path through each of
//! its direct (non-weak) retainers, nearest first.

use std::collections::HashMap;
use std::path::Path;

use super::graph::Graph;
use super::paths::{signature, Describer, RetainerPath, ShortestPaths};
use super::{classes, dom_state, interfaces, load_file, Phase};
use crate::cancel::Cancel;
use crate::error::{Error, ErrorKind, Result};

/// What to find the retainers of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Every object of a class (DevTools' class name, e.g. `LeakyThing`, `{a, b}`, `Function`).
    Class(String),
    /// One node by its snapshot id.
    Id(u64),
}

/// Objects that share a retainer path shape.
#[derive(Debug, Clone, PartialEq)]
pub struct RetainerGroup {
    /// Objects in the group.
    pub count: u64,
    /// Ids of the first objects (at most 10), in node order.
    pub ids: Vec<u64>,
    /// The path of the first object, or None when no strong path reaches the objects (held only
    /// by weak references, or garbage V8 had not collected).
    pub path: Option<RetainerPath>,
}

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq)]
pub struct Retainers {
    /// Objects that matched.
    pub matched: u64,
    /// Groups, most objects first (for an id: one per direct retainer, shortest path first).
    pub groups: Vec<RetainerGroup>,
    /// Groups left out by the limit.
    pub omitted: u64,
}

/// How many ids a group lists.
const GROUP_IDS: usize = 10;

/// DevTools' class name per node (with interface names for plain objects), without the costly
/// parts of the analysis (dominators) that retainer paths do not need.
pub fn class_names(g: &mut Graph) -> Vec<u32> {
    dom_state::propagate(g);
    let mut class_of = classes::class_names(g);
    let defs = interfaces::infer(g);
    interfaces::apply(g, &defs, &mut class_of);
    class_of
}

/// Answers `q` on a parsed graph, keeping at most `limit` groups (0: no limit).
pub fn find(mut g: Graph, q: &Query, limit: usize) -> Result<Retainers> {
    let class_of = class_names(&mut g);
    let sp = ShortestPaths::compute(&g);
    let d = Describer::new(&g, &class_of);
    let limit = if limit == 0 { usize::MAX } else { limit };
    match q {
        Query::Class(name) => by_class(&g, &sp, &d, name, limit),
        Query::Id(id) => by_id(&g, &sp, &d, *id, limit),
    }
}

/// Parses `path` and answers `q`.
pub fn find_in_file(path: &Path, q: &Query, limit: usize, progress: &dyn Fn(Phase, f64), cancel: &Cancel) -> Result<Retainers> {
    let g = load_file(path, progress, cancel)?;
    progress(Phase::Graph, 0.0);
    let r = find(g, q, limit);
    progress(Phase::Graph, 1.0);
    r
}

fn by_class(g: &Graph, sp: &ShortestPaths, d: &Describer<'_>, name: &str, limit: usize) -> Result<Retainers> {
    let class_text = |n: u32| d.class_text(n);
    // Group index by (reached, signature); groups keep node order of their first member.
    let mut slot: HashMap<(bool, u64), usize> = HashMap::new();
    let mut groups: Vec<(u32, RetainerGroup)> = Vec::new();
    let mut matched = 0u64;
    for n in 0..g.node_count() as u32 {
        if d.class_text(n) != name {
            continue;
        }
        matched += 1;
        let reached = sp.reached(n);
        let (steps, _) = sp.path(g, n);
        let sig = if reached { signature(g, &steps, &class_text) } else { 0 };
        match slot.get(&(reached, sig)) {
            Some(&i) => {
                let grp = &mut groups[i].1;
                grp.count += 1;
                if grp.ids.len() < GROUP_IDS {
                    grp.ids.push(g.id(n));
                }
            }
            None => {
                slot.insert((reached, sig), groups.len());
                groups.push((n, RetainerGroup { count: 1, ids: vec![g.id(n)], path: None }));
            }
        }
    }
    if matched == 0 {
        return Err(Error::new(
            ErrorKind::ClassNotFound,
            format!("no object of class '{name}' in the snapshot. Class names are the Constructor column of `rsheapdump summary`"),
        ));
    }
    // Most objects first; ties in node order (stable sort).
    groups.sort_by_key(|g| std::cmp::Reverse(g.1.count));
    let omitted = groups.len().saturating_sub(limit) as u64;
    groups.truncate(limit);
    let groups = groups
        .into_iter()
        .map(|(n, mut grp)| {
            if sp.reached(n) {
                let (steps, cut) = sp.path(g, n);
                grp.path = Some(d.describe(&steps, cut));
            }
            grp
        })
        .collect();
    Ok(Retainers { matched, groups, omitted })
}

fn by_id(g: &Graph, sp: &ShortestPaths, d: &Describer<'_>, id: u64, limit: usize) -> Result<Retainers> {
    let Some(target) = (0..g.node_count() as u32).find(|&n| g.id(n) == id) else {
        return Err(not_found(id));
    };
    // Direct retainers: one scan over the edges, no reverse index needed for one node.
    let mut holders: Vec<(u32, usize)> = Vec::new();
    let mut src = 0u32;
    for e in 0..g.edge_count() {
        while (g.first_edge[src as usize + 1] as usize) <= e {
            src += 1;
        }
        if g.edge_to[e] == target {
            holders.push((src, e));
        }
    }
    Ok(through_holders(g, sp, d, target, holders, limit))
}

/// No node with id `id`.
pub fn not_found(id: u64) -> Error {
    Error::new(
        ErrorKind::NodeNotFound,
        format!("no node with id @{id} in the snapshot. Ids are per process and per object: take the id from this snapshot (e.g. from `rsheapdump leaks` or `retainers --class`)"),
    )
}

/// One shortest path through each strong retainer of `target` among `holders` (source node, edge
/// ordinal), nearest first (ties in edge order): what `retainers --id` prints, and what the
/// viewer shows, from its reverse index, for the same node.
pub fn through_holders(
    g: &Graph,
    sp: &ShortestPaths,
    d: &Describer<'_>,
    target: u32,
    holders: impl IntoIterator<Item = (u32, usize)>,
    limit: usize,
) -> Retainers {
    let weak = g.kinds.e_weak;
    let id = g.id(target);
    let mut holders: Vec<(usize, u32, usize)> = holders // (depth of source, source, edge)
        .into_iter()
        .filter(|&(src, e)| g.edge_type[e] != weak && src != target)
        .filter_map(|(src, e)| sp.depth(g, src).map(|depth| (depth, src, e)))
        .collect();
    holders.sort_by_key(|h| (h.0, h.2));
    let matched = 1;
    if holders.is_empty() {
        let path = if target == g.root { Some(d.describe(&[], false)) } else { None };
        return Retainers { matched, groups: vec![RetainerGroup { count: 1, ids: vec![id], path }], omitted: 0 };
    }
    let limit = if limit == 0 { usize::MAX } else { limit };
    let omitted = holders.len().saturating_sub(limit) as u64;
    let groups = holders
        .into_iter()
        .take(limit)
        .map(|(_, src, e)| {
            let (mut steps, cut) = sp.path(g, src);
            steps.push(super::paths::RawStep { edge: Some(e as u32), node: target });
            RetainerGroup { count: 1, ids: vec![id], path: Some(d.describe(&steps, cut)) }
        })
        .collect();
    Retainers { matched, groups, omitted }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Builder, Name};
    use super::*;

    /// root → global → sessions (Map) → table → [i] → Session (3 of them); one Session is also
    /// held by a closure's context; a fourth Session is only weakly held.
    fn heap() -> Graph {
        let mut b = Builder::default();
        let root = b.node("synthetic", "", 1, 0);
        let gc = b.node("synthetic", "(GC roots)", 3, 0);
        let global = b.node("object", "global", 5, 40);
        let map = b.node("object", "Map", 7, 32);
        let table = b.node("array", "(object elements)", 9, 64);
        b.edge(root, "element", Name::I(1), gc);
        b.edge(root, "shortcut", Name::S("global"), global);
        b.edge(gc, "element", Name::I(0), global);
        b.edge(global, "property", Name::S("sessions"), map);
        b.edge(map, "internal", Name::S("table"), table);
        let mut sessions = Vec::new();
        for i in 0..4 {
            sessions.push(b.node("object", "Session", 101 + 2 * i, 24));
        }
        for (i, &s) in sessions.iter().take(3).enumerate() {
            b.edge(table, "element", Name::I(2 * i as u32 + 1), s);
        }
        let f = b.node("closure", "handler", 201, 32);
        let ctx = b.node("object", "system / Context", 203, 16);
        b.edge(gc, "element", Name::I(1), f);
        b.edge(f, "context", Name::S("context"), ctx);
        b.edge(ctx, "context", Name::S("session"), sessions[1]);
        b.edge(global, "weak", Name::S("w"), sessions[3]);
        b.graph()
    }

    fn edges(p: &RetainerPath) -> Vec<String> {
        p.steps.iter().map(|s| format!("{}>{}", s.edge.as_deref().unwrap_or(""), s.class_name)).collect()
    }

    #[test]
    fn by_class_groups_instances_by_path_shape() {
        let r = find(heap(), &Query::Class("Session".into()), 0).expect("found");
        assert_eq!(r.matched, 4);
        assert_eq!(r.groups.len(), 2);
        assert_eq!(r.groups[0].count, 3);
        assert_eq!(r.groups[0].ids, [101, 103, 105]);
        let p = r.groups[0].path.as_ref().expect("reachable");
        assert_eq!(edges(p), ["global>global", "sessions>Map", "table>(array)", "[1]>Session"]);
        assert_eq!(p.steps[3].edge_type.as_deref(), Some("element"));
        assert_eq!((r.groups[1].count, r.groups[1].ids.clone(), r.groups[1].path.clone()), (1, vec![107], None));

        let one = find(heap(), &Query::Class("Session".into()), 1).expect("found");
        assert_eq!((one.groups.len(), one.omitted), (1, 1));
        let e = find(heap(), &Query::Class("Nope".into()), 0).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ClassNotFound);
    }

    #[test]
    fn by_id_gives_a_path_through_each_retainer_nearest_first() {
        let r = find(heap(), &Query::Id(103), 0).expect("found");
        assert_eq!(r.groups.len(), 2);
        assert_eq!(edges(r.groups[0].path.as_ref().unwrap()), ["global>global", "sessions>Map", "table>(array)", "[3]>Session"]);
        assert_eq!(edges(r.groups[1].path.as_ref().unwrap()), ["[1]>(synthetic)", "[1]>Function", "context>system / Context", "session>Session"]);
        // Weak edges do not retain: the weakly held Session has no path.
        let w = find(heap(), &Query::Id(107), 0).expect("found");
        assert_eq!(w.groups.len(), 1);
        assert!(w.groups[0].path.is_none());
        assert_eq!(find(heap(), &Query::Id(999), 0).unwrap_err().kind, ErrorKind::NodeNotFound);
    }
}
