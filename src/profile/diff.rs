//! Before and after: two profiles of one kind compared per function (CPU: self and total time;
//! heap: bytes by allocation site), under one of two normalizations, with the regressions a CI
//! threshold asks about.
//!
//! Functions are matched by (name, url, line, column), as DevTools aggregates them; those left
//! over on both sides are then matched by (name, url) when that pair is unique on each side, so
//! that a function whose line moved because code above it was edited is still one row.

use std::collections::HashMap;
use std::path::Path;

use super::api::{load_part, FlameOptions, Progress};
use super::flame;
use super::fold::{self, Weight};
use super::model::{Category, Kind, Profile, Timing};
use super::parse;
use super::tree;
use crate::error::{Error, ErrorKind, Result};

/// How the two profiles' numbers are made comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Normalize {
    /// As recorded: µs of CPU (or bytes). Right when both runs did the same work (a benchmark, a
    /// test).
    #[default]
    Time,
    /// Percent of the profile's total (samples or bytes): for runs of different length, like two
    /// captures of a live server.
    Share,
}

impl Normalize {
    /// The name used in options and output.
    pub fn name(self) -> &'static str {
        match self {
            Normalize::Time => "time",
            Normalize::Share => "share",
        }
    }
}

/// What [`diff`] computes.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// How the numbers are normalized.
    pub normalize: Normalize,
    /// Report regressions: growth beyond this percentage.
    pub fail_on_regression: Option<f64>,
    /// Functions below this percentage of the after-profile's total are never regressions.
    pub noise_floor: f64,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions { normalize: Normalize::Time, fail_on_regression: None, noise_floor: 1.0 }
    }
}

/// One function's numbers in one profile, normalized; zero when the profile does not have it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Side {
    /// Self value.
    pub self_value: f64,
    /// Total value (self plus callees, each sample counted once).
    pub total_value: f64,
    /// Samples with the function on top (CPU samples or allocation samples).
    pub self_count: u64,
}

/// A function (CPU) or allocation site (heap) before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDiff {
    /// Function name, `(anonymous)` for unnamed functions.
    pub name: String,
    /// Script URL, empty for V8's pseudo-frames.
    pub url: String,
    /// 1-based line (the after-profile's when both have it), 0 when unknown.
    pub line: i64,
    /// 1-based column, 0 when unknown.
    pub column: i64,
    /// `js`, `idle`, `program`, `gc`.
    pub category: &'static str,
    /// In the first profile.
    pub before: Side,
    /// In the second profile.
    pub after: Side,
}

impl FunctionDiff {
    /// After minus before, self value.
    pub fn self_delta(&self) -> f64 {
        self.after.self_value - self.before.self_value
    }

    /// After minus before, total value.
    pub fn total_delta(&self) -> f64 {
        self.after.total_value - self.before.total_value
    }
}

/// The change of `before` to `after` in percent of `before`; `None` when `before` is 0.
pub fn change_percent(before: f64, after: f64) -> Option<f64> {
    if before > 0.0 {
        Some((after - before) * 100.0 / before)
    } else {
        None
    }
}

/// Something that grew beyond the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    /// `total` or a function as `name url:line:column`.
    pub what: String,
    /// Before (normalized).
    pub before: f64,
    /// After (normalized).
    pub after: f64,
}

/// The result of [`diff`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileDiff {
    /// CPU or heap.
    pub kind: Kind,
    /// The normalization used.
    pub normalize: Normalize,
    /// Before: the total (CPU: idle excluded), normalized.
    pub before_total: f64,
    /// After: the total (CPU: idle excluded), normalized.
    pub after_total: f64,
    /// Samples in the first profile.
    pub before_samples: u64,
    /// Samples in the second profile.
    pub after_samples: u64,
    /// CPU: the first profile's sampling interval in µs (0 when unknown).
    pub before_interval: f64,
    /// CPU: the second profile's sampling interval in µs.
    pub after_interval: f64,
    /// Every function in either profile, largest change of self value first.
    pub functions: Vec<FunctionDiff>,
    /// What grew beyond `fail_on_regression`, largest growth first (empty without a threshold).
    pub regressions: Vec<Regression>,
}

