//! End-to-end tests of the pipeline on small hand-written profiles.

use std::io::Write;

use super::fold::{self, Weight};
use super::model::Category;
use super::model::Profile;
use super::model::Timing;
use super::parse::{parse, Options};
use super::{flame, tree, Kind};
use crate::error::ErrorKind;

fn node(id: i64, name: &str, line: i64, children: &[i64]) -> String {
    let url = if name.starts_with('(') { "" } else { "file:///app.js" };
    format!(
        r#"{{"id":{id},"callFrame":{{"functionName":"{name}","scriptId":"1","url":"{url}","lineNumber":{line},"columnNumber":4}},"hitCount":0,"children":{children:?}}}"#
    )
}

/// root → main → {hot, cold → hot(second site)}, plus (program), (garbage collector), (idle).
/// 10 samples over 1000 µs.
fn small_cpu() -> String {
    let nodes = [
        node(1, "(root)", -1, &[2, 6, 7, 8]),
        node(2, "main", 0, &[3, 4]),
        node(3, "hot", 10, &[]),
        node(4, "cold", 20, &[5]),
        node(5, "hot", 10, &[]),
        node(6, "(program)", -1, &[]),
        node(7, "(garbage collector)", -1, &[]),
        node(8, "(idle)", -1, &[]),
    ];
    // hot×5 under main, hot×1 under cold, cold×1, main×1, program×1, gc×1
    let samples = [3, 3, 3, 3, 3, 5, 4, 2, 6, 7];
    let deltas = [100, 100, 100, 100, 100, 100, 100, 100, 100, 50];
    format!(r#"{{"nodes":[{}],"startTime":1000,"endTime":2000,"samples":{samples:?},"timeDeltas":{deltas:?}}}"#, nodes.join(","))
}

fn cpu(text: &str) -> Profile {
    parse(text.as_bytes(), Options::default()).expect("valid profile")
}

fn row_named<'a>(p: &Profile, rows: &'a [tree::FunctionRow], name: &str) -> &'a tree::FunctionRow {
    rows.iter().find(|r| p.frames[r.frame as usize].name == name).unwrap_or_else(|| panic!("no row {name}"))
}

#[test]
fn self_time_follows_devtools_rule() {
    let p = cpu(&small_cpu());
    assert_eq!(p.kind, Kind::Cpu);
    assert_eq!(p.sample_count(), 10);
    assert_eq!(p.nodes[0].id, 1);
    // 1000 µs / 10 samples = 100 µs per sample.
    let hot_main = p.nodes.iter().find(|n| n.id == 3).unwrap();
    assert_eq!(hot_main.count, 5);
    assert!((hot_main.value - 500.0).abs() < 1e-9);
    assert!((p.total_value() - 1000.0).abs() < 1e-9);
}

#[test]
fn bottom_up_aggregates_functions_and_labels_system_frames() {
    let p = cpu(&small_cpu());
    let rows = tree::bottom_up(&p);
    let first = &p.frames[rows[0].frame as usize];
    assert_eq!(first.name, "hot");
    assert_eq!(rows[0].self_count, 6, "both hot nodes aggregate (same name, url, line, column)");
    assert!((rows[0].self_value - 600.0).abs() < 1e-9);
    let main = row_named(&p, &rows, "main");
    assert_eq!((main.self_count, main.total_count), (1, 8));
    let cold = row_named(&p, &rows, "cold");
    assert_eq!((cold.self_count, cold.total_count), (1, 2));
    assert!(rows.iter().all(|r| p.frames[r.frame as usize].category() != Category::Root), "(root) is not a row");
    assert_eq!(p.frames[row_named(&p, &rows, "(garbage collector)").frame as usize].category(), Category::Gc);
    // (idle) was never sampled but is part of the tree: kept with zero.
    assert_eq!(row_named(&p, &rows, "(idle)").self_count, 0);
    let self_sum: u64 = rows.iter().map(|r| r.self_count).sum();
    assert_eq!(self_sum, p.sample_count());
}

