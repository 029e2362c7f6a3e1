//! napi glue for `crate::profile`: `analyzeCpuProfile` / `analyzeHeapProfile`, `foldProfile` and
//! `flameGraph`, each off the event loop with progress and an `AbortSignal`, and a blocking twin.
//! Argument checks are in lib/profile-analysis.js.

use std::path::PathBuf;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::error::{check, to_js};
use super::task::{reporter, task_with, ProgressFn, Watch};
use crate::cancel::Cancel;
use crate::error::{Error as CoreError, ErrorKind};
use crate::profile::api::{self, Analysis, AnalyzeOptions, FlameOptions, Progress, WeightChoice};
use crate::profile::diff::{self, change_percent, DiffOptions, Normalize, ProfileDiff};
use crate::profile::{Kind, Timing};

/// Options of the profile functions; each function reads only the ones it needs.
#[napi(object)]
#[derive(Default)]
pub struct ProfileOptions {
    /// CPU self time: `'samples'` (DevTools' rule, default) or `'deltas'` (from timeDeltas).
    #[napi(ts_type = "'samples' | 'deltas'")]
    pub timing: Option<String>,
    /// Analyze: keep only the N hottest functions.
    pub limit: Option<u32>,
    /// Analyze: also return the top-down tree.
    pub tree: Option<bool>,
    /// Analyze, tree: leave out subtrees below this percentage of the total.
    pub min_percent: Option<f64>,
    /// Analyze, tree: deepest level returned (0 = the root's children).
    pub max_depth: Option<u32>,
    /// Fold/flame: `'samples'`, `'time'` (µs, CPU) or `'bytes'` (heap). Default: samples for CPU,
    /// bytes for heap profiles.
    #[napi(ts_type = "'samples' | 'time' | 'bytes'")]
    pub weight: Option<String>,
    /// Flame: title of the graph.
    pub title: Option<String>,
    /// Flame: width in pixels (default 1200).
    pub width: Option<u32>,
    /// Flame: a differential graph against this profile (the earlier one): boxes of the file,
    /// coloured by change (red grew, blue shrank).
    pub baseline: Option<String>,
    /// Flame, differential: swap the hues.
    pub negate: Option<bool>,
    /// Flame, differential: `'time'` (default) or `'share'`, as in `diffProfiles`.
    #[napi(ts_type = "'time' | 'share'")]
    pub normalize: Option<String>,
}

/// A function (bottom-up) or a call-tree node (top-down).
#[napi(object)]
pub struct ProfileRow {
    /// Function name, `(anonymous)` for unnamed functions.
    pub name: String,
    /// Script URL; empty for V8's pseudo-frames.
    pub url: String,
    /// 1-based line, 0 when unknown.
    pub line: f64,
    /// 1-based column, 0 when unknown.
    pub column: f64,
    /// `'js'`, or `'idle'`, `'program'`, `'gc'` for V8's pseudo-frames.
    #[napi(ts_type = "'js' | 'idle' | 'program' | 'gc' | 'root'")]
    pub category: String,
    /// Self value: microseconds (CPU) or bytes (heap).
    #[napi(js_name = "self")]
    pub self_value: f64,
    /// Total value (self plus callees, each sample counted once): µs or bytes.
    pub total: f64,
    /// Self value as a percentage of the profile's total.
    pub self_percent: f64,
    /// Total value as a percentage of the profile's total.
    pub total_percent: f64,
    /// Samples with this function (node) on top.
    pub self_count: f64,
    /// Samples with it anywhere on the stack (in the subtree).
    pub total_count: f64,
    /// Tree rows: depth below the root; 0 for function rows.
    pub depth: u32,
    /// Tree rows: index of the parent row in `tree`, -1 at the top; -1 for function rows.
    pub parent: f64,
}

