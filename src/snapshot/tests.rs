//! Tests of the analyzer on hand-built snapshots: dominators against known trees and a brute-force
//! reference, DevTools' summary rules on a small heap, parse errors, and mutated input.

use super::bits::Bits;
use super::graph::Graph;
use super::input::Input;
use super::summary::Summary;
use super::{analysis, dominators, essential, flags, parse, summarize_bytes, Phase};
use crate::error::ErrorKind;

const NODE_TYPES: &str = r#"["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"]"#;
const EDGE_TYPES: &str = r#"["context","element","property","internal","hidden","shortcut","weak"]"#;

/// An edge name: a string, or an element index.
#[derive(Clone, Copy)]
pub enum Name<'a> {
    S(&'a str),
    I(u32),
}

/// Builds snapshot JSON the way V8 lays it out, for tests.
#[derive(Default)]
pub struct Builder {
    nodes: Vec<(String, String, u64, u64)>,
    edges: Vec<(usize, String, NameOwned, usize)>,
    /// Write 6-field nodes (no `detachedness`), as older V8 did.
    pub six_fields: bool,
    /// Extra top-level JSON (`"key": value`) placed before `strings`.
    pub extra: String,
}

#[derive(Clone)]
enum NameOwned {
    S(String),
    I(u32),
}

impl Builder {
    /// Adds a node; returns its ordinal.
    pub fn node(&mut self, ty: &str, name: &str, id: u64, size: u64) -> usize {
        self.nodes.push((ty.into(), name.into(), id, size));
        self.nodes.len() - 1
    }

    /// Adds an edge (edges are grouped by source when written, keeping insertion order).
    pub fn edge(&mut self, from: usize, ty: &str, name: Name<'_>, to: usize) {
        let n = match name {
            Name::S(s) => NameOwned::S(s.into()),
            Name::I(i) => NameOwned::I(i),
        };
        self.edges.push((from, ty.into(), n, to));
    }

    /// The snapshot as JSON text.
    pub fn json(&self) -> String {
        let types: Vec<String> = serde_json::from_str(NODE_TYPES).unwrap();
        let etypes: Vec<String> = serde_json::from_str(EDGE_TYPES).unwrap();
        let mut strings: Vec<String> = Vec::new();
        let mut intern = |s: &str| -> usize {
            match strings.iter().position(|x| x == s) {
                Some(i) => i,
                None => {
                    strings.push(s.to_owned());
                    strings.len() - 1
                }
            }
        };
        let nfc = if self.six_fields { 6 } else { 7 };
        let mut nodes = Vec::new();
        for (i, (ty, name, id, size)) in self.nodes.iter().enumerate() {
            let t = types.iter().position(|x| x == ty).expect("node type");
            let ec = self.edges.iter().filter(|e| e.0 == i).count();
            let mut rec = vec![t, intern(name), *id as usize, *size as usize, ec, 0];
            if !self.six_fields {
                rec.push(0);
            }
            nodes.extend(rec);
        }
        let mut edges = Vec::new();
        for i in 0..self.nodes.len() {
            for (_, ty, name, to) in self.edges.iter().filter(|e| e.0 == i) {
                let t = etypes.iter().position(|x| x == ty).expect("edge type");
                let n = match name {
                    NameOwned::S(s) => intern(s),
                    NameOwned::I(i) => *i as usize,
                };
                edges.extend([t, n, to * nfc]);
            }
        }
        let fields = if self.six_fields {
            r#"["type","name","id","self_size","edge_count","trace_node_id"]"#
        } else {
            r#"["type","name","id","self_size","edge_count","trace_node_id","detachedness"]"#
        };
        let join = |v: &[usize]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",");
        format!(
            r#"{{"snapshot":{{"meta":{{"node_fields":{fields},"node_types":[{NODE_TYPES},"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[{EDGE_TYPES},"string_or_number","node"],"trace_function_info_fields":[],"location_fields":["object_index","script_id","line","column"]}},"node_count":{},"edge_count":{},"trace_function_count":0}},
"nodes":[{}],
"edges":[{}],
"trace_function_infos":[],"trace_tree":[],"samples":[],"locations":[],{}
"strings":{}}}"#,
            self.nodes.len(),
            self.edges.len(),
            join(&nodes),
            join(&edges),
            if self.extra.is_empty() { String::new() } else { format!("{},", self.extra) },
            serde_json::to_string(&strings).unwrap()
        )
    }

    /// Parses the JSON back into a graph.
    pub fn graph(&self) -> Graph {
        parse::parse(&mut Input::from_bytes(self.json().into_bytes())).expect("valid snapshot")
    }
}

