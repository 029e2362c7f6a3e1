//! Fuzzes the CPU/heap-profile readers and every stage after them (analysis with the tree, fold
//! by samples and by value, folded text back in, the flame graph) and the folded-text reader: any
//! input must give a result or a reader's error, never a panic (overflow checks are on), an abort
//! or a runaway allocation. The checks are `profile::check::every_stage`;
//! `thousands_of_mutated_profiles_never_panic` in src/profile/tests.rs is the bounded variant
//! `cargo test` runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsheapdump::internals::profile_every_stage;

fuzz_target!(|data: &[u8]| {
    profile_every_stage(data);
});
