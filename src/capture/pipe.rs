//! V8's own snapshot writer aimed at a pipe: the thread that takes the snapshot (the app's, by a
//! call or by an inspector interrupt) runs `v8.writeHeapSnapshot(<the pipe's path>)`, and a thread
//! of ours drains the other end into a [`Writer`] (gzip on the writer's own thread, `.partial`,
//! 0600, fsync, rename). The pause is V8's own: no protocol wrapping of each chunk, no copy of
//! the file through JavaScript strings.
//!
//! Once V8 is done and [`close_input`] closes our write end, the drain thread sees the end of the
//! pipe and completes the file by itself, so a process that exits right after the call only has
//! to wait for it ([`wait_all`]), with no JavaScript to run.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::writer::{Writer, Written};
use crate::error::{Error, ErrorKind, Result};

/// Bytes asked of the pipe per read: V8 writes in small pieces; one read takes all that is there.
const READ_SIZE: usize = 1 << 20;
/// Reads queued between the drain thread and the writer thread. Bounded in bytes (at most this
/// many reads), because a snapshot's memory is already V8's graph: a gzip that falls behind
/// makes V8 wait rather than the process grow.
const QUEUE_DEPTH: usize = 4;
/// The pipe's capacity (Linux; the default is 64 KiB): fewer wake-ups of either side.
#[cfg(target_os = "linux")]
const PIPE_SIZE: libc::c_int = 1 << 20;

#[derive(Default)]
struct State {
    input_closed: bool,
    published: bool,
    /// Set once the file is complete (or failed); stays set after `finish` takes `done`.
    completed: bool,
    done: Option<Result<Written>>,
}

struct Capture {
    state: Mutex<State>,
    cv: Condvar,
    write_end: Mutex<Option<OwnedFd>>,
    aborted: AtomicBool,
}

impl Capture {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn update(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.lock());
        self.cv.notify_all();
    }
}

static NEXT_ID: AtomicU32 = AtomicU32::new(1);

fn registry() -> &'static Mutex<HashMap<u32, Arc<Capture>>> {
    static REG: OnceLock<Mutex<HashMap<u32, Arc<Capture>>>> = OnceLock::new();
    REG.get_or_init(|| Mutex::new(HashMap::new()))
}

fn lookup(id: u32) -> Result<Arc<Capture>> {
    registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&id)
        .cloned()
        .ok_or_else(|| Error::new(ErrorKind::UnknownSink, format!("no open capture with id {id} (it was already finished)")))
}

/// An open capture: its id and the path V8's writer is to open.
pub struct Opened {
    pub id: u32,
    pub pipe_path: String,
}

fn os_error(what: &str) -> Error {
    Error::new(ErrorKind::Thread, format!("could not create {what}: {}", std::io::Error::last_os_error()))
}

fn make_pipe() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0i32; 2];
    // SAFETY: plain pipe creation; both ends are owned right after.
    unsafe {
        if libc::pipe(fds.as_mut_ptr()) != 0 {
            return Err(os_error("a pipe for the snapshot"));
        }
        for fd in fds {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        }
        #[cfg(target_os = "linux")]
        libc::fcntl(fds[1], libc::F_SETPIPE_SZ, PIPE_SIZE);
        Ok((OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])))
    }
}

/// The path under which a process opens its own descriptor `fd` again.
fn fd_path(fd: i32) -> String {
    if cfg!(target_os = "linux") {
        format!("/proc/self/fd/{fd}")
    } else {
        format!("/dev/fd/{fd}")
    }
}

/// Creates `<path>.partial` (a bad path fails here, before any snapshot) and a pipe drained into
/// it. With `publish_early`, the file is renamed before its fsync ([`wait_published`]).
pub fn open(path: &Path, gzip_level: Option<u32>, publish_early: bool) -> Result<Opened> {
    let writer = Writer::create_with_depth(path, gzip_level, QUEUE_DEPTH)?;
    let (read_end, write_end) = make_pipe()?;
    let pipe_path = fd_path(write_end.as_raw_fd());
    let capture =
        Arc::new(Capture { state: Mutex::new(State::default()), cv: Condvar::new(), write_end: Mutex::new(Some(write_end)), aborted: AtomicBool::new(false) });
    let c = capture.clone();
    std::thread::Builder::new()
        .name("rsheapdump-drain".into())
        .spawn(move || {
            let result = drain(File::from(read_end), writer, &c, publish_early);
            c.update(|s| {
                s.published = true;
                s.completed = true;
                s.done = Some(result);
            });
        })
        .map_err(|e| Error::new(ErrorKind::Thread, format!("could not start the drain thread: {e}")))?;
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    registry().lock().unwrap_or_else(|p| p.into_inner()).insert(id, capture);
    Ok(Opened { id, pipe_path })
}

