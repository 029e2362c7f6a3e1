//! Seeing signals off the main thread: a `sigaction` handler that writes the signal number to a
//! self-pipe and then calls whatever handler was installed before (libuv's, when the app has its
//! own `process.on(...)` listener), and a watcher thread that reads the pipe and calls the
//! registered callbacks. The capture worker registers one, so a signal is served even while the
//! main thread is stuck in a JavaScript loop.

use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::error::{Error, ErrorKind, Result};

const MAX_SIGNAL: usize = 65;

static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);
// The handler found at install time, per signal, to chain to (read inside the signal handler, so
// atomics only).
static PREV_HANDLER: [AtomicUsize; MAX_SIGNAL] = [const { AtomicUsize::new(0) }; MAX_SIGNAL];
static PREV_FLAGS: [AtomicI32; MAX_SIGNAL] = [const { AtomicI32::new(0) }; MAX_SIGNAL];

type Callback = Box<dyn Fn(i32) + Send + Sync>;

struct Subscribers {
    callbacks: Vec<(u64, Callback)>,
    // Signals that arrived before anyone subscribed (the handler is installed synchronously at
    // require time, the capture worker subscribes a moment later): delivered on subscribe.
    undelivered: Vec<i32>,
}

fn subscribers() -> &'static Mutex<Subscribers> {
    static SUBS: OnceLock<Mutex<Subscribers>> = OnceLock::new();
    SUBS.get_or_init(|| Mutex::new(Subscribers { callbacks: Vec::new(), undelivered: Vec::new() }))
}

/// The calling thread's errno, which a signal handler must leave as it found it.
unsafe fn errno_ptr() -> *mut libc::c_int {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    return libc::__errno_location();
    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
    return libc::__error();
}

extern "C" fn on_signal(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: only async-signal-safe calls (write, errno access) and a call to the previous handler.
    unsafe {
        let errno = *errno_ptr();
        let fd = PIPE_WRITE.load(Ordering::Relaxed);
        if fd >= 0 {
            let b = sig as u8;
            libc::write(fd, &b as *const u8 as *const libc::c_void, 1);
        }
        *errno_ptr() = errno;
        let idx = sig as usize;
        if idx >= MAX_SIGNAL {
            return;
        }
        let prev = PREV_HANDLER[idx].load(Ordering::Acquire);
        if prev == libc::SIG_DFL || prev == libc::SIG_IGN || prev == on_signal as *const () as usize {
            return;
        }
        if PREV_FLAGS[idx].load(Ordering::Acquire) & libc::SA_SIGINFO != 0 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) = std::mem::transmute(prev);
            f(sig, info, ctx);
        } else {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(prev);
            f(sig);
        }
    }
}

fn start_watcher() -> Result<()> {
    static STARTED: OnceLock<std::result::Result<(), Error>> = OnceLock::new();
    STARTED
        .get_or_init(|| {
            let mut fds = [0i32; 2];
            // SAFETY: plain pipe creation (pipe2 is not on macOS, so flags are set after).
            if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
                return Err(Error::new(ErrorKind::Signal, format!("could not create the signal pipe: {}", std::io::Error::last_os_error())));
            }
            unsafe {
                libc::fcntl(fds[0], libc::F_SETFD, libc::FD_CLOEXEC);
                libc::fcntl(fds[1], libc::F_SETFD, libc::FD_CLOEXEC);
                // A full pipe must never block the signal handler; dropping a byte only merges signals.
                libc::fcntl(fds[1], libc::F_SETFL, libc::O_NONBLOCK);
            }
            let read_fd = fds[0];
            std::thread::Builder::new()
                .name("rsheapdump-signals".into())
                .spawn(move || {
                    let mut buf = [0u8; 64];
                    loop {
                        // SAFETY: reading into a local buffer.
                        let n = unsafe { libc::read(read_fd, buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
                        if n < 0 {
                            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                                continue;
                            }
                            return;
                        }
                        if n == 0 {
                            return;
                        }
                        let mut subs = subscribers().lock().unwrap_or_else(|p| p.into_inner());
                        for &sig in &buf[..n as usize] {
                            if subs.callbacks.is_empty() {
                                subs.undelivered.push(sig as i32);
                            }
                            for (_, cb) in subs.callbacks.iter() {
                                cb(sig as i32);
                            }
                        }
                    }
                })
                .map_err(|e| Error::new(ErrorKind::Signal, format!("could not start the signal thread: {e}")))?;
            PIPE_WRITE.store(fds[1], Ordering::Release);
            Ok(())
        })
        .clone()
}

