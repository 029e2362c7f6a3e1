//! The watchdog thread: ticks, pings the event loop through a callback the caller provides (the
//! napi glue queues a no-op on the loop; its acknowledgement calls [`Acker::ack`] on the main
//! thread), runs the [`Detector`] and hands its events to the subscriber.
//!
//! It never touches JavaScript and never keeps a process alive: it is a plain OS thread that dies
//! with the process, and the ping callback is expected to be unref'd.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::detector::{Config, Detector, Event, Sched, Tick};

/// Called with each event and the number of the last ping the loop answered (which does not
/// change while the loop is stuck), on the watchdog thread.
pub type Subscriber = Box<dyn FnMut(Event, u64) + Send>;
/// Queues ping `seq` on the loop; false when the loop is gone (the thread then ends).
pub type Ping = Box<dyn FnMut(u64) -> bool + Send>;

struct Shared {
    epoch: Instant,
    wall_epoch_ms: f64,
    ack_seq: AtomicU64,
    ack_nanos: AtomicU64,
    /// The watched thread's CPU time (nanos) at the last answer; `u64::MAX` if unknown.
    ack_cpu: AtomicU64,
    /// The watched (calling, main) thread's clock and state.
    thread: ThreadClock,
    /// Until when (nanos since `epoch`) rsheapdump holds the main thread on purpose.
    quiet_until: AtomicU64,
    stop: Mutex<bool>,
    wake: Condvar,
    subscriber: Mutex<Option<Subscriber>>,
    current: Mutex<Option<(u32, Instant)>>,
}

/// Maps the watchdog's instants to wall-clock time (read once, at start).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    epoch: Instant,
    wall_epoch_ms: f64,
}

impl Clock {
    /// Milliseconds since the Unix epoch at `t`.
    pub fn wall_ms(&self, t: Instant) -> f64 {
        self.wall_epoch_ms + t.saturating_duration_since(self.epoch).as_secs_f64() * 1000.0
    }
}

/// Records the loop's answers; cheap enough to call on every ping (two atomic stores).
#[derive(Clone)]
pub struct Acker(Arc<Shared>);

impl Acker {
    /// Ping `seq` was answered now, on the loop's thread.
    pub fn ack(&self, seq: u64) {
        let nanos = self.0.epoch.elapsed().as_nanos() as u64;
        let cpu = self.0.thread.cpu().map_or(u64::MAX, |c| c.as_nanos() as u64);
        self.0.ack_cpu.store(cpu, Ordering::Relaxed);
        self.0.ack_nanos.store(nanos, Ordering::Relaxed);
        self.0.ack_seq.store(seq, Ordering::Release);
    }
}

