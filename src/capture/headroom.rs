//! How much more memory this process may use before the kernel kills it: the nearest memory
//! cgroup limit (v2 `memory.max − memory.current`, v1 `memory.limit_in_bytes −
//! memory.usage_in_bytes`, each level up to the mount's root) and the machine's `MemAvailable`,
//! whichever is smaller. A heap snapshot makes V8 build a graph many times the heap's size and V8
//! cannot cancel one, so the snapshot paths ask this before they start (lib/headroom.js).
//!
//! Usage counts the page cache the group has charged; its inactive part (`inactive_file` in
//! `memory.stat`) is reclaimed before the OOM killer runs, so it is taken off, as the kubelet
//! computes a pod's working set. Everything is read under a root directory so that tests can point
//! it at fixture trees; the real one is `/`.

use std::fs;
use std::path::{Path, PathBuf};

/// Values at or above this are "no limit" (cgroup v1 writes 2^63 rounded down to a page).
const UNLIMITED: u64 = 1 << 60;

/// Which bound decided [`Headroom::available`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A cgroup v2 `memory.max`.
    CgroupV2,
    /// A cgroup v1 `memory.limit_in_bytes`.
    CgroupV1,
    /// The machine's `MemAvailable` (`/proc/meminfo`).
    MemAvailable,
}

impl Bound {
    /// The name JavaScript sees.
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::CgroupV2 => "cgroup v2",
            Bound::CgroupV1 => "cgroup v1",
            Bound::MemAvailable => "MemAvailable",
        }
    }
}

/// A memory cgroup level that limits this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupLimit {
    /// v1 or v2.
    pub bound: Bound,
    /// The cgroup directory that holds the limit.
    pub dir: PathBuf,
    /// Its limit in bytes.
    pub limit: u64,
    /// Its usage minus inactive page cache, in bytes.
    pub used: u64,
}

impl CgroupLimit {
    /// Bytes left under this limit.
    pub fn headroom(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
}

/// What the process may still allocate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headroom {
    /// Bytes that can still be used: the smallest of the bounds below.
    pub available: u64,
    /// The bound that gave `available`.
    pub bound: Bound,
    /// The tightest memory cgroup limit, if any level has one.
    pub cgroup: Option<CgroupLimit>,
    /// `MemAvailable` in bytes, if `/proc/meminfo` was readable.
    pub mem_available: Option<u64>,
}

/// Reads the bounds under `root` (`/` in production); `None` when none is readable (not Linux).
pub fn read(root: &Path) -> Option<Headroom> {
    let mem_available = mem_available(&root.join("proc/meminfo"));
    let cgroup = cgroup_limit(root);
    let from_cgroup = cgroup.as_ref().map(|c| (c.headroom(), c.bound));
    let from_meminfo = mem_available.map(|m| (m, Bound::MemAvailable));
    let (available, bound) = match (from_cgroup, from_meminfo) {
        (Some(c), Some(m)) => {
            if c.0 <= m.0 {
                c
            } else {
                m
            }
        }
        (Some(c), None) => c,
        (None, Some(m)) => m,
        (None, None) => return None,
    };
    Some(Headroom { available, bound, cgroup, mem_available })
}

/// `MemAvailable` from a `/proc/meminfo`, in bytes.
fn mem_available(meminfo: &Path) -> Option<u64> {
    let text = fs::read_to_string(meminfo).ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let mut words = line.split_whitespace().skip(1);
    let n: u64 = words.next()?.parse().ok()?;
    let unit = words.next().unwrap_or("B");
    Some(if unit.eq_ignore_ascii_case("kB") { n.saturating_mul(1024) } else { n })
}

/// A cgroup mount from `/proc/self/mountinfo`: where it is and which cgroup path its root is.
struct Mount {
    point: PathBuf,
    root: String,
}

