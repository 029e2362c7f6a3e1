//! The one place where a crate [`Error`] becomes a JavaScript `Error` with `code`, `syscall`,
//! `path`, `errno` and `offset` properties, as Node's own errors have.

use napi::bindgen_prelude::*;

use crate::error::Error as CoreError;

/// Builds the JS error object for `e`; thrown as-is when returned as `Err`.
pub fn to_js(env: &Env, e: &CoreError) -> napi::Error {
    match build(env, e) {
        Ok(err) => err,
        // Could not even allocate an Error object: still carry the code in the status.
        Err(_) => napi::Error::new(Status::GenericFailure, format!("{}: {}", e.code, e.message)),
    }
}

fn build(env: &Env, e: &CoreError) -> napi::Result<napi::Error> {
    let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, e.message.clone()))?;
    obj.set_named_property("code", e.code.as_str())?;
    if e.code == "ABORT_ERR" {
        // As Node's own cancelled operations: `err.name === 'AbortError'`.
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
