//! Reads a `.heapsnapshot` (one JSON object) into a [`Graph`] in one streaming pass: the small
//! `snapshot` header through serde_json, the big `nodes`/`edges` arrays straight into columns,
//! `strings` into an arena, `locations` when the header declares them; every other key skipped.

use super::graph::{Graph, Kinds, Location, Locations};
use super::input::Input;
use super::json::{self, expect, show, HINT_NOT_SNAPSHOT, HINT_TRUNCATED};
use super::meta::{EdgeField, Meta, NodeField, MAX_FIELDS};
use super::strings::Strings;
use crate::error::Result;

/// Hint for input that has the shape of a CPU or sampling heap profile.
const HINT_PROFILE: &str = "This looks like a CPU or heap profile (.cpuprofile/.heapprofile), not a heap snapshot";

/// The node columns while they are being filled.
#[derive(Default)]
struct Nodes {
    ty: Vec<u8>,
    name: Vec<u32>,
    id: Vec<u32>,
    id_hi: Vec<u32>,
    self_size: Vec<u32>,
    detachedness: Vec<u8>,
    first_edge: Vec<u32>,
}

/// The edge columns while they are being filled.
#[derive(Default)]
struct Edges {
    ty: Vec<u8>,
    name: Vec<u32>,
    to: Vec<u32>,
}

/// The top-level members read so far.
#[derive(Default)]
struct Members {
    meta: Option<Meta>,
    nodes: Option<Nodes>,
    edges: Option<Edges>,
    /// The string table and the offset just after it.
    strings: Option<(Strings, u64)>,
    /// `(node ordinal, location)` records.
    located: Vec<(u64, Location)>,
}

/// Parses a whole snapshot from `inp`.
pub fn parse(inp: &mut Input<'_>) -> Result<Graph> {
    match inp.skip_ws()? {
        None => return Err(inp.error("the file is empty", "Expected a heap snapshot (.heapsnapshot JSON)")),
        Some(b'{') => inp.bump(),
        Some(b) => return Err(inp.error(format!("expected '{{' but found {}", show(b)), HINT_NOT_SNAPSHOT)),
    }
    if inp.skip_ws()? == Some(b'}') {
        return Err(inp.error("the JSON object is empty", HINT_NOT_SNAPSHOT));
    }
    let mut m = Members::default();
    read_members(inp, &mut m, Mode::Whole)?;
    if let Some(b) = inp.skip_ws()? {
        return Err(inp.error(format!("unexpected {} after the end of the snapshot", show(b)), HINT_NOT_SNAPSHOT));
    }
    let end = inp.offset();
    let meta = m.meta.ok_or_else(|| inp.error_at(end, "no 'snapshot' header", HINT_NOT_SNAPSHOT))?;
    let nodes = m.nodes.ok_or_else(|| inp.error_at(end, "no 'nodes' array", HINT_NOT_SNAPSHOT))?;
    let edges = m.edges.ok_or_else(|| inp.error_at(end, "no 'edges' array", HINT_NOT_SNAPSHOT))?;
    let (strings, strings_end) = m.strings.ok_or_else(|| inp.error_at(end, "no 'strings' array", HINT_NOT_SNAPSHOT))?;
    let t = std::time::Instant::now();
    let r = assemble(inp, meta, nodes, edges, strings, strings_end, m.located);
    super::trace("  checks", t);
    r
}

/// How [`read_members`] reads.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// The whole object, with the edges read ahead (plain files) and the members after them
    /// read while that runs.
    Whole,
    /// Only the members after the edges, for [`read_tail`]: meeting the header, nodes or
    /// edges there is an error (the caller then reads sequentially).
    Tail,
}

