//! napi glue for `crate::capture::headroom`: `memoryHeadroom()`.

use napi_derive::napi;

/// What this process may still allocate before the kernel kills it (Linux; `null` elsewhere).
#[napi(object)]
pub struct MemoryHeadroom {
    /// Bytes that can still be used: the smallest of the bounds.
    pub available: f64,
    /// The bound that gave `available`.
    #[napi(ts_type = "'cgroup v2' | 'cgroup v1' | 'MemAvailable'")]
    pub bound: String,
    /// The tightest memory cgroup limit in bytes, if the process has one.
    pub cgroup_limit: Option<f64>,
    /// That cgroup's usage in bytes, less its inactive page cache.
    pub cgroup_used: Option<f64>,
    /// The cgroup directory that holds that limit.
    pub cgroup_path: Option<String>,
    /// The machine's `MemAvailable` in bytes.
    pub mem_available: Option<f64>,
}

/// Reads the memory bounds of this process (cgroup v2, cgroup v1, `/proc/meminfo`).
#[napi]
pub fn memory_headroom() -> Option<MemoryHeadroom> {
    let h = crate::capture::headroom::read(std::path::Path::new("/"))?;
    Some(MemoryHeadroom {
        available: h.available as f64,
        bound: h.bound.as_str().to_owned(),
        cgroup_limit: h.cgroup.as_ref().map(|c| c.limit as f64),
        cgroup_used: h.cgroup.as_ref().map(|c| c.used as f64),
        cgroup_path: h.cgroup.as_ref().map(|c| c.dir.display().to_string()),
        mem_available: h.mem_available.map(|m| m as f64),
    })
}