/// A running watchdog; [`Watchdog::stop`] ends it.
pub struct Watchdog {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    /// Starts the thread, watching the calling thread's loop; `make_ping` gets the [`Acker`] the loop must call and returns the
    /// ping function, which is called on the thread.
    pub fn start(cfg: Config, make_ping: impl FnOnce(Acker) -> Ping) -> std::io::Result<Self> {
        let wall_epoch_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0);
        let shared = Arc::new(Shared {
            epoch: Instant::now(),
            wall_epoch_ms,
            ack_seq: AtomicU64::new(0),
            ack_nanos: AtomicU64::new(0),
            ack_cpu: AtomicU64::new(u64::MAX),
            thread: ThreadClock::current(),
            quiet_until: AtomicU64::new(0),
            stop: Mutex::new(false),
            wake: Condvar::new(),
            subscriber: Mutex::new(None),
            current: Mutex::new(None),
        });
        let ping = make_ping(Acker(shared.clone()));
        let s = shared.clone();
        let thread = std::thread::Builder::new().name("rsheapdump-stall".into()).spawn(move || run(s, cfg, ping))?;
        Ok(Watchdog { shared, thread: Some(thread) })
    }

    /// Converts the events' times to milliseconds since the Unix epoch.
    pub fn clock(&self) -> Clock {
        Clock { epoch: self.shared.epoch, wall_epoch_ms: self.shared.wall_epoch_ms }
    }

    /// Sets who gets the events. A stall already in progress is announced to it at once.
    pub fn subscribe(&self, mut f: Subscriber) {
        let mut sub = lock(&self.shared.subscriber);
        if let Some((id, started)) = *lock(&self.shared.current) {
            f(Event::Start { id, started, now: Instant::now() }, self.turns());
        }
        *sub = Some(f);
    }

    /// rsheapdump will hold the main thread for up to `d` from now (zero: no longer): see
    /// [`Tick::quiet`](super::detector::Tick::quiet). A deadline, so a holder that dies cannot
    /// silence the watch for good.
    pub fn quiet_for(&self, d: Duration) {
        let until = if d.is_zero() { 0 } else { (self.shared.epoch.elapsed() + d).as_nanos() as u64 };
        self.shared.quiet_until.store(until, Ordering::Release);
    }

    /// The watched thread's CPU time and whether it is runnable, where the OS tells (Linux).
    pub fn thread_state(&self) -> Option<Sched> {
        self.shared.thread.read()
    }

    /// The number of the last ping the loop answered: it grows while the loop turns.
    pub fn turns(&self) -> u64 {
        self.shared.ack_seq.load(Ordering::Acquire)
    }

    /// Stops and joins the thread (it wakes at once); the subscriber and the ping are dropped.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        *lock(&self.shared.stop) = true;
        self.shared.wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        lock(&self.shared.subscriber).take();
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.halt();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn run(s: Arc<Shared>, cfg: Config, mut ping: Ping) {
    let mut det = Detector::new(cfg, Instant::now());
    let mut seq = 0u64;
    let mut sent: Option<u64> = None;
    loop {
        {
            let stop = lock(&s.stop);
            let (stop, _) = s.wake.wait_timeout_while(stop, cfg.tick, |stop| !*stop).unwrap_or_else(|p| p.into_inner());
            if *stop {
                return;
            }
        }
        let now = Instant::now();
        let answered = sent.filter(|&q| s.ack_seq.load(Ordering::Acquire) >= q).map(|_| s.epoch + Duration::from_nanos(s.ack_nanos.load(Ordering::Relaxed)));
        let cpu_at_answer = answered.and_then(|_| Some(s.ack_cpu.load(Ordering::Relaxed)).filter(|&c| c != u64::MAX)).map(Duration::from_nanos);
        if answered.is_some() {
            sent = None;
        }
        let quiet = now.saturating_duration_since(s.epoch).as_nanos() < u128::from(s.quiet_until.load(Ordering::Acquire));
        let acts = det.tick(Tick { now, answered, cpu_at_answer, sched: s.thread.read(), quiet });
        if acts.ping {
            seq += 1;
            if !ping(seq) {
                return;
            }
            sent = Some(seq);
        }
        *lock(&s.current) = det.current();
        if !acts.events.is_empty() {
            if let Some(f) = lock(&s.subscriber).as_mut() {
                let turns = s.ack_seq.load(Ordering::Acquire);
                for e in acts.events {
                    f(e, turns);
                }
            }
        }
    }
}

/// The watched thread's CPU clock and its `/proc` stat file (Linux; elsewhere both are `None`
/// and the detector falls back to wall time with the late-tick rule).
struct ThreadClock {
    #[cfg(target_os = "linux")]
    clock: Option<libc::clockid_t>,
    #[cfg(target_os = "linux")]
    stat: Option<std::fs::File>,
}