/// Reads `"key": value` members up to and including the object's closing brace; `inp` is at
/// the first key (or whitespace before it).
fn read_members(inp: &mut Input<'_>, st: &mut Members, mode: Mode) -> Result<()> {
    let mut key = Vec::new();
    // The edges array, read ahead by a second thread while this one reads the nodes.
    let mut ahead = AheadGuard::default();
    loop {
        let key_at = read_key(inp, &mut key)?;
        let value_at = inp.offset();
        let peek = inp.skip_ws()?;
        if mode == Mode::Tail && matches!(key.as_slice(), b"snapshot" | b"nodes" | b"edges") {
            return Err(inp.error_at(key_at, "not a member after the edges", HINT_NOT_SNAPSHOT));
        }
        match key.as_slice() {
            b"snapshot" => st.meta = Some(read_header(inp, value_at)?),
            b"nodes" => read_nodes_member(inp, st, &mut ahead, peek, value_at)?,
            b"edges" => match read_edges_member(inp, st, &mut ahead, peek, key_at, value_at)? {
                AfterEdges::Done => return Ok(()),
                AfterEdges::AtNextKey => continue,
                AfterEdges::AtSeparator => {}
            },
            b"strings" => read_strings_member(inp, st, peek, value_at)?,
            b"locations" => match st.meta.as_ref().and_then(|m| Some((m, m.location_fields?))) {
                Some((m, fields)) => {
                    require_array(inp, peek, "locations")?;
                    read_locations(inp, m, fields, &mut st.located)?;
                }
                None => json::skip_value(inp, None, 0)?,
            },
            _ => json::skip_value(inp, None, 0)?,
        }
        if object_ends(inp)? {
            return Ok(());
        }
    }
}

/// Reads `"key":` into `key`; returns the key's offset.
fn read_key(inp: &mut Input<'_>, key: &mut Vec<u8>) -> Result<u64> {
    match inp.skip_ws()? {
        Some(b'"') => {}
        Some(b) => return Err(inp.error(format!("expected a key but found {}", show(b)), HINT_NOT_SNAPSHOT)),
        None => return Err(inp.error("unexpected end of input, expected a key", HINT_TRUNCATED)),
    }
    let key_at = inp.offset();
    key.clear();
    json::read_string(inp, key)?;
    expect(inp, b':', "':'")?;
    Ok(key_at)
}

/// After a member: `,` (false: another member follows) or the object's `}` (true).
fn object_ends(inp: &mut Input<'_>) -> Result<bool> {
    match inp.skip_ws()? {
        Some(b',') => {
            inp.bump();
            Ok(false)
        }
        Some(b'}') => {
            inp.bump();
            Ok(true)
        }
        Some(b) => Err(inp.error(format!("expected ',' or '}}' but found {}", show(b)), HINT_NOT_SNAPSHOT)),
        None => Err(inp.error("unexpected end of input, expected ',' or '}'", HINT_TRUNCATED)),
    }
}

/// The small `snapshot` header, through serde_json (it is a few kilobytes).
fn read_header(inp: &mut Input<'_>, value_at: u64) -> Result<Meta> {
    let mut raw = Vec::new();
    json::skip_value(inp, Some(&mut raw), 64 << 20)?;
    let v: serde_json::Value =
        serde_json::from_slice(&raw).map_err(|e| inp.error_at(value_at, format!("invalid 'snapshot' header ({e})"), HINT_NOT_SNAPSHOT))?;
    Meta::from_value(&v).map_err(|e| inp.error_at(value_at, e, HINT_NOT_SNAPSHOT))
}

/// The `nodes` array; in a plain file, first starts the second thread reading the edges ahead.
fn read_nodes_member(inp: &mut Input<'_>, st: &mut Members, ahead: &mut AheadGuard, peek: Option<u8>, value_at: u64) -> Result<()> {
    let m = match &st.meta {
        Some(m) => m,
        None => {
            let hint = if peek == Some(b'[') { HINT_PROFILE } else { HINT_NOT_SNAPSHOT };
            return Err(inp.error_at(value_at, "'nodes' comes before the 'snapshot' header", hint));
        }
    };
    if st.nodes.is_some() {
        return Err(inp.error_at(value_at, "'nodes' appears twice", HINT_NOT_SNAPSHOT));
    }
    require_array(inp, peek, "nodes")?;
    if let Some(path) = inp.plain_file() {
        ahead.handle = spawn_ahead(path, inp.offset(), m, ahead.cancel.clone());
    }
    let t = std::time::Instant::now();
    st.nodes = Some(read_nodes(inp, m)?);
    super::trace("  nodes", t);
    Ok(())
}

/// Where [`read_edges_member`] leaves the input.
enum AfterEdges {
    /// Past the object's closing brace: the members after the edges were read ahead too.
    Done,
    /// At the next member's key (its comma consumed).
    AtNextKey,
    /// Just after the edges array, before its `,` or `}`.
    AtSeparator,
}

