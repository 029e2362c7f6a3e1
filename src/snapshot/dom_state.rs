//! DevTools' `propagateDOMState`: embedder (native) nodes with a known attached/detached state
//! pass it on to the native nodes they reach; detached ones are renamed `Detached <name>`, which
//! changes their class. Only snapshots with a `detachedness` node field take part.

use std::collections::HashMap;

use super::graph::Graph;

const ATTACHED: u8 = 1;
const DETACHED: u8 = 2;

/// Propagates the DOM state and renames detached native nodes in place.
pub fn propagate(g: &mut Graph) {
    if g.node_detachedness.len() != g.node_count() {
        return;
    }
    let k = g.kinds;
    let n = g.node_count();
    let mut visited = vec![false; n];
    let mut attached: Vec<u32> = Vec::new();
    let mut detached: Vec<u32> = Vec::new();
    let mut renamed: HashMap<u32, u32> = HashMap::new();

    // Sets `state` on native node `o` (once) and queues it; non-native nodes stop propagation.
    let process =
        |g: &mut Graph, o: u32, state: u8, visited: &mut Vec<bool>, attached: &mut Vec<u32>, detached: &mut Vec<u32>, renamed: &mut HashMap<u32, u32>| {
            if visited[o as usize] {
                return;
            }
            if g.node_type[o as usize] != k.native {
                visited[o as usize] = true;
                return;
            }
            g.node_detachedness[o as usize] = state;
            if state == ATTACHED {
                attached.push(o);
            } else if state == DETACHED {
                let old = g.node_name[o as usize];
                let new = match renamed.get(&old) {
                    Some(&s) => s,
                    None => {
                        let s = g.strings.push(&format!("Detached {}", g.strings.get(old)));
                        renamed.insert(old, s);
                        s
                    }
                };
                g.node_name[o as usize] = new;
                detached.push(o);
            }
            visited[o as usize] = true;
        };
    for o in 0..n as u32 {
        let s = g.node_detachedness[o as usize];
        if s != 0 {
            process(g, o, s, &mut visited, &mut attached, &mut detached, &mut renamed);
        }
    }
    let children = |g: &Graph, o: u32| -> Vec<u32> {
        g.edges(o)
            .filter(|&e| {
                let t = g.edge_type[e];
                t != k.e_hidden && t != k.e_invisible && t != k.e_weak
            })
            .map(|e| g.edge_to[e])
            .collect()
    };
    while let Some(o) = attached.pop() {
        for c in children(g, o) {
            process(g, c, ATTACHED, &mut visited, &mut attached, &mut detached, &mut renamed);
        }
    }
    while let Some(o) = detached.pop() {
        if g.node_detachedness[o as usize] == ATTACHED {
            continue;
        }
        for c in children(g, o) {
            process(g, c, DETACHED, &mut visited, &mut attached, &mut detached, &mut renamed);
        }
    }
}
