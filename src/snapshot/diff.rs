//! DevTools' Comparison view (`calculateSnapshotDiff`): per class key, the objects of the base
//! snapshot missing from the target (deleted, freed size) and the objects of the target missing
//! from the base (new, allocated size), matched by node id. Only objects with a non-zero shallow
//! size take part, sizes are after the owned-array transfer, and classes without change are left
//! out, as in DevTools.
//!
//! DevTools names the base snapshot's plain objects with the target's interface definitions, so
//! `{a, b}` means the same in both; this does the same.

use std::collections::HashMap;
use std::path::Path;

use super::analysis::{self, Analysis};
use super::graph::Graph;
use super::ids::{check_related, IdSet};
use super::interfaces::{self, Interface};
use super::summary::class_keys;
use super::{classes, load_file, Phase};
use crate::cancel::Cancel;
use crate::error::Result;

/// One row of the Comparison view.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassDiff {
    /// Constructor (class) name.
    pub name: String,
    /// DevTools' class key (`,Name` or `script,line,column,Name`).
    pub key: String,
    /// Objects in the target that the base does not have (`# New`).
    pub new_count: u64,
    /// Objects of the base that the target does not have (`# Deleted`).
    pub deleted_count: u64,
    /// `new_count - deleted_count` (`# Delta`).
    pub count_delta: i64,
    /// Shallow size of the new objects (`Alloc. Size`).
    pub alloc_size: f64,
    /// Shallow size of the deleted objects (`Freed Size`).
    pub freed_size: f64,
    /// `alloc_size - freed_size` (`Size Delta`).
    pub size_delta: f64,
}

/// The Comparison of two snapshots of one process.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// Changed classes, largest size delta first.
    pub classes: Vec<ClassDiff>,
    /// Nodes in the base snapshot.
    pub base_node_count: u64,
    /// Nodes in the target snapshot.
    pub target_node_count: u64,
    /// Ids present in both snapshots.
    pub shared_ids: u64,
}

/// Per class key text: the display name and the (id, shallow size) of its objects, id-sorted.
struct Aggregate {
    name: String,
    objects: Vec<(u64, u64)>,
}

/// DevTools' `getAggregatesByClassKey(true, 'allObjects')`: objects with a non-zero shallow
/// size grouped by public class key, each group sorted by id. A later internal key with the same
/// text replaces an earlier one, as assigning into DevTools' result object does.
fn aggregates(a: &Analysis) -> HashMap<String, Aggregate> {
    let view = a.derived();
    let keys = class_keys(&view);
    let g = &a.graph;
    let mut by_key: HashMap<u32, usize> = HashMap::new();
    let mut list: Vec<(u32, Vec<(u64, u64)>)> = Vec::new();
    for o in 0..g.node_count() {
        let size = a.self_sizes[o];
        if size == 0 {
            continue;
        }
        let k = keys.of[o];
        let i = *by_key.entry(k).or_insert_with(|| {
            list.push((k, Vec::new()));
            list.len() - 1
        });
        list[i].1.push((g.id(o as u32), size as u64));
    }
    let mut out: HashMap<String, Aggregate> = HashMap::with_capacity(list.len());
    for (k, mut objects) in list {
        objects.sort_unstable_by_key(|x| x.0);
        let (text, name) = keys.describe(&view, k);
        out.insert(text, Aggregate { name, objects });
    }
    out
}

/// Re-expresses interface definitions of one graph in another graph's string indexes. A
/// definition naming a property no plain object of `g` has can match nothing there and is left
/// out (the order of the others, which breaks ties, is kept).
fn translate(defs: &[Interface], from: &Graph, to: &Graph) -> Vec<Interface> {
    let k = to.kinds;
    let mut index: HashMap<&str, u32> = HashMap::new();
    for o in 0..to.node_count() as u32 {
        if to.node_type[o as usize] != k.object || to.name(o) != "Object" {
            continue;
        }
        for e in to.edges(o) {
            if to.edge_type[e] == k.e_property {
                index.entry(to.strings.get(to.edge_name[e])).or_insert(to.edge_name[e]);
            }
        }
    }
    defs.iter()
        .filter_map(|d| {
            let properties: Option<Vec<u32>> = d.properties.iter().map(|&p| index.get(from.strings.get(p)).copied()).collect();
            properties.map(|properties| Interface { name: d.name.clone(), properties })
        })
        .collect()
}

/// DevTools' `calculateDiffForClass` over two id-sorted object lists.
fn diff_class(name: &str, key: &str, base: &[(u64, u64)], target: &[(u64, u64)]) -> Option<ClassDiff> {
    let mut d = ClassDiff {
        name: name.to_owned(),
        key: key.to_owned(),
        new_count: 0,
        deleted_count: 0,
        count_delta: 0,
        alloc_size: 0.0,
        freed_size: 0.0,
        size_delta: 0.0,
    };
    let (mut i, mut j) = (0, 0);
    while i < base.len() && j < target.len() {
        let (a, b) = (base[i], target[j]);
        if a.0 < b.0 {
            d.deleted_count += 1;
            d.freed_size += a.1 as f64;
            i += 1;
        } else if a.0 > b.0 {
            d.new_count += 1;
            d.alloc_size += b.1 as f64;
            j += 1;
        } else {
            i += 1;
            j += 1;
        }
    }
    for a in &base[i..] {
        d.deleted_count += 1;
        d.freed_size += a.1 as f64;
    }
    for b in &target[j..] {
        d.new_count += 1;
        d.alloc_size += b.1 as f64;
    }
    if d.new_count == 0 && d.deleted_count == 0 {
        return None;
    }
    d.count_delta = d.new_count as i64 - d.deleted_count as i64;
    d.size_delta = d.alloc_size - d.freed_size;
    Some(d)
}

