//! What the asynchronous analyses share: progress reported to a JavaScript callback from the
//! thread-pool thread doing the work, and cancellation by an `AbortSignal`.

use std::sync::Mutex;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

use crate::cancel::Cancel;

/// `onProgress(label, fraction)`, callable from any thread; weak, so it never keeps the process
/// alive by itself (the pending promise does while the work runs).
pub type ProgressFn = ThreadsafeFunction<FnArgs<(String, f64)>, (), FnArgs<(String, f64)>, Status, false, true>;

/// The progress callback and the cancel flag of one asynchronous call.
pub struct Watch {
    progress: Option<ProgressFn>,
    /// Last (label, whole percent) sent: a call per chunk read would flood the event loop.
    last: Mutex<(String, i64)>,
    pub cancel: Cancel,
}

impl Watch {
    /// Sets the cancel flag when `signal` aborts (the work stops at its next checkpoint).
    pub fn new(progress: Option<ProgressFn>, signal: Option<&AbortSignal>) -> Self {
        let cancel = Cancel::new();
        if let Some(s) = signal {
            let c = cancel.clone();
            s.on_abort(move || c.cancel());
        }
        Watch { progress, last: Mutex::new((String::new(), -1)), cancel }
    }

    /// Queues `onProgress(label, fraction)` on the event loop when the whole percent changed.
    pub fn report(&self, label: &str, fraction: f64) {
        let Some(p) = &self.progress else { return };
        let percent = (fraction * 100.0).floor() as i64;
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.0 == label && last.1 == percent {
            return;
        }
        *last = (label.to_owned(), percent);
        p.call((label.to_owned(), fraction).into(), ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// An `AsyncTask` that `signal` can abort before it starts (after that, [`Watch::cancel`] stops
/// it at a checkpoint).
pub fn task_with<T: Task>(task: T, signal: Option<AbortSignal>) -> AsyncTask<T> {
    AsyncTask::with_optional_signal(task, signal)
}

/// The progress callback of a blocking call, called on this thread; a throwing callback must not
/// abort the work (its error is dropped).
pub fn reporter<'a>(f: &'a Option<Function<'_, FnArgs<(String, f64)>, ()>>) -> impl Fn(&str, f64) + 'a {
    move |label: &str, fraction: f64| {
        if let Some(f) = f {
            let _ = f.call((label.to_owned(), fraction).into());
        }
    }
}
