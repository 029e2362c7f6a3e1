//! Class names per node, as DevTools assigns them (`calculateObjectNames`): `(system)` for hidden
//! nodes, `(compiled code)`, `Function` for closures, `RegExp`, the node's own name for objects
//! and native nodes (`<div id=x>` shortened to `<div>`), and `(<type>)` for everything else
//! (`(string)`, `(array)`, `(number)`, ...).
//!
//! Classes are string indexes, appended to the snapshot's table like DevTools does, because its
//! grouping is by index, not by text: two indexes with equal text are two classes there too.

use std::collections::HashMap;

use super::graph::Graph;
use super::strings::Added;

/// Assigns a class (a string index) to every node; may append names to `g.strings`.
pub fn class_names(g: &mut Graph) -> Vec<u32> {
    let mut added = Added::after(&g.strings);
    let class = class_names_into(g, &mut added);
    added.append_to(&mut g.strings);
    class
}

/// Assigns a class to every node, collecting new names in `added` (the graph stays shared).
pub fn class_names_into(g: &Graph, added: &mut Added) -> Vec<u32> {
    let k = g.kinds;
    let mut table: HashMap<String, u32> = HashMap::new();
    let mut index_for = |_: &Graph, s: &str| -> u32 {
        if let Some(&i) = table.get(s) {
            return i;
        }
        let i = added.push(s);
        table.insert(s.to_owned(), i);
        i
    };
    let hidden = index_for(g, "(system)");
    let code = index_for(g, "(compiled code)");
    let function = index_for(g, "Function");
    let regexp = index_for(g, "RegExp");
    // '(' + type + ')' per node type, computed once.
    let by_type: Vec<u32> = (0..g.node_type_names.len()).map(|t| index_for(g, &format!("({})", g.node_type_names[t]))).collect();

    let n = g.node_count();
    let mut class = super::mem::zeros::<u32>(n);
    for (o, slot) in class.iter_mut().enumerate() {
        let t = g.node_type[o];
        *slot = if t == k.hidden {
            hidden
        } else if t == k.object || t == k.native {
            let name_idx = g.node_name[o];
            let name = g.strings.get(name_idx);
            if name.starts_with('<') {
                let short = match name.find(' ') {
                    Some(sp) => format!("{}>", &name[..sp]),
                    None => name.to_owned(),
                };
                index_for(g, &short)
            } else if let Some(rest) = name.strip_prefix("Detached <") {
                let short = match rest.find(' ') {
                    Some(sp) => format!("Detached <{}>", &rest[..sp]),
                    None => name.to_owned(),
                };
                index_for(g, &short)
            } else {
                name_idx
            }
        } else if t == k.code {
            code
        } else if t == k.closure {
            function
        } else if t == k.regexp {
            regexp
        } else {
            by_type.get(t as usize).copied().unwrap_or(hidden)
        };
    }
    class
}
