//! napi glue for `crate::capture`: the sink the capture worker feeds. Internal to lib/ (not an
//! API), so left out of the shipped binding.d.ts (`skip_typescript`).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::error::{check, to_js};

/// Where a finished file went, as returned to JavaScript. (Still declared in binding.d.ts: napi-rs
/// cannot skip the declaration of a struct it converts; nothing public returns it.)
#[napi(object)]
pub struct WrittenFile {
    /// Absolute path of the final file.
    pub path: String,
    /// Bytes on disk.
    pub bytes: f64,
    /// Bytes before compression.
    pub raw_bytes: f64,
}

/// Opens `<path>.partial` (mode 0600) for a capture; returns the sink id. Throws on a bad path.
#[napi(skip_typescript)]
pub fn sink_open(env: Env, path: String, gzip_level: Option<u32>) -> Result<u32> {
    check(&env, crate::capture::sink::open(std::path::Path::new(&path), gzip_level))
}

/// Queues a chunk (a string from the inspector, or bytes) for the sink's writer thread.
#[napi(skip_typescript)]
pub fn sink_write(env: Env, id: u32, chunk: Either<String, Buffer>) -> Result<()> {
    let bytes = match chunk {
        Either::A(s) => s.into_bytes(),
        Either::B(b) => b.to_vec(),
    };
    check(&env, crate::capture::sink::write(id, bytes))
}

/// Removes the partial file of an abandoned capture.
#[napi(skip_typescript)]
pub fn sink_abort(id: u32) {
    crate::capture::sink::abort(id)
}

/// Number of sinks open in this process.
#[napi(skip_typescript)]
pub fn sink_open_count() -> u32 {
    crate::capture::sink::open_count() as u32
}

/// Flushes, fsyncs and renames a sink's file, off the JS thread.
pub struct FinishTask {
    id: u32,
}

impl Task for FinishTask {
    type Output = crate::error::Result<crate::capture::writer::Written>;
    type JsValue = WrittenFile;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(crate::capture::sink::finish(self.id))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<WrittenFile> {
        let w = out.map_err(|e| to_js(&env, &e))?;
        Ok(WrittenFile { path: w.path.display().to_string(), bytes: w.bytes as f64, raw_bytes: w.raw_bytes as f64 })
    }
}

/// Completes a sink's file; resolves to where it went and its size.
#[napi(skip_typescript)]
pub fn sink_finish(id: u32) -> AsyncTask<FinishTask> {
    AsyncTask::new(FinishTask { id })
}

/// Opens `<path>.partial` and a pipe drained into it (src/capture/pipe.rs); returns the capture
/// id. Throws on a bad path. `pipePath(id)` is what V8's writer opens.
#[cfg(unix)]
#[napi(skip_typescript)]
pub fn pipe_open(env: Env, path: String, gzip_level: Option<u32>, publish_early: bool) -> Result<u32> {
    let opened = check(&env, crate::capture::pipe::open(std::path::Path::new(&path), gzip_level, publish_early))?;
    PIPE_PATHS.lock().unwrap_or_else(|p| p.into_inner()).insert(opened.id, opened.pipe_path);
    Ok(opened.id)
}

#[cfg(unix)]
static PIPE_PATHS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<u32, String>>> = std::sync::LazyLock::new(Default::default);

/// The path V8's writer opens to write into capture `id`'s pipe.
#[cfg(unix)]
#[napi(skip_typescript)]
pub fn pipe_path(id: u32) -> Option<String> {
    PIPE_PATHS.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned()
}

/// V8 is done (`ok`) or failed: closes our write end so the drain thread completes the file.
#[cfg(unix)]
#[napi(skip_typescript)]
pub fn pipe_close(env: Env, id: u32, ok: bool) -> Result<()> {
    PIPE_PATHS.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    check(&env, crate::capture::pipe::close_input(id, ok))
}

/// Blocks until the capture's file is under its final name (a signal snapshot, in the pause).
#[cfg(unix)]
#[napi(skip_typescript)]
pub fn pipe_wait_published(env: Env, id: u32) -> Result<()> {
    check(&env, crate::capture::pipe::wait_published(id))
}

/// Blocks, at most `timeout_ms`, until every capture V8 has written is complete; returns how many
/// were not (the process is exiting).
#[cfg(unix)]
#[napi(skip_typescript)]
pub fn pipe_wait_all(timeout_ms: u32) -> u32 {
    crate::capture::pipe::wait_all(std::time::Duration::from_millis(timeout_ms as u64)) as u32
}

/// Waits for a capture's file off the JS thread.
#[cfg(unix)]
pub struct PipeFinishTask {
    id: u32,
}

#[cfg(unix)]
impl Task for PipeFinishTask {
    type Output = crate::error::Result<crate::capture::writer::Written>;
    type JsValue = WrittenFile;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(crate::capture::pipe::finish(self.id))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<WrittenFile> {
        let w = out.map_err(|e| to_js(&env, &e))?;
        Ok(WrittenFile { path: w.path.display().to_string(), bytes: w.bytes as f64, raw_bytes: w.raw_bytes as f64 })
    }
}

/// Resolves when the capture's file is complete (fsync'ed, renamed), to where it went.
#[cfg(unix)]
#[napi(skip_typescript)]
pub fn pipe_finish(id: u32) -> AsyncTask<PipeFinishTask> {
    AsyncTask::new(PipeFinishTask { id })
}