/// The tightest memory limit over this process's cgroup and its ancestors, v2 or v1.
fn cgroup_limit(root: &Path) -> Option<CgroupLimit> {
    let membership = fs::read_to_string(root.join("proc/self/cgroup")).ok()?;
    let mountinfo = fs::read_to_string(root.join("proc/self/mountinfo")).unwrap_or_default();
    let mut best: Option<CgroupLimit> = None;
    for line in membership.lines() {
        // hierarchy-id:controllers:path; v2 is `0::path`.
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let found = if id == "0" && controllers.is_empty() {
            find_mount(&mountinfo, "cgroup2", None).and_then(|m| walk(root, &m, path, Bound::CgroupV2))
        } else if controllers.split(',').any(|c| c == "memory") {
            find_mount(&mountinfo, "cgroup", Some("memory")).and_then(|m| walk(root, &m, path, Bound::CgroupV1))
        } else {
            None
        };
        if let Some(f) = found {
            if best.as_ref().is_none_or(|b| f.headroom() < b.headroom()) {
                best = Some(f);
            }
        }
    }
    best
}

/// The mount of `fstype` (with `option` among its super options, for v1 controllers).
fn find_mount(mountinfo: &str, fstype: &str, option: Option<&str>) -> Option<Mount> {
    for line in mountinfo.lines() {
        // id parent major:minor root mount-point options [optional fields] - fstype source super-options
        let Some((left, right)) = line.split_once(" - ") else { continue };
        let mut r = right.split_whitespace();
        if r.next() != Some(fstype) {
            continue;
        }
        let super_opts = r.nth(1).unwrap_or("");
        if let Some(o) = option {
            if !super_opts.split(',').any(|s| s == o) {
                continue;
            }
        }
        let l: Vec<&str> = left.split_whitespace().collect();
        if l.len() < 5 {
            continue;
        }
        return Some(Mount { point: PathBuf::from(unescape(l[4])), root: unescape(l[3]) });
    }
    // No mountinfo (or no entry): the usual places.
    let point = match fstype {
        "cgroup2" => "/sys/fs/cgroup",
        _ => "/sys/fs/cgroup/memory",
    };
    Some(Mount { point: PathBuf::from(point), root: "/".into() })
}

/// mountinfo escapes space, tab, newline and backslash as octal `\ooo`.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c)) {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads the limit of `path`'s directory under the mount and of each ancestor up to the mount's
/// root; returns the level with the least headroom.
fn walk(root: &Path, mount: &Mount, path: &str, bound: Bound) -> Option<CgroupLimit> {
    // Inside a container the mount's root is the container's own cgroup: strip it from the path.
    let rel = path.strip_prefix(mount.root.as_str()).unwrap_or(path).trim_start_matches('/');
    let top = root.join(mount.point.strip_prefix("/").unwrap_or(&mount.point));
    let mut dir = top.join(rel);
    if !dir.is_dir() {
        // The path is not visible here (e.g. a namespace whose mount shows only its own group).
        dir = top.clone();
    }
    let mut best: Option<CgroupLimit> = None;
    loop {
        if let Some(level) = read_level(&dir, bound) {
            if best.as_ref().is_none_or(|b| level.headroom() < b.headroom()) {
                best = Some(level);
            }
        }
        if dir == top || !dir.pop() || !dir.starts_with(&top) {
            break;
        }
    }
    best
}

/// One cgroup directory's limit and working-set usage, when it has a limit.
fn read_level(dir: &Path, bound: Bound) -> Option<CgroupLimit> {
    let (limit_file, usage_file, inactive_key) = match bound {
        Bound::CgroupV2 => ("memory.max", "memory.current", "inactive_file"),
        _ => ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"),
    };
    let limit_text = fs::read_to_string(dir.join(limit_file)).ok()?;
    let limit_text = limit_text.trim();
    if limit_text == "max" {
        return None;
    }
    let limit: u64 = limit_text.parse().ok()?;
    if limit >= UNLIMITED {
        return None;
    }
    let usage: u64 = fs::read_to_string(dir.join(usage_file)).ok()?.trim().parse().ok()?;
    let inactive = fs::read_to_string(dir.join("memory.stat")).ok().and_then(|s| stat_value(&s, inactive_key)).unwrap_or(0);
    Some(CgroupLimit { bound, dir: dir.to_path_buf(), limit, used: usage.saturating_sub(inactive) })
}