struct Row {
    key: (String, String, i64, i64),
    category: Category,
    side: Side,
}

/// Per function, normalized: CPU time is the sample count times the sampling interval (ms of
/// CPU: samples do not accrue while the thread is descheduled, wall time does), or DevTools' rule
/// when the file has no `timeDeltas`; shares are of samples (CPU) or bytes (heap).
fn rows(p: &Profile, normalize: Normalize) -> Vec<Row> {
    let by_count = p.kind == Kind::Cpu && (p.interval > 0.0 || normalize == Normalize::Share);
    let scale = match normalize {
        Normalize::Time if by_count => p.interval,
        Normalize::Time => 1.0,
        Normalize::Share => {
            let t = if by_count { p.sample_count() as f64 } else { p.total_value() };
            if t > 0.0 {
                100.0 / t
            } else {
                0.0
            }
        }
    };
    tree::bottom_up(p)
        .into_iter()
        .map(|r| {
            let f = &p.frames[r.frame as usize];
            let (s, t) = if by_count { (r.self_count as f64, r.total_count as f64) } else { (r.self_value, r.total_value) };
            Row {
                key: (f.display_name().to_owned(), f.url.clone(), f.line + 1, f.column + 1),
                category: f.category(),
                side: Side { self_value: s * scale, total_value: t * scale, self_count: r.self_count },
            }
        })
        .collect()
}

/// The total that regressions are judged by, and its samples: everything but `(idle)`.
fn busy_total(rows: &[Row]) -> (f64, u64) {
    let busy = rows.iter().filter(|r| r.category != Category::Idle);
    (busy.clone().map(|r| r.side.self_value).sum(), busy.map(|r| r.side.self_count).sum())
}

/// Pairs the rows of two profiles: exact keys first, then (name, url) where unique on both sides.
fn pair(before: Vec<Row>, after: Vec<Row>) -> Vec<FunctionDiff> {
    let mut out = Vec::with_capacity(after.len().max(before.len()));
    let mut by_key: HashMap<(String, String, i64, i64), usize> = HashMap::with_capacity(before.len());
    for (i, r) in before.iter().enumerate() {
        by_key.insert(r.key.clone(), i);
    }
    let mut used = vec![false; before.len()];
    let mut left: Vec<Row> = Vec::new();
    for r in after {
        match by_key.get(&r.key) {
            Some(&i) => {
                used[i] = true;
                out.push(make(&r, before[i].side, r.side));
            }
            None => left.push(r),
        }
    }
    let mut left_before: Vec<&Row> = before.iter().zip(&used).filter(|(_, u)| !**u).map(|(r, _)| r).collect();
    // Second pass: named functions whose location moved.
    let count = |rows: &[&Row], k: &(String, String)| rows.iter().filter(|r| r.key.0 == k.0 && r.key.1 == k.1).count();
    let left_refs: Vec<&Row> = left.iter().collect();
    let mut taken = vec![false; left_before.len()];
    for r in &left {
        let nk = (r.key.0.clone(), r.key.1.clone());
        let unique = !r.key.0.starts_with('(') && count(&left_refs, &nk) == 1 && count(&left_before, &nk) == 1;
        let found = if unique { left_before.iter().position(|b| b.key.0 == nk.0 && b.key.1 == nk.1) } else { None };
        match found {
            Some(i) => {
                taken[i] = true;
                out.push(make(r, left_before[i].side, r.side));
            }
            None => out.push(make(r, Side::default(), r.side)),
        }
    }
    let mut k = 0;
    left_before.retain(|_| {
        k += 1;
        !taken[k - 1]
    });
    for b in left_before {
        out.push(make(b, b.side, Side::default()));
    }
    out
}

fn make(r: &Row, before: Side, after: Side) -> FunctionDiff {
    FunctionDiff { name: r.key.0.clone(), url: r.key.1.clone(), line: r.key.2, column: r.key.3, category: r.category.name(), before, after }
}