/// A graph with the given edges (all `internal`, named "e") over `n` hidden nodes, root 0.
fn plain_graph(n: usize, edges: &[(usize, usize)]) -> Graph {
    let mut b = Builder::default();
    for i in 0..n {
        b.node("hidden", "n", i as u64 * 2 + 1, 1);
    }
    for &(f, t) in edges {
        b.edge(f, "internal", Name::S("e"), t);
    }
    b.graph()
}

fn all_essential(g: &Graph) -> Bits {
    let mut b = Bits::new(g.edge_count());
    for e in 0..g.edge_count() {
        b.set(e);
    }
    b
}

#[test]
fn dominators_of_the_lengauer_tarjan_example() {
    // The flow graph of Lengauer & Tarjan's paper, R=0, A..L = 1..12.
    let (r, a, b, c, d, e, f, gg, h, i, j, k, l) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    let edges = [
        (r, a),
        (r, b),
        (r, c),
        (a, d),
        (b, a),
        (b, d),
        (b, e),
        (c, f),
        (c, gg),
        (d, l),
        (e, h),
        (f, i),
        (gg, i),
        (gg, j),
        (h, e),
        (h, k),
        (i, k),
        (j, i),
        (k, i),
        (k, r),
        (l, h),
    ];
    let g = plain_graph(13, &edges);
    let sizes = vec![1u32; 13];
    let doms = dominators::compute(&g, &all_essential(&g), &sizes);
    let want = [r, r, r, r, r, r, c, c, r, r, gg, r, d];
    assert_eq!(doms.idom, want.iter().map(|&x| x as u32).collect::<Vec<_>>());
    assert_eq!(doms.retained[r], 13.0);
    assert_eq!(doms.retained[c], 4.0); // C, F, G and J (under G)
    assert_eq!(doms.retained[gg], 2.0);
}

/// Brute-force dominators: iterate dom(n) = {n} ∪ ⋂ dom(preds) to a fixpoint.
fn reference_idoms(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let full: u64 = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let mut dom = vec![full; n];
    dom[0] = 1;
    let mut changed = true;
    while changed {
        changed = false;
        for v in 1..n {
            let mut acc = full;
            for &(f, t) in edges {
                if t == v {
                    acc &= dom[f];
                }
            }
            let nd = acc | (1 << v);
            if nd != dom[v] {
                dom[v] = nd;
                changed = true;
            }
        }
    }
    (0..n)
        .map(|v| {
            if v == 0 {
                return 0;
            }
            // The immediate dominator is the strict dominator dominated by all the others.
            let strict = dom[v] & !(1 << v);
            (0..n).find(|&d| strict >> d & 1 == 1 && dom[d] == strict).expect("idom")
        })
        .collect()
}

/// A deterministic random source for generated test graphs: `rnd(m)` is in `0..m`.
fn xorshift(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |m| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    }
}

#[test]
fn dominators_match_brute_force_on_random_graphs() {
    let mut rnd = xorshift(0x2545F4914F6CDD1Du64);
    for _ in 0..300 {
        let n = 2 + rnd(30);
        let mut edges = Vec::new();
        // A random spanning tree keeps every node reachable from the root...
        for v in 1..n {
            edges.push((rnd(v), v));
        }
        // ...and random extra edges (including back edges and cycles) make it interesting.
        for _ in 0..rnd(3 * n) {
            let (f, t) = (rnd(n), rnd(n));
            if f != t {
                edges.push((f, t));
            }
        }
        let g = plain_graph(n, &edges);
        let doms = dominators::compute(&g, &all_essential(&g), &vec![1; n]);
        let want: Vec<u32> = reference_idoms(n, &edges).into_iter().map(|x| x as u32).collect();
        assert_eq!(doms.idom, want, "edges {edges:?}");
        // Retained size = size of the dominator subtree.
        for v in 0..n {
            let mut count = 0;
            for w in 0..n {
                let mut x = w;
                loop {
                    if x == v {
                        count += 1;
                        break;
                    }
                    if x == 0 {
                        break;
                    }
                    x = want[x] as usize;
                }
            }
            assert_eq!(doms.retained[v], count as f64);
        }
    }
}

