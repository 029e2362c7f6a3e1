//! DevTools' shallow-size transfer (`calculateShallowSizes`): `hidden` and `array` nodes (and
//! `system / ExternalStringData`) owned by exactly one other object give their size to it, so an
//! object's shallow size includes its private backing stores, as the Memory panel shows.

use super::bits::Bits;
use super::flags::has_user_roots;
use super::graph::Graph;

const UNVISITED: u32 = u32::MAX;
const MULTIPLE: u32 = u32::MAX - 1;

/// Returns the shallow sizes after the transfer (the file's sizes when there are no user roots).
pub fn transferred_sizes(g: &Graph) -> Vec<u32> {
    let mut sizes = g.node_self.clone();
    if !has_user_roots(g) {
        return sizes;
    }
    let k = g.kinds;
    let n = g.node_count();
    let mut owners = super::mem::zeros::<u32>(n);
    let mut worklist: Vec<u32> = Vec::new();
    // Nodes that can be owned, one bit each (fits in cache): every other node owns itself for
    // good, so its owner entry never needs a (random) read.
    let mut ownable = Bits::new(n);
    for (i, owner) in owners.iter_mut().enumerate() {
        let t = g.node_type[i];
        if t == k.hidden || t == k.array || (t == k.native && g.name(i as u32) == "system / ExternalStringData") {
            *owner = UNVISITED;
            ownable.set(i);
        } else {
            *owner = i as u32;
            worklist.push(i as u32);
        }
    }
    while let Some(id) = worklist.pop() {
        let owner = owners[id as usize];
        for e in g.edges(id) {
            if g.edge_type[e] == k.e_weak {
                continue;
            }
            let target = g.edge_to[e];
            if !ownable.get(target as usize) {
                continue;
            }
            let cur = owners[target as usize];
            if cur == UNVISITED {
                owners[target as usize] = owner;
                worklist.push(target);
            } else if cur == target || cur == owner || cur == MULTIPLE {
                // Owned by itself, already by this owner, or already shared: nothing changes.
            } else {
                owners[target as usize] = MULTIPLE;
                worklist.push(target);
            }
        }
    }
    for i in 0..n {
        let o = owners[i];
        if o == UNVISITED || o == MULTIPLE || o == i as u32 {
            continue;
        }
        // Giving size to synthetic nodes or the root would help nobody.
        if g.node_type[o as usize] == k.synthetic || o == g.root {
            continue;
        }
        let s = sizes[i];
        sizes[i] = 0;
        // Wrapping, like DevTools' Uint32Array.
        sizes[o as usize] = sizes[o as usize].wrapping_add(s);
    }
    sizes
}