#[test]
fn recursion_is_counted_once_in_totals() {
    // root → f → f → g; samples: g, f(inner), f(outer)
    let nodes = [node(1, "(root)", -1, &[2]), node(2, "f", 1, &[3]), node(3, "f", 1, &[4]), node(4, "g", 2, &[])];
    let text = format!(r#"{{"nodes":[{}],"startTime":0,"endTime":300,"samples":[4,3,2],"timeDeltas":[1,1,1]}}"#, nodes.join(","));
    let p = cpu(&text);
    let rows = tree::bottom_up(&p);
    let f = row_named(&p, &rows, "f");
    assert_eq!((f.self_count, f.total_count), (2, 3));
    assert!((f.total_value - 300.0).abs() < 1e-9);
}

#[test]
fn top_down_totals_add_up() {
    let p = cpu(&small_cpu());
    let rows = tree::top_down(&p, 0.0, u32::MAX);
    assert_eq!(rows[0].depth, 0);
    assert_eq!(p.frame_of(rows[0].node as usize).name, "main", "largest child of the root first");
    assert!((rows[0].total_value - 800.0).abs() < 1e-9);
    // Each node's total = its self + its children's totals.
    for r in &rows {
        let kids: f64 = rows.iter().filter(|c| p.nodes[c.node as usize].parent == r.node).map(|c| c.total_value).sum();
        assert!((r.total_value - r.self_value - kids).abs() < 1e-9, "node {}", r.node);
    }
    let top_sum: f64 = rows.iter().filter(|r| r.depth == 0).map(|r| r.total_value).sum();
    assert!((top_sum - p.total_value()).abs() < 1e-9);
    // Depth and threshold limits.
    assert!(tree::top_down(&p, 0.0, 0).iter().all(|r| r.depth == 0));
    assert!(tree::top_down(&p, 150.0, u32::MAX).iter().all(|r| r.total_value >= 150.0));
}

#[test]
fn time_deltas_timing() {
    let p = parse(small_cpu().as_bytes(), Options { timing: Timing::Deltas }).unwrap();
    // Sample k lasts until sample k+1: the hot samples at k=0..4 last 100 µs each; the last
    // sample (gc) lasts from its timestamp (1000+950) to endTime 2000 = 50 µs.
    let hot_main = p.nodes.iter().find(|n| n.id == 3).unwrap();
    assert!((hot_main.value - 500.0).abs() < 1e-9);
    let gc = p.nodes.iter().find(|n| n.id == 7).unwrap();
    assert!((gc.value - 50.0).abs() < 1e-9, "{}", gc.value);
    // Without timeDeltas it is an error, not a silent fallback.
    let no_deltas = small_cpu().replace(r#""timeDeltas""#, r#""ignored""#);
    let e = parse(no_deltas.as_bytes(), Options { timing: Timing::Deltas }).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile);
}

#[test]
fn folded_stacks_sum_to_sample_count() {
    let p = cpu(&small_cpu());
    let f = fold::fold(&p, Weight::Samples);
    assert_eq!(f.total(), 10);
    let text = fold::to_text(&f);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&"main file:///app.js:1:5;hot file:///app.js:11:5 5"), "{text}");
    assert!(lines.contains(&"main file:///app.js:1:5;cold file:///app.js:21:5;hot file:///app.js:11:5 1"), "{text}");
    assert!(lines.contains(&"(garbage collector) 1"), "{text}");
    assert!(!text.contains("(root)"), "root omitted: {text}");
    let sum: u64 = lines.iter().map(|l| l.rsplit_once(' ').unwrap().1.parse::<u64>().unwrap()).sum();
    assert_eq!(sum, 10);
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(sorted, lines, "lines are sorted");
    // In microseconds instead.
    assert_eq!(fold::fold(&p, Weight::Value).total(), 1000);
}

