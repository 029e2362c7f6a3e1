//! Parse and analysis time of one real snapshot file, kept out of the test suite:
//!   cargo bench --bench parse -- path/to/file.heapsnapshot[.gz] [runs]
//! Prints one line per run; compare builds by alternating them on the same file (the machine is
//! shared and noisy). bench/analyze.js measures the same through Node, with peak memory.

use std::path::PathBuf;
use std::time::Instant;

use rsheapdump::internals::{parse_file, summarize_file};

fn main() {
    // `cargo bench` passes `--bench`; the file is the first argument that is not a flag.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let Some(path) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench parse -- <file.heapsnapshot[.gz]> [runs]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    for run in 1..=runs {
        let t = Instant::now();
        let nodes = parse_file(&path).unwrap_or_else(|e| fail(&e.message));
        let parsed = t.elapsed();
        let t = Instant::now();
        let (classes, total) = summarize_file(&path).unwrap_or_else(|e| fail(&e.message));
        let summarized = t.elapsed();
        println!(
            "run {run}: parse {:.0} ms ({nodes} nodes), parse+analyze {:.0} ms ({classes} classes, total {total})",
            parsed.as_secs_f64() * 1e3,
            summarized.as_secs_f64() * 1e3
        );
    }
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1)
}
