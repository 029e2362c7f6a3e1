//! Background threads step aside for the main thread: V8 builds and serializes a snapshot on the
//! app's main thread (the pause), while the capture worker and the writer thread (gzip) run beside
//! it. On a machine with few cores they compete for the CPU and lengthen the pause; a lower
//! priority lets them catch up afterwards instead.

/// Niceness given to rsheapdump's background threads.
pub const BACKGROUND_NICE: i32 = 10;

/// Lowers the calling thread's scheduling priority; returns whether it could (Linux only: there a
/// thread's niceness is its own). `RSHEAPDUMP_NO_NICE` in the environment turns it off (benchmarks).
pub fn lower_current_thread() -> bool {
    if std::env::var_os("RSHEAPDUMP_NO_NICE").is_some() {
        return false;
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid and setpriority on the calling thread only.
        unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, BACKGROUND_NICE) == 0
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn lowers_only_the_calling_thread() {
        let before = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let t = std::thread::spawn(|| {
            assert!(super::lower_current_thread());
            unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::syscall(libc::SYS_gettid) as libc::id_t) }
        });
        assert_eq!(t.join().unwrap(), super::BACKGROUND_NICE.max(before));
        assert_eq!(unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }, before, "the process is unchanged");
    }
}
