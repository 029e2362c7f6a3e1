//! Streams chunks to `<name>.partial` on a thread of its own (gzip optional), then renames.
//!
//! The file is created up front so that a bad path fails before any snapshot is taken; a
//! reader never sees a half-written file under the final name.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::error::{Error, ErrorKind, Result};

/// Chunks in flight between producer and writer thread (V8 sends ~100 KB chunks).
const QUEUE_DEPTH: usize = 64;

/// Where a finished file went and how big it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The final (renamed) path.
    pub path: PathBuf,
    /// Bytes on disk.
    pub bytes: u64,
    /// Bytes before compression.
    pub raw_bytes: u64,
}

enum Msg {
    Chunk(Vec<u8>),
    Abort,
    /// Rename before the fsync and call this in between (see [`Writer::finish_publishing`]).
    PublishEarly(Box<dyn FnOnce() + Send>),
}

/// A file being written by a background thread.
pub struct Writer {
    tx: Option<SyncSender<Msg>>,
    thread: Option<JoinHandle<Result<Written>>>,
    partial: PathBuf,
}

/// The temporary name a file is written under until it is complete.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".partial");
    PathBuf::from(s)
}

/// Partial files this process is writing right now. Two captures aimed at one name (a
/// `setInterval` writing `latest.heapsnapshot.gz`, each slower than the interval) must not share a
/// partial file: one would truncate or rename the other's bytes.
fn partials_in_use() -> &'static Mutex<HashSet<PathBuf>> {
    static IN_USE: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    IN_USE.get_or_init(|| Mutex::new(HashSet::new()))
}

/// Holds a partial name for one writer; frees it when dropped.
struct PartialClaim(PathBuf);

impl PartialClaim {
    /// `<path>.partial`, or `<path>.<n>.partial` for the n-th concurrent writer of that name.
    fn new(path: &Path) -> PartialClaim {
        let mut in_use = partials_in_use().lock().unwrap_or_else(|p| p.into_inner());
        let mut candidate = partial_path(path);
        let mut n = 1u32;
        while in_use.contains(&candidate) {
            let mut s = path.as_os_str().to_owned();
            s.push(format!(".{n}.partial"));
            candidate = PathBuf::from(s);
            n += 1;
        }
        in_use.insert(candidate.clone());
        PartialClaim(candidate)
    }
}

impl Drop for PartialClaim {
    fn drop(&mut self) {
        partials_in_use().lock().unwrap_or_else(|p| p.into_inner()).remove(&self.0);
    }
}

impl Writer {
    /// Creates `<path>.partial` (mode 0600) and starts the writer thread.
    ///
    /// `gzip_level` 1..=9 compresses; `None` writes the bytes as they come.
    pub fn create(path: &Path, gzip_level: Option<u32>) -> Result<Writer> {
        Self::create_with_depth(path, gzip_level, QUEUE_DEPTH)
    }

