//! The operations the JS glue and the CLI call, file in, plain data out: analyze (tables),
//! fold (collapsed stacks text) and flame (SVG). Keeps the glue a field-by-field copy.

use std::path::Path;

use super::fold::{self, Folded, Weight};
use super::model::Timing;
use super::model::{Kind, Profile};
use super::parse;
use super::{flame, tree};
use crate::cancel::Cancel;
use crate::error::{Error, ErrorKind, Result};

/// What to compute in [`analyze`].
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    /// CPU self-time rule.
    pub timing: Timing,
    /// Keep at most this many functions (hottest by self value); `None` keeps all.
    pub limit: Option<usize>,
    /// Also list the top-down tree.
    pub tree: bool,
    /// Tree: leave out subtrees below this percentage of the total.
    pub min_percent: f64,
    /// Tree: deepest level listed (0 = the root's children only).
    pub max_depth: u32,
    /// Fail unless the file is this kind of profile.
    pub expect: Option<Kind>,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions { timing: Timing::Samples, limit: None, tree: false, min_percent: 0.0, max_depth: u32::MAX, expect: None }
    }
}

/// A function row (bottom-up) or tree node (top-down) ready for display.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Function name, `(anonymous)` for unnamed functions.
    pub name: String,
    /// Script URL, empty for V8's pseudo-frames.
    pub url: String,
    /// 1-based line, 0 when unknown.
    pub line: i64,
    /// 1-based column, 0 when unknown.
    pub column: i64,
    /// `js`, `idle`, `program`, `gc`, `root`.
    pub category: &'static str,
    /// Self value (µs or bytes).
    pub self_value: f64,
    /// Total value (µs or bytes).
    pub total_value: f64,
    /// Samples with this function / node on top.
    pub self_count: u64,
    /// Samples with it anywhere on the stack (tree rows: in the subtree).
    pub total_count: u64,
    /// Tree rows: depth below the root (0 for the root's children); 0 for function rows.
    pub depth: u32,
    /// Tree rows: index of the parent row, -1 for top-level rows; -1 for function rows.
    pub parent: i64,
}

/// The result of [`analyze`].
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// CPU or heap.
    pub kind: Kind,
    /// Total samples.
    pub sample_count: u64,
    /// Sum of all self values (µs or bytes).
    pub total: f64,
    /// CPU: recording start and end (µs); 0 for heap profiles.
    pub start_time: f64,
    /// See `start_time`.
    pub end_time: f64,
    /// Distinct functions in the profile (before `limit`).
    pub function_count: usize,
    /// Bottom-up: functions by self value, hottest first.
    pub functions: Vec<Row>,
    /// Top-down rows in display order (parents before children), when asked for.
    pub tree: Vec<Row>,
}

#[cfg(test)]
fn no_report(_: &str, _: f64) {}

/// Where the work reports progress, and the flag that stops it: each function reports
/// `reading` (fraction of the file's bytes), `parsing` and `analyzing` (0 at the start, 1 at the
/// end), and stops with `ABORT_ERR` at the next 1 MiB read or the next stage once cancelled.
pub struct Progress<'a> {
    report: &'a dyn Fn(&str, f64),
    cancel: Cancel,
}

impl<'a> Progress<'a> {
    /// Reports to `report`; stops when `cancel` is set.
    pub fn new(report: &'a dyn Fn(&str, f64), cancel: &Cancel) -> Self {
        Progress { report, cancel: cancel.clone() }
    }

    /// No reports, never cancelled.
    #[cfg(test)]
    pub fn none() -> Progress<'static> {
        Progress { report: &no_report, cancel: Cancel::new() }
    }

    /// Reports `fraction` of stage `label`, then fails if cancelled.
    pub fn step(&self, label: &str, fraction: f64) -> Result<()> {
        (self.report)(label, fraction);
        self.cancel.check()
    }
}

/// Reads a profile, checking its kind when `expect` is set. Its stages' fractions are mapped
/// into `[lo, hi]`, so that two files read one after the other report 0 to 1 once.
pub fn load_part(path: &Path, timing: Timing, expect: Option<Kind>, pr: &Progress<'_>, (lo, hi): (f64, f64)) -> Result<Profile> {
    let at = |f: f64| lo + (hi - lo) * f;
    pr.step("reading", at(0.0))?;
    let bytes = parse::read_input_with(path, &|f| (pr.report)("reading", at(f)), &pr.cancel)?;
    pr.step("parsing", at(0.0))?;
    let p = parse::parse(&bytes, parse::Options { timing }).map_err(|e| e.with_path(path))?;
    drop(bytes);
    pr.step("parsing", at(1.0))?;
    if let Some(k) = expect {
        if p.kind != k {
            let hint = match p.kind {
                Kind::Heap => "it is a heap profile; use analyzeHeapProfile()",
                Kind::Cpu => "it is a CPU profile; use analyzeCpuProfile()",
            };
            return Err(Error::new(ErrorKind::NotAProfile, format!("not a {} profile: {hint}", k.name())).with_path(path));
        }
    }
    Ok(p)
}

