'use strict';
// `rsheapdump profile <pid>`: see lib/cli/profile.js.
module.exports = { summary: 'CPU profile of a running Node process, by pid, and its top functions', ...require('./profile').command('cpu') };