/// A function as `name url:line:column`, as flame graphs and folded stacks label it.
pub fn label(f: &FunctionDiff) -> String {
    if f.url.is_empty() {
        f.name.clone()
    } else if f.line > 0 {
        format!("{} {}:{}:{}", f.name, f.url, f.line, f.column)
    } else {
        format!("{} {}", f.name, f.url)
    }
}

/// Compares two parsed profiles of the same kind.
pub fn diff(before: &Profile, after: &Profile, opts: &DiffOptions) -> ProfileDiff {
    let (rb, ra) = (rows(before, opts.normalize), rows(after, opts.normalize));
    let ((before_total, before_busy), (after_total, after_busy)) = (busy_total(&rb), busy_total(&ra));
    let mut functions = pair(rb, ra);
    functions.sort_by(|a, b| {
        b.self_delta()
            .abs()
            .total_cmp(&a.self_delta().abs())
            .then(b.total_delta().abs().total_cmp(&a.total_delta().abs()))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.url.cmp(&b.url))
            .then(a.line.cmp(&b.line))
    });
    let mut regressions = Vec::new();
    if let Some(pct) = opts.fail_on_regression {
        // Sampling noise: a count of n samples varies by about √n (Poisson), so growth counts
        // only when the after-count exceeds the before-count, brought to the after-profile's
        // scale, by more than 3 standard deviations of their difference.
        let k = match opts.normalize {
            Normalize::Time if before.interval > 0.0 && after.interval > 0.0 => before.interval / after.interval,
            Normalize::Time => 1.0,
            Normalize::Share => after.sample_count() as f64 / before.sample_count().max(1) as f64,
        };
        let beyond_noise = |b: u64, a: u64| {
            let (b, a) = (b as f64 * k, a as f64);
            a - b > 3.0 * (a + b).sqrt()
        };
        let grew = |b: f64, a: f64| a > b * (1.0 + pct / 100.0) && a > b;
        if grew(before_total, after_total) && beyond_noise(before_busy, after_busy) {
            let what = match after.kind {
                Kind::Cpu => "total CPU time (idle excluded)",
                Kind::Heap => "total sampled bytes",
            };
            regressions.push(Regression { what: what.to_owned(), before: before_total, after: after_total });
        }
        let floor = after_total * opts.noise_floor.max(0.0) / 100.0;
        let mut fs: Vec<Regression> = functions
            .iter()
            .filter(|f| {
                f.category != "idle"
                    && f.after.self_value >= floor
                    && grew(f.before.self_value, f.after.self_value)
                    && beyond_noise(f.before.self_count, f.after.self_count)
            })
            .map(|f| Regression { what: label(f), before: f.before.self_value, after: f.after.self_value })
            .collect();
        fs.sort_by(|a, b| (b.after - b.before).total_cmp(&(a.after - a.before)));
        regressions.extend(fs);
    }
    ProfileDiff {
        kind: after.kind,
        normalize: opts.normalize,
        before_total,
        after_total,
        before_samples: before.sample_count(),
        after_samples: after.sample_count(),
        before_interval: before.interval,
        after_interval: after.interval,
        functions,
        regressions,
    }
}

/// Refuses two inputs that cannot be compared as profiles, before reading them whole: heap
/// snapshots (both: that is diffSnapshots' job; one: a mismatch).
fn check_inputs(a: &Path, b: &Path) -> Result<()> {
    match (parse::is_snapshot_file(a)?, parse::is_snapshot_file(b)?) {
        (false, false) => Ok(()),
        (true, true) => Err(Error::new(
            ErrorKind::NotAProfile,
            "both files are heap snapshots, not profiles; compare them with diffSnapshots() (rsheapdump diff does that by itself)",
        )),
        (sa, _) => {
            let (snap, other) = if sa { (a, b) } else { (b, a) };
            Err(Error::new(
                ErrorKind::MismatchedInputs,
                format!(
                    "{} is a heap snapshot and {} is not: compare two profiles of one kind (.cpuprofile or .heapprofile) or two snapshots",
                    snap.display(),
                    other.display()
                ),
            ))
        }
    }
}

