//! `.heapprofile` specifics: the nested `head` tree (one JSON level per stack frame, so it is
//! read with an explicit stack) and the `samples` list of allocations.

use std::collections::HashMap;

use super::format::{bounded_number, invalid, read_call_frame};
use super::json::Reader;
use super::model::{Frame, FrameTable, Kind, Node, Profile, NO_PARENT};
use crate::error::Result;

/// One sampled allocation: which node allocated it.
pub struct Sample {
    node_id: i64,
}

/// Reads the `samples` array of a heap profile (`{size, nodeId, ordinal}` objects).
pub fn read_samples(r: &mut Reader<'_>) -> Result<Vec<Sample>> {
    r.begin_array()?;
    let mut out = Vec::new();
    let mut first = true;
    while r.next_element(first)? {
        first = false;
        let offset = r.offset();
        r.begin_object()?;
        let mut node_id = None;
        let mut k_first = true;
        while let Some(k) = r.next_key(k_first)? {
            k_first = false;
            match &*k {
                "nodeId" => node_id = Some(r.integer()?),
                _ => r.skip_value()?,
            }
        }
        let Some(node_id) = node_id else { return Err(invalid(Some(offset), "a heap profile sample has no 'nodeId'")) };
        out.push(Sample { node_id });
    }
    Ok(out)
}

/// Reads the `head` tree into pre-order nodes without recursion: a node's index is taken when
/// its object opens, which is pre-order because JSON lists a node's children inside it.
pub fn read_head(r: &mut Reader<'_>, frames: &mut FrameTable) -> Result<Vec<Node>> {
    let unknown = Frame { name: String::new(), url: String::new(), line: -1, column: -1 };
    let mut nodes: Vec<Node> = Vec::new();
    // Open node objects: (node index, whether we are inside its `children` array).
    let mut open: Vec<(u32, bool)> = Vec::new();
    r.begin_object()?;
    nodes.push(Node { id: i64::MIN, frame: u32::MAX, parent: NO_PARENT, end: 1, count: 0, value: 0.0 });
    open.push((0, false));
    let mut first_key = true;
    while let Some(&(cur, in_children)) = open.last() {
        if in_children {
            // Between elements of `cur`'s children array.
            if r.next_element(first_key)? {
                r.begin_object()?;
                let idx = nodes.len() as u32;
                nodes.push(Node { id: i64::MIN, frame: u32::MAX, parent: cur, end: idx + 1, count: 0, value: 0.0 });
                open.push((idx, false));
                first_key = true;
            } else {
                open.last_mut().expect("open is non-empty here").1 = false;
                first_key = false;
            }
            continue;
        }
        let at = r.offset();
        match r.next_key(first_key)? {
            None => {
                let n = &mut nodes[cur as usize];
                if n.frame == u32::MAX {
                    n.frame = frames.intern(unknown.clone());
                }
                if n.id == i64::MIN {
                    return Err(invalid(Some(at), "a heap profile node has no 'id'"));
                }
                open.pop();
                // Back in the parent's children array, after an element.
                first_key = false;
            }
            Some(k) => {
                first_key = false;
                match &*k {
                    "callFrame" => {
                        let f = read_call_frame(r)?;
                        nodes[cur as usize].frame = frames.intern(f);
                    }
                    "selfSize" => nodes[cur as usize].value = bounded_number(r, "selfSize")?.max(0.0),
                    "id" => nodes[cur as usize].id = r.integer()?,
                    "children" => {
                        r.begin_array()?;
                        open.last_mut().expect("open is non-empty here").1 = true;
                        first_key = true;
                    }
                    _ => r.skip_value()?,
                }
            }
        }
    }
    super::cpu::set_subtree_ends(&mut nodes);
    Ok(nodes)
}

/// Attaches allocation sample counts to the tree read by [`read_head`].
pub fn build(mut nodes: Vec<Node>, samples: Vec<Sample>, frames: Vec<Frame>) -> Result<Profile> {
    let mut by_id: HashMap<i64, u32> = HashMap::with_capacity(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        if by_id.insert(n.id, i as u32).is_some() {
            return Err(invalid(None, format!("node id {} appears twice in the heap profile's tree", n.id)));
        }
    }
    // Unlike CPU profiles, real `.heapprofile` files name nodes that are not in the tree (Node
    // 20's `--heap-prof` does it for a few samples per file, measured): the tree's `selfSize` is
    // what DevTools shows, so such samples are left out of the counts instead of failing the file.
    for s in &samples {
        if let Some(&i) = by_id.get(&s.node_id) {
            nodes[i as usize].count += 1;
        }
    }
    Ok(Profile { kind: Kind::Heap, frames, nodes, start_time: 0.0, end_time: 0.0, interval: 0.0 })
}