#[test]
fn semi_nca_agrees_with_lengauer_tarjan_wherever_it_is_used() {
    let mut rnd = xorshift(0x9E3779B97F4A7C15u64);
    let (mut used, mut loose_seen) = (0, 0);
    for round in 0..400 {
        let n = 2 + rnd(40);
        let mut b = Builder::default();
        for i in 0..n {
            b.node("hidden", "n", i as u64 * 2 + 1, 1);
        }
        // Sparse random edges, some weak: parts unreachable from the root, parts held only
        // weakly (DevTools restarts its DFS there), and cycles held by nothing (loose).
        for _ in 0..rnd(2 * n + 1) + if round % 2 == 0 { n } else { 0 } {
            let (f, t) = (rnd(n), rnd(n));
            if f != t {
                let kind = if rnd(6) == 0 { "weak" } else { "internal" };
                b.edge(f, kind, Name::S("e"), t);
            }
        }
        let g = b.graph();
        let essential = essential::essential_edges(&g, &flags::page_owned(&g), &essential::EphemeronNames::new(&g));
        let (snca, loose, lt) = dominators::both_algorithms(&g, &essential);
        loose_seen += loose as usize;
        if let (false, Some(snca)) = (loose, snca) {
            used += 1;
            assert_eq!(snca, lt, "round {round}");
        }
    }
    // Both branches were exercised.
    assert!(used > 100 && loose_seen > 20, "used {used}, loose {loose_seen}");
}

#[test]
fn semi_nca_gives_up_on_a_quadratic_walk_and_lengauer_tarjan_answers() {
    // A chain 1 -> 2 -> ... -> k, and m leaves hanging off both ends: each leaf's DFS parent is
    // the chain's end and its semidominator the chain's start, so finding each leaf's
    // immediate dominator walks the whole chain (m * k steps, past the linear budget).
    let (k, m) = (31, 32);
    let n = 1 + k + m;
    let mut edges = vec![(0, 1)];
    for c in 1..k {
        edges.push((c, c + 1));
    }
    for leaf in k + 1..n {
        edges.push((k, leaf));
        edges.push((1, leaf));
    }
    let g = plain_graph(n, &edges);
    let essential = all_essential(&g);
    let (snca, loose, _) = dominators::both_algorithms(&g, &essential);
    assert!(!loose);
    assert!(snca.is_none(), "the walk should have run past its budget");
    let doms = dominators::compute(&g, &essential, &vec![1; n]);
    let want: Vec<u32> = reference_idoms(n, &edges).into_iter().map(|x| x as u32).collect();
    assert_eq!(doms.idom, want);
}