/// What `analyzeCpuProfile` / `analyzeHeapProfile` resolve to.
#[napi(object)]
pub struct ProfileAnalysis {
    /// `'cpu'` or `'heap'`.
    #[napi(ts_type = "'cpu' | 'heap'")]
    pub kind: String,
    /// Unit of `self`/`total`: `'us'` (CPU) or `'bytes'` (heap).
    #[napi(ts_type = "'us' | 'bytes'")]
    pub unit: String,
    /// Number of samples.
    pub sample_count: f64,
    /// Sum of self values: the recording's duration in µs (CPU) or sampled bytes (heap).
    pub total: f64,
    /// CPU: recording start (µs, V8's clock); 0 for heap profiles.
    pub start_time: f64,
    /// CPU: recording end (µs); 0 for heap profiles.
    pub end_time: f64,
    /// Number of distinct functions (before `limit`).
    pub function_count: f64,
    /// Bottom-up: functions by self value, hottest first.
    pub functions: Vec<ProfileRow>,
    /// Top-down call tree, parents before children (empty unless `tree: true`).
    pub tree: Vec<ProfileRow>,
}

fn to_object(a: Analysis) -> ProfileAnalysis {
    let total = a.total;
    let pct = |v: f64| if total > 0.0 { v * 100.0 / total } else { 0.0 };
    let row = |r: api::Row| ProfileRow {
        self_percent: pct(r.self_value),
        total_percent: pct(r.total_value),
        name: r.name,
        url: r.url,
        line: r.line as f64,
        column: r.column as f64,
        category: r.category.to_owned(),
        self_value: r.self_value,
        total: r.total_value,
        self_count: r.self_count as f64,
        total_count: r.total_count as f64,
        depth: r.depth,
        parent: r.parent as f64,
    };
    ProfileAnalysis {
        kind: a.kind.name().to_owned(),
        unit: a.kind.unit().to_owned(),
        sample_count: a.sample_count as f64,
        total,
        start_time: a.start_time,
        end_time: a.end_time,
        function_count: a.function_count as f64,
        functions: a.functions.into_iter().map(row).collect(),
        tree: a.tree.into_iter().map(row).collect(),
    }
}

fn bad_value(name: &str, got: &str, allowed: &str) -> CoreError {
    CoreError::new(ErrorKind::InvalidValue, format!("The property 'options.{name}' must be one of: {allowed}. Received '{got}'"))
}

fn timing(o: &ProfileOptions) -> crate::error::Result<Timing> {
    match o.timing.as_deref() {
        None | Some("samples") => Ok(Timing::Samples),
        Some("deltas") => Ok(Timing::Deltas),
        Some(x) => Err(bad_value("timing", x, "'samples', 'deltas'")),
    }
}

fn weight(o: &ProfileOptions) -> crate::error::Result<WeightChoice> {
    match o.weight.as_deref() {
        None => Ok(WeightChoice::Default),
        Some("samples") => Ok(WeightChoice::Samples),
        Some("time") => Ok(WeightChoice::Time),
        Some("bytes") => Ok(WeightChoice::Bytes),
        Some(x) => Err(bad_value("weight", x, "'samples', 'time', 'bytes'")),
    }
}

fn analyze_options(o: &ProfileOptions, expect: Kind) -> crate::error::Result<AnalyzeOptions> {
    Ok(AnalyzeOptions {
        timing: timing(o)?,
        limit: o.limit.map(|n| n as usize),
        tree: o.tree.unwrap_or(false),
        min_percent: o.min_percent.filter(|p| p.is_finite()).unwrap_or(0.0),
        max_depth: o.max_depth.unwrap_or(u32::MAX),
        expect: Some(expect),
    })
}

fn flame_options(o: &ProfileOptions) -> crate::error::Result<FlameOptions> {
    Ok(FlameOptions { timing: timing(o)?, weight: weight(o)?, title: o.title.clone(), width: o.width })
}

/// The blocking callback type: `onProgress(label, fraction)` on the calling thread.
type SyncProgress<'a> = Option<Function<'a, FnArgs<(String, f64)>, ()>>;

