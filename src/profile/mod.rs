//! Profile analysis, as a pipeline of small stages (like inferno's collapse, then render):
//! `parse` reads a `.cpuprofile` / `.heapprofile` (plain or gzip) into one call-tree `model`;
//! `tree` computes DevTools' bottom-up and top-down views; `fold` collapses the tree into unique
//! stacks; `flame` renders collapsed stacks as an SVG. Nothing here knows about Node.

pub mod api;
pub mod check;
pub mod cpu;
pub mod diff;
pub mod flame;
pub mod fold;
pub mod format;
pub mod heap;
pub mod json;
pub mod model;
pub mod parse;
pub mod tree;

#[cfg(test)]
mod tests;

pub use model::{Kind, Timing};
