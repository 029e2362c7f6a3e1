//! Collapsed stacks ("folded" format of flamegraph.pl, inferno and speedscope): one line per
//! unique stack, frames root→leaf joined by `;`, a space, the weight.
//!
//! A `;` or `\` inside a frame is escaped with a backslash and a newline is written `\n`, so every
//! line splits back into the same frames ([`parse_text`] undoes it).

use std::collections::HashMap;

use super::model::Profile;
use crate::error::{Error, Result};

/// The largest weight, and sum of weights, a folded file may have: 2^53 (see
/// `parse::MAX_EXACT`).
const MAX_WEIGHT: u64 = 1 << 53;

/// What a stack's weight counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weight {
    /// Number of samples (CPU samples or heap allocation samples).
    #[default]
    Samples,
    /// The profile's value unit: microseconds (CPU) or bytes (heap), rounded per stack.
    Value,
}

/// Unique stacks over a table of frame labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Folded {
    /// Frame texts; stacks refer to them by index.
    pub labels: Vec<String>,
    /// Stacks sorted by their frames' texts, each with a non-zero weight.
    pub stacks: Vec<Stack>,
}

/// One unique stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// Indices into [`Folded::labels`], root first.
    pub frames: Vec<u32>,
    /// Samples, µs or bytes.
    pub weight: u64,
}

impl Folded {
    /// Sum of all weights. Both builders keep it within 2^53 ([`parse_text`] refuses more, and
    /// [`fold`] reads profiles whose values the parser bounds the same way); saturating so that
    /// even a hand-built `Folded` cannot overflow.
    pub fn total(&self) -> u64 {
        self.stacks.iter().fold(0u64, |t, s| t.saturating_add(s.weight))
    }

    fn sort(&mut self) {
        let labels = &self.labels;
        self.stacks.sort_by(|a, b| {
            for (x, y) in a.frames.iter().zip(&b.frames) {
                let o = labels[*x as usize].cmp(&labels[*y as usize]);
                if o.is_ne() {
                    return o;
                }
            }
            a.frames.len().cmp(&b.frames.len())
        });
    }
}

/// Collapses a profile's tree into unique stacks; `(root)` is left out of every stack.
pub fn fold(p: &Profile, weight: Weight) -> Folded {
    let labels: Vec<String> = p.frames.iter().map(|f| f.label()).collect();
    // A trie of frame paths: nodes with the same path (V8 can split one function into sibling
    // nodes) share one stack. Entry 0 is the empty stack.
    let mut trie_parent: Vec<u32> = vec![u32::MAX];
    let mut trie_frame: Vec<u32> = vec![u32::MAX];
    let mut index: HashMap<(u32, u32), u32> = HashMap::new();
    let mut node_stack: Vec<u32> = vec![0; p.nodes.len()];
    let mut acc: Vec<f64> = vec![0.0];
    let mut intern = |parent: u32, frame: u32, trie_parent: &mut Vec<u32>, trie_frame: &mut Vec<u32>, acc: &mut Vec<f64>| -> u32 {
        *index.entry((parent, frame)).or_insert_with(|| {
            trie_parent.push(parent);
            trie_frame.push(frame);
            acc.push(0.0);
            (trie_parent.len() - 1) as u32
        })
    };
    for (i, n) in p.nodes.iter().enumerate() {
        let s = if i == 0 { 0 } else { intern(node_stack[n.parent as usize], n.frame, &mut trie_parent, &mut trie_frame, &mut acc) };
        node_stack[i] = s;
        let w = match weight {
            Weight::Samples => n.count as f64,
            Weight::Value => n.value,
        };
        if w > 0.0 {
            // Samples on the root itself would have an empty stack; keep them, as `(root)`, so
            // that the weights still add up to the sample count.
            let s = if s == 0 { intern(0, n.frame, &mut trie_parent, &mut trie_frame, &mut acc) } else { s };
            acc[s as usize] += w;
        }
    }
    let mut out = Folded { labels, stacks: Vec::new() };
    for (s, &w) in acc.iter().enumerate() {
        let w = w.round();
        if s == 0 || w < 1.0 {
            continue;
        }
        let mut frames = Vec::new();
        let mut t = s as u32;
        while t != 0 {
            frames.push(trie_frame[t as usize]);
            t = trie_parent[t as usize];
        }
        frames.reverse();
        out.stacks.push(Stack { frames, weight: w as u64 });
    }
    out.sort();
    out
}