/// Reads a profile, checking its kind when `expect` is set.
pub fn load(path: &Path, timing: Timing, expect: Option<Kind>, pr: &Progress<'_>) -> Result<Profile> {
    load_part(path, timing, expect, pr, (0.0, 1.0))
}

/// Reads and analyzes the profile at `path`.
pub fn analyze_file(path: &Path, opts: &AnalyzeOptions, pr: &Progress<'_>) -> Result<Analysis> {
    let p = load(path, opts.timing, opts.expect, pr)?;
    pr.step("analyzing", 0.0)?;
    let a = analyze(&p, opts);
    pr.step("analyzing", 1.0)?;
    Ok(a)
}

/// Bottom-up table (and optionally the top-down tree) of a parsed profile.
pub fn analyze(p: &Profile, opts: &AnalyzeOptions) -> Analysis {
    let rows = tree::bottom_up(p);
    let function_count = rows.len();
    let row = |frame: u32| {
        let f = &p.frames[frame as usize];
        Row {
            name: f.display_name().to_owned(),
            url: f.url.clone(),
            line: f.line + 1,
            column: f.column + 1,
            category: f.category().name(),
            self_value: 0.0,
            total_value: 0.0,
            self_count: 0,
            total_count: 0,
            depth: 0,
            parent: -1,
        }
    };
    let functions: Vec<Row> = rows
        .iter()
        .take(opts.limit.unwrap_or(usize::MAX))
        .map(|r| Row { self_value: r.self_value, total_value: r.total_value, self_count: r.self_count, total_count: r.total_count, ..row(r.frame) })
        .collect();
    let total = p.total_value();
    let mut tree_rows = Vec::new();
    if opts.tree {
        let (_, counts) = tree::totals(p);
        let min = total * opts.min_percent.max(0.0) / 100.0;
        let td = tree::top_down(p, min, opts.max_depth);
        // Row index of each listed node, to express parents as row indices.
        let mut row_of = std::collections::HashMap::with_capacity(td.len());
        for (k, r) in td.iter().enumerate() {
            row_of.insert(r.node, k as i64);
            let n = &p.nodes[r.node as usize];
            tree_rows.push(Row {
                self_value: r.self_value,
                total_value: r.total_value,
                self_count: n.count,
                total_count: counts[r.node as usize],
                depth: r.depth,
                parent: row_of.get(&n.parent).copied().unwrap_or(-1),
                ..row(n.frame)
            });
        }
    }
    Analysis { kind: p.kind, sample_count: p.sample_count(), total, start_time: p.start_time, end_time: p.end_time, function_count, functions, tree: tree_rows }
}

/// What [`fold_file`] and [`flame_file`] weigh stacks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WeightChoice {
    /// CPU: samples; heap: bytes.
    #[default]
    Default,
    /// Sample counts.
    Samples,
    /// Microseconds (CPU profiles only).
    Time,
    /// Bytes (heap profiles only).
    Bytes,
}

fn weight_for(kind: Kind, w: WeightChoice) -> Result<Weight> {
    match (kind, w) {
        (Kind::Cpu, WeightChoice::Default) | (_, WeightChoice::Samples) => Ok(Weight::Samples),
        (Kind::Heap, WeightChoice::Default) | (Kind::Cpu, WeightChoice::Time) | (Kind::Heap, WeightChoice::Bytes) => Ok(Weight::Value),
        (Kind::Cpu, WeightChoice::Bytes) => {
            Err(Error::new(ErrorKind::InvalidValue, "weight 'bytes' needs a heap profile; this is a CPU profile (use 'samples' or 'time')"))
        }
        (Kind::Heap, WeightChoice::Time) => {
            Err(Error::new(ErrorKind::InvalidValue, "weight 'time' needs a CPU profile; this is a heap profile (use 'bytes' or 'samples')"))
        }
    }
}

fn unit_name(kind: Kind, w: Weight) -> &'static str {
    match (kind, w) {
        (Kind::Cpu, Weight::Samples) => "samples",
        (Kind::Heap, Weight::Samples) => "allocation samples",
        (Kind::Cpu, Weight::Value) => "µs",
        (Kind::Heap, Weight::Value) => "bytes",
    }
}

/// Collapsed stacks of a profile file, with the unit of their weights.
pub fn fold_file(path: &Path, timing: Timing, weight: WeightChoice, pr: &Progress<'_>) -> Result<(Folded, Kind, &'static str)> {
    let p = load(path, timing, None, pr)?;
    let w = weight_for(p.kind, weight).map_err(|e| e.with_path(path))?;
    pr.step("analyzing", 0.0)?;
    let f = fold::fold(&p, w);
    pr.step("analyzing", 1.0)?;
    Ok((f, p.kind, unit_name(p.kind, w)))
}

