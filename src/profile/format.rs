//! What the two profile formats' readers (`cpu`, `heap`) share, below them and `parse` so that
//! no two of those modules depend on each other.

use super::json::Reader;
use super::model::Frame;
use crate::error::{Error, ErrorKind, Result};

/// An [`ErrorKind::InvalidProfile`] error, with the byte offset it concerns when known.
pub fn invalid(offset: Option<u64>, message: impl Into<String>) -> Error {
    let mut e = Error::new(ErrorKind::InvalidProfile, message);
    e.offset = offset;
    e
}

/// Reads a `callFrame` object (shared by both formats).
pub fn read_call_frame(r: &mut Reader<'_>) -> Result<Frame> {
    let mut f = Frame { name: String::new(), url: String::new(), line: -1, column: -1 };
    r.begin_object()?;
    let mut first = true;
    while let Some(k) = r.next_key(first)? {
        first = false;
        match &*k {
            "functionName" => f.name = r.string()?.into_owned(),
            "url" => f.url = r.string()?.into_owned(),
            "lineNumber" => f.line = r.integer()?,
            "columnNumber" => f.column = r.integer()?,
            _ => r.skip_value()?,
        }
    }
    Ok(f)
}

/// The largest number a profile may hold in a time, a size or a sum of them: 2^53, the largest
/// integer an f64 (and so JavaScript) represents exactly. 2^53 µs is 285 years and 2^53 bytes
/// 8 PiB, so only a damaged file goes beyond it; bounding every input by it keeps every total we
/// compute (f64 sums, u64 folded weights) exact and free of overflow.
pub const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// A number for `field` within ±[`MAX_EXACT`], or an invalid-profile error at its offset.
pub fn bounded_number(r: &mut Reader<'_>, field: &str) -> Result<f64> {
    let at = r.offset_of_value();
    let v = r.number()?;
    if v.abs() > MAX_EXACT {
        return Err(invalid(Some(at), format!("'{field}' is {v}, beyond ±2^53: the file is damaged")));
    }
    Ok(v)
}
