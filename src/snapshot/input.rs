//! The byte source of the parser: a file (plain or gzip, told apart by the magic bytes, not the
//! name) or an in-memory buffer, read in big chunks, with the byte offset kept for error messages.
//!
//! Files are read on a helper thread so that inflating a `.gz` overlaps with parsing: on a
//! two-core machine that hides most of the decompression time.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use flate2::read::MultiGzDecoder;

use crate::error::{Error, ErrorKind, Result};

/// Size of one chunk handed from the reader thread to the parser.
const CHUNK: usize = 4 << 20;

/// Where the bytes come from.
enum Source {
    /// Chunks from the reader thread, and used chunks back to it for reuse.
    Thread(Receiver<io::Result<Vec<u8>>>, Option<JoinHandle<()>>, SyncSender<Vec<u8>>),
    /// Read inline (in-memory input and tests).
    Direct(Box<dyn Read + Send>),
}

/// A forward-only byte stream with one chunk in memory and the absolute offset of every byte.
pub struct Input<'p> {
    source: Source,
    /// The current chunk.
    pub(crate) buf: Vec<u8>,
    /// Next unread byte in `buf`.
    pub(crate) pos: usize,
    /// Offset of `buf[0]` in the (decompressed) stream.
    base: u64,
    eof: bool,
    gzip: bool,
    path: Option<PathBuf>,
    /// Bytes of the underlying file consumed so far (compressed bytes for gzip), for progress.
    raw_read: Arc<AtomicU64>,
    /// Size of the underlying file or buffer.
    raw_total: u64,
    /// Called with the fraction read after each chunk.
    progress: Option<&'p dyn Fn(f64)>,
    /// A read error met after some bytes, reported when those are used up.
    pending_error: Option<io::Error>,
    /// Bytes per read for a `Direct` source.
    direct_chunk: usize,
    /// When set (by another thread), the input ends at the next chunk.
    cancel: Option<Arc<AtomicBool>>,
    /// When cancelled (by the caller, from another thread), the next chunk is an `ABORT_ERR`.
    abort: Option<crate::cancel::Cancel>,
}

