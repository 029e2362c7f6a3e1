//! Reads a profile file: gzip or plain (by magic bytes, not by name), `.cpuprofile` or
//! `.heapprofile` (by content), into a [`Profile`].

use std::cell::Cell;
use std::io::{BufRead, Read};
use std::path::Path;
use std::rc::Rc;

use super::format::{bounded_number, invalid, MAX_EXACT};
use super::json::Reader;
use super::model::{FrameTable, Profile, Timing};
use super::{cpu, heap};
use crate::cancel::Cancel;
use crate::error::{Error, ErrorKind, Result};

/// Options for reading a profile.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// How CPU self time is computed; ignored for heap profiles.
    pub timing: Timing,
}

/// Fails unless the profile's values add up to at most [`MAX_EXACT`] (µs or bytes).
fn check_total(p: Profile) -> Result<Profile> {
    let total = p.total_value();
    if total > MAX_EXACT {
        let unit = match p.kind {
            super::model::Kind::Cpu => "µs of CPU time",
            super::model::Kind::Heap => "bytes",
        };
        return Err(invalid(None, format!("the profile's values add up to {total} {unit}, beyond 2^53: the file is damaged")));
    }
    Ok(p)
}

/// Reads and parses the profile at `path`.
#[cfg(test)]
pub fn read_file(path: &Path, opts: Options) -> Result<Profile> {
    let bytes = read_input(path)?;
    parse(&bytes, opts).map_err(|e| e.with_path(path))
}

/// Reads a file, gunzipping it when it starts with the gzip magic (see [`read_input_with`]).
#[cfg(test)]
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    read_input_with(path, &|_| {}, &Cancel::new())
}

/// Bytes read per step: progress is reported and `cancel` checked after each.
const STEP: u64 = 1 << 20;

/// Counts the file bytes that pass through, so progress is in file bytes even for gzip.
struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Reads a file, gunzipping it when it starts with the gzip magic, in 1 MiB steps: `progress`
/// gets the fraction of the file read after each, and a set `cancel` stops it with `ABORT_ERR`.
/// Stops after the first 4 KiB when they show a heap snapshot: those are often gigabytes, and
/// reading one whole only to reject it would take minutes.
pub fn read_input_with(path: &Path, progress: &dyn Fn(f64), cancel: &Cancel) -> Result<Vec<u8>> {
    cancel.check()?;
    let file = std::fs::File::open(path).map_err(|e| Error::io(&e, "open", path))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let count = Rc::new(Cell::new(0u64));
    let mut file = std::io::BufReader::with_capacity(1 << 16, Counting { inner: file, count: count.clone() });
    let gz = file.fill_buf().map_err(|e| Error::io(&e, "read", path))?.starts_with(&[0x1f, 0x8b]);
    let mut input: Box<dyn Read> = if gz { Box::new(flate2::bufread::MultiGzDecoder::new(file)) } else { Box::new(file) };
    let mut out = Vec::new();
    let fail = |e: std::io::Error, at: usize| -> Error {
        if gz && e.raw_os_error().is_none() {
            Error::parse(at as u64, format!("gzip data is damaged ({e}) after this many decompressed bytes"), "the .gz file is truncated or corrupt")
                .with_path(path)
        } else {
            Error::io(&e, "read", path)
        }
    };
    (&mut input).take(4096).read_to_end(&mut out).map_err(|e| fail(e, out.len()))?;
    if is_snapshot_start(&out) {
        return Err(snapshot_error(0).with_path(path));
    }
    loop {
        let n = (&mut input).take(STEP).read_to_end(&mut out).map_err(|e| fail(e, out.len()))?;
        cancel.check()?;
        if n == 0 {
            break;
        }
        if size > 0 {
            progress((count.get() as f64 / size as f64).min(1.0));
        }
    }
    progress(1.0);
    Ok(out)
}

/// Whether the file (plain or gzip) is a heap snapshot, from its first 4 KiB.
pub fn is_snapshot_file(path: &Path) -> Result<bool> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(&e, "open", path))?;
    let mut file = std::io::BufReader::new(file);
    let gz = file.fill_buf().map_err(|e| Error::io(&e, "read", path))?.starts_with(&[0x1f, 0x8b]);
    let input: Box<dyn Read> = if gz { Box::new(flate2::bufread::MultiGzDecoder::new(file)) } else { Box::new(file) };
    let mut head = Vec::new();
    // A damaged gzip stream is the reader's to report, with its offset: here it is just not a snapshot.
    let _ = input.take(4096).read_to_end(&mut head);
    Ok(is_snapshot_start(&head))
}

