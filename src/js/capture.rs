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