/// Reads and analyzes a profile on the libuv thread pool.
pub struct AnalyzeTask {
    path: PathBuf,
    opts: AnalyzeOptions,
    watch: Watch,
}

#[napi]
impl Task for AnalyzeTask {
    type Output = crate::error::Result<Analysis>;
    type JsValue = ProfileAnalysis;

    fn compute(&mut self) -> Result<Self::Output> {
        let w = &self.watch;
        let report = |l: &str, f: f64| w.report(l, f);
        Ok(api::analyze_file(&self.path, &self.opts, &Progress::new(&report, &w.cancel)))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<ProfileAnalysis> {
        out.map(to_object).map_err(|e| to_js(&env, &e))
    }
}

fn analyze_task(
    env: &Env,
    path: String,
    options: Option<ProfileOptions>,
    on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
    kind: Kind,
) -> Result<AsyncTask<AnalyzeTask>> {
    let opts = check(env, analyze_options(&options.unwrap_or_default(), kind))?;
    let watch = Watch::new(on_progress, signal.as_ref());
    Ok(task_with(AnalyzeTask { path: PathBuf::from(path), opts, watch }, signal))
}

fn analyze_sync(env: &Env, path: String, options: Option<ProfileOptions>, on_progress: SyncProgress<'_>, kind: Kind) -> Result<ProfileAnalysis> {
    let opts = check(env, analyze_options(&options.unwrap_or_default(), kind))?;
    let report = reporter(&on_progress);
    check(env, api::analyze_file(path.as_ref(), &opts, &Progress::new(&report, &Cancel::new()))).map(to_object)
}

/// Analyzes a `.cpuprofile` (plain or gzip) off the event loop: bottom-up table, optional tree.
/// `onProgress(label, fraction)` is queued to the event loop as it goes; `signal` aborts it.
#[napi]
pub fn analyze_cpu_profile(
    env: Env,
    path: String,
    options: Option<ProfileOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<AnalyzeTask>> {
    analyze_task(&env, path, options, on_progress, signal, Kind::Cpu)
}

/// Same as `analyzeCpuProfile`, blocking; `onProgress(label, fraction)` is called on this thread.
#[napi]
pub fn analyze_cpu_profile_sync(
    env: Env,
    path: String,
    options: Option<ProfileOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: SyncProgress<'_>,
) -> Result<ProfileAnalysis> {
    analyze_sync(&env, path, options, on_progress, Kind::Cpu)
}

/// Analyzes a `.heapprofile` (plain or gzip) off the event loop: allocation sites by bytes.
#[napi]
pub fn analyze_heap_profile(
    env: Env,
    path: String,
    options: Option<ProfileOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<AnalyzeTask>> {
    analyze_task(&env, path, options, on_progress, signal, Kind::Heap)
}

/// Same as `analyzeHeapProfile`, blocking.
#[napi]
pub fn analyze_heap_profile_sync(
    env: Env,
    path: String,
    options: Option<ProfileOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: SyncProgress<'_>,
) -> Result<ProfileAnalysis> {
    analyze_sync(&env, path, options, on_progress, Kind::Heap)
}

/// Which text [`TextTask`] produces.
enum TextJob {
    Fold(Timing, WeightChoice),
    Flame(FlameOptions),
    /// A differential graph: against the baseline, with the normalization and `negate`.
    DiffFlame(FlameOptions, PathBuf, Normalize, bool),
}

/// Produces collapsed stacks or a flame graph on the libuv thread pool.
pub struct TextTask {
    path: PathBuf,
    job: TextJob,
    watch: Watch,
}

fn run_text(path: &std::path::Path, job: &TextJob, pr: &Progress<'_>) -> crate::error::Result<String> {
    match job {
        TextJob::Fold(t, w) => api::fold_file(path, *t, *w, pr).map(|(f, _, _)| crate::profile::fold::to_text(&f)),
        TextJob::Flame(o) => api::flame_file(path, o, pr),
        TextJob::DiffFlame(o, base, n, negate) => diff::flame_file(base, path, o, *n, *negate, pr),
    }
}

#[napi]
impl Task for TextTask {
    type Output = crate::error::Result<String>;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        let w = &self.watch;
        let report = |l: &str, f: f64| w.report(l, f);
        Ok(run_text(&self.path, &self.job, &Progress::new(&report, &w.cancel)))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<String> {
        out.map_err(|e| to_js(&env, &e))
    }
}

fn fold_job(env: &Env, options: Option<ProfileOptions>) -> Result<TextJob> {
    let o = options.unwrap_or_default();
    Ok(TextJob::Fold(check(env, timing(&o))?, check(env, weight(&o))?))
}

fn flame_job(env: &Env, options: Option<ProfileOptions>) -> Result<TextJob> {
    let o = options.unwrap_or_default();
    let fo = check(env, flame_options(&o))?;
    Ok(match &o.baseline {
        Some(b) => TextJob::DiffFlame(fo, PathBuf::from(b), check(env, normalize(o.normalize.as_deref()))?, o.negate.unwrap_or(false)),
        None => TextJob::Flame(fo),
    })
}

fn text_task(path: String, job: TextJob, on_progress: Option<ProgressFn>, signal: Option<AbortSignal>) -> AsyncTask<TextTask> {
    let watch = Watch::new(on_progress, signal.as_ref());
    task_with(TextTask { path: PathBuf::from(path), job, watch }, signal)
}

fn text_sync(env: &Env, path: String, job: TextJob, on_progress: SyncProgress<'_>) -> Result<String> {
    let report = reporter(&on_progress);
    check(env, run_text(path.as_ref(), &job, &Progress::new(&report, &Cancel::new())))
}

/// Collapsed stacks (`a;b;c 42` lines) of a `.cpuprofile` or `.heapprofile`, off the event loop.
#[napi]
pub fn fold_profile(
    env: Env,
    path: String,
    options: Option<ProfileOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<TextTask>> {
    Ok(text_task(path, fold_job(&env, options)?, on_progress, signal))
}

/// Same as `foldProfile`, blocking.
#[napi]
pub fn fold_profile_sync(
    env: Env,
    path: String,
    options: Option<ProfileOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: SyncProgress<'_>,
) -> Result<String> {
    let job = fold_job(&env, options)?;
    text_sync(&env, path, job, on_progress)
}

/// An interactive flame graph SVG of a profile or a collapsed-stacks file, off the event loop.
#[napi]
pub fn flame_graph(
    env: Env,
    path: String,
    options: Option<ProfileOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<TextTask>> {
    Ok(text_task(path, flame_job(&env, options)?, on_progress, signal))
}

/// Same as `flameGraph`, blocking.
#[napi]
pub fn flame_graph_sync(
    env: Env,
    path: String,
    options: Option<ProfileOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: SyncProgress<'_>,
) -> Result<String> {
    let job = flame_job(&env, options)?;
    text_sync(&env, path, job, on_progress)
}

/// Options of `diffProfiles`.
#[napi(object)]
#[derive(Default)]
pub struct DiffProfilesOptions {
    /// `'time'` (µs or bytes as recorded, default) or `'share'` (percent of each profile's total).
    pub normalize: Option<String>,
    /// List as regressions what grew by more than this percentage.
    pub fail_on_regression: Option<f64>,
    /// Functions below this percentage of the second profile's total are never regressions
    /// (default 1); nor is growth within 3 standard deviations of the sampling noise.
    pub noise_floor: Option<f64>,
}

/// A function (CPU) or allocation site (heap) in both profiles. Values are µs or bytes with
/// `normalize: 'time'`, percentages of each profile's total with `'share'`.
#[napi(object, js_name = "ProfileFunctionDiff")]
pub struct JsFunctionDiff {
    /// Function name, `(anonymous)` for unnamed functions.
    pub name: String,
    /// Script URL; empty for V8's pseudo-frames.
    pub url: String,
    /// 1-based line (the second profile's when both have the function), 0 when unknown.
    pub line: f64,
    /// 1-based column, 0 when unknown.
    pub column: f64,
    /// `'js'`, or `'idle'`, `'program'`, `'gc'` for V8's pseudo-frames.
    #[napi(ts_type = "'js' | 'idle' | 'program' | 'gc' | 'root'")]
    pub category: String,
    /// Self value in the first profile (0 when it does not have the function).
    pub before_self: f64,
    /// Self value in the second profile (0 when it does not have the function).
    pub after_self: f64,
    /// `afterSelf - beforeSelf`.
    pub self_delta: f64,
    /// The change of self value in percent of `beforeSelf`; absent when that is 0.
    pub self_change: Option<f64>,
    /// Total value (self plus callees) in the first profile.
    pub before_total: f64,
    /// Total value in the second profile.
    pub after_total: f64,
    /// `afterTotal - beforeTotal`.
    pub total_delta: f64,
    /// The change of total value in percent of `beforeTotal`; absent when that is 0.
    pub total_change: Option<f64>,
    /// Samples with the function on top in the first profile (CPU or allocation samples).
    pub before_count: f64,
    /// Samples with the function on top in the second profile.
    pub after_count: f64,
}

/// Something that grew beyond `failOnRegression`.
#[napi(object, js_name = "ProfileRegression")]
pub struct JsRegression {
    /// `'total CPU time (idle excluded)'`, `'total sampled bytes'`, or a function as
    /// `name url:line:column`.
    pub what: String,
    /// Before (normalized).
    pub before: f64,
    /// After (normalized).
    pub after: f64,
    /// Growth in percent of `before`; absent when `before` is 0.
    pub change: Option<f64>,
}

/// What `diffProfiles` resolves to.
#[napi(object, js_name = "ProfileDiff")]
pub struct JsProfileDiff {
    /// `'cpu'` or `'heap'`.
    #[napi(ts_type = "'cpu' | 'heap'")]
    pub kind: String,
    /// `'time'` or `'share'`.
    #[napi(ts_type = "'time' | 'share'")]
    pub normalize: String,
    /// Unit of the values: `'us'` or `'bytes'` with `'time'`, `'percent'` with `'share'`.
    #[napi(ts_type = "'us' | 'bytes' | 'percent'")]
    pub unit: String,
    /// The first profile's total, idle excluded (normalized).
    pub before_total: f64,
    /// The second profile's total, idle excluded (normalized).
    pub after_total: f64,
    /// `afterTotal - beforeTotal`.
    pub total_delta: f64,
    /// The change of the total in percent of `beforeTotal`; absent when that is 0.
    pub total_change: Option<f64>,
    /// Samples in the first profile.
    pub before_sample_count: f64,
    /// Samples in the second profile.
    pub after_sample_count: f64,
    /// CPU: the first profile's sampling interval in µs (the lower quartile of its `timeDeltas`;
    /// 0 when it has none). CPU time is samples × interval: time the thread was descheduled does not
    /// count.
    pub before_interval: f64,
    /// CPU: the second profile's sampling interval in µs.
    pub after_interval: f64,
    /// Every function of either profile, largest change of self value first.
    pub functions: Vec<JsFunctionDiff>,
    /// With `failOnRegression`: what grew by more than that, largest growth first (the total
    /// first when it grew); empty otherwise.
    pub regressions: Vec<JsRegression>,
}

fn diff_object(d: ProfileDiff) -> JsProfileDiff {
    let unit = match d.normalize {
        Normalize::Share => "percent",
        Normalize::Time => d.kind.unit(),
    };
    JsProfileDiff {
        kind: d.kind.name().to_owned(),
        normalize: d.normalize.name().to_owned(),
        unit: unit.to_owned(),
        before_total: d.before_total,
        after_total: d.after_total,
        total_delta: d.after_total - d.before_total,
        total_change: change_percent(d.before_total, d.after_total),
        before_sample_count: d.before_samples as f64,
        after_sample_count: d.after_samples as f64,
        before_interval: d.before_interval,
        after_interval: d.after_interval,
        functions: d
            .functions
            .into_iter()
            .map(|f| JsFunctionDiff {
                self_delta: f.self_delta(),
                total_delta: f.total_delta(),
                self_change: change_percent(f.before.self_value, f.after.self_value),
                total_change: change_percent(f.before.total_value, f.after.total_value),
                before_count: f.before.self_count as f64,
                after_count: f.after.self_count as f64,
                before_self: f.before.self_value,
                after_self: f.after.self_value,
                before_total: f.before.total_value,
                after_total: f.after.total_value,
                name: f.name,
                url: f.url,
                line: f.line as f64,
                column: f.column as f64,
                category: f.category.to_owned(),
            })
            .collect(),
        regressions: d
            .regressions
            .into_iter()
            .map(|r| JsRegression { change: change_percent(r.before, r.after), what: r.what, before: r.before, after: r.after })
            .collect(),
    }
}

fn normalize(v: Option<&str>) -> crate::error::Result<Normalize> {
    match v {
        None | Some("time") => Ok(Normalize::Time),
        Some("share") => Ok(Normalize::Share),
        Some(x) => Err(bad_value("normalize", x, "'time', 'share'")),
    }
}

fn diff_options(o: &DiffProfilesOptions) -> crate::error::Result<DiffOptions> {
    let normalize = normalize(o.normalize.as_deref())?;
    Ok(DiffOptions { normalize, fail_on_regression: o.fail_on_regression, noise_floor: o.noise_floor.unwrap_or(1.0) })
}

/// `diffProfiles` on the libuv thread pool.
pub struct DiffTask {
    before: PathBuf,
    after: PathBuf,
    opts: DiffOptions,
    watch: Watch,
}

#[napi]
impl Task for DiffTask {
    type Output = crate::error::Result<ProfileDiff>;
    type JsValue = JsProfileDiff;

    fn compute(&mut self) -> Result<Self::Output> {
        let w = &self.watch;
        let report = |l: &str, f: f64| w.report(l, f);
        Ok(diff::diff_files(&self.before, &self.after, &self.opts, &Progress::new(&report, &w.cancel)))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<JsProfileDiff> {
        out.map(diff_object).map_err(|e| to_js(&env, &e))
    }
}

/// Compares two profiles of one kind per function, off the event loop.
#[napi]
pub fn diff_profiles(
    env: Env,
    before: String,
    after: String,
    options: Option<DiffProfilesOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: Option<ProgressFn>,
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<DiffTask>> {
    let opts = check(&env, diff_options(&options.unwrap_or_default()))?;
    let watch = Watch::new(on_progress, signal.as_ref());
    Ok(task_with(DiffTask { before: before.into(), after: after.into(), opts, watch }, signal))
}

/// Same as `diffProfiles`, blocking.
#[napi]
pub fn diff_profiles_sync(
    env: Env,
    before: String,
    after: String,
    options: Option<DiffProfilesOptions>,
    #[napi(ts_arg_type = "(label: string, fraction: number) => void")] on_progress: SyncProgress<'_>,
) -> Result<JsProfileDiff> {
    let opts = check(&env, diff_options(&options.unwrap_or_default()))?;
    let report = reporter(&on_progress);
    check(&env, diff::diff_files(before.as_ref(), after.as_ref(), &opts, &Progress::new(&report, &Cancel::new()))).map(diff_object)
}

/// Whether a file (plain or gzip) is a heap snapshot, from its first 4 KiB: how the CLI's `diff`
/// tells snapshots from profiles.
#[napi]
pub fn is_heap_snapshot(env: Env, path: String) -> Result<bool> {
    check(&env, crate::profile::parse::is_snapshot_file(path.as_ref()))
}
