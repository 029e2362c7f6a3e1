'use strict';
// rsheapdump's public API. The work happens in lib/ (JavaScript glue) and the native addon (Rust).

const { writeSnapshot } = require('./lib/snapshot');

module.exports = {
  writeSnapshot,
};