/// Compares two analyzed snapshots; `base` is renamed with `target`'s interface definitions.
pub fn compare(mut base: Analysis, target: &Analysis, what: &str) -> Result<Diff> {
    let ids = IdSet::from_graph(&base.graph);
    let overlap = check_related(&ids, &target.graph, what)?;
    drop(ids);

    let defs = translate(&interfaces::infer(&target.graph), &target.graph, &base.graph);
    let mut class_of = classes::class_names(&mut base.graph);
    interfaces::apply(&mut base.graph, &defs, &mut class_of);
    base.class_of = class_of;

    let before = aggregates(&base);
    let after = aggregates(target);
    let mut rows = Vec::new();
    for (key, b) in &before {
        let t = after.get(key);
        let name = t.map_or(&b.name, |t| &t.name);
        rows.extend(diff_class(name, key, &b.objects, t.map_or(&[][..], |t| &t.objects)));
    }
    for (key, t) in &after {
        if !before.contains_key(key) {
            rows.extend(diff_class(&t.name, key, &[], &t.objects));
        }
    }
    rows.sort_by(|a, b| {
        b.size_delta.total_cmp(&a.size_delta).then(b.count_delta.cmp(&a.count_delta)).then_with(|| a.name.cmp(&b.name)).then_with(|| a.key.cmp(&b.key))
    });
    Ok(Diff { classes: rows, base_node_count: base.graph.node_count() as u64, target_node_count: target.graph.node_count() as u64, shared_ids: overlap.shared })
}

/// Parses and analyzes both files (in parallel) and compares them. `progress` gets a label
/// (`target parsing`, `target dominators`, ...) and a fraction; it is only called on this
/// thread (the base is read on a helper thread, silently), so it need not be `Sync`.
pub fn compare_files(base: &Path, target: &Path, progress: &dyn Fn(&str, f64), cancel: &Cancel) -> Result<Diff> {
    let load = |path: &Path, report: &dyn Fn(Phase, f64)| -> Result<Analysis> {
        let g = load_file(path, report, cancel)?;
        let a = analysis::analyze(g, report);
        cancel.check()?;
        Ok(a)
    };
    let silent = |_: Phase, _: f64| {};
    let (a, b) = std::thread::scope(|s| {
        let t = std::thread::Builder::new().name("rsheapdump-diff-base".into()).spawn_scoped(s, || load(base, &silent)).ok();
        let b = load(target, &|p: Phase, f: f64| progress(&format!("target {}", p.as_str()), f));
        // No thread, or it died: do the base here; the result is the same.
        let a = match t {
            Some(h) => h.join().unwrap_or_else(|_| load(base, &silent)),
            None => load(base, &silent),
        };
        (a, b)
    });
    let what = format!("'{}' and '{}'", base.display(), target.display());
    compare(a?, &b?, &what)
}

#[cfg(test)]
mod tests {
    use super::super::analysis::analyze;
    use super::super::tests::{Builder, Name};
    use super::*;
    use crate::error::ErrorKind;

    /// A global holding `foos` Foo objects (ids from `first_foo`) and `bars` Bar objects, plus two
    /// plain `{x, y}` objects so that interface names take part.
    fn heap(foos: &[u64], bars: &[u64]) -> Analysis {
        let mut b = Builder::default();
        let root = b.node("synthetic", "", 1, 0);
        let global = b.node("object", "global", 3, 40);
        b.edge(root, "shortcut", Name::S("global"), global);
        for &id in foos {
            let f = b.node("object", "Foo", id, 24);
            b.edge(global, "property", Name::S("foo"), f);
        }
        for &id in bars {
            let f = b.node("object", "Bar", id, 100);
            b.edge(global, "property", Name::S("bar"), f);
        }
        for id in [41, 43] {
            let o = b.node("object", "Object", id, 12);
            b.edge(global, "property", Name::S("plain"), o);
            let z = b.node("number", "heap number", id + 1000, 0);
            b.edge(o, "property", Name::S("x"), z);
            b.edge(o, "property", Name::S("y"), z);
        }
        analyze(b.graph(), &|_, _| {})
    }

    #[test]
    fn counts_new_and_deleted_objects_per_class_by_id() {
        let before = heap(&[101, 103, 105], &[201, 203]);
        // Foo: 103 freed, 107, 109, 111, 113 new (+3). Bar: 201 freed (-1). {x, y} unchanged.
        let after = heap(&[101, 105, 107, 109, 111, 113], &[203]);
        let d = compare(before, &after, "x").expect("related");
        let rows: Vec<(&str, u64, u64, i64, f64, f64, f64)> =
            d.classes.iter().map(|c| (c.name.as_str(), c.new_count, c.deleted_count, c.count_delta, c.alloc_size, c.freed_size, c.size_delta)).collect();
        assert_eq!(rows, [("Foo", 4, 1, 3, 96.0, 24.0, 72.0), ("Bar", 0, 1, -1, 0.0, 100.0, -100.0)]);
        assert_eq!(d.classes[0].key, ",Foo");
        assert_eq!(d.shared_ids, 9, "root, global, Foo 101 and 105, Bar 203, two objects, two numbers");
    }

    #[test]
    fn identical_snapshots_have_no_changes_and_other_processes_are_refused() {
        let d = compare(heap(&[101], &[201]), &heap(&[101], &[201]), "x").expect("related");
        assert!(d.classes.is_empty(), "{:?}", d.classes);
        let mut other = Builder::default();
        other.node("synthetic", "", 1, 0);
        for i in 0..10 {
            other.node("object", "Unrelated", 101 + 2 * i, 8);
        }
        let e = compare(analyze(other.graph(), &|_, _| {}), &heap(&[101], &[]), "'a' and 'b'").unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnrelatedSnapshots);
    }
}