impl ThreadClock {
    /// For the calling thread.
    fn current() -> Self {
        #[cfg(target_os = "linux")]
        {
            let mut clock: libc::clockid_t = 0;
            // SAFETY: plain calls about the calling thread.
            let clock = (unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) } == 0).then_some(clock);
            let tid = unsafe { libc::syscall(libc::SYS_gettid) };
            ThreadClock { clock, stat: std::fs::File::open(format!("/proc/self/task/{tid}/stat")).ok() }
        }
        #[cfg(not(target_os = "linux"))]
        ThreadClock {}
    }

    /// The thread's CPU time: exact, also while it runs (the kernel brings it up to date).
    fn cpu(&self) -> Option<Duration> {
        #[cfg(target_os = "linux")]
        {
            let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: reading a clock into a local.
            (unsafe { libc::clock_gettime(self.clock?, &mut ts) } == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
        }
        #[cfg(not(target_os = "linux"))]
        None
    }

    /// Running or ready to run (state `R`), rather than asleep in a blocking call.
    fn runnable(&self) -> Option<bool> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::FileExt;
            let mut buf = [0u8; 512];
            let n = self.stat.as_ref()?.read_at(&mut buf, 0).ok()?;
            // `tid (comm) S ...`: the comm may hold spaces and parentheses, the state follows the last ')'.
            let close = buf[..n].iter().rposition(|&b| b == b')')?;
            Some(*buf.get(close + 2)? == b'R')
        }
        #[cfg(not(target_os = "linux"))]
        None
    }

    /// The whole process's CPU time.
    fn process_cpu() -> Option<Duration> {
        #[cfg(target_os = "linux")]
        {
            let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: reading a clock into a local.
            (unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
        }
        #[cfg(not(target_os = "linux"))]
        None
    }

    fn read(&self) -> Option<Sched> {
        Some(Sched { cpu: self.cpu()?, runnable: self.runnable()?, process_cpu: Self::process_cpu()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    /// A fake event loop on its own thread: answers pings unless `blocked`.
    #[test]
    fn detects_a_blocked_loop_and_its_end() {
        let cfg = Config { threshold: Duration::from_millis(60), tick: Duration::from_millis(5), ongoing_every: Duration::from_secs(60) };
        let (ping_tx, ping_rx) = mpsc::channel::<u64>();
        let (ack_tx, ack_rx) = mpsc::channel();
        let wd = Watchdog::start(cfg, |acker| {
            ack_tx.send(acker).unwrap();
            Box::new(move |seq| ping_tx.send(seq).is_ok())
        })
        .unwrap();
        let acker = ack_rx.recv().unwrap();
        let blocked = Arc::new(AtomicBool::new(false));
        let b = blocked.clone();
        let lp = std::thread::spawn(move || {
            while let Ok(seq) = ping_rx.recv() {
                while b.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                acker.ack(seq);
            }
        });
        let (ev_tx, ev_rx) = mpsc::channel();
        wd.subscribe(Box::new(move |e, _| {
            let _ = ev_tx.send(e);
        }));
        std::thread::sleep(Duration::from_millis(150));
        assert!(ev_rx.try_recv().is_err(), "a healthy loop is not a stall");
        blocked.store(true, Ordering::SeqCst);
        let t0 = Instant::now();
        let start = ev_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(matches!(start, Event::Start { id: 1, .. }), "{start:?}");
        std::thread::sleep(Duration::from_millis(200).saturating_sub(t0.elapsed()));
        blocked.store(false, Ordering::SeqCst);
        let Event::End { started, ended, .. } = ev_rx.recv_timeout(Duration::from_secs(5)).unwrap() else { panic!("no end") };
        let ms = (ended - started).as_millis();
        // Blocked ≈200 ms; on a loaded machine the fake loop's thread may run late, so only bounds.
        assert!((190..1000).contains(&ms), "{ms} ms");
        assert!(wd.clock().wall_ms(started) > 1.6e12);
        wd.stop();
        lp.join().unwrap();
    }

    #[test]
    fn thread_state_is_readable_on_linux() {
        let t = ThreadClock::current();
        if cfg!(target_os = "linux") {
            let a = t.read().unwrap();
            assert!(a.runnable, "this thread is running");
            let mut x = 0u64;
            for i in 0..3_000_000u64 {
                x = x.wrapping_add(std::hint::black_box(i));
            }
            std::hint::black_box(x);
            assert!(t.cpu().unwrap() > a.cpu, "the CPU clock advances while running");
        }
    }
}