fn drain(mut pipe: File, writer: Writer, c: &Arc<Capture>, publish_early: bool) -> Result<Written> {
    let mut buf = vec![0u8; READ_SIZE];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => writer.write(buf[..n].to_vec()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                // Closing the read end makes V8's writes fail instead of blocking forever.
                drop(pipe);
                writer.abort();
                return Err(Error::io(&e, "read", Path::new("the snapshot pipe")));
            }
        }
    }
    drop(pipe);
    if c.aborted.load(Ordering::Acquire) {
        writer.abort();
        return Err(Error::new(ErrorKind::WriteAborted, "the snapshot was abandoned"));
    }
    if publish_early {
        let c2 = c.clone();
        writer.finish_publishing(Box::new(move || c2.update(|s| s.published = true)))
    } else {
        writer.finish()
    }
}

/// V8 is done writing (`ok`), or failed (then the partial file is removed): closes our write end,
/// so the drain thread sees the end of the pipe and completes the file.
pub fn close_input(id: u32, ok: bool) -> Result<()> {
    let c = lookup(id)?;
    if !ok {
        c.aborted.store(true, Ordering::Release);
    }
    drop(c.write_end.lock().unwrap_or_else(|p| p.into_inner()).take());
    c.update(|s| s.input_closed = true);
    Ok(())
}

/// Blocks until the file is under its final name (or failed); with `publish_early` that is
/// before its fsync.
pub fn wait_published(id: u32) -> Result<()> {
    let c = lookup(id)?;
    let mut s = c.lock();
    while !s.published {
        s = c.cv.wait(s).unwrap_or_else(|p| p.into_inner());
    }
    match &s.done {
        Some(Err(e)) => Err(e.clone()),
        _ => Ok(()),
    }
}

/// Blocks until the file is complete (fsync'ed and renamed); forgets the capture.
pub fn finish(id: u32) -> Result<Written> {
    let c = lookup(id)?;
    let mut s = c.lock();
    while s.done.is_none() {
        s = c.cv.wait(s).unwrap_or_else(|p| p.into_inner());
    }
    let out = s.done.take().expect("checked above");
    drop(s);
    registry().lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    out
}

/// The process is exiting: waits, at most `timeout`, for every capture whose snapshot V8 has
/// written to be complete on disk. Returns how many were not.
pub fn wait_all(timeout: Duration) -> usize {
    let deadline = Instant::now() + timeout;
    let all: Vec<Arc<Capture>> = registry().lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
    let mut late = 0;
    for c in all {
        let mut s = c.lock();
        if !s.input_closed {
            continue;
        }
        while !s.completed {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                late += 1;
                break;
            }
            s = c.cv.wait_timeout(s, left).unwrap_or_else(|p| p.into_inner()).0;
        }
    }
    late
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn tmpdir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("rsheapdump-pipe-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn write_through_path(pipe_path: &str, bytes: &[u8]) {
        // As V8 does: open the path anew, write, close.
        let mut f = std::fs::OpenOptions::new().write(true).open(pipe_path).unwrap();
        f.write_all(bytes).unwrap();
    }

    #[test]
    fn bytes_written_to_the_pipe_path_end_up_in_the_file() {
        let d = tmpdir("plain");
        let p = d.join("s.heapsnapshot");
        let o = open(&p, None, false).unwrap();
        let data = "{\"x\":1}".repeat(400_000); // 2.8 MB: more than the pipe holds
        write_through_path(&o.pipe_path, data.as_bytes());
        close_input(o.id, true).unwrap();
        let w = finish(o.id).unwrap();
        assert_eq!(w.raw_bytes, data.len() as u64);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), data);
        assert_eq!(finish(o.id).unwrap_err().kind, ErrorKind::UnknownSink);
    }

    #[test]
    fn publish_early_renames_before_finish_and_wait_all_waits() {
        let d = tmpdir("publish");
        let p = d.join("s.heapsnapshot.gz");
        let o = open(&p, Some(1), true).unwrap();
        write_through_path(&o.pipe_path, b"hello");
        close_input(o.id, true).unwrap();
        wait_published(o.id).unwrap();
        assert!(p.exists(), "renamed once published");
        assert_eq!(wait_all(Duration::from_secs(10)), 0);
        let mut s = String::new();
        flate2::read::GzDecoder::new(File::open(&p).unwrap()).read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello");
        finish(o.id).unwrap();
    }

    #[test]
    fn an_abandoned_capture_leaves_nothing() {
        let d = tmpdir("abort");
        let p = d.join("s.heapsnapshot");
        let o = open(&p, None, false).unwrap();
        write_through_path(&o.pipe_path, b"partial bytes");
        close_input(o.id, false).unwrap();
        assert_eq!(finish(o.id).unwrap_err().kind, ErrorKind::WriteAborted);
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
    }

    #[test]
    fn a_bad_path_fails_at_open() {
        let d = tmpdir("bad");
        assert_eq!(open(&d.join("no/such/x"), None, false).err().unwrap().errno_code(), "ENOENT");
    }
}