fn stat_value(stat: &str, key: &str) -> Option<u64> {
    stat.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        if k == key {
            v.trim().parse().ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/capture/fixtures/headroom").join(name)
    }

    const MIB: u64 = 1 << 20;

    #[test]
    fn cgroup_v2_limit_minus_working_set() {
        // memory.max 512 MiB, memory.current 300 MiB of which 100 MiB inactive page cache.
        let h = read(&fixture("v2")).unwrap();
        assert_eq!(h.bound, Bound::CgroupV2);
        assert_eq!(h.available, 512 * MIB - 200 * MIB);
        let c = h.cgroup.unwrap();
        assert_eq!((c.limit, c.used), (512 * MIB, 200 * MIB));
        assert!(c.dir.ends_with("sys/fs/cgroup/app.slice/web.service"), "{:?}", c.dir);
        assert_eq!(h.mem_available, Some(8000 * 1024 * 1024));
    }

    #[test]
    fn cgroup_v2_tighter_ancestor_wins() {
        // The service says max; its slice has 256 MiB with 250 MiB used.
        let h = read(&fixture("v2-parent")).unwrap();
        assert_eq!(h.bound, Bound::CgroupV2);
        assert_eq!(h.available, 6 * MIB);
        assert!(h.cgroup.unwrap().dir.ends_with("sys/fs/cgroup/app.slice"));
    }

    #[test]
    fn cgroup_v1_limit_minus_usage() {
        // limit 1 GiB, usage 700 MiB, total_inactive_file 50 MiB; a container-style mount whose
        // root is the group itself.
        let h = read(&fixture("v1")).unwrap();
        assert_eq!(h.bound, Bound::CgroupV1);
        assert_eq!(h.available, 1024 * MIB - 650 * MIB);
        assert!(h.cgroup.unwrap().dir.ends_with("sys/fs/cgroup/memory"));
    }

    #[test]
    fn mem_available_when_no_cgroup_limit() {
        // v1 with the unlimited value everywhere: MemAvailable decides.
        let h = read(&fixture("v1-unlimited")).unwrap();
        assert_eq!(h.bound, Bound::MemAvailable);
        assert_eq!(h.available, 2048 * 1024 * 1024);
        assert!(h.cgroup.is_none());
    }

    #[test]
    fn mem_available_smaller_than_the_cgroup_headroom() {
        // A 4 GiB cgroup limit on a machine with 1 GiB available.
        let h = read(&fixture("v2-meminfo-smaller")).unwrap();
        assert_eq!(h.bound, Bound::MemAvailable);
        assert_eq!(h.available, 1024 * MIB);
        assert_eq!(h.cgroup.unwrap().limit, 4096 * MIB);
    }

    #[test]
    fn nothing_readable_is_none() {
        assert_eq!(read(&fixture("does-not-exist")), None);
    }

    #[test]
    fn usage_above_limit_is_zero_headroom() {
        let c = CgroupLimit { bound: Bound::CgroupV1, dir: PathBuf::new(), limit: 10, used: 12 };
        assert_eq!(c.headroom(), 0);
    }

    #[test]
    fn mountinfo_escapes() {
        assert_eq!(unescape(r"/a\040b"), "/a b");
        assert_eq!(unescape(r"/x\"), r"/x\");
    }

    #[test]
    fn this_machine_reads_something() {
        // Linux only: /proc/meminfo always exists there.
        let h = read(Path::new("/")).unwrap();
        assert!(h.available > 0);
        assert!(h.mem_available.unwrap() > 0);
    }
}
