//! napi glue for `crate::capture::signal`: the capture worker subscribes a JS callback that runs
//! on the worker's own event loop, so signals are served while the main thread is busy. Internal to
//! lib/, so left out of the shipped binding.d.ts (`skip_typescript`).

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use super::error::check;
use crate::capture::signal;

/// Installs our handler for each signal and calls `callback(signum)` on the calling thread's
/// event loop whenever one arrives. Does not keep that loop alive. Returns a subscription id.
#[napi(skip_typescript)]
pub fn watch_signals(env: Env, signals: Vec<i32>, callback: ThreadsafeFunction<i32, (), i32, Status, false, true>) -> Result<i64> {
    for &s in &signals {
        check(&env, signal::install(s))?;
    }
    let watched = signals.clone();
    let id = signal::subscribe(Box::new(move |sig| {
        if watched.contains(&sig) {
            callback.call(sig, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }));
    Ok(id as i64)
}

/// Stops calling a callback registered with `watchSignals` (our handler stays installed).
#[napi(skip_typescript)]
pub fn unwatch_signals(id: i64) {
    signal::unsubscribe(id as u64)
}

/// Puts our handler back for `signal` if something (libuv, when the app adds or removes a
/// `process.on(signal)` listener) replaced it; the replacement is chained to.
#[napi(skip_typescript)]
pub fn reinstall_signal_handler(env: Env, signal: i32) -> Result<bool> {
    if signal::is_installed(signal) {
        return Ok(false);
    }
    check(&env, signal::install(signal))?;
    Ok(true)
}