    /// [`Writer::create`] with at most `depth` chunks queued for the writer thread.
    pub fn create_with_depth(path: &Path, gzip_level: Option<u32>, depth: usize) -> Result<Writer> {
        if let Some(level) = gzip_level {
            if !(1..=9).contains(&level) {
                return Err(Error::new(ErrorKind::OutOfRange, format!("gzip level must be 1..9, got {level}")));
            }
        }
        if let Ok(meta) = fs::metadata(path) {
            if meta.is_dir() {
                let err = io::Error::from_raw_os_error(libc::EISDIR);
                return Err(Error::io(&err, "open", path));
            }
        }
        let claim = PartialClaim::new(path);
        let partial = claim.0.clone();
        let file = create_private(path, &partial)?;
        let (tx, rx) = sync_channel::<Msg>(depth);
        let final_path = path.to_path_buf();
        let partial_t = partial.clone();
        let thread = std::thread::Builder::new()
            .name("rsheapdump-writer".into())
            .spawn(move || {
                // Freed when this thread ends, after the rename or the removal.
                let _claim = claim;
                let mut sink = Output::new(file, gzip_level);
                let mut raw_bytes = 0u64;
                let mut failure: Option<Error> = None;
                let mut publish: Option<Box<dyn FnOnce() + Send>> = None;
                for msg in rx {
                    match msg {
                        Msg::Chunk(bytes) => {
                            if failure.is_some() {
                                continue; // keep draining so the producer never blocks on a dead writer
                            }
                            raw_bytes += bytes.len() as u64;
                            if let Err(e) = sink.write_all(&bytes) {
                                failure = Some(Error::io(&e, "write", &final_path));
                            }
                        }
                        Msg::Abort => {
                            drop(sink);
                            let _ = fs::remove_file(&partial_t);
                            return Err(Error::new(ErrorKind::WriteAborted, "the write was aborted"));
                        }
                        Msg::PublishEarly(f) => publish = Some(f),
                    }
                }
                let mut renamed = false;
                let result = failure.map_or_else(|| sink.finish(&final_path), Err).and_then(|file| {
                    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
                    if let Some(f) = publish.take() {
                        fs::rename(&partial_t, &final_path).map_err(|e| Error::io(&e, "rename", &final_path))?;
                        renamed = true;
                        f();
                        file.sync_all().map_err(|e| Error::io(&e, "fsync", &final_path))?;
                    } else {
                        file.sync_all().map_err(|e| Error::io(&e, "fsync", &final_path))?;
                        fs::rename(&partial_t, &final_path).map_err(|e| Error::io(&e, "rename", &final_path))?;
                    }
                    Ok(Written { path: final_path.clone(), bytes, raw_bytes })
                });
                if result.is_err() {
                    // A file that could not be made durable is not left under its final name either.
                    let _ = fs::remove_file(if renamed { &final_path } else { &partial_t });
                }
                // Whoever waits for the publication is released in every case.
                if let Some(f) = publish {
                    f();
                }
                result
            })
            .map_err(|e| {
                let _ = fs::remove_file(&partial);
                Error::new(ErrorKind::Thread, format!("could not start the writer thread: {e}"))
            })?;
        Ok(Writer { tx: Some(tx), thread: Some(thread), partial })
    }

    /// Queues a chunk; blocks only while the writer thread is `QUEUE_DEPTH` chunks behind.
    pub fn write(&self, chunk: Vec<u8>) {
        if let Some(tx) = &self.tx {
            // A send error means the thread is gone; `finish` reports why.
            let _ = tx.send(Msg::Chunk(chunk));
        }
    }

    /// Flushes, fsyncs and renames to the final name; on any failure the partial file is removed.
    pub fn finish(mut self) -> Result<Written> {
        drop(self.tx.take());
        self.join()
    }

    /// Like [`Writer::finish`], but renames to the final name before the fsync and calls
    /// `published` in between (also when the write failed, then with nothing renamed): a caller
    /// that must not go on before the file is there (a signal snapshot, as heapdump's) waits for
    /// that alone, and the fsync happens after, off its thread.
    pub fn finish_publishing(mut self, published: Box<dyn FnOnce() + Send>) -> Result<Written> {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Msg::PublishEarly(published));
        }
        self.join()
    }

    /// Stops writing and removes the partial file.
    pub fn abort(mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Msg::Abort);
        }
        let _ = self.join();
    }

    fn join(&mut self) -> Result<Written> {
        let thread = self.thread.take().expect("writer joined twice");
        match thread.join() {
            Ok(r) => r,
            Err(_) => {
                let _ = fs::remove_file(&self.partial);
                Err(Error::new(ErrorKind::Thread, "the writer thread panicked"))
            }
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if self.thread.is_some() {
            if let Some(tx) = self.tx.take() {
                let _ = tx.send(Msg::Abort);
            }
            let _ = self.join();
        }
    }
}

enum Output {
    Plain(BufWriter<File>),
    Gzip(GzEncoder<BufWriter<File>>),
}

impl Output {
    fn new(file: File, gzip_level: Option<u32>) -> Self {
        let buf = BufWriter::with_capacity(1 << 20, file);
        match gzip_level {
            Some(level) => Output::Gzip(GzEncoder::new(buf, Compression::new(level))),
            None => Output::Plain(buf),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Output::Plain(w) => w.write_all(bytes),
            Output::Gzip(w) => w.write_all(bytes),
        }
    }

    fn finish(self, path: &Path) -> Result<File> {
        let buf = match self {
            Output::Plain(w) => w,
            Output::Gzip(w) => w.finish().map_err(|e| Error::io(&e, "write", path))?,
        };
        buf.into_inner().map_err(|e| Error::io(e.error(), "write", path))
    }
}

