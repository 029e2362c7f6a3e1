//! `leaks`: memlab's three-snapshot model, deterministic. An object leaked when it was allocated
//! after the baseline (its id is not in the baseline), existed at the target, and is still
//! strongly reachable in the final snapshot. Leaked objects that a leaked dominator already
//! retains are folded into it, so each leak is counted once; the remaining leak roots are
//! clustered by class and the normalized shape of their shortest retainer path, and clusters are
//! ranked by retained size. Every object is looked at: nothing is sampled.
//!
//! Memory: of the baseline and target only the sorted id sets are kept (12 bytes per node); only
//! the final snapshot is held as a graph and analyzed.

use std::collections::HashMap;
use std::path::Path;

use super::analysis::{self, Analysis};
use super::bits::Bits;
use super::graph::{Graph, NONE};
use super::ids::{check_related, IdSet};
use super::paths::{signature, Describer, RetainerPath, ShortestPaths};
use super::summary::class_keys;
use super::{load_file, Phase};
use crate::cancel::Cancel;
use crate::error::Result;

/// How many ids a cluster lists.
const CLUSTER_IDS: usize = 10;

/// Leak roots that share a class and a retainer path shape.
#[derive(Debug, Clone, PartialEq)]
pub struct LeakCluster {
    /// Class name of the leaked objects.
    pub class_name: String,
    /// DevTools' class key.
    pub key: String,
    /// Leaked objects in the cluster (not counting the leaked objects they retain).
    pub count: u64,
    /// Sum of their retained sizes (they do not dominate each other, so nothing counts twice).
    pub retained_size: f64,
    /// Sum of their shallow sizes.
    pub shallow_size: f64,
    /// Ids (in the final snapshot) of the first objects, at most 10.
    pub ids: Vec<u64>,
    /// Shortest retainer path of the first object.
    pub path: RetainerPath,
}

/// All leaked objects of one class, leak roots or not.
#[derive(Debug, Clone, PartialEq)]
pub struct LeakClass {
    /// Class name.
    pub name: String,
    /// DevTools' class key.
    pub key: String,
    /// Leaked objects of the class.
    pub count: u64,
    /// Their shallow size.
    pub shallow_size: f64,
}

/// What `leaks` finds.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaks {
    /// Clusters, largest retained size first (at most the limit asked for).
    pub clusters: Vec<LeakCluster>,
    /// Clusters left out by the limit.
    pub omitted_clusters: u64,
    /// Leaked objects per class, most objects first.
    pub classes: Vec<LeakClass>,
    /// Leaked objects in all (every class that is reported).
    pub leaked_objects: u64,
    /// Leak roots (leaked objects no other leaked object dominates).
    pub leak_roots: u64,
    /// Retained size of all leak roots together.
    pub retained_size: f64,
    /// Nodes in the baseline, target and final snapshots.
    pub node_counts: [u64; 3],
}

/// Whether a node can be reported as a leak. Strings, numbers, code and V8's hidden and internal
/// nodes (arrays, and objects named `system / ...` such as closure contexts) are not reported by
/// themselves: they leak only as part of an object that holds them, and counting them would
/// bury the objects behind them.
fn reportable(g: &Graph, n: u32) -> bool {
    let t = g.node_type[n as usize];
    let k = g.kinds;
    t != NONE && (t == k.object || t == k.closure || t == k.regexp || t == k.native) && !g.name(n).starts_with("system / ")
}

