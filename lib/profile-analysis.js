'use strict';
// The profile analyzers' public functions: their options are checked here, so that a wrong one is
// a TypeError/RangeError naming it (ERR_INVALID_ARG_TYPE / _VALUE / ERR_OUT_OF_RANGE), as for every
// other function; napi's own conversion errors (code 'NumberExpected', a plain Error) never reach
// the caller. The work is in Rust (src/profile).

const native = require('./native');
const { invalidArgType, invalidArgValue, outOfRange } = require('./errors');

const U32 = 2 ** 32 - 1;

function oneOf(name, value, allowed) {
  if (value === undefined) return;
  if (typeof value !== 'string') throw invalidArgType(`options.${name}`, 'of type string', value);
  if (!allowed.includes(value)) throw invalidArgValue(`options.${name}`, value, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
}

function integer(name, value, min, max) {
  if (value === undefined) return;
  if (typeof value !== 'number') throw invalidArgType(`options.${name}`, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(`options.${name}`, { min, max }, value);
}

/** Checks a ProfileOptions object; returns it (or undefined) for the native call. */
function profileOptions(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const o = options;
  oneOf('timing', o.timing, ['samples', 'deltas']);
  oneOf('weight', o.weight, ['samples', 'time', 'bytes']);
  integer('limit', o.limit, 0, U32);
  integer('maxDepth', o.maxDepth, 0, U32);
  integer('width', o.width, 1, U32);
  if (o.tree !== undefined && typeof o.tree !== 'boolean') throw invalidArgType('options.tree', 'of type boolean', o.tree);
  if (o.title !== undefined && typeof o.title !== 'string') throw invalidArgType('options.title', 'of type string', o.title);
  if (o.minPercent !== undefined) {
    if (typeof o.minPercent !== 'number') throw invalidArgType('options.minPercent', 'of type number', o.minPercent);
    if (!(o.minPercent >= 0 && o.minPercent < Infinity)) throw outOfRange('options.minPercent', { min: 0, max: Infinity }, o.minPercent, 'a finite number');
  }
  return o;
}

const checked = (fn) =>
  ({
    [fn.name]: (path, options) => fn(path, profileOptions(options)),
  })[fn.name];

module.exports = {
  analyzeCpuProfile: checked(native.analyzeCpuProfile),
  analyzeCpuProfileSync: checked(native.analyzeCpuProfileSync),
  analyzeHeapProfile: checked(native.analyzeHeapProfile),
  analyzeHeapProfileSync: checked(native.analyzeHeapProfileSync),
  foldProfile: checked(native.foldProfile),
  foldProfileSync: checked(native.foldProfileSync),
  flameGraph: checked(native.flameGraph),
  flameGraphSync: checked(native.flameGraphSync),
  profileOptions,
};