/// The `edges` array: the second thread's result when it read exactly this array, and the
/// members after it when they were read from where they really are.
fn read_edges_member(inp: &mut Input<'_>, st: &mut Members, ahead: &mut AheadGuard, peek: Option<u8>, key_at: u64, value_at: u64) -> Result<AfterEdges> {
    let (m, ns) = match (&st.meta, &st.nodes) {
        (Some(m), Some(n)) => (m, n),
        _ => return Err(inp.error_at(value_at, "'edges' comes before 'snapshot' and 'nodes'", HINT_NOT_SNAPSHOT)),
    };
    if st.edges.is_some() {
        return Err(inp.error_at(value_at, "'edges' appears twice", HINT_NOT_SNAPSHOT));
    }
    require_array(inp, peek, "edges")?;
    // While the second thread finishes the edges, this one reads what follows them.
    let tail = match (&ahead.handle, inp.plain_file()) {
        (Some(_), Some(path)) => {
            let t = std::time::Instant::now();
            let tail = read_tail(path, m, inp.offset(), expected_edges(ns));
            super::trace("  after edges", t);
            tail
        }
        _ => None,
    };
    // The second thread's result is used only when it read exactly this array with the real node
    // count; otherwise (or on any error there) it is read here, which also gives the error
    // messages and offsets of a sequential parse.
    let t = std::time::Instant::now();
    let early = ahead.handle.take().and_then(|h| h.join().ok().flatten());
    super::trace("  edges (wait)", t);
    let edges = match early {
        Some(a) if a.key_at == key_at && a.node_count == ns.ty.len() as u64 && inp.jump_to(a.end)? => a.edges,
        _ => read_edges(inp, m, ns.ty.len() as u64, expected_edges(ns))?,
    };
    check_edge_total(inp, &edges, ns)?;
    st.edges = Some(edges);
    let Some(t) = tail else { return Ok(AfterEdges::AtSeparator) };
    let Some(next_at) = after_comma(inp)? else { return Ok(AfterEdges::AtSeparator) };
    // (A table met twice is left to the sequential read to report.)
    let twice = st.strings.is_some() && t.members.strings.is_some();
    if next_at == t.key_at && !twice && inp.jump_to(t.end)? {
        if t.members.strings.is_some() {
            st.strings = t.members.strings;
        }
        st.located.extend(t.members.located);
        return Ok(AfterEdges::Done);
    }
    Ok(AfterEdges::AtNextKey)
}

/// The `strings` table, into an arena; remembers the offset after it for error messages.
fn read_strings_member(inp: &mut Input<'_>, st: &mut Members, peek: Option<u8>, value_at: u64) -> Result<()> {
    if st.strings.is_some() {
        return Err(inp.error_at(value_at, "'strings' appears twice", HINT_NOT_SNAPSHOT));
    }
    require_array(inp, peek, "strings")?;
    let mut s = Strings::new();
    json::read_string_array(inp, "strings", |b| {
        s.push_bytes(b);
    })?;
    st.strings = Some((s, inp.offset()));
    Ok(())
}

/// The members after the edges array, read from a second position in the file.
struct Tail {
    /// Offset of the first key after the edges.
    key_at: u64,
    /// Offset just after the object's closing brace.
    end: u64,
    members: Members,
}

/// Reads the members after the edges array of a plain file, whose `[` is at `array_at`,
/// without reading the array: `edge_count` edges of three fields take at least 6 bytes each
/// less one, and the array holds no `"`, so the first `"` from there on opens the next key.
/// `None` on anything unexpected: the caller then reads on sequentially.
fn read_tail(path: &std::path::Path, m: &Meta, array_at: u64, edge_count: usize) -> Option<Tail> {
    let min_len = (edge_count as u64).checked_mul(2 * m.edge_fields.len() as u64)?.saturating_sub(1);
    let mut inp = Input::open_at(path, array_at.checked_add(min_len)?).ok()?;
    if !find_quote(&mut inp) {
        return None;
    }
    let key_at = inp.offset();
    let mut members = Members { meta: Some(m.clone()), ..Members::default() };
    read_members(&mut inp, &mut members, Mode::Tail).ok()?;
    members.meta = None;
    Some(Tail { key_at, end: inp.offset(), members })
}

/// Moves `inp` to the next `"`; false when there is none.
fn find_quote(inp: &mut Input<'_>) -> bool {
    loop {
        match inp.fill() {
            Ok(true) => {}
            _ => return false,
        }
        let rest = &inp.buf[inp.pos..];
        // SAFETY: memchr reads `rest.len()` bytes from `rest`, which are all initialized.
        let hit = unsafe { libc::memchr(rest.as_ptr().cast(), b'"' as i32, rest.len()) };
        if hit.is_null() {
            inp.pos += rest.len();
        } else {
            inp.pos += hit as usize - rest.as_ptr() as usize;
            return true;
        }
    }
}