/// Installs (or re-installs, after someone else replaced it) our handler for `sig`, chaining to
/// the handler that is there now.
pub fn install(sig: i32) -> Result<()> {
    if sig <= 0 || sig as usize >= MAX_SIGNAL || sig == libc::SIGKILL || sig == libc::SIGSTOP {
        return Err(Error::new(ErrorKind::OutOfRange, format!("cannot watch signal {sig}")));
    }
    start_watcher()?;
    // SAFETY: sigaction with zeroed structs filled in below.
    unsafe {
        let mut cur: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut cur);
        if cur.sa_sigaction == on_signal as *const () as usize {
            return Ok(());
        }
        PREV_FLAGS[sig as usize].store(cur.sa_flags, Ordering::Release);
        PREV_HANDLER[sig as usize].store(cur.sa_sigaction, Ordering::Release);
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = on_signal as *const () as usize;
        act.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART | libc::SA_ONSTACK;
        libc::sigemptyset(&mut act.sa_mask);
        if libc::sigaction(sig, &act, std::ptr::null_mut()) != 0 {
            return Err(Error::new(ErrorKind::Signal, format!("could not install a handler for signal {sig}: {}", std::io::Error::last_os_error())));
        }
    }
    Ok(())
}

/// Whether our handler is the one installed for `sig` right now.
pub fn is_installed(sig: i32) -> bool {
    // SAFETY: read-only sigaction query.
    unsafe {
        let mut cur: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut cur) == 0 && cur.sa_sigaction == on_signal as *const () as usize
    }
}

/// Registers a callback run on the watcher thread for every watched signal; returns its id.
/// Signals that arrived while nobody was subscribed are passed to it at once.
pub fn subscribe(cb: Callback) -> u64 {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    let id = NEXT.fetch_add(1, Ordering::Relaxed) as u64;
    let mut subs = subscribers().lock().unwrap_or_else(|p| p.into_inner());
    for sig in std::mem::take(&mut subs.undelivered) {
        cb(sig);
    }
    subs.callbacks.push((id, cb));
    id
}

/// Removes a callback registered with [`subscribe`].
pub fn unsubscribe(id: u64) {
    subscribers().lock().unwrap_or_else(|p| p.into_inner()).callbacks.retain(|(i, _)| *i != id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;
    use std::time::Duration;

    static CHAINED: AtomicBool = AtomicBool::new(false);
    extern "C" fn previous(_: libc::c_int) {
        CHAINED.store(true, Ordering::SeqCst);
    }

    #[test]
    fn signal_reaches_callback_and_chains_to_previous_handler() {
        let sig = libc::SIGUSR1;
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = previous as *const () as usize;
            libc::sigaction(sig, &act, std::ptr::null_mut());
        }
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let id = subscribe(Box::new(move |s| {
            let _ = tx.lock().unwrap().send(s);
        }));
        install(sig).unwrap();
        assert!(is_installed(sig));
        unsafe { libc::raise(sig) };
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), sig);
        assert!(CHAINED.load(Ordering::SeqCst), "the previous handler ran too");
        unsubscribe(id);
        // Someone replaces our handler (as libuv does); install() puts ours back, chaining to theirs.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = previous as *const () as usize;
            libc::sigaction(sig, &act, std::ptr::null_mut());
        }
        assert!(!is_installed(sig));
        install(sig).unwrap();
        assert!(is_installed(sig));
        assert_eq!(install(libc::SIGKILL).unwrap_err().kind, ErrorKind::OutOfRange);
    }
}