/// Creates `partial` (for the final `path`) readable by its owner only: snapshots hold secrets.
#[cfg(unix)]
fn create_private(path: &Path, partial: &Path) -> Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(partial).map_err(|e| Error::io(&e, "open", path))?;
    // A stale partial file from a crash keeps its old mode through O_CREAT; force 0600.
    if let Err(e) = file.set_permissions(fs::Permissions::from_mode(0o600)) {
        let _ = fs::remove_file(partial);
        return Err(Error::io(&e, "chmod", partial));
    }
    Ok(file)
}

/// Without mode bits (Windows) the file takes its directory's ACL, as README says.
#[cfg(not(unix))]
fn create_private(path: &Path, partial: &Path) -> Result<File> {
    OpenOptions::new().write(true).create(true).truncate(true).open(partial).map_err(|e| Error::io(&e, "open", path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::unix::fs::PermissionsExt;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("rsheapdump-writer-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn plain_write_renames_and_is_0600() {
        let d = tmpdir("plain");
        let p = d.join("a.heapsnapshot");
        let w = Writer::create(&p, None).unwrap();
        assert!(partial_path(&p).exists(), "partial exists while writing");
        w.write(b"hello ".to_vec());
        w.write(b"world".to_vec());
        let out = w.finish().unwrap();
        assert_eq!(out.bytes, 11);
        assert_eq!(fs::read_to_string(&p).unwrap(), "hello world");
        assert!(!partial_path(&p).exists());
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn gzip_round_trip() {
        let d = tmpdir("gz");
        let p = d.join("a.gz");
        let w = Writer::create(&p, Some(1)).unwrap();
        let text = "{\"snapshot\":1}".repeat(10_000);
        for c in text.as_bytes().chunks(1000) {
            w.write(c.to_vec());
        }
        let out = w.finish().unwrap();
        assert_eq!(out.raw_bytes, text.len() as u64);
        assert!(out.bytes < text.len() as u64 / 3);
        let mut s = String::new();
        flate2::read::GzDecoder::new(File::open(&p).unwrap()).read_to_string(&mut s).unwrap();
        assert_eq!(s, text);
    }

    #[test]
    fn abort_removes_partial() {
        let d = tmpdir("abort");
        let p = d.join("a");
        let w = Writer::create(&p, None).unwrap();
        w.write(b"x".to_vec());
        w.abort();
        assert!(!partial_path(&p).exists());
        assert!(!p.exists());
    }

    #[test]
    fn missing_directory_fails_at_create() {
        let d = tmpdir("missing");
        let p = d.join("no/such/dir/a.heapsnapshot");
        let e = Writer::create(&p, None).err().unwrap();
        assert_eq!(e.errno_code(), "ENOENT");
        assert_eq!(e.syscall.as_deref(), Some("open"));
    }

    #[test]
    fn directory_as_filename_fails_at_create() {
        let d = tmpdir("isdir");
        let e = Writer::create(&d, None).err().unwrap();
        assert_eq!(e.errno_code(), "EISDIR");
        assert!(!partial_path(&d).exists());
    }

    #[test]
    fn failed_rename_removes_partial() {
        let d = tmpdir("rename");
        let p = d.join("target");
        let w = Writer::create(&p, None).unwrap();
        // A directory appearing at the final name makes the rename fail.
        fs::create_dir_all(p.join("child")).unwrap();
        w.write(b"data".to_vec());
        let e = w.finish().err().unwrap();
        assert_eq!(e.syscall.as_deref(), Some("rename"));
        assert!(!partial_path(&p).exists());
    }

    #[test]
    fn writers_of_one_name_never_share_a_partial_file() {
        let d = tmpdir("same-name");
        let p = d.join("latest.gz");
        let a = Writer::create(&p, Some(1)).unwrap();
        let b = Writer::create(&p, Some(1)).unwrap();
        assert_ne!(a.partial, b.partial);
        a.write(b"first".to_vec());
        b.write(b"second".to_vec());
        a.finish().unwrap();
        b.finish().unwrap();
        let mut s = String::new();
        flate2::read::GzDecoder::new(File::open(&p).unwrap()).read_to_string(&mut s).unwrap();
        assert_eq!(s, "second", "the later finish wins the name");
        assert_eq!(fs::read_dir(&d).unwrap().count(), 1, "no partial file left");
        // Both names are free again.
        let c = Writer::create(&p, None).unwrap();
        assert_eq!(c.partial, partial_path(&p));
        c.abort();
    }

    #[test]
    fn bad_gzip_level_is_rejected() {
        let d = tmpdir("level");
        assert_eq!(Writer::create(&d.join("x"), Some(10)).err().unwrap().kind, ErrorKind::OutOfRange);
    }
}