#[test]
fn same_path_nodes_merge_into_one_line() {
    // V8 can split one function into sibling nodes; the folded output has one line per stack.
    let nodes = [node(1, "(root)", -1, &[2, 3]), node(2, "a", 1, &[]), node(3, "a", 1, &[])];
    let text = format!(r#"{{"nodes":[{}],"startTime":0,"endTime":2,"samples":[2,3],"timeDeltas":[1,1]}}"#, nodes.join(","));
    let f = fold::fold(&cpu(&text), Weight::Samples);
    assert_eq!(fold::to_text(&f), "a file:///app.js:2:5 2\n");
}

#[test]
fn semicolons_in_names_are_escaped_and_round_trip() {
    let nodes = [node(1, "(root)", -1, &[2]), node(2, "a;b\\\\c", 1, &[3]), node(3, "d", 1, &[])];
    let text = format!(r#"{{"nodes":[{}],"startTime":0,"endTime":2,"samples":[3,3],"timeDeltas":[1,1]}}"#, nodes.join(","));
    let p = cpu(&text);
    assert_eq!(p.frames[1].name, "a;b\\c");
    let f = fold::fold(&p, Weight::Samples);
    let out = fold::to_text(&f);
    assert_eq!(out, "a\\;b\\\\c file:///app.js:2:5;d file:///app.js:2:5 2\n");
    let back = fold::parse_text(&out).unwrap();
    assert_eq!(back.stacks.len(), 1);
    assert_eq!(back.stacks[0].frames.len(), 2);
    assert_eq!(back.labels[back.stacks[0].frames[0] as usize], "a;b\\c file:///app.js:2:5");
    assert!(fold::parse_text("a;b nope\n").is_err());
    assert_eq!(fold::parse_text("a;b 2\r\na;b 3\n").unwrap().total(), 5);
}

#[test]
fn gzip_input_is_detected_by_magic() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(small_cpu().as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let dir = std::env::temp_dir().join(format!("rsheapdump-profile-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("plain-name.json");
    std::fs::write(&path, &gz).unwrap();
    let p = super::parse::read_file(&path, Options::default()).unwrap();
    assert_eq!(p.sample_count(), 10);
    // A truncated gzip stream is a parse error naming the file.
    std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
    let e = super::parse::read_file(&path, Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
    assert_eq!(e.path.as_deref(), Some(path.to_str().unwrap()));
    // A heap snapshot is recognised from its first bytes, plain or gzip, without reading it all.
    let snap = dir.join("big.heapsnapshot.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(br#" {"snapshot":{"meta":{}},"nodes":["#).unwrap();
    enc.write_all(&b"0,".repeat(1 << 20)).unwrap();
    std::fs::write(&snap, enc.finish().unwrap()).unwrap();
    let e = super::parse::read_file(&snap, Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAProfile);
    assert_eq!(e.path.as_deref(), Some(snap.to_str().unwrap()));
    let e = super::parse::read_file(&dir.join("missing.cpuprofile"), Options::default()).unwrap_err();
    assert_eq!(e.errno_code(), "ENOENT");
    std::fs::remove_dir_all(&dir).unwrap();
}

const HEAP: &str = r#"{"head":{"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"selfSize":0,"id":1,"children":[
  {"callFrame":{"functionName":"main","scriptId":"1","url":"file:///a.js","lineNumber":0,"columnNumber":0},"selfSize":1000,"id":2,"children":[
    {"callFrame":{"functionName":"alloc","scriptId":"1","url":"file:///a.js","lineNumber":5,"columnNumber":2},"selfSize":64000,"id":3,"children":[]},
    {"callFrame":{"functionName":"other","scriptId":"1","url":"file:///a.js","lineNumber":9,"columnNumber":2},"children":[], "selfSize":500,"id":4}
  ]},
  {"callFrame":{"functionName":"(V8 API)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"selfSize":32,"id":5,"children":[]}
]},"samples":[{"size":32000,"nodeId":3,"ordinal":1},{"size":32000,"nodeId":3,"ordinal":2},{"size":1000,"nodeId":2,"ordinal":3},{"size":500,"nodeId":4,"ordinal":4},{"size":32,"nodeId":5,"ordinal":5}]}"#;

#[test]
fn heap_profile_sites_by_bytes() {
    let p = cpu(HEAP);
    assert_eq!(p.kind, Kind::Heap);
    assert_eq!(p.nodes.len(), 5);
    assert_eq!(p.sample_count(), 5);
    assert_eq!(p.total_value(), 65532.0);
    let rows = tree::bottom_up(&p);
    assert_eq!(p.frames[rows[0].frame as usize].name, "alloc");
    assert_eq!(rows[0].self_value, 64000.0);
    assert_eq!(rows[0].self_count, 2);
    let main = row_named(&p, &rows, "main");
    assert_eq!(main.total_value, 65500.0);
    let f = fold::fold(&p, Weight::Value);
    assert_eq!(f.total(), 65532);
    assert!(fold::to_text(&f).contains("main file:///a.js:1:1;alloc file:///a.js:6:3 64000\n"));
}

#[test]
fn heap_snapshot_is_rejected_with_a_code() {
    let snap = r#"{"snapshot":{"meta":{"node_fields":["type"]},"node_count":1,"edge_count":0},"nodes":[0],"edges":[],"strings":[""]}"#;
    let e = parse(snap.as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAProfile);
    assert!(e.message.contains("heap snapshot"), "{}", e.message);
    // Even when `nodes` comes first.
    let e = parse(br#"{"nodes":[1,2,3,4],"edges":[]}"#, Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAProfile);
    let e = parse(br#"{"hello":1}"#, Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAProfile);
    let e = parse(b"\x00\x01binary", Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
}

#[test]
fn truncated_profile_is_a_parse_error_with_offset() {
    let text = small_cpu();
    for cut in [1, text.len() / 3, text.len() / 2, text.len() - 1] {
        let e = parse(&text.as_bytes()[..cut], Options::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse, "cut at {cut}: {e:?}");
        assert!(e.offset.unwrap() <= cut as u64);
        assert!(e.message.contains("truncated"), "{}", e.message);
    }
    let e = parse(&HEAP.as_bytes()[..HEAP.len() / 2], Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
}

#[test]
fn sample_naming_a_missing_node_is_an_error() {
    let bad = small_cpu().replace("\"samples\":[3,", "\"samples\":[99,");
    let e = parse(bad.as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile);
    assert!(e.message.contains("sample 0 names node 99"), "{}", e.message);
    assert!(e.offset.is_some());
    // Heap profiles written by Node name missing nodes in a few samples; the tree's sizes stand
    // and those samples are not counted.
    let odd_heap = HEAP.replace("\"nodeId\":4", "\"nodeId\":44");
    let p = parse(odd_heap.as_bytes(), Options::default()).unwrap();
    assert_eq!(p.sample_count(), 4);
    assert_eq!(p.total_value(), 65532.0);
}

#[test]
fn broken_trees_are_errors_not_hangs() {
    // A cycle: 2 → 3 → 2.
    let nodes = [node(1, "(root)", -1, &[2]), node(2, "a", 1, &[3]), node(3, "b", 1, &[2])];
    let e = parse(format!(r#"{{"nodes":[{}]}}"#, nodes.join(",")).as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile);
    // A child id that does not exist.
    let nodes = [node(1, "(root)", -1, &[5])];
    let e = parse(format!(r#"{{"nodes":[{}]}}"#, nodes.join(",")).as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile);
    // Duplicate ids.
    let nodes = [node(1, "(root)", -1, &[]), node(1, "a", 1, &[])];
    let e = parse(format!(r#"{{"nodes":[{}]}}"#, nodes.join(",")).as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile);
    let e = parse(br#"{"nodes":[]}"#, Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile);
}

#[test]
fn parent_fields_instead_of_children() {
    let text = r#"{"nodes":[{"id":1,"callFrame":{"functionName":"(root)"}},{"id":2,"parent":1,"callFrame":{"functionName":"a"}},{"id":3,"parent":2,"callFrame":{"functionName":"b"}}],"startTime":0,"endTime":10,"samples":[3,2],"timeDeltas":[5,5]}"#;
    let p = cpu(text);
    assert_eq!(fold::to_text(&fold::fold(&p, Weight::Samples)), "a 1\na;b 1\n");
}

#[test]
fn flame_graph_is_wellformed_and_interactive() {
    let p = cpu(&small_cpu());
    let f = fold::fold(&p, Weight::Samples);
    let rects = flame::layout(&f);
    // Base frame spans everything; `main` spans its 8 samples once, merged across its stacks.
    assert_eq!((rects[0].depth, rects[0].width), (0, 10));
    let main_id = f.labels.iter().position(|l| l.starts_with("main ")).unwrap() as u32;
    let mains: Vec<_> = rects.iter().filter(|r| r.label == main_id).collect();
    assert_eq!(mains.len(), 1);
    assert_eq!((mains[0].depth, mains[0].width), (1, 8));
    // Children fit inside their parents.
    for r in &rects[1..] {
        assert!(rects.iter().any(|q| q.depth + 1 == r.depth && q.start <= r.start && q.start + q.width >= r.start + r.width));
    }
    let svg = flame::render(&f, &flame::Options { title: "CPU <test> & co".into(), ..Default::default() });
    assert!(svg.starts_with("<?xml"));
    assert!(svg.contains("CPU &lt;test&gt; &amp; co"));
    assert!(svg.contains("<title>hot file:///app.js:11:5&#10;(5 samples, 50.00%)</title>"), "{svg}");
    assert!(svg.contains("function zoom(") && svg.contains("onload=\"init(evt)\""));
    assert_eq!(svg.matches("<g data-x=").count(), rects.len());
    assert!(svg.trim_end().ends_with("</svg>"));
}

#[test]
fn flame_graph_of_an_empty_profile_still_renders() {
    let p = cpu(r#"{"nodes":[{"id":1,"callFrame":{"functionName":"(root)"}}],"startTime":0,"endTime":0,"samples":[],"timeDeltas":[]}"#);
    let f = fold::fold(&p, Weight::Samples);
    assert_eq!(f.total(), 0);
    let svg = flame::render(&f, &flame::Options::default());
    assert!(svg.contains("</svg>"));
}

/// Runs `f` on a thread with a small stack: recursion over 100k levels would overflow it.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().expect("no stack overflow");
}

#[test]
fn deep_cpu_profile_does_not_overflow() {
    on_small_stack(|| {
        let depth = 100_000i64;
        let mut s = String::from(r#"{"nodes":["#);
        for id in 1..=depth {
            if id > 1 {
                s.push(',');
            }
            let kids = if id < depth { format!("[{}]", id + 1) } else { "[]".into() };
            s.push_str(&format!(
                r#"{{"id":{id},"callFrame":{{"functionName":"f{}","url":"u","lineNumber":{id},"columnNumber":0}},"children":{kids}}}"#,
                id % 7
            ));
        }
        s.push_str(&format!(r#"],"startTime":0,"endTime":30,"samples":[{depth},{depth},2],"timeDeltas":[10,10,10]}}"#));
        let p = parse(s.as_bytes(), Options::default()).unwrap();
        assert_eq!(p.nodes.len(), depth as usize);
        let rows = tree::bottom_up(&p);
        assert_eq!(rows.iter().map(|r| r.self_count).sum::<u64>(), 3);
        // Function f1 appears ~14k times on the one deep stack but counts once per sample.
        assert!(rows.iter().all(|r| r.total_count <= 3));
        assert_eq!(tree::top_down(&p, 0.0, u32::MAX).len(), depth as usize - 1);
        let f = fold::fold(&p, Weight::Samples);
        assert_eq!(f.total(), 3);
        let svg = flame::render(&f, &flame::Options::default());
        assert!(svg.ends_with("</svg>\n"));
        drop(p);
    });
}

#[test]
fn deep_heap_profile_does_not_overflow() {
    on_small_stack(|| {
        let depth = 100_000;
        let mut s = String::from(r#"{"head":"#);
        for id in 1..=depth {
            // Bytes only at the leaf: with bytes at every level the folded output itself would be
            // quadratic (100k stacks of up to 100k frames), which is the format, not the code.
            let size = if id == depth { 8 } else { 0 };
            s.push_str(&format!(
                r#"{{"callFrame":{{"functionName":"g","url":"x","lineNumber":{id},"columnNumber":1}},"selfSize":{size},"id":{id},"children":["#
            ));
        }
        for _ in 0..depth {
            s.push_str("]}");
        }
        s.push_str(&format!(r#","samples":[{{"size":8,"nodeId":{depth},"ordinal":1}}]}}"#));
        let p = parse(s.as_bytes(), Options::default()).unwrap();
        assert_eq!(p.nodes.len(), depth);
        assert_eq!(p.nodes[depth - 1].parent as usize, depth - 2);
        assert_eq!(tree::totals(&p).0[0], 8.0);
        assert_eq!(tree::totals(&p).1[depth / 2], 1, "the one sample counts in every ancestor");
        let f = fold::fold(&p, Weight::Value);
        assert_eq!(f.total(), 8);
        assert_eq!(f.stacks[0].frames.len(), depth - 1);
        assert!(flame::render(&f, &flame::Options::default()).ends_with("</svg>\n"));
    });
}

#[test]
fn out_of_order_time_deltas_never_give_negative_time() {
    // The third timestamp goes back in time (it happens in real files); that sample counts 0.
    let nodes = [node(1, "(root)", -1, &[2, 3]), node(2, "a", 1, &[]), node(3, "b", 2, &[])];
    let text = format!(r#"{{"nodes":[{}],"startTime":0,"endTime":100,"samples":[2,3,2],"timeDeltas":[10,50,-20]}}"#, nodes.join(","));
    let p = parse(text.as_bytes(), Options { timing: Timing::Deltas }).unwrap();
    assert!(p.nodes.iter().all(|n| n.value >= 0.0));
    let a = p.nodes.iter().find(|n| n.id == 2).unwrap();
    let b = p.nodes.iter().find(|n| n.id == 3).unwrap();
    // a: 10→60 (50 µs) + 40→100 (60 µs); b: 60→40, clamped to 0.
    assert_eq!((a.value, b.value), (110.0, 0.0));
}

#[test]
fn legacy_head_cpu_profiles_are_refused_clearly() {
    let legacy = r#"{"head":{"functionName":"(root)","id":1,"children":[]},"startTime":0,"endTime":1,"samples":[1],"timestamps":[0]}"#;
    let e = parse(legacy.as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile);
    assert!(e.message.contains("legacy"), "{}", e.message);
}

// Out-of-range numbers (issue 20, found by fuzzing): each is an error with a code, never a wrapped
// or saturated total. These panicked with overflow checks on (cargo test) and gave wrong totals in
// release builds before.

#[test]
fn folded_weights_beyond_2_pow_53_are_parse_errors() {
    // A weight that saturated to u64::MAX, then overflowed the total.
    let e = fold::parse_text("a 1e20\nb 1\n").unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Parse, Some(0)), "{e:?}");
    assert!(e.message.contains("2^53"), "{}", e.message);
    // Two lines with the same (empty) stack merged into one overflowing weight.
    let e = fold::parse_text(" 1e20\n 1\n").unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Parse, Some(0)), "{e:?}");
    // Weights each in range whose sum is not: the line that crosses the limit is named.
    let e = fold::parse_text("a 9007199254740992\nb 1\n").unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Parse, Some(19)), "{e:?}");
    // Up to 2^53 every weight survives to_text → parse_text exactly (it used to pass through f64).
    for w in [9_007_199_254_740_992u64, 9_007_199_254_740_991, 4_503_599_627_370_497] {
        let f = fold::parse_text(&format!("a;b {w}\n")).unwrap();
        assert_eq!(f.total(), w);
        let back = fold::parse_text(&fold::to_text(&f)).unwrap();
        assert_eq!(back.stacks[0].weight, w);
    }
    let e = fold::parse_text("a 9007199254740993\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
}

#[test]
fn heap_sizes_adding_up_beyond_2_pow_53_are_invalid() {
    let heap = r#"{"head":{"callFrame":{"functionName":"(root)"},"selfSize":0,"id":1,"children":[
        {"callFrame":{"functionName":"a"},"selfSize":1e300,"id":2,"children":[]},
        {"callFrame":{"functionName":"b"},"selfSize":1e300,"id":3,"children":[]}]},"samples":[]}"#;
    let e = parse(heap.as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile, "{e:?}");
    assert!(e.offset.is_some_and(|o| o > 0 && (o as usize) < heap.len()), "{e:?}");
    // Each size in range, the sum not.
    let big = heap.replace("1e300", "9007199254740992");
    let e = parse(big.as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile, "{e:?}");
    assert!(e.message.contains("2^53"), "{}", e.message);
}

#[test]
fn cpu_times_out_of_range_are_invalid() {
    let nodes = [node(1, "(root)", -1, &[2]), node(2, "a", 1, &[])];
    let huge = format!(r#"{{"nodes":[{}],"startTime":-1e308,"endTime":1e308,"samples":[2,2],"timeDeltas":[1,1]}}"#, nodes.join(","));
    let e = parse(huge.as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile, "{e:?}");
    assert_eq!(e.offset, Some(huge.find("-1e308").unwrap() as u64), "{e:?}");
    // In range one by one, a recording longer than 2^53 µs (285 years) in all.
    let long = format!(r#"{{"nodes":[{}],"startTime":-9007199254740992,"endTime":9007199254740992,"samples":[2],"timeDeltas":[1]}}"#, nodes.join(","));
    let e = parse(long.as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile, "{e:?}");
    // 1,100 deltas of 2^53 overflowed an i64 sum while parsing.
    let deltas = vec!["9007199254740992"; 1100].join(",");
    let samples = vec!["2"; 1100].join(",");
    let many = format!(r#"{{"nodes":[{}],"samples":[{samples}],"timeDeltas":[{deltas}]}}"#, nodes.join(","));
    for timing in [Timing::Samples, Timing::Deltas] {
        let e = parse(many.as_bytes(), Options { timing }).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidProfile, "{timing:?}: {e:?}");
        assert!(e.message.contains("2^53"), "{}", e.message);
    }
}

#[test]
fn hit_counts_adding_up_beyond_2_pow_53_are_invalid() {
    // Without `samples` the counts come from `hitCount`: 2,100 of 2^53 overflowed the u64 sum.
    let hit = |id: i64, kids: &[i64]| node(id, if id == 1 { "(root)" } else { "f" }, id, kids).replace("\"hitCount\":0", "\"hitCount\":9007199254740992");
    let kids: Vec<i64> = (2..=2100).collect();
    let mut nodes = vec![hit(1, &kids)];
    nodes.extend(kids.iter().map(|&id| hit(id, &[])));
    let text = format!(r#"{{"nodes":[{}],"startTime":0,"endTime":10}}"#, nodes.join(","));
    let e = parse(text.as_bytes(), Options::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidProfile, "{e:?}");
    assert!(e.message.contains("hitCount") && e.message.contains("2^53"), "{}", e.message);
    // One of them is fine.
    let one = text.replace("9007199254740992", "0").replacen("\"hitCount\":0", "\"hitCount\":9007199254740992", 1);
    assert_eq!(parse(one.as_bytes(), Options::default()).unwrap().sample_count(), 1 << 53);
}

/// The bounded variant of the profile fuzz target: thousands of mutations of a CPU profile, a
/// heap profile and a folded file, each through every stage, with overflow checks on.
#[test]
fn thousands_of_mutated_profiles_never_panic() {
    let folded = fold::to_text(&fold::fold(&cpu(&small_cpu()), Weight::Value));
    let mut seed = 0x2545F4914F6CDD1Du64;
    let mut rnd = move |m: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) % m.max(1) as u64) as usize
    };
    // Digits and exponents reach the out-of-range numbers; the rest the structure.
    let alphabet = b"0123456789[]{},:\"-. \\eE9;\n";
    for (k, base) in [small_cpu().into_bytes(), HEAP.as_bytes().to_vec(), folded.into_bytes()].into_iter().enumerate() {
        let mut ok = 0;
        for _ in 0..1500 {
            let mut m = base.clone();
            for _ in 0..1 + rnd(4) {
                let at = rnd(m.len());
                match rnd(6) {
                    0 => m[at] = alphabet[rnd(alphabet.len())],
                    1 => m.truncate(at),
                    2 => m.insert(at, alphabet[rnd(alphabet.len())]),
                    3 => {
                        let end = (at + rnd(16)).min(m.len());
                        m.drain(at..end);
                    }
                    4 => m.splice(at..at, b"e300".iter().copied()).for_each(drop),
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
            ok += usize::from(super::check::every_stage(&m));
        }
        // Some mutations leave a valid profile: both paths ran (the folded file is no JSON).
        assert!(ok < 1500 && (ok > 0 || k == 2), "ok = {ok}");
    }
}
