//! What the profile fuzz target (fuzz/fuzz_targets/profile.rs) and its bounded `cargo test`
//! variant do with one input: every reader and every stage after it, panicking when an invariant
//! breaks (a panic is what the fuzzer reports).

use super::api::{self, AnalyzeOptions};
use super::fold::{self, Weight};
use super::format::MAX_EXACT;
use super::model::Timing;
use super::{flame, parse};
use crate::error::ErrorKind;

/// Runs `bytes` through the profile reader (both timing rules), the analysis with its tree, fold
/// by samples and by value, our folded text read back, the flame graph, and (as UTF-8) the
/// folded-text reader. Returns whether the input was a usable profile. Panics when a stage
/// panics, fails with another kind of error than a reader's, or a total leaves 0..=2^53.
pub fn every_stage(bytes: &[u8]) -> bool {
    let max = MAX_EXACT as u64;
    let mut ok = false;
    for timing in [Timing::Samples, Timing::Deltas] {
        match parse::parse(bytes, parse::Options { timing }) {
            Ok(p) => {
                ok = true;
                let a = api::analyze(&p, &AnalyzeOptions { timing, tree: true, ..Default::default() });
                assert!(a.total >= 0.0 && a.total <= MAX_EXACT, "total {}", a.total);
                for w in [Weight::Samples, Weight::Value] {
                    let f = fold::fold(&p, w);
                    // Rounding each stack may lift a total right at 2^53 above it.
                    if f.total() <= max {
                        let back = fold::parse_text(&fold::to_text(&f)).expect("our own folded text reads back");
                        assert_eq!(back.total(), f.total());
                    }
                    assert!(flame::render(&f, &flame::Options::default()).ends_with("</svg>\n"));
                    // A differential graph of the profile against itself: nothing changed.
                    let d = flame::render_diff(&f, &flame::Baseline::new(&f, 1.0), &flame::Options::default());
                    assert!(d.ends_with("</svg>\n") && !d.contains("rgb(255,0,0)"));
                }
            }
            Err(e) => assert!(matches!(e.kind, ErrorKind::Parse | ErrorKind::InvalidProfile | ErrorKind::NotAProfile), "{e:?}"),
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        match fold::parse_text(text) {
            Ok(f) => {
                assert!(f.total() <= max);
                assert!(flame::render(&f, &flame::Options::default()).ends_with("</svg>\n"));
            }
            Err(e) => assert_eq!(e.kind, ErrorKind::Parse, "{e:?}"),
        }
    }
    ok
}