/// After a member's value: when a `,` follows, consumes it and the whitespace after it and
/// returns the offset reached; otherwise consumes only whitespace.
fn after_comma(inp: &mut Input<'_>) -> Result<Option<u64>> {
    if inp.skip_ws()? != Some(b',') {
        return Ok(None);
    }
    inp.bump();
    inp.skip_ws()?;
    Ok(Some(inp.offset()))
}

fn require_array(inp: &Input<'_>, peek: Option<u8>, what: &str) -> Result<()> {
    match peek {
        Some(b'[') => Ok(()),
        Some(b) => Err(inp.error(format!("'{what}' must be an array but starts with {}", show(b)), HINT_NOT_SNAPSHOT)),
        None => Err(inp.error(format!("unexpected end of input before '{what}'"), HINT_TRUNCATED)),
    }
}

fn read_nodes(inp: &mut Input<'_>, m: &Meta) -> Result<Nodes> {
    let nfc = m.node_fields.len();
    // The declared count is only a hint: a bogus header must not reserve gigabytes.
    let cap = m.node_count.min(inp.max_numbers() / nfc as u64) as usize;
    let has_det = m.node_fields.contains(&NodeField::Detachedness);
    let mut n = Nodes {
        ty: Vec::with_capacity(cap),
        name: Vec::with_capacity(cap),
        id: Vec::with_capacity(cap),
        id_hi: Vec::new(),
        self_size: Vec::with_capacity(cap),
        detachedness: if has_det { Vec::with_capacity(cap) } else { Vec::new() },
        first_edge: Vec::with_capacity(cap + 1),
    };
    for c in [&mut n.name, &mut n.id, &mut n.self_size, &mut n.first_edge] {
        super::mem::prefault(c);
    }
    super::mem::prefault(&mut n.ty);
    super::mem::prefault(&mut n.detachedness);
    n.first_edge.push(0);
    let types = m.node_types.len() as u64;
    let at = |f: NodeField| m.node_fields.iter().position(|&x| x == f).unwrap_or(0);
    let (o_type, o_name, o_id, o_size, o_edges) =
        (at(NodeField::Type), at(NodeField::Name), at(NodeField::Id), at(NodeField::SelfSize), at(NodeField::EdgeCount));
    let o_det = m.node_fields.iter().position(|&x| x == NodeField::Detachedness).filter(|&o| o < MAX_FIELDS);
    // Each record is stored column by column with fixed offsets: cheaper than dispatching on
    // the field of every number.
    let mut edge_sum: u64 = 0;
    let count = json::read_uint_records(inp, "nodes", nfc, |rec| {
        let t = rec[o_type];
        if t >= types {
            return Err(("node type index out of range", HINT_NOT_SNAPSHOT));
        }
        n.ty.push(t as u8);
        n.name.push(u32::try_from(rec[o_name]).map_err(|_| ("node name index out of range", HINT_NOT_SNAPSHOT))?);
        let id = rec[o_id];
        if id > u32::MAX as u64 && n.id_hi.is_empty() {
            n.id_hi = vec![0; n.id.len()];
        }
        if !n.id_hi.is_empty() {
            n.id_hi.push((id >> 32) as u32);
        }
        n.id.push(id as u32);
        // Truncated to 32 bits exactly as DevTools' Uint32Array does.
        n.self_size.push(rec[o_size] as u32);
        edge_sum += rec[o_edges];
        if edge_sum > u32::MAX as u64 {
            return Err(("more than 2^32 edges", "Snapshots this large are not supported"));
        }
        n.first_edge.push(edge_sum as u32);
        if let Some(o) = o_det {
            // DevTools keeps the low two bits (the DOM link state).
            n.detachedness.push((rec[o] & 3) as u8);
        }
        Ok(())
    })?;
    if count % nfc as u64 != 0 {
        return Err(inp.error(format!("'nodes' has {count} numbers, not a multiple of {nfc} node fields"), HINT_TRUNCATED));
    }
    if n.ty.len() >= u32::MAX as usize - 2 {
        return Err(inp.error("more than 2^32 nodes", "Snapshots this large are not supported"));
    }
    Ok(n)
}

