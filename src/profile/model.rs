//! The in-memory profile every later stage reads: one call tree, nodes in pre-order.
//!
//! Both `.cpuprofile` and `.heapprofile` become this one shape, so the tables, the collapsed
//! stacks and the flame graph are written once. Nodes are stored in pre-order with the end of
//! each subtree, which lets every pass walk the tree with plain loops (profiles can be far deeper
//! than the thread's stack allows recursion).

use std::collections::HashMap;

/// Which profiler wrote the file; decides the unit of [`Node::value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A `.cpuprofile`: values are microseconds.
    Cpu,
    /// A `.heapprofile`: values are bytes.
    Heap,
}

impl Kind {
    /// The name used in JSON output and messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Cpu => "cpu",
            Kind::Heap => "heap",
        }
    }

    /// The unit of node values.
    pub fn unit(self) -> &'static str {
        match self {
            Kind::Cpu => "us",
            Kind::Heap => "bytes",
        }
    }
}

/// What a frame stands for: JavaScript, or one of V8's pseudo-frames that are kept but labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Ordinary JavaScript or native function.
    Js,
    /// `(root)`: the tree's root, never part of a stack.
    Root,
    /// `(idle)`: the thread was waiting.
    Idle,
    /// `(program)`: V8 was running native code it could not attribute.
    Program,
    /// `(garbage collector)`.
    Gc,
}

impl Category {
    /// The name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Category::Js => "js",
            Category::Root => "root",
            Category::Idle => "idle",
            Category::Program => "program",
            Category::Gc => "gc",
        }
    }

    /// The category of a function by its name, as V8 names its pseudo-frames.
    pub fn of(name: &str) -> Category {
        match name {
            "(root)" => Category::Root,
            "(idle)" => Category::Idle,
            "(program)" => Category::Program,
            "(garbage collector)" => Category::Gc,
            _ => Category::Js,
        }
    }
}

/// A function as DevTools aggregates it: by name, script URL, line and column (0-based, as in
/// the file; `-1` when unknown).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    /// `functionName`; empty for anonymous functions.
    pub name: String,
    /// Script URL; empty for V8's pseudo-frames and natives.
    pub url: String,
    /// 0-based line, `-1` when unknown.
    pub line: i64,
    /// 0-based column, `-1` when unknown.
    pub column: i64,
}

impl Frame {
    /// The name to show: `(anonymous)` for unnamed functions, as DevTools does.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            "(anonymous)"
        } else {
            &self.name
        }
    }

    /// `url:line:column`, 1-based like editors and DevTools show it; empty without a URL.
    pub fn location(&self) -> String {
        if self.url.is_empty() {
            return String::new();
        }
        match (self.line >= 0, self.column >= 0) {
            (true, true) => format!("{}:{}:{}", self.url, self.line + 1, self.column + 1),
            (true, false) => format!("{}:{}", self.url, self.line + 1),
            _ => self.url.clone(),
        }
    }

    /// Name and location in one string: the frame text of collapsed stacks and flame graphs.
    pub fn label(&self) -> String {
        let loc = self.location();
        if loc.is_empty() {
            self.display_name().to_owned()
        } else {
            format!("{} {loc}", self.display_name())
        }
    }

    /// Which kind of frame this is.
    pub fn category(&self) -> Category {
        Category::of(&self.name)
    }
}

/// "No parent": the root's parent index.
pub const NO_PARENT: u32 = u32::MAX;

/// One node of the call tree.
#[derive(Debug, Clone)]
pub struct Node {
    /// The node's id in the file.
    pub id: i64,
    /// Index into [`Profile::frames`].
    pub frame: u32,
    /// Index of the parent node, [`NO_PARENT`] for the root.
    pub parent: u32,
    /// Index one past the last node of this node's subtree (pre-order layout).
    pub end: u32,
    /// Samples whose top frame is this node (CPU samples or heap allocation samples).
    pub count: u64,
    /// Self value: microseconds (CPU) or bytes (heap).
    pub value: f64,
}

/// A parsed profile: the call tree in pre-order plus what the file says about the recording.
#[derive(Debug, Clone)]
pub struct Profile {
    /// CPU or heap.
    pub kind: Kind,
    /// Distinct functions; nodes refer to them by index.
    pub frames: Vec<Frame>,
    /// The tree in pre-order: `nodes[0]` is the root, every subtree is contiguous.
    pub nodes: Vec<Node>,
    /// Recording start in microseconds (CPU only; 0 for heap profiles).
    pub start_time: f64,
    /// Recording end in microseconds (CPU only; 0 for heap profiles).
    pub end_time: f64,
    /// CPU: the sampling interval in microseconds, the lower quartile of `timeDeltas` (0 when
    /// the file has none); 0 for heap profiles.
    pub interval: f64,
}

impl Profile {
    /// Total samples (sum of node counts).
    pub fn sample_count(&self) -> u64 {
        self.nodes.iter().map(|n| n.count).sum()
    }

    /// Total value: the sum of self values (µs or bytes).
    pub fn total_value(&self) -> f64 {
        self.nodes.iter().map(|n| n.value).sum()
    }

    /// Indices of the children of node `i`, in file order.
    pub fn children(&self, i: usize) -> Children<'_> {
        Children { nodes: &self.nodes, next: i as u32 + 1, end: self.nodes[i].end }
    }

    /// The frame of node `i`.
    #[cfg(test)]
    pub fn frame_of(&self, i: usize) -> &Frame {
        &self.frames[self.nodes[i].frame as usize]
    }
}

/// Iterator over a node's children: in pre-order they start right after the node and each
/// sibling starts where the previous one's subtree ends.
pub struct Children<'a> {
    nodes: &'a [Node],
    next: u32,
    end: u32,
}

impl Iterator for Children<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next as usize;
        self.next = self.nodes[i].end;
        Some(i)
    }
}

/// Interns frames so that equal functions share one index.
#[derive(Default)]
pub struct FrameTable {
    frames: Vec<Frame>,
    index: HashMap<Frame, u32>,
}

impl FrameTable {
    /// The index of `f`, adding it when new.
    pub fn intern(&mut self, f: Frame) -> u32 {
        if let Some(&i) = self.index.get(&f) {
            return i;
        }
        let i = self.frames.len() as u32;
        self.frames.push(f.clone());
        self.index.insert(f, i);
        i
    }

    /// The interned frames, in first-seen order.
    pub fn into_frames(self) -> Vec<Frame> {
        self.frames
    }
}

/// How CPU self time is computed from samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Timing {
    /// DevTools' rule: sample count × (endTime − startTime) / total samples.
    #[default]
    Samples,
    /// Each sample lasts until the next one, from `timeDeltas` (what DevTools' timeline shows).
    Deltas,
}
