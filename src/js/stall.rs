//! napi glue for `crate::stall`: the main thread starts the watchdog with a no-op callback that
//! serves as the ping (its acknowledgement is recorded before the no-op runs, on the main
//! thread); the capture worker subscribes to the events, which run on its own event loop. Both
//! threadsafe functions are weak: neither keeps a loop alive. Internal to lib/, so left out of the
//! shipped binding.d.ts (`skip_typescript`).

use std::sync::Mutex;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use crate::stall::detector::{Config, Event};
use crate::stall::watchdog::Watchdog;

static WATCH: Mutex<Option<Watchdog>> = Mutex::new(None);

/// A stall event as the capture worker receives it.
#[napi(object)]
pub struct StallEvent {
    /// `'start'` (detected), `'ongoing'` (still blocked) or `'end'` (the loop turned again).
    pub kind: String,
    /// Which stall (1, 2, ...); the events of one stall share it.
    pub id: u32,
    /// When the loop last turned before the stall, in ms since the Unix epoch.
    pub started_at: f64,
    /// How long the loop has been (for `'end'`: was) blocked, in ms.
    pub duration_ms: f64,
    /// The loop's turn count (see `stallLoopTurns`) when the event was made: during a stall it
    /// stays what it was when the loop stopped.
    pub turns: f64,
}

fn lock() -> std::sync::MutexGuard<'static, Option<Watchdog>> {
    WATCH.lock().unwrap_or_else(|p| p.into_inner())
}

/// Starts the watchdog for the calling thread's event loop (the main thread). `onPing` is a
/// function that does nothing: calling it is how the loop answers. Fails if one runs already.
#[napi(skip_typescript)]
pub fn stall_watch_start(threshold_ms: u32, ongoing_ms: u32, on_ping: Function<(), ()>) -> Result<()> {
    let mut slot = lock();
    if slot.is_some() {
        return Err(Error::new(Status::GenericFailure, "the stall watchdog is already running"));
    }
    let threshold = Duration::from_millis(threshold_ms.into());
    let cfg = Config { threshold, tick: Config::tick_for(threshold), ongoing_every: Duration::from_millis(ongoing_ms.into()) };
    let mut err = None;
    let wd = Watchdog::start(cfg, |acker| {
        let tsfn = on_ping.build_threadsafe_function::<u64>().weak::<true>().callee_handled::<false>().build_callback(move |ctx| {
            acker.ack(ctx.value);
            Ok(())
        });
        match tsfn {
            Ok(f) => Box::new(move |seq| f.call(seq, ThreadsafeFunctionCallMode::NonBlocking) == Status::Ok),
            Err(e) => {
                err = Some(e);
                Box::new(|_| false)
            }
        }
    })
    .map_err(|e| Error::new(Status::GenericFailure, format!("could not start the stall watchdog thread: {e}")))?;
    if let Some(e) = err {
        wd.stop();
        return Err(e);
    }
    *slot = Some(wd);
    Ok(())
}

/// Sends the watchdog's events to `callback` on the calling thread's event loop (the capture
/// worker's). A stall in progress is announced at once. Returns false if no watchdog runs.
#[napi(skip_typescript)]
pub fn stall_watch_subscribe(callback: ThreadsafeFunction<StallEvent, (), StallEvent, Status, false, true>) -> bool {
    let slot = lock();
    let Some(wd) = slot.as_ref() else { return false };
    let clock = wd.clock();
    wd.subscribe(Box::new(move |e, turns| {
        let (kind, id, started, until) = match e {
            Event::Start { id, started, now } => ("start", id, started, now),
            Event::Ongoing { id, started, now } => ("ongoing", id, started, now),
            Event::End { id, started, ended } => ("end", id, started, ended),
        };
        let ev = StallEvent {
            kind: kind.into(),
            id,
            started_at: clock.wall_ms(started),
            duration_ms: until.saturating_duration_since(started).as_secs_f64() * 1000.0,
            turns: turns as f64,
        };
        callback.call(ev, ThreadsafeFunctionCallMode::NonBlocking);
    }));
    true
}

/// How many times the watched loop has answered the watchdog (`null` if no watch runs). The
/// stack probe reads it on the main thread: unchanged since a stall's start means the loop had
/// not turned yet when the stack was taken.
#[napi(skip_typescript)]
pub fn stall_loop_turns() -> Option<f64> {
    lock().as_ref().map(|wd| wd.turns() as f64)
}

/// rsheapdump is about to hold the main thread for up to `ms` (0: it no longer does): the watch
/// does not report that pause as a stall (unless a stall is already in progress).
#[napi(skip_typescript)]
pub fn stall_watch_quiet(ms: u32) {
    if let Some(wd) = lock().as_ref() {
        wd.quiet_for(Duration::from_millis(ms.into()));
    }
}

/// The watched (main) thread as the OS sees it now: `[cpuMs, runnable ? 1 : 0]`, or `null` where
/// the OS does not tell (not Linux) or no watch runs. The capture worker uses it to tell a probe
/// delayed by a busy machine from one delayed by a blocking call.
#[napi(skip_typescript)]
pub fn stall_main_thread() -> Option<Vec<f64>> {
    let s = lock().as_ref()?.thread_state()?;
    Some(vec![s.cpu.as_secs_f64() * 1000.0, if s.runnable { 1.0 } else { 0.0 }])
}

/// Stops the watchdog (joins its thread, which wakes at once). Does nothing if none runs.
#[napi(skip_typescript)]
pub fn stall_watch_stop() {
    let wd = lock().take();
    if let Some(wd) = wd {
        wd.stop();
    }
}
