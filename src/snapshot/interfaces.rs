//! Interface-named classes for plain objects (`{a, b}`), DevTools' `inferInterfaceDefinitions`
//! and `applyInterfaceDefinitions`: property lists common enough (≥ 2 objects and ≥ 1/1000 of
//! all plain objects) become class names, and every plain `Object` takes the best-matching one.
//!
//! String comparisons and lengths follow JavaScript (UTF-16 code units), since the names and the
//! ordering must come out as DevTools computes them.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::bits::Bits;
use super::fxhash::FxBuild;
use super::graph::Graph;
use super::strings::Added;

/// Longest interface name DevTools builds (it may be exceeded by the first property alone).
const MAX_INTERFACE_NAME_LENGTH: usize = 120;
/// Every interface must match at least this many objects...
const MIN_OBJECT_COUNT_PER_INTERFACE: f64 = 2.0;
/// ...and at least one in this many plain objects.
const MIN_OBJECT_PROPORTION_PER_INTERFACE: f64 = 1000.0;

/// JavaScript's default string order (by UTF-16 code units).
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// DevTools' `formatPropertyName`: names with `,'"{}` are shown JSON-quoted.
pub fn format_property_name(name: &str) -> String {
    if !name.contains([',', '\'', '"', '{', '}']) {
        return name.to_owned();
    }
    // JSON.stringify's escaping of a string.
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One inferred interface: its name and its properties (string indexes, in object order).
#[derive(Debug, Clone)]
pub struct Interface {
    /// `{a, b}`
    pub name: String,
    /// Property name string indexes.
    pub properties: Vec<u32>,
}

/// String indexes whose text is `Object` (usually one), so the per-node test compares integers.
fn object_names(g: &Graph) -> Bits {
    let mut b = Bits::new(g.strings.len());
    for i in 0..g.strings.len() {
        if g.strings.get(i as u32) == "Object" {
            b.set(i);
        }
    }
    b
}

fn is_plain_object(g: &Graph, names: &Bits, o: u32) -> bool {
    g.node_type[o as usize] == g.kinds.object && names.get(g.node_name[o as usize] as usize)
}

/// Infers the interface definitions, most popular first.
pub fn infer(g: &Graph) -> Vec<Interface> {
    let k = g.kinds;
    let object = object_names(g);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut candidates: Vec<(Interface, u64)> = Vec::new();
    let mut total: u64 = 0;
    let mut name = String::new();
    for o in 0..g.node_count() as u32 {
        if !is_plain_object(g, &object, o) {
            continue;
        }
        total += 1;
        name.clear();
        name.push('{');
        let mut name_len = 1usize;
        let mut props = Vec::new();
        for e in g.edges(o) {
            if g.edge_type[e] != k.e_property {
                continue;
            }
            let edge_name = g.strings.get(g.edge_name[e]);
            if edge_name == "__proto__" {
                continue;
            }
            let formatted = format_property_name(edge_name);
            let flen = utf16_len(&formatted);
            if name_len > 1 && name_len + flen > MAX_INTERFACE_NAME_LENGTH {
                break;
            }
            if name_len != 1 {
                name.push_str(", ");
                name_len += 2;
            }
            name.push_str(&formatted);
            name_len += flen;
            props.push(g.edge_name[e]);
        }
        if props.is_empty() {
            continue;
        }
        name.push('}');
        match index.get(name.as_str()) {
            Some(&i) => candidates[i].1 += 1,
            None => {
                index.insert(name.clone(), candidates.len());
                candidates.push((Interface { name: name.clone(), properties: props }, 1));
            }
        }
    }
    // Stable, like JavaScript's sort: ties keep first-seen order.
    candidates.sort_by_key(|c| std::cmp::Reverse(c.1));
    let min = MIN_OBJECT_COUNT_PER_INTERFACE.max(total as f64 / MIN_OBJECT_PROPORTION_PER_INTERFACE);
    candidates.into_iter().take_while(|(_, c)| *c as f64 >= min).map(|(i, _)| i).collect()
}

/// A node of the property tree: transitions by property rank, and the interface ending here.
struct TreeNode {
    next: HashMap<u32, usize, FxBuild>,
    /// (property count, definition index), the matching rule's ordering keys.
    info: Option<(usize, usize)>,
    greatest: Option<u32>,
}

/// Picks the better of two matches: more properties, then the earlier definition.
fn better(a: (usize, usize), b: (usize, usize)) -> (usize, usize) {
    if a.0 > b.0 {
        a
    } else if b.0 > a.0 {
        b
    } else if a.1 <= b.1 {
        a
    } else {
        b
    }
}

/// Re-classes plain objects by the interfaces; may append interface names to `g.strings`.
pub fn apply(g: &mut Graph, defs: &[Interface], class: &mut [u32]) {
    let mut added = Added::after(&g.strings);
    apply_into(g, defs, class, &mut added);
    added.append_to(&mut g.strings);
}

/// Re-classes plain objects, collecting interface names in `added` (the graph stays shared).
pub fn apply_into(g: &Graph, defs: &[Interface], class: &mut [u32], added: &mut Added) {
    if defs.is_empty() {
        return;
    }
    let k = g.kinds;
    let object = object_names(g);
    // Rank property names by JavaScript string order, so sorting and `>=` work on integers.
    let mut used: Vec<u32> = Vec::new();
    let mut seen = vec![false; g.strings.len()];
    for o in 0..g.node_count() as u32 {
        if !is_plain_object(g, &object, o) {
            continue;
        }
        for e in g.edges(o) {
            if g.edge_type[e] == k.e_property {
                let s = g.edge_name[e] as usize;
                if !seen[s] {
                    seen[s] = true;
                    used.push(s as u32);
                }
            }
        }
    }
    drop(seen);
    used.sort_by(|&a, &b| cmp_utf16(g.strings.get(a), g.strings.get(b)));
    let mut rank_of: HashMap<u32, u32, FxBuild> = HashMap::with_capacity_and_hasher(used.len(), FxBuild::default());
    let mut rank = 0u32;
    for (i, &s) in used.iter().enumerate() {
        if i > 0 && g.strings.get(used[i - 1]) != g.strings.get(s) {
            rank += 1;
        }
        rank_of.insert(s, rank);
    }

    let mut tree = vec![TreeNode { next: HashMap::default(), info: None, greatest: None }];
    for (di, def) in defs.iter().enumerate() {
        let mut props: Vec<u32> = def.properties.iter().filter_map(|s| rank_of.get(s).copied()).collect();
        props.sort_unstable();
        let mut cur = 0usize;
        for &p in &props {
            cur = match tree[cur].next.get(&p) {
                Some(&nx) => nx,
                None => {
                    let nx = tree.len();
                    tree.push(TreeNode { next: HashMap::default(), info: None, greatest: None });
                    tree[cur].next.insert(p, nx);
                    if tree[cur].greatest.is_none_or(|gr| gr < p) {
                        tree[cur].greatest = Some(p);
                    }
                    nx
                }
            };
        }
        if tree[cur].info.is_none() {
            tree[cur].info = Some((props.len(), di));
        }
    }

    let mut class_of_def: Vec<Option<u32>> = vec![None; defs.len()];
    let mut props: Vec<u32> = Vec::new();
    let mut states: Vec<usize> = Vec::new();
    let mut snapshot: Vec<usize> = Vec::new();
    for o in 0..g.node_count() as u32 {
        if !is_plain_object(g, &object, o) {
            continue;
        }
        props.clear();
        for e in g.edges(o) {
            if g.edge_type[e] == k.e_property {
                props.push(rank_of.get(&g.edge_name[e]).copied().unwrap_or(u32::MAX));
            }
        }
        props.sort_unstable();
        states.clear();
        states.push(0);
        // (0, usize::MAX) is DevTools' fallback match 'Object' (0 properties, index Infinity).
        let mut best = (0usize, usize::MAX);
        if let Some(i) = tree[0].info {
            best = better(best, i);
        }
        for &p in &props {
            snapshot.clear();
            snapshot.extend_from_slice(&states);
            for &s in &snapshot {
                if tree[s].greatest.is_none_or(|gr| p >= gr) {
                    states.retain(|&x| x != s);
                }
                if let Some(&nx) = tree[s].next.get(&p) {
                    if !states.contains(&nx) {
                        states.push(nx);
                    }
                    if let Some(i) = tree[nx].info {
                        best = better(best, i);
                    }
                }
            }
        }
        if best.1 == usize::MAX {
            class[o as usize] = g.node_name[o as usize];
        } else {
            let di = best.1;
            let idx = match class_of_def[di] {
                Some(i) => i,
                None => {
                    let i = added.push(&defs[di].name);
                    class_of_def[di] = Some(i);
                    i
                }
            };
            class[o as usize] = idx;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_names_are_quoted_like_devtools() {
        assert_eq!(format_property_name("abc"), "abc");
        assert_eq!(format_property_name("a,b"), "\"a,b\"");
        assert_eq!(format_property_name("say \"hi\"\n{"), "\"say \\\"hi\\\"\\n{\"");
    }

    #[test]
    fn utf16_order() {
        // U+FF5E sorts after U+1F600 by code point but before it in UTF-16 (surrogates D83D..).
        assert_eq!(cmp_utf16("\u{FF5E}", "\u{1F600}"), Ordering::Greater);
        assert_eq!(cmp_utf16("a", "b"), Ordering::Less);
    }
}