fn is_snapshot_start(head: &[u8]) -> bool {
    let mut r = Reader::new(head);
    r.begin_object().is_ok() && matches!(r.next_key(true), Ok(Some(k)) if k == "snapshot")
}

/// Parses a profile from JSON text (already decompressed).
pub fn parse(bytes: &[u8], opts: Options) -> Result<Profile> {
    let mut r = Reader::new(bytes);
    if !r.at_object() {
        return Err(Error::parse(0, "not a JSON object", "a .cpuprofile or .heapprofile is one JSON object"));
    }
    r.begin_object()?;
    let mut frames = FrameTable::default();
    let mut cpu_nodes: Option<Vec<cpu::RawNode>> = None;
    let mut head: Option<Vec<super::model::Node>> = None;
    let mut id_samples: Option<(Vec<i64>, u64)> = None;
    let mut heap_samples: Option<Vec<heap::Sample>> = None;
    let mut deltas: Option<(Vec<i64>, u64)> = None;
    let (mut start, mut end) = (None, None);
    let mut first = true;
    while let Some(key) = r.next_key(first)? {
        first = false;
        let at = r.offset();
        match &*key {
            "snapshot" | "strings" | "edges" => return Err(snapshot_error(at)),
            "nodes" => {
                if looks_like_numbers(&mut r) {
                    return Err(snapshot_error(at));
                }
                cpu_nodes = Some(cpu::read_nodes(&mut r, &mut frames)?);
            }
            "head" => head = Some(heap::read_head(&mut r, &mut frames)?),
            "samples" => {
                if looks_like_numbers(&mut r) || looks_empty(&mut r) {
                    id_samples = Some((int_array(&mut r)?, at));
                } else {
                    heap_samples = Some(heap::read_samples(&mut r)?);
                }
            }
            "timeDeltas" => deltas = Some((int_array(&mut r)?, at)),
            "startTime" => start = Some(bounded_number(&mut r, "startTime")?),
            "endTime" => end = Some(bounded_number(&mut r, "endTime")?),
            _ => r.skip_value()?,
        }
    }
    r.end()?;
    if let Some(nodes) = cpu_nodes {
        let samples = match (id_samples, heap_samples) {
            (Some(s), _) => Some(s),
            (None, Some(h)) if h.is_empty() => None,
            (None, Some(_)) => return Err(invalid(None, "a .cpuprofile's samples must be node ids, found objects")),
            (None, None) => None,
        };
        return cpu::build(nodes, samples, deltas, start, end, frames.into_frames(), opts.timing).and_then(check_total);
    }
    if let Some(nodes) = head {
        let samples = match (heap_samples, id_samples) {
            (Some(s), _) => s,
            (None, Some((ids, _))) if ids.is_empty() => Vec::new(),
            (None, Some(_)) => {
                return Err(invalid(
                    None,
                    "a 'head' tree with numeric samples is the legacy CPU profile format (before Chrome 53), which is not supported; record a new profile",
                ))
            }
            (None, None) => Vec::new(),
        };
        return heap::build(nodes, samples, frames.into_frames()).and_then(check_total);
    }
    Err(Error::new(ErrorKind::NotAProfile, "not a profile: the JSON has neither 'nodes' (a .cpuprofile) nor 'head' (a .heapprofile)"))
}

fn snapshot_error(at: u64) -> Error {
    let mut e = Error::new(
        ErrorKind::NotAProfile,
        "this is a heap snapshot, not a profile; analyze it with 'rsheapdump summary' / analyzeSnapshot(), or give a .cpuprofile or .heapprofile",
    );
    e.offset = Some(at);
    e
}

/// Whether the array that follows starts with a number (heap snapshots have flat integer arrays).
fn looks_like_numbers(r: &mut Reader<'_>) -> bool {
    let mut probe = Reader::new(r.rest());
    probe.begin_array().is_ok() && probe.next_element(true).unwrap_or(false) && probe.number().is_ok()
}

fn looks_empty(r: &mut Reader<'_>) -> bool {
    let mut probe = Reader::new(r.rest());
    probe.begin_array().is_ok() && matches!(probe.next_element(true), Ok(false))
}

fn int_array(r: &mut Reader<'_>) -> Result<Vec<i64>> {
    r.begin_array()?;
    let mut v = Vec::new();
    let mut first = true;
    while r.next_element(first)? {
        first = false;
        v.push(r.integer()?);
    }
    Ok(v)
}
