//! Open writers by id, so that the thread that opens a file (the app's) and the thread that
//! feeds it (the capture worker's) can both reach it: one addon instance serves both.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use super::writer::{Writer, Written};
use crate::error::{Error, ErrorKind, Result};

static NEXT_ID: AtomicU32 = AtomicU32::new(1);

/// One open writer; `None` once finished or aborted by a thread that got it first.
type Slot = Arc<Mutex<Option<Writer>>>;

fn registry() -> &'static Mutex<HashMap<u32, Slot>> {
    static REG: std::sync::OnceLock<Mutex<HashMap<u32, Slot>>> = std::sync::OnceLock::new();
    REG.get_or_init(|| Mutex::new(HashMap::new()))
}

fn unknown(id: u32) -> Error {
    Error::new(ErrorKind::UnknownSink, format!("no open sink with id {id} (it was already finished or aborted)"))
}

fn lookup(id: u32) -> Result<Slot> {
    registry().lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned().ok_or_else(|| unknown(id))
}

fn take(id: u32) -> Result<Writer> {
    let slot = registry().lock().unwrap_or_else(|p| p.into_inner()).remove(&id).ok_or_else(|| unknown(id))?;
    let w = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    w.ok_or_else(|| unknown(id))
}

/// Opens `<path>.partial` and returns the id that `write`, `finish` and `abort` take.
pub fn open(path: &Path, gzip_level: Option<u32>) -> Result<u32> {
    let w = Writer::create(path, gzip_level)?;
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    registry().lock().unwrap_or_else(|p| p.into_inner()).insert(id, Arc::new(Mutex::new(Some(w))));
    Ok(id)
}

/// Queues one chunk for the sink's writer thread.
pub fn write(id: u32, chunk: Vec<u8>) -> Result<()> {
    let slot = lookup(id)?;
    let guard = slot.lock().unwrap_or_else(|p| p.into_inner());
    guard.as_ref().ok_or_else(|| unknown(id))?.write(chunk);
    Ok(())
}

/// Completes the file (flush, fsync, rename); blocks until the writer thread is done.
pub fn finish(id: u32) -> Result<Written> {
    take(id)?.finish()
}

/// Drops the file; the partial file is removed. Unknown ids are ignored.
pub fn abort(id: u32) {
    if let Ok(w) = take(id) {
        w.abort();
    }
}

/// Number of sinks open right now (for tests and diagnostics).
pub fn open_count() -> usize {
    registry().lock().unwrap_or_else(|p| p.into_inner()).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_write_finish() {
        let d = std::env::temp_dir().join(format!("rsheapdump-sink-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let p = d.join("s.txt");
        let id = open(&p, None).unwrap();
        write(id, b"abc".to_vec()).unwrap();
        let out = finish(id).unwrap();
        assert_eq!(out.bytes, 3);
        assert_eq!(finish(id).unwrap_err().kind, ErrorKind::UnknownSink);
        assert_eq!(write(id, vec![]).unwrap_err().kind, ErrorKind::UnknownSink);
        abort(id); // no-op on a finished id
    }
}
