//! Fuzzes the snapshot parser and analyzer: any input must give a summary or a clean
//! parse error (ERR_RSHEAPDUMP_PARSE in JS), never a panic, an abort or a runaway allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsheapdump::internals::{summarize_bytes, ErrorKind};

fuzz_target!(|data: &[u8]| {
    if let Err(e) = summarize_bytes(data.to_vec()) {
        assert_eq!(e.kind, ErrorKind::Parse, "{}", e.message);
        assert!(e.offset.unwrap_or(0) <= data.len() as u64 * 1024 + 1024);
    }
});
