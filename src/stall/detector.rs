//! When has the event loop stopped turning? A pure state machine, fed by the watchdog thread
//! (`super::watchdog`) once per tick, so its rules are tested here without threads or clocks.
//!
//! Each tick the watchdog asks the loop to answer a ping (a no-op callback queued on it). A ping
//! answered at `t` means the loop turned at `t`. A stall starts when the outstanding ping has been
//! unanswered for `threshold` of *loop* time since the last answer, and ends with the next answer.
//!
//! Loop time, not wall time: two corrections keep a descheduled process from looking stuck.
//! - Time the main thread spent ready to run but without a CPU is not blocked time. Each tick
//!   reads the main thread's state (Linux: `/proc/self/task/<tid>/stat`) and its CPU clock (exact,
//!   also for a thread that is running now): while it is runnable, only the CPU time the process
//!   got counts (the main thread's, or the whole process's when that is more: a GC's helper
//!   threads doing its work while the main thread waits for a CPU); while it sleeps (a blocking
//!   call), the wall time counts. (The kernel's run-queue
//!   counter, schedstat, was tried first: it is only brought up to date when the thread next gets
//!   a CPU, so a thread waiting right now looked blocked, and a healthy server on an overloaded
//!   machine was reported.)
//! - The watchdog's own lateness: a tick that comes much later than asked (the process was
//!   stopped, the VM paused) says nothing about the loop, so the measurement restarts from that
//!   tick instead of counting the gap, unless the process was seen running through the gap (a
//!   long GC keeps every core busy with its helper threads, the main thread often waiting for
//!   them, and starves the watchdog too: on Node 24 such a GC was missed until this counted the
//!   whole process's CPU time, not only the main thread's).

use std::time::{Duration, Instant};

/// The detector's settings.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// The loop is stalled once it has not turned for this long.
    pub threshold: Duration,
    /// How often the watchdog ticks (and pings the loop).
    pub tick: Duration,
    /// While a stall lasts, one `Ongoing` event per this interval.
    pub ongoing_every: Duration,
}

impl Config {
    /// The tick for a threshold: a fifth of it (the duration's error bound), within 2..100 ms.
    pub fn tick_for(threshold: Duration) -> Duration {
        (threshold / 5).clamp(Duration::from_millis(2), Duration::from_millis(100))
    }

    /// A tick this much later than asked restarts the measurement.
    fn late(&self) -> Duration {
        self.tick + (self.threshold / 2).max(self.tick)
    }
}

/// What the detector reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Stall `id` was detected; the loop last turned at `started`.
    Start { id: u32, started: Instant, now: Instant },
    /// Stall `id` still lasts at `now` (one per `ongoing_every`).
    Ongoing { id: u32, started: Instant, now: Instant },
    /// Stall `id` ended: the loop turned again at `ended`.
    End { id: u32, started: Instant, ended: Instant },
}

/// What one tick observed.
#[derive(Debug, Clone, Copy)]
pub struct Tick {
    pub now: Instant,
    /// The outstanding ping was answered, at this time.
    pub answered: Option<Instant>,
    /// The main thread's CPU time when it answered (read by the main thread itself: the watchdog
    /// may see the answer much later on a loaded machine).
    pub cpu_at_answer: Option<Duration>,
    /// The main thread's CPU time and state now, where the OS tells them.
    pub sched: Option<Sched>,
    /// rsheapdump itself is holding the main thread (stopping a stall's profile: V8 joins its
    /// sampler thread there, which takes long when that thread waits for a CPU): outside a
    /// stall, the measurement restarts at each such tick instead of reporting our own pause.
    pub quiet: bool,
}

/// The main thread as the OS sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sched {
    /// Its CPU time so far.
    pub cpu: Duration,
    /// Running or ready to run (not sleeping in a blocking call).
    pub runnable: bool,
    /// The whole process's CPU time so far (all threads).
    pub process_cpu: Duration,
}

/// What the watchdog must do after a tick.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Actions {
    /// Send a new ping.
    pub ping: bool,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, Copy)]
struct Stall {
    id: u32,
    started: Instant,
    last_report: Instant,
}

/// The state machine; see the module doc.
#[derive(Debug)]
pub struct Detector {
    cfg: Config,
    prev_tick: Instant,
    /// The loop last turned at (or, after a late tick, the measurement restarted at) this time.
    last_turn: Instant,
    /// Time since `last_turn` the main thread was runnable without a CPU (not blocked time).
    waited: Duration,
    /// The main thread's and the process's CPU time at the previous tick.
    prev_cpu: Duration,
    prev_process_cpu: Duration,
    outstanding: bool,
    stall: Option<Stall>,
    next_id: u32,
}