/// Finds the leaks in `fin` given the ids of the baseline and target snapshots.
pub fn find(base: &IdSet, target: &IdSet, fin: &Analysis, limit: usize, node_counts: [u64; 3]) -> Leaks {
    let g = &fin.graph;
    let n = g.node_count();
    // V8 keeps a template of each object literal in its AllocationSite (the boilerplate): the
    // first object a literal makes stays reachable from there, which is the engine's cache, not
    // the program holding on to it.
    let sp = ShortestPaths::compute_skipping(g, &|v| g.name(v) == "system / AllocationSite");
    let mut leaked = Bits::new(n);
    for o in 0..n as u32 {
        let id = g.id(o);
        if fin.self_sizes[o as usize] > 0 && reportable(g, o) && sp.reached(o) && target.contains(id) && !base.contains(id) {
            leaked.set(o as usize);
        }
    }

    // covered[v]: v or one of its dominators leaked. Memoized walk up the dominator tree:
    // 0 unknown, 1 no, 2 yes; each node is resolved once.
    let mut covered = vec![0u8; n];
    let mut chain: Vec<u32> = Vec::new();
    let root = g.root;
    for o in 0..n as u32 {
        let mut v = o;
        while covered[v as usize] == 0 {
            chain.push(v);
            let d = fin.idom.get(v as usize).copied().unwrap_or(root);
            if v == root || d == v || d as usize >= n {
                break;
            }
            v = d;
        }
        // The top of the chain is resolved from its own dominator (or is the root).
        let mut state = if covered[v as usize] != 0 { covered[v as usize] } else { 1 };
        while let Some(u) = chain.pop() {
            if leaked.get(u as usize) {
                state = 2;
            }
            if covered[u as usize] == 0 {
                covered[u as usize] = state;
            }
            state = covered[u as usize];
        }
    }
    let is_root = |o: u32| {
        let d = fin.idom.get(o as usize).copied().unwrap_or(root);
        leaked.get(o as usize) && (o == root || d == o || covered.get(d as usize).is_none_or(|&c| c != 2))
    };

    let view = fin.derived();
    let keys = class_keys(&view);
    let d = Describer::new(g, &fin.class_of);
    let class_text = |v: u32| d.class_text(v);

    let mut class_slot: HashMap<u32, usize> = HashMap::new();
    let mut classes: Vec<(u32, u64, f64)> = Vec::new();
    let mut cluster_slot: HashMap<(u32, u64), usize> = HashMap::new();
    let mut clusters: Vec<(u32, LeakCluster)> = Vec::new();
    let (mut leaked_objects, mut leak_roots, mut retained_total) = (0u64, 0u64, 0.0f64);
    for o in 0..n as u32 {
        if !leaked.get(o as usize) {
            continue;
        }
        leaked_objects += 1;
        let key = keys.of[o as usize];
        let shallow = fin.self_sizes[o as usize] as f64;
        let ci = *class_slot.entry(key).or_insert_with(|| {
            classes.push((key, 0, 0.0));
            classes.len() - 1
        });
        classes[ci].1 += 1;
        classes[ci].2 += shallow;
        if !is_root(o) {
            continue;
        }
        leak_roots += 1;
        let retained = fin.retained.get(o as usize).copied().unwrap_or(0.0);
        retained_total += retained;
        let (steps, _) = sp.path(g, o);
        let sig = signature(g, &steps, &class_text);
        let id = g.id(o);
        match cluster_slot.get(&(key, sig)) {
            Some(&i) => {
                let c = &mut clusters[i].1;
                c.count += 1;
                c.retained_size += retained;
                c.shallow_size += shallow;
                if c.ids.len() < CLUSTER_IDS {
                    c.ids.push(id);
                }
            }
            None => {
                cluster_slot.insert((key, sig), clusters.len());
                let (k, name) = keys.describe(&view, key);
                clusters.push((
                    o,
                    LeakCluster {
                        class_name: name,
                        key: k,
                        count: 1,
                        retained_size: retained,
                        shallow_size: shallow,
                        ids: vec![id],
                        path: RetainerPath::default(),
                    },
                ));
            }
        }
    }
    clusters.sort_by(|a, b| b.1.retained_size.total_cmp(&a.1.retained_size).then(b.1.count.cmp(&a.1.count)));
    let limit = if limit == 0 { usize::MAX } else { limit };
    let omitted_clusters = clusters.len().saturating_sub(limit) as u64;
    clusters.truncate(limit);
    let clusters = clusters
        .into_iter()
        .map(|(o, mut c)| {
            let (steps, cut) = sp.path(g, o);
            c.path = d.describe(&steps, cut);
            c
        })
        .collect();
    let mut classes: Vec<LeakClass> = classes
        .into_iter()
        .map(|(key, count, shallow_size)| {
            let (k, name) = keys.describe(&view, key);
            LeakClass { name, key: k, count, shallow_size }
        })
        .collect();
    classes.sort_by(|a, b| b.count.cmp(&a.count).then(b.shallow_size.total_cmp(&a.shallow_size)).then_with(|| a.key.cmp(&b.key)));
    Leaks { clusters, omitted_clusters, classes, leaked_objects, leak_roots, retained_size: retained_total, node_counts }
}

