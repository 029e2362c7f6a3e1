'use strict';
// Loads the native addon, turning a missing binary into an error that says how to fix it.

const { rsError } = require('./errors');

function platformPackage() {
  const { platform, arch } = process;
  let abi = '';
  if (platform === 'linux') {
    const glibc = process.report?.getReport?.()?.header?.glibcVersionRuntime;
    abi = glibc ? '-gnu' : '-musl';
  } else if (platform === 'win32') {
    abi = '-msvc';
  }
  return `rsheapdump-${platform}-${arch}${abi}`;
}

function load() {
  try {
    return require('../binding.js');
  } catch (cause) {
    const pkg = platformPackage();
    const err = rsError(
      'NATIVE_MISSING',
      `rsheapdump could not load its native addon for ${process.platform}-${process.arch} (Node ${process.version}). ` +
        `The package '${pkg}' should have been installed with rsheapdump as an optional dependency. ` +
        `Fix: reinstall without skipping optional dependencies (\`npm install rsheapdump --include=optional\`, ` +
        `and do not copy node_modules between platforms), or build from source with \`npm run build\` (needs Rust).`,
    );
    err.cause = cause;
    throw err;
  }
}

module.exports = load();
