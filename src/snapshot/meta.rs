//! The `snapshot` header: field layouts and type names from `snapshot.meta`, never hard-coded,
//! since older V8 writes 6 node fields and newer 7, and type lists grow over time.

use serde_json::Value;

use super::json;

/// Fields of one node or edge record kept while parsing; `Meta` refuses layouts that put a
/// needed field beyond this (V8 writes 6 or 7 node fields and 3 edge fields).
pub const MAX_FIELDS: usize = json::MAX_RECORD;

/// What a node field position holds, for the parser's per-position dispatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeField {
    /// `type`
    Type,
    /// `name`
    Name,
    /// `id`
    Id,
    /// `self_size`
    SelfSize,
    /// `edge_count`
    EdgeCount,
    /// `detachedness`
    Detachedness,
    /// Anything else (`trace_node_id`, future fields): read and dropped.
    Other,
}

/// What an edge field position holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeField {
    /// `type`
    Type,
    /// `name_or_index`
    Name,
    /// `to_node`
    To,
    /// Anything else.
    Other,
}

/// The parts of the header the analyzer uses.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Role of each node field position.
    pub node_fields: Vec<NodeField>,
    /// Role of each edge field position.
    pub edge_fields: Vec<EdgeField>,
    /// Node type names.
    pub node_types: Vec<String>,
    /// Edge type names.
    pub edge_types: Vec<String>,
    /// `location_fields`: positions of object_index, script_id, line, column and the count.
    pub location_fields: Option<[usize; 5]>,
    /// Declared node count (a capacity hint only; the arrays are the truth).
    pub node_count: u64,
    /// Declared edge count (a capacity hint only).
    pub edge_count: u64,
    /// Field index of the root node.
    pub root_index: u64,
    /// Native bytes outside the graph.
    pub extra_native_bytes: f64,
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array()?.iter().map(|s| s.as_str().map(str::to_owned)).collect()
}

impl Meta {
    /// Reads the header object; the error names what is missing.
    pub fn from_value(v: &Value) -> Result<Meta, String> {
        let meta = v.get("meta").ok_or("the 'snapshot' header has no 'meta'")?;
        let node_names = strings(meta.get("node_fields")).ok_or("'meta.node_fields' is missing or not a list of strings")?;
        let edge_names = strings(meta.get("edge_fields")).ok_or("'meta.edge_fields' is missing or not a list of strings")?;
        let node_fields: Vec<NodeField> = node_names
            .iter()
            .map(|f| match f.as_str() {
                "type" => NodeField::Type,
                "name" => NodeField::Name,
                "id" => NodeField::Id,
                "self_size" => NodeField::SelfSize,
                "edge_count" => NodeField::EdgeCount,
                "detachedness" => NodeField::Detachedness,
                _ => NodeField::Other,
            })
            .collect();
        let edge_fields: Vec<EdgeField> = edge_names
            .iter()
            .map(|f| match f.as_str() {
                "type" => EdgeField::Type,
                "name_or_index" => EdgeField::Name,
                "to_node" => EdgeField::To,
                _ => EdgeField::Other,
            })
            .collect();
        for need in [NodeField::Type, NodeField::Name, NodeField::Id, NodeField::SelfSize, NodeField::EdgeCount] {
            if node_fields.iter().filter(|&&f| f == need).count() != 1 {
                return Err(format!("'meta.node_fields' must name {need:?} exactly once"));
            }
        }
        for need in [EdgeField::Type, EdgeField::Name, EdgeField::To] {
            if edge_fields.iter().filter(|&&f| f == need).count() != 1 {
                return Err(format!("'meta.edge_fields' must name {need:?} exactly once"));
            }
        }
        let limit = MAX_FIELDS;
        let late = |fields: &[String], names: &[&str]| fields.iter().enumerate().any(|(i, f)| i >= limit && names.contains(&f.as_str()));
        if late(&node_names, &["type", "name", "id", "self_size", "edge_count"]) || late(&edge_names, &["type", "name_or_index", "to_node"]) {
            return Err(format!("'meta' places a needed field after position {limit}"));
        }
        let type_pos = node_names.iter().position(|f| f == "type").unwrap_or(0);
        let node_types =
            strings(meta.get("node_types").and_then(|t| t.get(type_pos))).ok_or("'meta.node_types' has no list of type names for the 'type' field")?;
        let etype_pos = edge_names.iter().position(|f| f == "type").unwrap_or(0);
        let edge_types =
            strings(meta.get("edge_types").and_then(|t| t.get(etype_pos))).ok_or("'meta.edge_types' has no list of type names for the 'type' field")?;
        // Type indices are stored in a byte, with 255 reserved for "absent".
        if node_types.len() >= 250 || edge_types.len() >= 250 {
            return Err("too many node or edge types in 'meta'".into());
        }
        let location_fields = strings(meta.get("location_fields")).and_then(|l| {
            let p = |n: &str| l.iter().position(|f| f == n);
            Some([p("object_index")?, p("script_id")?, p("line")?, p("column")?, l.len()])
        });
        let num = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
        Ok(Meta {
            node_fields,
            edge_fields,
            node_types,
            edge_types,
            location_fields,
            node_count: num("node_count"),
            edge_count: num("edge_count"),
            root_index: num("root_index"),
            extra_native_bytes: v.get("extra_native_bytes").and_then(Value::as_f64).unwrap_or(0.0),
        })
    }
}
