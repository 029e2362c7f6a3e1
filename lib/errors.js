'use strict';
// Errors made on the JavaScript side, shaped like Node's own (`code` property, stable codes).

function make(Ctor, code, message, props) {
  const err = new Ctor(message);
  err.code = code;
  if (props) Object.assign(err, props);
  return err;
}

/** A wrong argument type: `TypeError` with `ERR_INVALID_ARG_TYPE`. */
function invalidArgType(name, expected, actual) {
  return make(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${expected}. Received ${describe(actual)}`);
}

/** A value of the right type that is not allowed: `RangeError`/`TypeError` with `ERR_INVALID_ARG_VALUE`. */
function invalidArgValue(name, value, reason, Ctor = TypeError) {
  return make(Ctor, 'ERR_INVALID_ARG_VALUE', `The "${name}" argument ${reason}. Received ${describe(value)}`);
}

/** A number outside its range: `RangeError` with `ERR_OUT_OF_RANGE`, as Node's own. */
function outOfRange(name, range, value, what = 'an integer') {
  const max = range.max === Infinity ? '' : ` and <= ${range.max}`;
  return make(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${what} >= ${range.min}${max}. Received ${String(value)}`);
}

/** An rsheapdump failure: `Error` with `ERR_RSHEAPDUMP_<what>`. */
function rsError(what, message, props) {
  return make(Error, `ERR_RSHEAPDUMP_${what}`, message, props);
}

function describe(v) {
  if (v === null) return 'null';
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v === 'object') return `an instance of ${v.constructor?.name ?? 'Object'}`;
  if (typeof v === 'string') return `type string ('${v.length > 28 ? v.slice(0, 25) + '...' : v}')`;
  return `type ${typeof v} (${String(v)})`;
}

/** Turns an error into a plain object that survives postMessage with its properties. */
function serialize(err) {
  if (!(err instanceof Error)) return { message: String(err), code: 'ERR_RSHEAPDUMP_INTERNAL' };
  const out = { name: err.name, message: err.message, stack: err.stack };
  for (const k of ['code', 'syscall', 'path', 'errno', 'offset']) if (err[k] !== undefined) out[k] = err[k];
  return out;
}

/** Rebuilds an error from `serialize`'s output. */
function deserialize(obj) {
  const Ctor = obj.name === 'TypeError' ? TypeError : obj.name === 'RangeError' ? RangeError : Error;
  const err = new Ctor(obj.message);
  for (const k of ['code', 'syscall', 'path', 'errno', 'offset']) if (obj[k] !== undefined) err[k] = obj[k];
  return err;
}

module.exports = { invalidArgType, invalidArgValue, outOfRange, rsError, serialize, deserialize };