/// Reads the `locations` array as `(node ordinal, location)` records; records that do not name
/// a node's first field are dropped, as DevTools never looks them up. The node count may not be
/// known yet, so the caller drops ordinals beyond it.
fn read_locations(inp: &mut Input<'_>, m: &Meta, [oi, si, li, ci, count]: [usize; 5], out: &mut Vec<(u64, Location)>) -> Result<()> {
    if count == 0 || oi.max(si).max(li).max(ci) >= MAX_FIELDS {
        return json::skip_value(inp, None, 0);
    }
    let nfc = m.node_fields.len() as u64;
    json::read_uint_records(inp, "locations", count, |rec| {
        let (ordinal, rest) = div_fields(rec[oi], nfc);
        if rest == 0 {
            out.push((ordinal, Location { script_id: rec[si], line: rec[li], column: rec[ci] }));
        }
        Ok(())
    })?;
    Ok(())
}

fn expected_edges(nodes: &Nodes) -> usize {
    *nodes.first_edge.last().unwrap_or(&0) as usize
}

/// The edge count must be what the nodes' edge counts add up to.
fn check_edge_total(inp: &Input<'_>, e: &Edges, nodes: &Nodes) -> Result<()> {
    let expected = expected_edges(nodes);
    if e.ty.len() != expected {
        return Err(inp.error(format!("'edges' holds {} edges but the nodes' edge counts add up to {expected}", e.ty.len()), HINT_TRUNCATED));
    }
    Ok(())
}

/// The edges array as read ahead by a second thread.
struct Ahead {
    /// Offset of the `"edges"` key it read.
    key_at: u64,
    /// Offset just after the array.
    end: u64,
    /// The node count the targets were checked against.
    node_count: u64,
    edges: Edges,
}

/// The second thread, stopped and joined when the parse ends early (an error in the nodes).
#[derive(Default)]
struct AheadGuard {
    handle: Option<std::thread::JoinHandle<Option<Ahead>>>,
    cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for AheadGuard {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            let _ = h.join();
        }
    }
}

