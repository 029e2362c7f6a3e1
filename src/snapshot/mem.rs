//! Memory helpers for the big per-node and per-edge arrays.

/// Maps in all pages of `v`'s allocation at once (Linux `MADV_POPULATE_WRITE`), instead of one
/// page fault per 4 KiB page on first write: the arrays here are tens of megabytes, written
/// soon after they are allocated, and a fault costs microseconds in a VM. The contents are
/// not changed; elsewhere, or on kernels without it (before 5.14), this does nothing.
pub fn prefault<T>(v: &mut Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let bytes = v.capacity() * std::mem::size_of::<T>();
        if bytes < 1 << 20 {
            return;
        }
        let ptr = v.as_mut_ptr() as usize;
        let start = (ptr + PAGE - 1) & !(PAGE - 1);
        let end = (ptr + bytes) & !(PAGE - 1);
        if end > start {
            // SAFETY: the range lies inside the vector's own allocation; MADV_POPULATE_WRITE
            // only faults pages in (as a write of their current contents would) and fails
            // harmlessly where unsupported.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_POPULATE_WRITE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

/// `vec![value; n]` with its pages mapped in at once (see [`prefault`]).
pub fn filled<T: Clone>(n: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    prefault(&mut v);
    v.resize(n, value);
    v
}

/// Numbers whose zero is the all-zero bit pattern.
pub trait Zero: Copy {
    /// Zero.
    const ZERO: Self;
}

macro_rules! zero {
    ($($t:ty),*) => { $(impl Zero for $t { const ZERO: Self = 0 as $t; })* };
}
zero!(u8, u16, u32, u64, i32, f64);

/// `vec![0; n]` with its pages mapped in at once: the allocator hands out pages that are
/// already zero (no pass of writes, unlike [`filled`]), and [`prefault`] maps them.
pub fn zeros<T: Zero>(n: usize) -> Vec<T> {
    let mut v = vec![T::ZERO; n];
    prefault(&mut v);
    v
}

/// A hint to load the cache line at `p`, for loops that know which random places they will
/// read a few steps ahead; never faults, whatever `p` is.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it does not dereference `p` architecturally.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
