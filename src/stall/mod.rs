//! Stall watch: a watchdog thread that notices when the event loop stops turning (a `while`
//! loop, a long synchronous call, a long GC), so the capture worker can take the blocked main
//! thread's stack and profile while it is still blocked. `detector` holds the rules,
//! `watchdog` the thread; `crate::js::stall` connects it to the loop and the worker.

pub mod detector;
pub mod watchdog;
