//! The one place where a crate [`Error`](CoreError) becomes a JavaScript error: the table of codes
//! and JS classes below, plus `syscall`, `path`, `errno` and `offset` properties as Node's own
//! errors have.

use std::borrow::Cow;

use napi::bindgen_prelude::*;

use crate::error::{Error as CoreError, ErrorKind};

/// The JS class an error is thrown as; `Abort` is an `Error` named `AbortError`, as Node's own
/// cancelled operations are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Error,
    TypeError,
    RangeError,
    Abort,
}

/// The table: every kind's stable code and class. Node's own codes where Node has one for the
/// case (so `err.code` reads the same as from Node's APIs), `ERR_RSHEAPDUMP_*` otherwise; each
/// is in `lib/codes.js` (checked below) and README's error table (checked by package.test.js).
fn code_and_class(kind: ErrorKind) -> (&'static str, Class) {
    use ErrorKind::*;
    match kind {
        Io => ("", Class::Error), // the errno name, see `code`
        InvalidValue => ("ERR_INVALID_ARG_VALUE", Class::TypeError),
        OutOfRange => ("ERR_INVALID_ARG_VALUE", Class::RangeError),
        Cancelled => ("ABORT_ERR", Class::Abort),
        WriteAborted => ("ERR_RSHEAPDUMP_ABORTED", Class::Error),
        UnknownSink => ("ERR_RSHEAPDUMP_SINK", Class::Error),
        Thread => ("ERR_RSHEAPDUMP_THREAD", Class::Error),
        Signal => ("ERR_RSHEAPDUMP_SIGNAL", Class::Error),
        Unsupported => ("ERR_RSHEAPDUMP_UNSUPPORTED", Class::Error),
        Parse => ("ERR_RSHEAPDUMP_PARSE", Class::Error),
        InvalidProfile => ("ERR_RSHEAPDUMP_INVALID_PROFILE", Class::Error),
        NotAProfile => ("ERR_RSHEAPDUMP_NOT_A_PROFILE", Class::Error),
        UnrelatedSnapshots => ("ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS", Class::Error),
        MismatchedInputs => ("ERR_RSHEAPDUMP_MISMATCHED_INPUTS", Class::Error),
        ClassNotFound => ("ERR_RSHEAPDUMP_CLASS_NOT_FOUND", Class::Error),
        NodeNotFound => ("ERR_RSHEAPDUMP_NODE_NOT_FOUND", Class::Error),
        ViewClosed => ("ERR_RSHEAPDUMP_VIEW_CLOSED", Class::Error),
    }
}

/// The `code` JS sees for `e`.
fn code(e: &CoreError) -> Cow<'static, str> {
    match e.kind {
        ErrorKind::Io => Cow::Owned(e.errno_code()),
        k => Cow::Borrowed(code_and_class(k).0),
    }
}

/// Builds the JS error object for `e`; thrown as-is when returned as `Err`.
pub fn to_js(env: &Env, e: &CoreError) -> napi::Error {
    match build(env, e) {
        Ok(err) => err,
        // Could not even allocate an Error object: still carry the code in the status.
        Err(_) => napi::Error::new(Status::GenericFailure, format!("{}: {}", code(e), e.message)),
    }
}

fn build(env: &Env, e: &CoreError) -> napi::Result<napi::Error> {
    let class = code_and_class(e.kind).1;
    let create = match class {
        Class::TypeError => sys::napi_create_type_error,
        Class::RangeError => sys::napi_create_range_error,
        Class::Error | Class::Abort => sys::napi_create_error,
    };
    // Node-API sets `code` itself from its second argument.
    let code_js = env.create_string(code(e).as_ref())?;
    let message = env.create_string(&e.message)?;
    let mut raw = std::ptr::null_mut();
    check_status!(unsafe { create(env.raw(), code_js.raw(), message.raw(), &mut raw) })?;
    let mut obj = Object::from_raw(env.raw(), raw);
    if class == Class::Abort {
        obj.set_named_property("name", "AbortError")?;
    }
    if let Some(s) = &e.syscall {
        obj.set_named_property("syscall", s.as_str())?;
    }
    if let Some(p) = &e.path {
        obj.set_named_property("path", p.as_str())?;
    }
    if let Some(n) = e.errno {
        obj.set_named_property("errno", n)?;
    }
    if let Some(o) = e.offset {
        obj.set_named_property("offset", o as f64)?;
    }
    Ok(napi::Error::from(obj.to_unknown()))
}

/// Converts a crate result, throwing the JS form of its error.
pub fn check<T>(env: &Env, r: crate::error::Result<T>) -> napi::Result<T> {
    r.map_err(|e| to_js(env, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every kind: `code_and_class` gives each a code (its match is exhaustive); this checks the codes
    // reach JavaScript users. A new kind goes in both.
    const ALL: &[ErrorKind] = {
        use ErrorKind::*;
        &[
            Io,
            InvalidValue,
            OutOfRange,
            Cancelled,
            WriteAborted,
            UnknownSink,
            Thread,
            Signal,
            Unsupported,
            Parse,
            InvalidProfile,
            NotAProfile,
            UnrelatedSnapshots,
            MismatchedInputs,
            ClassNotFound,
            NodeNotFound,
            ViewClosed,
        ]
    };

    #[test]
    fn every_code_is_exported_by_lib_codes() {
        let exported = include_str!("../../lib/codes.js");
        for &k in ALL.iter().filter(|&&k| k != ErrorKind::Io) {
            let (c, _) = code_and_class(k);
            assert!(exported.contains(&format!("'{c}'")), "{k:?}'s code {c} is missing from lib/codes.js");
        }
    }

    #[test]
    fn io_errors_carry_the_errno_name() {
        let e = CoreError::io(&std::io::Error::from_raw_os_error(libc::ENOSPC), "write", std::path::Path::new("/x"));
        assert_eq!(code(&e), "ENOSPC");
    }
}