/// Escapes a frame for the folded format.
pub fn escape(label: &str, out: &mut String) {
    for c in label.chars() {
        match c {
            ';' => out.push_str("\\;"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
}

/// The folded text: one `frame;frame;frame weight` line per stack.
pub fn to_text(f: &Folded) -> String {
    let mut out = String::new();
    for s in &f.stacks {
        for (k, &fr) in s.frames.iter().enumerate() {
            if k > 0 {
                out.push(';');
            }
            escape(&f.labels[fr as usize], &mut out);
        }
        out.push(' ');
        out.push_str(&s.weight.to_string());
        out.push('\n');
    }
    out
}

/// Reads folded text (ours or another tool's) back into stacks; equal stacks are merged.
pub fn parse_text(text: &str) -> Result<Folded> {
    let mut labels: Vec<String> = Vec::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut merged: HashMap<Vec<u32>, u64> = HashMap::new();
    let mut offset = 0u64;
    let mut total = 0u64;
    for line in text.split('\n') {
        let at = offset;
        offset += line.len() as u64 + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let Some((stack, count)) = line.rsplit_once(' ') else {
            return Err(Error::parse(at, "a folded line has no weight", "each line is 'frame;frame;... <count>'"));
        };
        // Whole numbers are read exactly; other tools may write fractional weights, which are
        // rounded to whole units.
        let count = count.trim();
        let weight = match count.parse::<u64>() {
            Ok(v) => v,
            Err(_) => match count.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => v.round().min(u64::MAX as f64) as u64,
                _ => return Err(Error::parse(at, format!("'{count}' is not a weight"), "each line is 'frame;frame;... <count>'")),
            },
        };
        // Every weight, and so every sum, stays within 2^53: exact in f64 and in JavaScript,
        // and no u64 sum (totals, flame graph offsets) can overflow.
        if weight > MAX_WEIGHT {
            return Err(Error::parse(at, format!("the weight {count} is beyond 2^53"), "no profile has that many samples, µs or bytes; the file is damaged"));
        }
        total += weight;
        if total > MAX_WEIGHT {
            return Err(Error::parse(at, "the weights add up to more than 2^53 here", "no profile has that many samples, µs or bytes; the file is damaged"));
        }
        let mut frames = Vec::new();
        let mut cur = String::new();
        let mut chars = stack.chars();
        loop {
            let c = chars.next();
            match c {
                Some('\\') => match chars.next() {
                    Some('n') => cur.push('\n'),
                    Some('r') => cur.push('\r'),
                    Some(o) => cur.push(o),
                    None => cur.push('\\'),
                },
                Some(';') | None => {
                    let id = match ids.get(&cur) {
                        Some(&id) => id,
                        None => {
                            labels.push(cur.clone());
                            ids.insert(cur.clone(), (labels.len() - 1) as u32);
                            (labels.len() - 1) as u32
                        }
                    };
                    frames.push(id);
                    cur.clear();
                    if c.is_none() {
                        break;
                    }
                }
                Some(o) => cur.push(o),
            }
        }
        *merged.entry(frames).or_insert(0) += weight;
    }
    let mut out = Folded { labels, stacks: merged.into_iter().filter(|(_, w)| *w > 0).map(|(frames, weight)| Stack { frames, weight }).collect() };
    out.sort();
    Ok(out)
}