/// Reads the three snapshots and finds the leaks. The baseline and target are reduced to id sets
/// on a helper thread (one at a time, so at most one of their graphs is in memory) while this
/// thread parses and analyzes the final snapshot; `progress` is only called on this thread.
pub fn find_in_files(base: &Path, target: &Path, fin: &Path, limit: usize, progress: &dyn Fn(&str, f64), cancel: &Cancel) -> Result<Leaks> {
    let ids_of = |path: &Path| -> Result<(IdSet, u64)> {
        let g = load_file(path, &|_, _| {}, cancel)?;
        Ok((IdSet::from_graph(&g), g.node_count() as u64))
    };
    let both = || -> Result<((IdSet, u64), (IdSet, u64))> { Ok((ids_of(base)?, ids_of(target)?)) };
    let (sets, analysis) = std::thread::scope(|s| {
        let t = std::thread::Builder::new().name("rsheapdump-leaks-ids".into()).spawn_scoped(s, both).ok();
        let report = |p: Phase, f: f64| progress(&format!("final {}", p.as_str()), f);
        let a = load_file(fin, &report, cancel).map(|g| analysis::analyze(g, &report));
        // The id sets may still be coming (they are read on the helper thread, which cannot
        // report): say what is being waited for.
        progress("baseline and target", 0.0);
        // No thread, or it died: read them here; the result is the same.
        let sets = match t {
            Some(h) => h.join().unwrap_or_else(|_| both()),
            None => both(),
        };
        (sets, a)
    });
    let ((base_ids, base_nodes), (target_ids, target_nodes)) = sets?;
    let a = analysis?;
    cancel.check()?;
    progress("leaks", 0.0);
    check_related(&base_ids, &a.graph, &format!("'{}' and '{}'", base.display(), fin.display()))?;
    check_related(&target_ids, &a.graph, &format!("'{}' and '{}'", target.display(), fin.display()))?;
    let out = find(&base_ids, &target_ids, &a, limit, [base_nodes, target_nodes, a.graph.node_count() as u64]);
    progress("leaks", 1.0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::analysis::analyze;
    use super::super::ids::IdSet;
    use super::super::tests::{Builder, Name};
    use super::*;
    use crate::error::ErrorKind;

    /// A heap over three moments. Ids: < 100 exist from the start; 100.. were made between
    /// baseline and target; 500.. after the target. `stage` 0, 1, 2 = baseline, target, final.
    ///
    /// global.cache (an Array made at the start) holds `Leak` objects made after the baseline,
    /// each with its own `Payload`; a listener closure made after the baseline holds a
    /// `Captured` object through its context; `Transient` objects exist only at the target;
    /// `Late` objects are made after the target; a `Weakly` object is only weakly held; a leaked
    /// string hangs off the global.
    fn heap(stage: u8, leaks: u64) -> Builder {
        let mut b = Builder::default();
        let root = b.node("synthetic", "", 1, 0);
        let gc = b.node("synthetic", "(GC roots)", 3, 0);
        let global = b.node("object", "global", 5, 40);
        let cache = b.node("object", "Array", 7, 32);
        let elements = b.node("array", "(object elements)", if stage == 0 { 9 } else { 101 }, 16 + 8 * leaks);
        b.edge(root, "element", Name::I(1), gc);
        b.edge(root, "shortcut", Name::S("global"), global);
        b.edge(gc, "element", Name::I(0), global);
        b.edge(global, "property", Name::S("cache"), cache);
        b.edge(cache, "internal", Name::S("elements"), elements);
        if stage > 0 {
            for i in 0..leaks {
                let l = b.node("object", "Leak", 103 + 2 * i, 24);
                let p = b.node("object", "Payload", 1103 + 2 * i, 64);
                b.edge(elements, "element", Name::I(i as u32), l);
                b.edge(l, "property", Name::S("payload"), p);
            }
            let emitter = b.node("object", "EventEmitter", 11, 48);
            let fun = b.node("closure", "onData", 2101, 32);
            let ctx = b.node("object", "system / Context", 2103, 40);
            let cap = b.node("object", "Captured", 2105, 100);
            b.edge(global, "property", Name::S("emitter"), emitter);
            b.edge(emitter, "property", Name::S("data"), fun);
            b.edge(fun, "context", Name::S("context"), ctx);
            b.edge(ctx, "context", Name::S("captured"), cap);
            let s = b.node("string", "leaked text", 2107, 30);
            b.edge(global, "property", Name::S("text"), s);
            let w = b.node("object", "Weakly", 2109, 20);
            b.edge(global, "weak", Name::S("ref"), w);
        } else {
            let emitter = b.node("object", "EventEmitter", 11, 48);
            b.edge(global, "property", Name::S("emitter"), emitter);
        }
        if stage == 1 {
            for i in 0..7 {
                let t = b.node("object", "Transient", 3001 + 2 * i, 16);
                b.edge(global, "property", Name::S("tmp"), t);
            }
        }
        if stage == 2 {
            for i in 0..4 {
                let t = b.node("object", "Late", 5001 + 2 * i, 16);
                b.edge(global, "property", Name::S("late"), t);
            }
        }
        b
    }

    fn leaks_of(n: u64) -> Leaks {
        let base = IdSet::from_graph(&heap(0, n).graph());
        let target = IdSet::from_graph(&heap(1, n).graph());
        let fin = analyze(heap(2, n).graph(), &|_, _| {});
        find(&base, &target, &fin, 0, [0, 0, 0])
    }

    #[test]
    fn finds_every_leaked_object_and_clusters_by_path() {
        let r = leaks_of(40);
        let top = &r.clusters[0];
        assert_eq!((top.class_name.as_str(), top.count), ("Leak", 40));
        assert_eq!(top.retained_size, 40.0 * (24.0 + 64.0), "each Leak retains its Payload");
        let edges: Vec<Option<&str>> = top.path.steps.iter().map(|s| s.edge.as_deref()).collect();
        assert_eq!(edges, [Some("global"), Some("cache"), Some("elements"), Some("[0]")]);
        let classes: Vec<&str> = top.path.steps.iter().map(|s| s.class_name.as_str()).collect();
        assert_eq!(classes, ["global", "Array", "(array)", "Leak"]);
        assert_eq!(top.ids.len(), 10);
        assert_eq!(top.path.steps.last().map(|s| s.id), Some(top.ids[0]));

        // The listener closure is the root of the second leak; what it captures folds into it.
        assert_eq!(r.clusters.len(), 2);
        assert_eq!((r.clusters[1].class_name.as_str(), r.clusters[1].count), ("Function", 1));
        assert_eq!(r.clusters[1].retained_size, 32.0 + 40.0 + 100.0);
        assert_eq!(r.leak_roots, 41);

        let count = |name: &str| r.classes.iter().find(|c| c.name == name).map_or(0, |c| c.count);
        assert_eq!(count("Leak"), 40);
        assert_eq!(count("Payload"), 40);
        assert_eq!(count("Captured"), 1);
        // Not leaks: garbage gone by the final snapshot, objects made after the target, objects
        // from before the baseline, weakly held objects, strings and V8's internal arrays.
        for name in ["Transient", "Late", "Array", "global", "Weakly", "(string)", "(array)", "EventEmitter"] {
            assert_eq!(count(name), 0, "{name}");
        }
        assert_eq!(count("system / Context"), 0, "V8 internals are not reported by themselves");
        assert_eq!(r.leaked_objects, 40 + 40 + 2);
    }

    #[test]
    fn nothing_leaks_when_nothing_was_added() {
        let r = leaks_of(0);
        assert!(r.clusters.iter().all(|c| c.class_name != "Leak"));
        let base = IdSet::from_graph(&heap(2, 3).graph());
        let fin = analyze(heap(2, 3).graph(), &|_, _| {});
        let same = find(&base, &base, &fin, 0, [0, 0, 0]);
        assert_eq!(same.leaked_objects, 0);
        assert!(same.clusters.is_empty());
    }

    #[test]
    fn snapshots_of_another_process_are_refused() {
        let base = IdSet::from_graph(&heap(0, 5).graph());
        let fin = heap(2, 5).graph();
        assert!(check_related(&base, &fin, "x").is_ok());
        // Same ids, different objects behind them.
        let mut other = Builder::default();
        for i in 0..20 {
            other.node("object", &format!("Other{i}"), 1 + 2 * i, 8);
        }
        let e = check_related(&IdSet::from_graph(&other.graph()), &fin, "'a' and 'b'").unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnrelatedSnapshots);
        assert!(e.message.contains("'a' and 'b' are not snapshots of the same process"), "{}", e.message);
        let mut disjoint = Builder::default();
        disjoint.node("synthetic", "", 1_000_001, 0);
        assert!(check_related(&IdSet::from_graph(&disjoint.graph()), &fin, "x").unwrap_err().message.contains("share no object ids"));
    }

    #[test]
    fn limit_keeps_the_largest_clusters() {
        let base = IdSet::from_graph(&heap(0, 5).graph());
        let target = IdSet::from_graph(&heap(1, 5).graph());
        let fin = analyze(heap(2, 5).graph(), &|_, _| {});
        let r = find(&base, &target, &fin, 1, [0, 0, 0]);
        assert_eq!(r.clusters.len(), 1);
        assert_eq!(r.omitted_clusters, 1);
        // 5 Leaks retain 5 × 88 = 440 bytes, more than the closure's 172.
        assert_eq!(r.clusters[0].class_name, "Leak");
    }
}