#[test]
fn class_retained_by_dfs_number_equals_the_walk_by_node() {
    // summarize_file sums class retained sizes over the tree in DFS numbering, summarize_bytes
    // over node ordinals: nested objects of one class, zero sizes, weak and unreachable parts.
    let dir = std::env::temp_dir().join(format!("rsheapdump-classret-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rnd = xorshift(0xD1B54A32D192ED03u64);
    for round in 0..60 {
        let n = 2 + rnd(60);
        let mut b = Builder::default();
        b.node("synthetic", "", 1, 0);
        for i in 1..n {
            b.node("object", ["A", "B", "C"][rnd(3)], i as u64 * 2 + 1, [0, 8, 16, 40][rnd(4)]);
        }
        for v in 1..n {
            if rnd(8) != 0 {
                b.edge(rnd(v), "property", Name::S("p"), v);
            }
        }
        for _ in 0..rnd(2 * n) {
            let (f, t) = (rnd(n), rnd(n));
            if f != t && t != 0 {
                b.edge(f, if rnd(5) == 0 { "weak" } else { "property" }, Name::S("q"), t);
            }
        }
        let text = b.json();
        let path = dir.join(format!("r{round}.heapsnapshot"));
        std::fs::write(&path, &text).unwrap();
        let by_dfs = super::summarize_file(&path, &|_, _| {}, &crate::cancel::Cancel::new()).expect("parses");
        let by_node = summarize_bytes(text.into_bytes()).expect("parses");
        assert_eq!((&by_dfs.classes, &by_dfs.statistics), (&by_node.classes, &by_node.statistics), "round {round}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreachable_nodes_hang_off_the_root() {
    // 3 is held only weakly (by 2); 4 and 5 hold each other but nothing reaches them.
    let mut b = Builder::default();
    for i in 0..6 {
        b.node("hidden", "n", i * 2 + 1, 10);
    }
    b.edge(0, "internal", Name::S("e"), 1);
    b.edge(1, "internal", Name::S("e"), 2);
    b.edge(2, "weak", Name::S("w"), 3);
    b.edge(4, "internal", Name::S("e"), 5);
    b.edge(5, "internal", Name::S("e"), 4);
    let g = b.graph();
    let a = analysis::analyze(g, &|_, _| {});
    assert_eq!(a.idom, vec![0, 0, 1, 0, 0, 0]);
    assert_eq!(a.retained[0], 60.0);
    assert_eq!(a.retained[1], 20.0);
}

/// A small heap exercising DevTools' summary rules; see the comments for the expected numbers.
fn small_heap() -> Builder {
    let mut b = Builder::default();
    let root = b.node("synthetic", "", 1, 0);
    let gc = b.node("synthetic", "(GC roots)", 3, 0);
    let global = b.node("object", "Global", 5, 10);
    let foo1 = b.node("object", "Foo", 7, 20);
    let foo2 = b.node("object", "Foo", 9, 30);
    let arr = b.node("array", "", 11, 16); // owned only by foo1: its size moves there
    let p1 = b.node("object", "Object", 13, 8);
    let p2 = b.node("object", "Object", 15, 8);
    let p3 = b.node("object", "Object", 27, 8);
    let s = b.node("string", "hello", 17, 24);
    let f = b.node("closure", "bar", 19, 32);
    let code = b.node("code", "", 21, 40);
    let shared = b.node("array", "", 23, 4); // owned by foo1 and foo2: stays
    let internal = b.node("hidden", "system / Foo", 25, 6); // only reachable from (GC roots)
    b.edge(root, "element", Name::I(1), gc);
    b.edge(root, "shortcut", Name::S("global"), global);
    b.edge(gc, "element", Name::I(1), internal);
    b.edge(global, "property", Name::S("foo"), foo1);
    b.edge(global, "property", Name::S("a"), p1);
    b.edge(global, "property", Name::S("b"), p2);
    b.edge(global, "property", Name::S("c"), p3);
    b.edge(global, "property", Name::S("bar"), f);
    b.edge(foo1, "property", Name::S("child"), foo2);
    b.edge(foo1, "internal", Name::S("elements"), arr);
    b.edge(foo1, "internal", Name::S("shared"), shared);
    b.edge(foo2, "internal", Name::S("shared"), shared);
    b.edge(foo2, "weak", Name::S("back"), foo1);
    b.edge(p1, "property", Name::S("x"), s);
    b.edge(p1, "property", Name::S("y"), s);
    b.edge(p2, "property", Name::S("x"), s);
    b.edge(p2, "property", Name::S("y"), s);
    // Same properties in another order: not a candidate itself, but it matches {x, y}.
    b.edge(p3, "property", Name::S("y"), s);
    b.edge(p3, "property", Name::S("x"), s);
    b.edge(f, "internal", Name::S("code"), code);
    b
}

fn class<'a>(s: &'a Summary, name: &str) -> &'a super::summary::ClassSummary {
    s.classes.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no class {name} in {:?}", s.classes))
}

#[test]
fn summary_follows_devtools_rules() {
    let s = summarize_bytes(small_heap().json().into_bytes()).unwrap();
    let foo = class(&s, "Foo");
    assert_eq!((foo.count, foo.shallow_size), (2, 20.0 + 16.0 + 30.0));
    // foo2 is dominated by foo1: the class retains foo1's subtree once (incl. the shared array).
    assert_eq!(foo.retained_size, 20.0 + 16.0 + 30.0 + 4.0);
    assert_eq!(foo.distance, 2);
    assert_eq!(foo.key, ",Foo");
    // Plain objects with the same properties (in any order) take an interface name.
    let xy = class(&s, "{x, y}");
    assert_eq!((xy.count, xy.shallow_size, xy.retained_size), (3, 24.0, 24.0));
    assert!(s.classes.iter().all(|c| c.name != "Object"));
    assert_eq!(class(&s, "Function").shallow_size, 32.0);
    assert_eq!(class(&s, "Function").retained_size, 72.0);
    assert_eq!(class(&s, "(string)").count, 1);
    assert_eq!(class(&s, "(compiled code)").distance, 3);
    let arr = class(&s, "(array)");
    assert_eq!((arr.count, arr.shallow_size), (1, 4.0));
    let sys = class(&s, "(system)");
    assert_eq!(sys.distance, 100_000_002); // root (10^8) → (GC roots) → it
                                           // Nodes of size 0 (the synthetic roots) are not listed.
    assert!(s.classes.iter().all(|c| c.name != "(synthetic)"));
    let total: f64 = [10, 20, 30, 16, 8, 8, 8, 24, 32, 40, 4, 6].iter().sum::<u64>() as f64;
    assert_eq!(s.statistics.total, total);
    assert_eq!(s.statistics.v8heap, total);
    assert_eq!(s.statistics.code, 40.0);
    assert_eq!(s.statistics.strings, 24.0);
    assert_eq!(s.statistics.system, 6.0);
    assert_eq!(class(&s, "Global").retained_size, total - 6.0);
}

#[test]
fn class_retained_counts_each_class_again_in_sibling_subtrees() {
    // Three A objects in sibling subtrees, each holding something: every one counts (a class
    // seen in one subtree must not hide it in the next), but not the A inside an A.
    let mut b = Builder::default();
    let root = b.node("synthetic", "", 1, 0);
    let mut id = 3;
    let mut obj = |b: &mut Builder, name: &str, size: u64| {
        id += 2;
        b.node("object", name, id, size)
    };
    let x = obj(&mut b, "A", 10);
    let y = obj(&mut b, "A", 100);
    let z = obj(&mut b, "B", 1);
    let w = obj(&mut b, "A", 20);
    let w2 = obj(&mut b, "C", 200);
    let u = obj(&mut b, "A", 30);
    let u2 = obj(&mut b, "C", 300);
    for (from, to) in [(root, x), (x, y), (root, z), (z, w), (w, w2), (root, u), (u, u2)] {
        b.edge(from, "property", Name::S("p"), to);
    }
    let text = b.json();
    let by_node = summarize_bytes(text.clone().into_bytes()).unwrap();
    let path = std::env::temp_dir().join(format!("rsheapdump-siblings-{}.heapsnapshot", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let by_dfs = super::summarize_file(&path, &|_, _| {}, &crate::cancel::Cancel::new()).unwrap();
    std::fs::remove_file(&path).ok();
    for s in [by_node, by_dfs] {
        let a = class(&s, "A");
        assert_eq!((a.count, a.retained_size), (4, (10.0 + 100.0) + (20.0 + 200.0) + (30.0 + 300.0)));
        assert_eq!(class(&s, "C").retained_size, 500.0);
    }
}

#[test]
fn six_field_nodes_and_gzip_give_the_same_summary() {
    let plain = summarize_bytes(small_heap().json().into_bytes()).unwrap();
    let mut b = small_heap();
    b.six_fields = true;
    let six = summarize_bytes(b.json().into_bytes()).unwrap();
    assert_eq!(plain.classes, six.classes);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, small_heap().json().as_bytes()).unwrap();
    let zipped = summarize_bytes(gz.finish().unwrap()).unwrap();
    assert_eq!(plain.classes, zipped.classes);
    assert_eq!(plain.statistics, zipped.statistics);
}

#[test]
fn unknown_keys_are_skipped() {
    let mut b = small_heap();
    b.extra = r#""future":{"a":[1,2,{"b":"]"}]},"scopes":[[1],[2]]"#.into();
    let s = summarize_bytes(b.json().into_bytes()).unwrap();
    assert_eq!(class(&s, "Foo").count, 2);
}

#[test]
fn weakmap_table_edge_is_not_essential() {
    // The value is held by the key (via the ephemeron edge) and by the table; DevTools drops the
    // table's edge, so the key dominates the value.
    let mut b = Builder::default();
    let root = b.node("synthetic", "", 1, 0);
    let global = b.node("object", "Global", 3, 10);
    let table = b.node("array", "(object elements)", 5, 10);
    let key = b.node("object", "Key", 7, 10);
    let value = b.node("object", "Value", 9, 10);
    let name = "3 / part of key (Key @7) -> value (Value @9) pair in WeakMap (table @5)";
    b.edge(root, "shortcut", Name::S("g"), global);
    b.edge(global, "property", Name::S("t"), table);
    b.edge(global, "property", Name::S("k"), key);
    b.edge(table, "internal", Name::S(name), value);
    b.edge(key, "internal", Name::S(name), value);
    let a = analysis::analyze(b.graph(), &|_, _| {});
    assert_eq!(a.idom[value], key as u32);
    // Distance takes the second of the two edges: the key's.
    assert_eq!(a.distances[value], 3);
}

fn parse_err(bytes: &[u8]) -> crate::error::Error {
    summarize_bytes(bytes.to_vec()).expect_err("should fail")
}

#[test]
fn bad_input_is_a_parse_error_with_offset_and_hint() {
    let good = small_heap().json();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![], "empty"),
        (b"   \n".to_vec(), "empty"),
        (good.as_bytes()[..good.len() / 2].to_vec(), "truncated"),
        (good.as_bytes()[..good.len() - 1].to_vec(), "truncated"),
        (br#"{"nodes":[{"id":1,"callFrame":{}}],"startTime":0}"#.to_vec(), "profile"),
        (br#"{"head":{"callFrame":{}},"samples":[]}"#.to_vec(), "no 'snapshot'"),
        ((0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect(), "heap snapshot"),
        (br#"{"snapshot":{"meta":{}},"nodes":[]}"#.to_vec(), "node_fields"),
        (good.replacen(r#""nodes":["#, r#""nodes":["x","#, 1).into_bytes(), "expected a number"),
        (good.replacen(r#""strings":["#, r#""strings":[1,"#, 1).into_bytes(), "expected a string"),
        ([good.as_bytes(), b"garbage"].concat(), "after the end"),
        (b"[1,2,3]".to_vec(), "expected '{'"),
    ];
    for (bytes, needle) in cases {
        let e = parse_err(&bytes);
        assert_eq!(e.kind, ErrorKind::Parse, "{needle}: {}", e.message);
        let off = e.offset.expect("offset");
        assert!(off <= bytes.len() as u64, "{needle}: offset {off} past {}", bytes.len());
        assert!(e.message.contains(needle) || e.message.to_lowercase().contains(needle), "{needle}: {}", e.message);
        assert!(e.message.contains(". "), "has a hint: {}", e.message);
    }
}

#[test]
fn edges_pointing_outside_are_rejected() {
    let mut b = Builder::default();
    b.node("synthetic", "", 1, 0);
    b.node("object", "A", 3, 4);
    b.edge(0, "property", Name::S("a"), 1);
    let good = b.json();
    // to_node 8 is neither a multiple of 7 fields nor a node; 70 is past the end.
    for bad in ["8", "70", "3"] {
        let text = good.replacen(r#""edges":[2,2,7]"#, &format!(r#""edges":[2,2,{bad}]"#), 1);
        assert_ne!(text, good);
        let e = parse_err(text.as_bytes());
        assert!(e.message.contains("outside the node array"), "{}", e.message);
    }
    let text = good.replacen(r#""edges":[2,2,7]"#, r#""edges":[2,99,7]"#, 1);
    assert!(parse_err(text.as_bytes()).message.contains("names string 99"));
}

#[test]
fn thousands_of_mutated_snapshots_never_panic() {
    let base = small_heap().json().into_bytes();
    let mut seed = 0x9E3779B97F4A7C15u64;
    let mut rnd = move |m: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) % m.max(1) as u64) as usize
    };
    let alphabet = b"0123456789[]{},:\"-. \\eu";
    let mut ok = 0;
    for _ in 0..4000 {
        let mut m = base.clone();
        for _ in 0..1 + rnd(4) {
            let at = rnd(m.len());
            match rnd(5) {
                0 => m[at] = alphabet[rnd(alphabet.len())],
                1 => m.truncate(at),
                2 => m.insert(at, alphabet[rnd(alphabet.len())]),
                3 => {
                    let end = (at + rnd(16)).min(m.len());
                    m.drain(at..end);
                }
                _ => {
                    let end = (at + rnd(32)).min(m.len());
                    let span = m[at..end].to_vec();
                    let to = rnd(m.len());
                    m.splice(to..to, span);
                }
            }
            if m.is_empty() {
                break;
            }
        }
        match summarize_bytes(m.clone()) {
            Ok(s) => {
                ok += 1;
                assert!(s.statistics.total >= 0.0);
            }
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::Parse, "{}", e.message);
                assert!(e.offset.unwrap_or(0) <= m.len() as u64);
            }
        }
    }
    // Some mutations (inside strings or numbers) leave a valid snapshot: both paths ran.
    assert!(ok > 0 && ok < 4000, "ok = {ok}");
}

#[test]
fn bogus_counts_do_not_reserve_memory() {
    // A tiny file declaring billions of nodes and edges: refused quickly, nothing huge reserved.
    let mut b = Builder::default();
    b.node("synthetic", "", 1, 0);
    let text = b.json().replacen(r#""node_count":1"#, r#""node_count":4000000000"#, 1).replacen(
        r#""nodes":[9,0,1,0,0,0,0]"#,
        r#""nodes":[9,0,1,0,4000000000,0,0]"#,
        1,
    );
    assert!(text.contains("4000000000,0,0]"));
    let e = parse_err(text.as_bytes());
    assert!(e.message.contains("add up to 4000000000"), "{}", e.message);
}

#[test]
fn truncated_gzip_error_points_past_the_good_bytes() {
    let text = small_heap().json();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let e = parse_err(&bytes[..bytes.len() * 2 / 3]);
    assert_eq!(e.kind, ErrorKind::Parse);
    assert!(e.offset.unwrap() > 0, "{}", e.message);
}

/// A snapshot big enough for the edges to be read ahead on a second thread, with `declared`
/// as the header's node count (the real one is `n`).
fn big_snapshot_text(n: usize, declared: usize) -> String {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for i in 0..n {
        let (ty, name, ec) = if i == 0 { (9, 0, 2) } else { (3, 1 + i % 3, 2) };
        nodes.push(format!("{ty},{name},{},{},{ec},0,0", i * 2 + 1, if i == 0 { 0 } else { 16 + i % 50 }));
        if i == 0 {
            edges.push(format!("5,4,{}", 7));
            edges.push(format!("1,0,{}", 14));
        } else {
            edges.push(format!("2,4,{}", ((i + 1) % n) * 7));
            edges.push(format!("1,{},{}", i, ((i * 7919) % n) * 7));
        }
    }
    format!(
        r#"{{"snapshot":{{"meta":{{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[{NODE_TYPES},"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[{EDGE_TYPES},"string_or_number","node"],"location_fields":["object_index","script_id","line","column"]}},"node_count":{declared},"edge_count":{},"trace_function_count":0}},
"nodes":[{}],
"edges":[{}],
"locations":[],
"strings":["","Foo","Bar","Object","p"]}}"#,
        edges.len(),
        nodes.join("\n,"),
        edges.join("\n,"),
    )
}

#[test]
fn edges_read_ahead_match_a_sequential_parse() {
    let dir = std::env::temp_dir().join(format!("rsheapdump-ahead-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = 12_000;
    for (k, declared) in [n, n * 3, n / 2, 0, 1 << 40].into_iter().enumerate() {
        let text = big_snapshot_text(n, declared);
        let path = dir.join(format!("s{k}.heapsnapshot"));
        std::fs::write(&path, &text).unwrap();
        let from_file = super::summarize_file(&path, &|_, _| {}, &crate::cancel::Cancel::new()).expect("file parses");
        let from_bytes = summarize_bytes(text.clone().into_bytes()).expect("bytes parse");
        assert_eq!(from_file.classes, from_bytes.classes, "declared {declared}");
        assert_eq!(from_file.statistics, from_bytes.statistics);
        assert_eq!(from_file.edge_count, 2 * n as u64);
        // Cut inside the edges, break an edge target, or a node (the second thread is then
        // stopped): the file gives the bytes' error.
        let bad_node = text.replacen("\n,3,", "\n,3x,", 1);
        for bad in [text[..text.len() * 3 / 4].to_string(), text.replacen("\n,2,4,", "\n,2,4,9", 1), text.replacen("\n,2,4,7", "\n,2,4,8", 1), bad_node] {
            std::fs::write(&path, &bad).unwrap();
            let a = super::summarize_file(&path, &|_, _| {}, &crate::cancel::Cancel::new()).unwrap_err();
            let b = summarize_bytes(bad.into_bytes()).unwrap_err();
            assert_eq!((a.kind, a.offset, &a.message.replace(&path.display().to_string(), "")), (b.kind, b.offset, &b.message), "declared {declared}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn members_after_the_edges_read_ahead_match_a_sequential_parse() {
    // The members after the edges are read while the edges are still being parsed, from where
    // they are guessed to start; every layout must give what a sequential parse gives.
    let dir = std::env::temp_dir().join(format!("rsheapdump-tail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = big_snapshot_text(12_000, 12_000);
    let strings = r#""strings":["","Foo","Bar","Object","p"]"#;
    let located = text.replacen(r#""locations":[]"#, r#""locations":[7,1,2,3,14,1,2,3,21,5,6,7,7,1,2,4]"#, 1);
    let strings_first = text.replacen(&format!(",\n{strings}"), "", 1).replacen(
        r#"
"nodes""#,
        &format!("\n{strings},\n\"nodes\""),
        1,
    );
    let layouts = [
        ("locations", located.clone()),
        ("strings first", strings_first.clone()),
        (
            "strings twice",
            text.replacen(
                r#"
"nodes""#,
                &format!("\n{strings},\n\"nodes\""),
                1,
            ),
        ),
        ("extra members", text.replacen(r#""locations""#, r#""samples":[1,2],"x":{"y":"}"},"locations""#, 1)),
        ("trailing bytes", format!("{text} x")),
        ("cut in the strings", text[..text.len() - 8].to_string()),
        ("bad string", text.replacen(r#""Bar""#, r#""B\qr""#, 1)),
        ("no comma", text.replacen(",\n\"locations\"", "\n\"locations\"", 1)),
    ];
    assert!(strings_first.find(strings) < strings_first.find("\"nodes\""));
    for (what, text) in layouts {
        let path = dir.join("t.heapsnapshot");
        std::fs::write(&path, &text).unwrap();
        let from_file = super::summarize_file(&path, &|_, _| {}, &crate::cancel::Cancel::new());
        let from_bytes = summarize_bytes(text.into_bytes());
        match (from_file, from_bytes) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.classes, b.classes, "{what}");
                assert_eq!(a.statistics, b.statistics, "{what}");
                if what == "locations" {
                    assert!(a.classes.iter().any(|c| c.key == "5,6,7,Foo"), "{what}: {:?}", a.classes);
                }
            }
            (Err(a), Err(b)) => {
                assert_eq!((a.kind, a.offset, &a.message.replace(&path.display().to_string(), "")), (b.kind, b.offset, &b.message), "{what}");
            }
            (a, b) => panic!("{what}: file {:?}, bytes {:?}", a.map(|s| s.classes.len()), b.map(|s| s.classes.len())),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cancel_stops_the_parse_at_the_next_chunk_with_abort_err() {
    let dir = std::env::temp_dir().join(format!("rsheapdump-cancel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Several chunks of input, so there is a next chunk to stop at.
    let path = dir.join("big.heapsnapshot");
    std::fs::write(&path, big_snapshot_text(200_000, 200_000)).unwrap();
    let cancel = crate::cancel::Cancel::new();
    let last = std::cell::Cell::new(0.0f64);
    let reports = std::cell::Cell::new(0);
    // Cancelled at the first progress report, as an AbortSignal would fire from another thread.
    let progress = |_: Phase, f: f64| {
        reports.set(reports.get() + 1);
        last.set(f);
        cancel.cancel();
    };
    let e = super::summarize_file(&path, &progress, &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{}", e.message);
    assert_eq!(reports.get(), 1, "no chunk is read after the cancel");
    assert!(last.get() < 1.0, "stopped before the end of the file ({})", last.get());
    // Set before the start: nothing is parsed at all.
    let e = super::load_file(&path, &|_, _| panic!("no progress once cancelled"), &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    std::fs::remove_dir_all(&dir).unwrap();
}