/// Reads two profiles and compares them; both must be of one kind.
pub fn diff_files(before: &Path, after: &Path, opts: &DiffOptions, pr: &Progress<'_>) -> Result<ProfileDiff> {
    let (a, b) = load_pair(before, after, pr)?;
    pr.step("analyzing", 0.0)?;
    let d = diff(&a, &b, opts);
    pr.step("analyzing", 1.0)?;
    Ok(d)
}

/// Reads two profiles of one kind (progress: each file half of `reading` and `parsing`).
pub fn load_pair(before: &Path, after: &Path, pr: &Progress<'_>) -> Result<(Profile, Profile)> {
    check_inputs(before, after)?;
    let a = load_part(before, Timing::Samples, None, pr, (0.0, 0.5))?;
    let b = load_part(after, Timing::Samples, None, pr, (0.5, 1.0))?;
    if a.kind != b.kind {
        return Err(Error::new(
            ErrorKind::MismatchedInputs,
            format!(
                "{} is a {} profile and {} a {} profile: compare two profiles of one kind",
                before.display(),
                kind_word(a.kind),
                after.display(),
                kind_word(b.kind)
            ),
        ));
    }
    Ok((a, b))
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Cpu => "CPU",
        Kind::Heap => "heap",
    }
}

/// The differential flame graph of two profiles of one kind: the boxes of `after`, coloured by
/// how each box's self weight changed from `before` (red grew, blue shrank; `negate` swaps).
/// CPU boxes are samples and the baseline is brought to the after-profile's scale: by the ratio
/// of the sampling intervals with `Normalize::Time` (so the change is CPU time), by the ratio of
/// the sample counts with `Normalize::Share`. Heap boxes are bytes.
pub fn flame_file(before: &Path, after: &Path, opts: &FlameOptions, normalize: Normalize, negate: bool, pr: &Progress<'_>) -> Result<String> {
    let (b, a) = load_pair(before, after, pr)?;
    pr.step("analyzing", 0.0)?;
    let weight = match a.kind {
        Kind::Cpu => Weight::Samples,
        Kind::Heap => Weight::Value,
    };
    let (fa, fb) = (fold::fold(&a, weight), fold::fold(&b, weight));
    let scale = match (normalize, a.kind) {
        (Normalize::Time, Kind::Cpu) if a.interval > 0.0 && b.interval > 0.0 => b.interval / a.interval,
        (Normalize::Time, _) => 1.0,
        (Normalize::Share, _) if fb.total() > 0 => fa.total() as f64 / fb.total() as f64,
        (Normalize::Share, _) => 0.0,
    };
    let (what, unit) = match a.kind {
        Kind::Cpu => ("CPU", "samples"),
        Kind::Heap => ("Allocation", "bytes"),
    };
    let hues = if negate { "blue: grew, red: shrank" } else { "red: grew, blue: shrank" };
    let fo = flame::Options {
        title: opts.title.clone().unwrap_or_else(|| format!("{what} Differential Flame Graph ({hues}; normalized by {})", normalize.name())),
        unit: unit.to_owned(),
        width: opts.width.unwrap_or(1200),
        negate,
        ..flame::Options::default()
    };
    let svg = flame::render_diff(&fa, &flame::Baseline::new(&fb, scale), &fo);
    pr.step("analyzing", 1.0)?;
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::parse::{parse, Options};

    /// main → hot (line `hot_line`), main → cold; `hot`/`cold`/`idle` samples at 100 µs each.
    fn cpu(hot: usize, cold: usize, idle: usize, hot_line: i64) -> Profile {
        cpu_until(hot, cold, idle, hot_line, None)
    }

    /// `cpu` with `endTime` at `end` µs instead of 100 per sample.
    fn cpu_until(hot: usize, cold: usize, idle: usize, hot_line: i64, end: Option<usize>) -> Profile {
        let frame = |name: &str, line: i64| format!(r#"{{"functionName":"{name}","url":"file:///a.js","lineNumber":{line},"columnNumber":0}}"#);
        let nodes = [
            r#"{"id":1,"callFrame":{"functionName":"(root)"},"children":[2,5]}"#.to_owned(),
            format!(r#"{{"id":2,"callFrame":{},"children":[3,4]}}"#, frame("main", 0)),
            format!(r#"{{"id":3,"callFrame":{},"children":[]}}"#, frame("hot", hot_line)),
            format!(r#"{{"id":4,"callFrame":{},"children":[]}}"#, frame("cold", 20)),
            r#"{"id":5,"callFrame":{"functionName":"(idle)"},"children":[]}"#.to_owned(),
        ];
        let samples: Vec<String> = [(3, hot), (4, cold), (5, idle)].iter().flat_map(|&(id, n)| std::iter::repeat_n(id.to_string(), n)).collect();
        let n = samples.len();
        let text = format!(
            r#"{{"nodes":[{}],"startTime":0,"endTime":{},"samples":[{}],"timeDeltas":[{}]}}"#,
            nodes.join(","),
            end.unwrap_or(n * 100),
            samples.join(","),
            vec!["100"; n].join(",")
        );
        parse(text.as_bytes(), Options::default()).unwrap()
    }

    fn row<'a>(d: &'a ProfileDiff, name: &str) -> &'a FunctionDiff {
        d.functions.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn time_names_the_optimized_function_as_the_largest_drop() {
        let d = diff(&cpu(40, 10, 0, 10), &cpu(10, 10, 0, 10), &DiffOptions::default());
        assert_eq!(d.functions[0].name, "hot");
        let hot = row(&d, "hot");
        assert_eq!((hot.before.self_value, hot.after.self_value), (4000.0, 1000.0));
        assert_eq!(change_percent(hot.before.self_value, hot.after.self_value), Some(-75.0));
        assert_eq!(row(&d, "cold").self_delta(), 0.0);
        assert_eq!(row(&d, "main").total_delta(), -3000.0);
        assert_eq!((d.before_total, d.after_total), (5000.0, 2000.0));
        assert!(d.regressions.is_empty(), "no threshold, no regressions");
    }

    #[test]
    fn regressions_over_the_threshold_and_the_noise_floor() {
        let opts = DiffOptions { fail_on_regression: Some(10.0), ..Default::default() };
        assert!(diff(&cpu(40, 10, 0, 10), &cpu(10, 10, 0, 10), &opts).regressions.is_empty());
        let d = diff(&cpu(10, 10, 0, 10), &cpu(40, 10, 0, 10), &opts);
        let what: Vec<&str> = d.regressions.iter().map(|r| r.what.as_str()).collect();
        assert_eq!(what, ["total CPU time (idle excluded)", "hot file:///a.js:11:1"]);
        // 15 of 2,015 samples is below the 1% floor however much it grew; idle never counts.
        let d = diff(&cpu(0, 2000, 0, 10), &cpu(15, 2000, 500, 10), &opts);
        assert!(d.regressions.iter().all(|r| !r.what.starts_with("hot")), "{:?}", d.regressions);
        let d = diff(&cpu(0, 2000, 0, 10), &cpu(15, 2000, 0, 10), &DiffOptions { noise_floor: 0.5, ..opts.clone() });
        assert!(d.regressions.iter().any(|r| r.what.starts_with("hot")));
        // Growth within sampling noise is not a regression: 30 → 45 samples is +50%, but the
        // difference (15) is less than 3·√75 = 26.
        let d = diff(&cpu(30, 100, 0, 10), &cpu(45, 100, 0, 10), &opts);
        assert!(d.regressions.iter().all(|r| !r.what.starts_with("hot")), "{:?}", d.regressions);
        let d = diff(&cpu(30, 100, 0, 10), &cpu(90, 100, 0, 10), &opts);
        assert!(d.regressions.iter().any(|r| r.what.starts_with("hot")));
    }

    #[test]
    fn share_compares_percentages_of_each_profile() {
        // Twice as long a recording with the same mix: no change in share.
        let opts = DiffOptions { normalize: Normalize::Share, fail_on_regression: Some(10.0), ..Default::default() };
        let d = diff(&cpu(30, 10, 10, 10), &cpu(60, 20, 20, 10), &opts);
        assert!(d.functions.iter().all(|f| f.self_delta().abs() < 1e-9), "{:?}", d.functions);
        assert!(d.regressions.is_empty());
        let sum: f64 = d.functions.iter().map(|f| f.after.self_value).sum();
        assert!((sum - 100.0).abs() < 1e-9, "self shares add up to 100%: {sum}");
        assert!((d.after_total - 80.0).abs() < 1e-9, "busy share: {}", d.after_total);
        // With time the longer run is all growth.
        let t = diff(&cpu(30, 10, 10, 10), &cpu(60, 20, 20, 10), &DiffOptions { normalize: Normalize::Time, ..opts });
        let what: Vec<&str> = t.regressions.iter().map(|r| r.what.as_str()).collect();
        // cold: 10 → 20 samples is within the noise (10 < 3·√30).
        assert_eq!(what, ["total CPU time (idle excluded)", "hot file:///a.js:11:1"]);
    }

    #[test]
    fn cpu_time_is_samples_times_the_interval_not_wall_time() {
        // The same 50 samples, once recorded on a machine that kept the process off the CPU for
        // 9 ms after every tenth sample: DevTools' rule smears the wall time over the samples.
        let calm = cpu(40, 10, 0, 10);
        let busy = cpu_until(40, 10, 0, 10, Some(9500));
        assert_eq!(busy.total_value(), 9500.0, "DevTools' rule: wall time");
        let d = diff(&calm, &busy, &DiffOptions::default());
        assert_eq!(row(&d, "hot").self_delta(), 0.0);
        assert_eq!(row(&d, "hot").after.self_value, 4000.0);
        assert_eq!((d.before_interval, d.after_interval), (100.0, 100.0));
        // The interval is the lower quartile of the deltas: long gaps do not move it.
        assert_eq!(interval_of(&[100, 100, 9000, 100, -5, 9000, 9000, 100]), 100.0);
    }

    fn interval_of(d: &[i64]) -> f64 {
        let nodes = r#"[{"id":1,"callFrame":{"functionName":"(root)"},"children":[2]},{"id":2,"callFrame":{"functionName":"a"}}]"#;
        let samples = vec!["2"; d.len()].join(",");
        let deltas: Vec<String> = d.iter().map(|x| x.to_string()).collect();
        let text = format!(r#"{{"nodes":{nodes},"samples":[{samples}],"timeDeltas":[{}]}}"#, deltas.join(","));
        parse(text.as_bytes(), Options::default()).unwrap().interval
    }

    #[test]
    fn a_function_whose_line_moved_is_one_row() {
        let d = diff(&cpu(40, 10, 0, 10), &cpu(10, 10, 0, 14), &DiffOptions::default());
        let hots: Vec<_> = d.functions.iter().filter(|f| f.name == "hot").collect();
        assert_eq!(hots.len(), 1);
        assert_eq!((hots[0].line, hots[0].before.self_value, hots[0].after.self_value), (15, 4000.0, 1000.0));
    }

    #[test]
    fn mismatched_inputs_are_refused_with_a_code() {
        let dir = std::env::temp_dir().join(format!("rsheapdump-diff-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let c = write("a.cpuprofile", r#"{"nodes":[{"id":1,"callFrame":{"functionName":"(root)"}}],"startTime":0,"endTime":1,"samples":[],"timeDeltas":[]}"#);
        let h = write("a.heapprofile", r#"{"head":{"callFrame":{"functionName":"(root)"},"selfSize":0,"id":1,"children":[]},"samples":[]}"#);
        let s = write("a.heapsnapshot", r#"{"snapshot":{"meta":{}},"nodes":[],"edges":[],"strings":[]}"#);
        let pr = Progress::none();
        let o = DiffOptions::default();
        assert_eq!(diff_files(&c, &h, &o, &pr).unwrap_err().kind, ErrorKind::MismatchedInputs);
        let e = diff_files(&c, &s, &o, &pr).unwrap_err();
        assert_eq!(e.kind, ErrorKind::MismatchedInputs);
        assert!(e.message.contains("a.heapsnapshot is a heap snapshot"), "{}", e.message);
        assert_eq!(diff_files(&s, &s, &o, &pr).unwrap_err().kind, ErrorKind::NotAProfile);
        assert!(diff_files(&c, &c, &o, &pr).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