/// Starts reading the edges array of a plain file on a second thread while this one reads the
/// nodes (`nodes_at` is the offset of the nodes array's `[`). Nodes and edges are about the
/// same amount of numbers, so this halves the parse on two cores.
///
/// Where the edges start is found without reading the nodes: with the declared node count,
/// the nodes array is at least two bytes per number long and holds no `"`, so the first `"`
/// from that point on is the key after it. That is only a guess; the caller uses the result
/// only when the key it meets after the nodes is at the same offset.
fn spawn_ahead(
    path: &std::path::Path,
    nodes_at: u64,
    m: &Meta,
    cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Option<std::thread::JoinHandle<Option<Ahead>>> {
    let numbers = m.node_count.checked_mul(m.node_fields.len() as u64)?;
    // Small files are not worth a thread.
    if numbers < 1 << 16 {
        return None;
    }
    let from = nodes_at.checked_add(numbers.checked_mul(2)?)?;
    let path = path.to_owned();
    let m = m.clone();
    let node_count = m.node_count;
    std::thread::Builder::new()
        .name("rsheapdump-edges".into())
        .spawn(move || {
            let mut inp = Input::open_at_cancellable(&path, from, Some(cancel)).ok()?;
            if !find_quote(&mut inp) {
                return None;
            }
            let key_at = inp.offset();
            let mut key = Vec::new();
            json::read_string(&mut inp, &mut key).ok()?;
            if key != b"edges" {
                return None;
            }
            expect(&mut inp, b':', "':'").ok()?;
            if inp.skip_ws().ok()? != Some(b'[') {
                return None;
            }
            let hint = m.edge_count.min(u32::MAX as u64) as usize;
            let t = std::time::Instant::now();
            let edges = read_edges(&mut inp, &m, node_count, hint).ok()?;
            super::trace("  edges (thread)", t);
            Some(Ahead { key_at, end: inp.offset(), node_count, edges })
        })
        .ok()
}

/// Reads the edges array, checking targets against `node_count`; `expected` (the sum of the
/// nodes' edge counts, or a declared count) only sizes the columns: the caller checks the
/// total with [`check_edge_total`].
fn read_edges(inp: &mut Input<'_>, m: &Meta, node_count: u64, expected: usize) -> Result<Edges> {
    let efc = m.edge_fields.len();
    let nfc = m.node_fields.len() as u64;
    // The nodes' edge counts are only a hint until the edges are read: bound the reservation.
    let cap = (expected as u64).min(inp.max_numbers() / efc as u64) as usize;
    let mut e = Edges { ty: Vec::with_capacity(cap), name: Vec::with_capacity(cap), to: Vec::with_capacity(cap) };
    super::mem::prefault(&mut e.ty);
    super::mem::prefault(&mut e.name);
    super::mem::prefault(&mut e.to);
    let types = m.edge_types.len() as u64;
    let at = |f: EdgeField| m.edge_fields.iter().position(|&x| x == f).unwrap_or(0);
    let (o_type, o_name, o_to) = (at(EdgeField::Type), at(EdgeField::Name), at(EdgeField::To));
    let count = json::read_uint_records(inp, "edges", efc, |rec| {
        let t = rec[o_type];
        if t >= types {
            return Err(("edge type index out of range", HINT_NOT_SNAPSHOT));
        }
        e.ty.push(t as u8);
        e.name.push(u32::try_from(rec[o_name]).map_err(|_| ("edge name or index out of range", HINT_NOT_SNAPSHOT))?);
        let to = rec[o_to];
        let (ordinal, rest) = div_fields(to, nfc);
        if rest != 0 || ordinal >= node_count {
            return Err(("edge points outside the node array", HINT_NOT_SNAPSHOT));
        }
        e.to.push(ordinal as u32);
        Ok(())
    })?;
    if count % efc as u64 != 0 {
        return Err(inp.error(format!("'edges' has {count} numbers, not a multiple of {efc} edge fields"), HINT_TRUNCATED));
    }
    Ok(e)
}

/// `(x / n, x % n)` for a node field count: V8's 7 and 6 get a constant divisor (a multiply,
/// not a division instruction, on the hottest path of the parse).
#[inline(always)]
fn div_fields(x: u64, n: u64) -> (u64, u64) {
    match n {
        7 => (x / 7, x % 7),
        6 => (x / 6, x % 6),
        _ => (x / n, x % n),
    }
}

fn assemble(inp: &Input<'_>, meta: Meta, nodes: Nodes, edges: Edges, strings: Strings, strings_end: u64, located: Vec<(u64, Location)>) -> Result<Graph> {
    let n = nodes.ty.len();
    if n == 0 {
        return Err(inp.error_at(strings_end, "the snapshot has no nodes", HINT_NOT_SNAPSHOT));
    }
    let nfc = meta.node_fields.len() as u64;
    if !meta.root_index.is_multiple_of(nfc) || meta.root_index / nfc >= n as u64 {
        return Err(inp.error_at(0, "'snapshot.root_index' does not name a node", HINT_NOT_SNAPSHOT));
    }
    // Names are string indexes; the string table comes last in the file, so check them now.
    let sc = strings.len() as u64;
    if let Some(i) = nodes.name.iter().position(|&s| s as u64 >= sc) {
        return Err(inp.error_at(strings_end, format!("node {i} names string {} but there are {sc} strings", nodes.name[i]), HINT_TRUNCATED));
    }
    let kinds = Kinds::from_names(&meta.node_types, &meta.edge_types);
    for (i, (&t, &s)) in edges.ty.iter().zip(&edges.name).enumerate() {
        if t != kinds.e_element && t != kinds.e_hidden && s as u64 >= sc {
            return Err(inp.error_at(strings_end, format!("edge {i} names string {s} but there are {sc} strings"), HINT_TRUNCATED));
        }
    }
    // DevTools keeps the last location given for a node (a Map keyed by index).
    let locations = Locations::from_records(located.into_iter().filter(|&(o, _)| o < n as u64).map(|(o, l)| (o as u32, l)).collect());

    Ok(Graph {
        strings,
        kinds,
        node_type_names: meta.node_types,
        edge_type_names: meta.edge_types,
        node_type: nodes.ty,
        node_name: nodes.name,
        node_id: nodes.id,
        node_id_hi: nodes.id_hi,
        node_self: nodes.self_size,
        node_detachedness: nodes.detachedness,
        first_edge: nodes.first_edge,
        edge_type: edges.ty,
        edge_name: edges.name,
        edge_to: edges.to,
        root: (meta.root_index / nfc) as u32,
        locations,
        extra_native_bytes: meta.extra_native_bytes,
    })
}