/// Options for [`flame_file`].
#[derive(Debug, Clone, Default)]
pub struct FlameOptions {
    /// CPU self-time rule (matters with `WeightChoice::Time`).
    pub timing: Timing,
    /// What box widths stand for.
    pub weight: WeightChoice,
    /// Title; a default naming the kind of profile when `None`.
    pub title: Option<String>,
    /// Image width in pixels (default 1200).
    pub width: Option<u32>,
}

/// The flame graph SVG of a profile, or of a collapsed-stacks file (anything that is not JSON).
pub fn flame_file(path: &Path, opts: &FlameOptions, pr: &Progress<'_>) -> Result<String> {
    pr.step("reading", 0.0)?;
    let bytes = parse::read_input_with(path, &|f| (pr.report)("reading", f), &pr.cancel)?;
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    pr.step("parsing", 0.0)?;
    let (folded, title, unit) = if first == Some(b'{') {
        let p = parse::parse(&bytes, parse::Options { timing: opts.timing }).map_err(|e| e.with_path(path))?;
        let w = weight_for(p.kind, opts.weight).map_err(|e| e.with_path(path))?;
        let title = match p.kind {
            Kind::Cpu => "CPU Flame Graph",
            Kind::Heap => "Allocation Flame Graph (sampling heap profile)",
        };
        (fold::fold(&p, w), title, unit_name(p.kind, w))
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::parse(e.valid_up_to() as u64, "neither a JSON profile nor UTF-8 folded text", "give a .cpuprofile, .heapprofile or collapsed-stacks file")
                .with_path(path)
        })?;
        (fold::parse_text(text).map_err(|e| e.with_path(path))?, "Flame Graph", "samples")
    };
    drop(bytes);
    pr.step("parsing", 1.0)?;
    let fo = flame::Options {
        title: opts.title.clone().unwrap_or_else(|| title.to_owned()),
        unit: unit.to_owned(),
        width: opts.width.unwrap_or(1200),
        ..flame::Options::default()
    };
    pr.step("analyzing", 0.0)?;
    let svg = flame::render(&folded, &fo);
    pr.step("analyzing", 1.0)?;
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("rsheapdump-api-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const CPU: &str = r#"{"nodes":[{"id":1,"callFrame":{"functionName":"(root)"},"children":[2]},{"id":2,"callFrame":{"functionName":"","url":"file:///x.js","lineNumber":2,"columnNumber":0},"children":[3]},{"id":3,"callFrame":{"functionName":"leaf","url":"file:///x.js","lineNumber":9,"columnNumber":4}}],"startTime":0,"endTime":400,"samples":[3,3,3,2],"timeDeltas":[100,100,100,100]}"#;

    #[test]
    fn analysis_rows_are_display_ready() {
        let path = write("a.cpuprofile", CPU);
        let a = analyze_file(&path, &AnalyzeOptions { tree: true, ..Default::default() }, &Progress::none()).unwrap();
        assert_eq!(a.kind, Kind::Cpu);
        assert_eq!((a.sample_count, a.total, a.function_count), (4, 400.0, 2));
        let leaf = &a.functions[0];
        assert_eq!((leaf.name.as_str(), leaf.line, leaf.column, leaf.category), ("leaf", 10, 5, "js"));
        assert_eq!((leaf.self_value, leaf.total_value), (300.0, 300.0));
        assert_eq!(a.functions[1].name, "(anonymous)");
        assert_eq!(a.tree.len(), 2);
        assert_eq!((a.tree[0].parent, a.tree[1].parent, a.tree[1].depth), (-1, 0, 1));
        assert_eq!(a.tree[0].total_count, 4);
        let limited = analyze_file(&path, &AnalyzeOptions { limit: Some(1), ..Default::default() }, &Progress::none()).unwrap();
        assert_eq!(limited.functions.len(), 1);
        let e = analyze_file(&path, &AnalyzeOptions { expect: Some(Kind::Heap), ..Default::default() }, &Progress::none()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotAProfile);
    }

    #[test]
    fn flame_reads_profiles_and_folded_text() {
        let path = write("b.cpuprofile", CPU);
        let svg = flame_file(&path, &FlameOptions::default(), &Progress::none()).unwrap();
        assert!(svg.contains("CPU Flame Graph") && svg.contains("leaf file:///x.js:10:5"));
        let (f, kind, unit) = fold_file(&path, Timing::Samples, WeightChoice::Default, &Progress::none()).unwrap();
        assert_eq!((f.total(), kind, unit), (4, Kind::Cpu, "samples"));
        let folded = write("c.folded", &fold::to_text(&f));
        let svg2 = flame_file(&folded, &FlameOptions { title: Some("T".into()), ..Default::default() }, &Progress::none()).unwrap();
        assert!(svg2.contains(">T</text>") && svg2.contains("leaf file:///x.js:10:5"));
        let e = fold_file(&path, Timing::Samples, WeightChoice::Bytes, &Progress::none()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidValue);
    }
}