impl Detector {
    pub fn new(cfg: Config, now: Instant) -> Self {
        Detector {
            cfg,
            prev_tick: now,
            last_turn: now,
            waited: Duration::ZERO,
            prev_cpu: Duration::ZERO,
            prev_process_cpu: Duration::ZERO,
            outstanding: false,
            stall: None,
            next_id: 1,
        }
    }

    /// The stall in progress: (id, when the loop last turned).
    pub fn current(&self) -> Option<(u32, Instant)> {
        self.stall.map(|s| (s.id, s.started))
    }

    /// Advances the state by one tick.
    pub fn tick(&mut self, t: Tick) -> Actions {
        let mut out = Actions::default();
        let gap = t.now.saturating_duration_since(self.prev_tick);
        let ran = t.sched.map(|s| s.cpu.saturating_sub(self.prev_cpu));
        // Seen running through a late tick's gap: the process was busy, not stopped.
        let process_ran = t.sched.map(|s| s.process_cpu.saturating_sub(self.prev_process_cpu));
        let late = gap > self.cfg.late() && process_ran.is_none_or(|r| r < gap / 4);
        self.prev_tick = t.now;
        if let Some(s) = t.sched {
            self.prev_cpu = s.cpu;
            self.prev_process_cpu = s.process_cpu;
        }
        if let Some(at) = t.answered {
            self.outstanding = false;
            if let Some(s) = self.stall.take() {
                out.events.push(Event::End { id: s.id, started: s.started, ended: at.max(s.started) });
            }
            self.last_turn = at;
            // Runnable since the answer: what of that time it did not get a CPU for was waiting.
            self.waited = match (t.sched, t.cpu_at_answer) {
                (Some(s), Some(c)) if s.runnable => t.now.saturating_duration_since(at).saturating_sub(s.cpu.saturating_sub(c)),
                _ => Duration::ZERO,
            };
        } else if let (Some(s), Some(r), Some(p)) = (t.sched, ran, process_ran) {
            if s.runnable {
                // Progress is what the process got done: the main thread's CPU time, or its
                // helpers' when it waits for them (V8's parallel GC), whichever is more.
                self.waited += gap.saturating_sub(r.max(p));
            }
        }
        if (late || t.quiet) && self.stall.is_none() {
            // The gap is the scheduler's (or ours), not the loop's: measure again from here.
            self.last_turn = t.now;
            self.waited = Duration::ZERO;
        }
        if !self.outstanding {
            self.outstanding = true;
            out.ping = true;
            return out;
        }
        match self.stall.as_mut() {
            None => {
                let blocked = t.now.saturating_duration_since(self.last_turn).saturating_sub(self.waited);
                if blocked >= self.cfg.threshold {
                    let id = self.next_id;
                    self.next_id = self.next_id.wrapping_add(1).max(1);
                    self.stall = Some(Stall { id, started: self.last_turn, last_report: t.now });
                    out.events.push(Event::Start { id, started: self.last_turn, now: t.now });
                }
            }
            Some(s) => {
                if t.now.saturating_duration_since(s.last_report) >= self.cfg.ongoing_every {
                    s.last_report = t.now;
                    out.events.push(Event::Ongoing { id: s.id, started: s.started, now: t.now });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn cfg() -> Config {
        Config { threshold: 100 * MS, tick: 20 * MS, ongoing_every: 1000 * MS }
    }

    /// Runs ticks every `tick` from `t0` until `until`; the loop answers a ping `answer_after`
    /// after it was sent, except while `blocked` (a range of times), when it answers at the
    /// range's end. Returns the events.
    /// `sched(at)` is the main thread as the OS sees it at `at` (None: unknown).
    fn run(blocked: (Duration, Duration), until: Duration, sched: impl Fn(Duration) -> Option<Sched>) -> Vec<(Duration, Event)> {
        let t0 = Instant::now();
        let c = cfg();
        let mut d = Detector::new(c, t0);
        let mut events = Vec::new();
        let mut pending: Option<Duration> = None; // when the outstanding ping will be answered
        let mut at = Duration::ZERO;
        while at <= until {
            at += c.tick;
            let answered = match pending {
                Some(a) if a <= at => {
                    pending = None;
                    Some(t0 + a)
                }
                _ => None,
            };
            let cpu_at_answer = answered.and_then(|a| sched(a - t0)).map(|s| s.cpu);
            let acts = d.tick(Tick { now: t0 + at, answered, cpu_at_answer, sched: sched(at), quiet: false });
            for e in acts.events {
                events.push((at, e));
            }
            if acts.ping {
                let sent = at;
                let answer = if sent >= blocked.0 && sent < blocked.1 { blocked.1 } else { sent + MS };
                pending = Some(answer);
            }
        }
        events
    }

    #[test]
    fn healthy_loop_reports_nothing() {
        assert!(run((Duration::MAX, Duration::MAX), 5000 * MS, |_| None).is_empty());
    }

    #[test]
    fn one_stall_with_start_and_end_times() {
        let ev = run((1000 * MS, 1500 * MS), 3000 * MS, |_| None);
        assert_eq!(ev.len(), 2, "{ev:?}");
        let (at, Event::Start { id, started, .. }) = ev[0] else { panic!("{ev:?}") };
        let (_, Event::End { id: id2, started: s2, ended }) = ev[1] else { panic!("{ev:?}") };
        assert_eq!((id, id2), (1, 1));
        assert_eq!(started, s2);
        let dur = ended - started;
        // The loop last answered within one tick before the block began.
        assert!(dur >= 500 * MS && dur <= 500 * MS + cfg().tick, "{dur:?}");
        // Detected about a threshold after the block began.
        assert!(at >= 1100 * MS && at <= 1100 * MS + 2 * cfg().tick, "{at:?}");
    }

    #[test]
    fn short_block_below_threshold_is_not_a_stall() {
        assert!(run((1000 * MS, 1070 * MS), 2000 * MS, |_| None).is_empty());
    }

    #[test]
    fn endless_stall_reports_while_it_lasts() {
        let ev = run((1000 * MS, Duration::from_secs(100)), 5500 * MS, |_| None);
        assert!(matches!(ev[0].1, Event::Start { .. }));
        let ongoing = ev.iter().filter(|(_, e)| matches!(e, Event::Ongoing { .. })).count();
        // Detected at ≈1.1 s, then one per second until 5.5 s.
        assert_eq!(ongoing, 4, "{ev:?}");
        assert!(!ev.iter().any(|(_, e)| matches!(e, Event::End { .. })));
    }

    #[test]
    fn waiting_for_a_cpu_is_not_blocked_time() {
        // The loop does not answer for 300 ms, runnable all along, but it gets only a fifth of a
        // CPU: 60 ms of loop time, no stall. (Its CPU clock runs at 0.2 from 1000 ms on.)
        let starved = |at: Duration| {
            let cpu = if at <= 1000 * MS { at } else { 1000 * MS + (at - 1000 * MS) / 5 };
            Some(Sched { cpu, runnable: true, process_cpu: cpu })
        };
        assert!(run((1000 * MS, 1300 * MS), 2000 * MS, starved).is_empty());
        // Asleep in a blocking call instead, the same 300 ms are a stall.
        let asleep = |at: Duration| Some(Sched { cpu: at.min(1000 * MS), runnable: !(1000 * MS..1300 * MS).contains(&at), process_cpu: at });
        assert_eq!(run((1000 * MS, 1300 * MS), 2000 * MS, asleep).len(), 2);
        // And running on a CPU all along, too.
        assert_eq!(run((1000 * MS, 1300 * MS), 2000 * MS, |at| Some(Sched { cpu: at, runnable: true, process_cpu: at })).len(), 2);
    }

    #[test]
    fn a_gc_done_by_helper_threads_counts() {
        // A GC on a loaded machine: the main thread gets a tenth of a CPU, V8's helper threads
        // do the marking (the process gets 0.6 of a CPU): 300 ms of wall time are 180 ms of loop time.
        let gc = |at: Duration| {
            let (cpu, process_cpu) = if at <= 1000 * MS { (at, at) } else { (1000 * MS + (at - 1000 * MS) / 10, 1000 * MS + (at - 1000 * MS) * 3 / 5) };
            Some(Sched { cpu, runnable: true, process_cpu })
        };
        assert_eq!(run((1000 * MS, 1300 * MS), 2000 * MS, gc).len(), 2);
    }

    #[test]
    fn the_wait_is_counted_from_the_answer() {
        // The loop answers at 20 ms; the watchdog, itself waiting for a CPU, sees it only at
        // 300 ms; the main thread, runnable, got 80 ms of CPU since: 200 ms were waiting.
        let t0 = Instant::now();
        let mut d = Detector::new(cfg(), t0);
        let sched = |cpu_ms: u32| Some(Sched { cpu: cpu_ms * MS, runnable: true, process_cpu: cpu_ms * MS });
        assert!(d.tick(Tick { now: t0 + 10 * MS, answered: None, cpu_at_answer: None, sched: sched(10), quiet: false }).ping);
        let a = d.tick(Tick { now: t0 + 300 * MS, answered: Some(t0 + 20 * MS), cpu_at_answer: Some(20 * MS), sched: sched(100), quiet: false });
        assert!(a.ping && a.events.is_empty());
        // 20 ms later, unanswered, 10 ms more CPU: 300 - 20 - (200 + 10) = 70 ms blocked.
        let a = d.tick(Tick { now: t0 + 320 * MS, answered: None, cpu_at_answer: None, sched: sched(110), quiet: false });
        assert!(a.events.is_empty(), "{a:?}");
    }

    #[test]
    fn a_late_tick_restarts_the_measurement() {
        let t0 = Instant::now();
        let c = cfg();
        let mut d = Detector::new(c, t0);
        assert!(d.tick(Tick { now: t0 + 20 * MS, answered: None, cpu_at_answer: None, sched: None, quiet: false }).ping);
        // The process was stopped for 5 s: the ping is unanswered, but nothing is reported...
        let a = d.tick(Tick { now: t0 + 5020 * MS, answered: None, cpu_at_answer: None, sched: None, quiet: false });
        assert!(a.events.is_empty() && !a.ping);
        // ...until the loop stays silent for a threshold of watched time after it.
        let mut at = 5020;
        let mut first = None;
        while first.is_none() {
            at += 20;
            let a = d.tick(Tick { now: t0 + at * MS, answered: None, cpu_at_answer: None, sched: None, quiet: false });
            first = a.events.first().copied();
        }
        assert!(matches!(first, Some(Event::Start { started, .. }) if started == t0 + 5020 * MS));
        assert_eq!(at, 5120);
    }

    #[test]
    fn quiet_ticks_are_not_counted() {
        let t0 = Instant::now();
        let mut d = Detector::new(cfg(), t0);
        let tick = |d: &mut Detector, ms: u32, quiet: bool| d.tick(Tick { now: t0 + ms * MS, answered: None, cpu_at_answer: None, sched: None, quiet });
        assert!(tick(&mut d, 20, false).ping);
        // rsheapdump holds the loop from 40 to 300 ms: nothing is reported...
        for ms in (40..=300).step_by(20) {
            assert!(tick(&mut d, ms, true).events.is_empty());
        }
        // ...and the loop, still silent afterwards, is a stall a threshold after the quiet ended.
        for ms in (320..=380).step_by(20) {
            assert!(tick(&mut d, ms, false).events.is_empty());
        }
        assert!(matches!(tick(&mut d, 400, false).events[..], [Event::Start { started, .. }] if started == t0 + 300 * MS));
    }

    #[test]
    fn a_late_tick_counts_when_helper_threads_ran_through_it() {
        // A long GC on Node 24: the main thread mostly waits (asleep) for V8's helper threads,
        // which keep the cores busy; the watchdog ticks late. The process ran: it was not stopped.
        let t0 = Instant::now();
        let mut d = Detector::new(cfg(), t0);
        let sched = |process_ms: u32| Some(Sched { cpu: 20 * MS, runnable: false, process_cpu: process_ms * MS });
        assert!(d.tick(Tick { now: t0 + 20 * MS, answered: None, cpu_at_answer: None, sched: sched(20), quiet: false }).ping);
        let a = d.tick(Tick { now: t0 + 400 * MS, answered: None, cpu_at_answer: None, sched: sched(700), quiet: false });
        assert!(matches!(a.events[..], [Event::Start { started, .. }] if started == t0), "{a:?}");
        // Stopped (SIGSTOP) instead: nothing ran, the measurement restarts.
        let mut d = Detector::new(cfg(), t0);
        d.tick(Tick { now: t0 + 20 * MS, answered: None, cpu_at_answer: None, sched: sched(20), quiet: false });
        assert!(d.tick(Tick { now: t0 + 400 * MS, answered: None, cpu_at_answer: None, sched: sched(20), quiet: false }).events.is_empty());
    }

    #[test]
    fn a_late_tick_counts_when_the_main_thread_ran_through_it() {
        // A long GC with every core busy: the watchdog ticks late, but the main thread was on a
        // CPU the whole time, so the gap is blocked time.
        let t0 = Instant::now();
        let mut d = Detector::new(cfg(), t0);
        let sched = |cpu_ms: u32| Some(Sched { cpu: cpu_ms * MS, runnable: true, process_cpu: cpu_ms * MS });
        assert!(d.tick(Tick { now: t0 + 20 * MS, answered: None, cpu_at_answer: None, sched: sched(20), quiet: false }).ping);
        let a = d.tick(Tick { now: t0 + 400 * MS, answered: None, cpu_at_answer: None, sched: sched(390), quiet: false });
        assert!(matches!(a.events[..], [Event::Start { started, .. }] if started == t0), "{a:?}");
    }
}
