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