/// Counts the bytes that pass through, so progress can be reported in file bytes even for gzip.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Fills `v` as far as the reader allows; a short result means end of input. An error comes
/// with the bytes read before it, so the parser can still point at where the data stopped.
fn read_full(r: &mut dyn Read, v: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut n = 0;
    while n < v.len() {
        match r.read(&mut v[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (n, Some(e)),
        }
    }
    (n, None)
}

impl<'p> Input<'p> {
    /// Opens a `.heapsnapshot` or `.heapsnapshot.gz` (detected by content) for streaming.
    pub fn open(path: &Path) -> Result<Input<'p>> {
        let file = File::open(path).map_err(|e| Error::io(&e, "open", path))?;
        let raw_total = file.metadata().map(|m| m.len()).unwrap_or(0);
        let raw_read = Arc::new(AtomicU64::new(0));
        let mut br = BufReader::with_capacity(1 << 20, Counting { inner: file, count: raw_read.clone() });
        let head = br.fill_buf().map_err(|e| Error::io(&e, "read", path))?;
        let gzip = head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b;
        let mut reader: Box<dyn Read + Send> = if gzip { Box::new(MultiGzDecoder::new(br)) } else { Box::new(br) };
        // Two chunks in flight: enough to keep both threads busy without holding much memory.
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(2);
        // Used chunks come back and are refilled: no fresh (page-faulted, zeroed) 4 MiB per chunk.
        let (back_tx, back_rx) = sync_channel::<Vec<u8>>(4);
        let handle = std::thread::Builder::new()
            .name("rsheapdump-read".into())
            .spawn(move || loop {
                let mut v = back_rx.try_recv().unwrap_or_default();
                v.resize(CHUNK, 0);
                let (n, err) = read_full(&mut *reader, &mut v);
                v.truncate(n);
                if n > 0 && tx.send(Ok(v)).is_err() {
                    return;
                }
                if let Some(e) = err {
                    let _ = tx.send(Err(e));
                    return;
                }
                if n < CHUNK {
                    let _ = tx.send(Ok(Vec::new()));
                    return;
                }
            })
            .map_err(|e| Error::new(ErrorKind::Thread, format!("could not start the reader thread: {e}")))?;
        Ok(Input {
            source: Source::Thread(rx, Some(handle), back_tx),
            buf: Vec::new(),
            pos: 0,
            base: 0,
            eof: false,
            gzip,
            path: Some(path.to_owned()),
            raw_read,
            raw_total,
            progress: None,
            pending_error: None,
            direct_chunk: CHUNK,
            cancel: None,
            abort: None,
        })
    }

    /// Streams an in-memory snapshot (plain or gzip) without a helper thread.
    pub fn from_bytes(bytes: Vec<u8>) -> Input<'p> {
        let raw_total = bytes.len() as u64;
        let gzip = bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
        let raw_read = Arc::new(AtomicU64::new(0));
        let cur = Counting { inner: io::Cursor::new(bytes), count: raw_read.clone() };
        let reader: Box<dyn Read + Send> = if gzip { Box::new(MultiGzDecoder::new(cur)) } else { Box::new(cur) };
        Input {
            source: Source::Direct(reader),
            buf: Vec::new(),
            pos: 0,
            base: 0,
            eof: false,
            gzip,
            path: None,
            raw_read,
            raw_total,
            progress: None,
            pending_error: None,
            direct_chunk: 1 << 16,
            cancel: None,
            abort: None,
        }
    }

    /// Streams a plain (not gzip) file from byte `offset` on, read inline in big chunks; offsets
    /// in errors are the file's. For a second parser working on a later part of the file.
    pub fn open_at(path: &Path, offset: u64) -> Result<Input<'p>> {
        Self::open_at_cancellable(path, offset, None)
    }

    /// [`Input::open_at`], ending early (as if the file ended) once `cancel` is set.
    pub fn open_at_cancellable(path: &Path, offset: u64, cancel: Option<Arc<AtomicBool>>) -> Result<Input<'p>> {
        use std::io::{Seek, SeekFrom};
        let mut file = File::open(path).map_err(|e| Error::io(&e, "open", path))?;
        let raw_total = file.metadata().map(|m| m.len()).unwrap_or(0);
        file.seek(SeekFrom::Start(offset)).map_err(|e| Error::io(&e, "read", path))?;
        let raw_read = Arc::new(AtomicU64::new(offset));
        let reader: Box<dyn Read + Send> = Box::new(Counting { inner: file, count: raw_read.clone() });
        Ok(Input {
            source: Source::Direct(reader),
            buf: Vec::new(),
            pos: 0,
            base: offset,
            eof: false,
            gzip: false,
            path: Some(path.to_owned()),
            raw_read,
            raw_total,
            progress: None,
            pending_error: None,
            direct_chunk: CHUNK,
            cancel,
            abort: None,
        })
    }

    /// The file being read when it is a plain (not gzip) file streamed by [`Input::open`]:
    /// another thread may then read a later part of it with [`Input::open_at`].
    pub fn plain_file(&self) -> Option<&Path> {
        match (&self.source, self.gzip) {
            (Source::Thread(..), false) => self.path.as_deref(),
            _ => None,
        }
    }

    /// For a plain file: continues at absolute offset `to` (after the current one), reading
    /// the file from there inline instead of through the reader thread, which stops; the
    /// bytes between are never read. Other inputs move forward with [`Input::skip_to`].
    pub fn jump_to(&mut self, to: u64) -> Result<bool> {
        let Some(path) = self.plain_file().map(Path::to_path_buf) else { return self.skip_to(to) };
        if to < self.offset() {
            return Ok(false);
        }
        let mut next = Input::open_at(&path, to)?;
        // Dropping the old source's receiver makes the reader thread's next send fail.
        let old = std::mem::replace(&mut self.source, std::mem::replace(&mut next.source, Source::Direct(Box::new(io::empty()))));
        if let Source::Thread(rx, h, back) = old {
            drop((rx, back));
            if let Some(h) = h {
                let _ = h.join();
            }
        }
        self.buf.clear();
        self.pos = 0;
        self.base = to;
        self.eof = false;
        self.raw_read = next.raw_read.clone();
        self.direct_chunk = CHUNK;
        self.pending_error = None;
        Ok(true)
    }

    /// Moves forward to absolute offset `to` (not before the current one), dropping the bytes
    /// between; false when the input ends first.
    pub fn skip_to(&mut self, to: u64) -> Result<bool> {
        loop {
            let end = self.base + self.buf.len() as u64;
            if to < end {
                self.pos = self.pos.max((to - self.base) as usize);
                return Ok(true);
            }
            self.pos = self.buf.len();
            if to == end {
                return Ok(true);
            }
            if !self.fill()? {
                return Ok(false);
            }
        }
    }

    /// Fails the next read with `ABORT_ERR` once `c` is cancelled.
    pub fn set_abort(&mut self, c: crate::cancel::Cancel) {
        self.abort = Some(c);
    }

    /// Reports the fraction of the file read after every chunk.
    pub fn set_progress(&mut self, f: &'p dyn Fn(f64)) {
        self.progress = Some(f);
    }

    /// An upper bound on how many numbers the rest of the input can hold, to bound reservations
    /// made from declared counts: a number takes at least two bytes (digit and comma). Gzip
    /// hides the real size, so there the bound is a modest fixed amount (vectors still grow).
    pub fn max_numbers(&self) -> u64 {
        if self.gzip {
            1 << 22
        } else {
            self.raw_total / 2 + 1
        }
    }

    /// Fraction of the underlying file consumed, 0..=1, for progress reports.
    pub fn fraction(&self) -> f64 {
        if self.raw_total == 0 {
            return 0.0;
        }
        (self.raw_read.load(Ordering::Relaxed) as f64 / self.raw_total as f64).min(1.0)
    }

    /// Offset of the next unread byte in the (decompressed) stream.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// A parse error at the current offset.
    pub fn error(&self, what: impl std::fmt::Display, hint: &str) -> Error {
        self.error_at(self.offset(), what, hint)
    }

    /// A parse error at `offset`, naming the file.
    pub fn error_at(&self, offset: u64, what: impl std::fmt::Display, hint: &str) -> Error {
        let e = Error::parse(offset, what, hint);
        match &self.path {
            Some(p) => e.with_path(p),
            None => e,
        }
    }

    fn read_error(&self, e: io::Error) -> Error {
        if self.gzip || e.kind() == io::ErrorKind::InvalidData || e.kind() == io::ErrorKind::InvalidInput {
            let hint = if self.gzip { "The gzip data is corrupt or truncated" } else { "The file could not be read" };
            return self.error(format!("read failed ({e})"), hint);
        }
        match &self.path {
            Some(p) => Error::io(&e, "read", p),
            None => self.error(format!("read failed ({e})"), ""),
        }
    }

    /// Loads the next chunk when the current one is used up; false at end of input.
    #[inline]
    pub fn fill(&mut self) -> Result<bool> {
        if self.pos < self.buf.len() {
            return Ok(true);
        }
        if self.eof || self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Ok(false);
        }
        if let Some(a) = &self.abort {
            a.check()?;
        }
        self.base += self.buf.len() as u64;
        // The used chunk is refilled (a `Direct` source) or goes back to the reader thread:
        // its length is kept, so refilling does not zero it again.
        let mut used = std::mem::take(&mut self.buf);
        if let Source::Thread(_, _, back) = &self.source {
            let _ = back.try_send(std::mem::take(&mut used));
        }
        self.pos = 0;
        if let Some(e) = self.pending_error.take() {
            self.eof = true;
            return Err(self.read_error(e));
        }
        let next = match &mut self.source {
            Source::Thread(rx, _, _) => rx.recv().unwrap_or_else(|_| Ok(Vec::new())),
            Source::Direct(r) => {
                // Small chunks for in-memory inputs (tests and fuzzing, where many tiny inputs
                // run); big ones for a file read inline.
                let mut v = used;
                v.resize(self.direct_chunk, 0);
                match read_full(&mut **r, &mut v) {
                    (0, Some(e)) => Err(e),
                    (n, e) => {
                        // A later call reports the error, once the bytes before it are parsed.
                        self.pending_error = e;
                        v.truncate(n);
                        Ok(v)
                    }
                }
            }
        };
        match next {
            Ok(v) => {
                self.buf = v;
                if self.buf.is_empty() {
                    self.eof = true;
                    self.finish_thread();
                    return Ok(false);
                }
                if let Some(p) = self.progress {
                    p(self.fraction());
                }
                Ok(true)
            }
            Err(e) => {
                self.buf.clear();
                self.eof = true;
                Err(self.read_error(e))
            }
        }
    }

    fn finish_thread(&mut self) {
        if let Source::Thread(_, h, _) = &mut self.source {
            if let Some(h) = h.take() {
                let _ = h.join();
            }
        }
    }

    /// The next byte without consuming it; None at end of input.
    #[inline]
    pub fn peek(&mut self) -> Result<Option<u8>> {
        if self.pos < self.buf.len() {
            return Ok(Some(self.buf[self.pos]));
        }
        if self.fill()? {
            Ok(Some(self.buf[self.pos]))
        } else {
            Ok(None)
        }
    }

    /// Consumes one byte (after `peek` returned one).
    #[inline]
    pub fn bump(&mut self) {
        self.pos += 1;
    }

    /// Skips JSON whitespace and returns the next byte without consuming it.
    pub fn skip_ws(&mut self) -> Result<Option<u8>> {
        loop {
            while self.pos < self.buf.len() {
                match self.buf[self.pos] {
                    b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                    b => return Ok(Some(b)),
                }
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }
}

impl Drop for Input<'_> {
    fn drop(&mut self) {
        // Dropping the receiver first makes a blocked reader thread's send fail, so it exits.
        if let Source::Thread(_, h, _) = &mut self.source {
            let h = h.take();
            self.source = Source::Direct(Box::new(io::empty()));
            if let Some(h) = h {
                let _ = h.join();
            }
        }
    }
}
