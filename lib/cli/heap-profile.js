'use strict';
// `rsheapdump heap-profile <pid>`: see lib/cli/profile.js.
module.exports = { summary: 'sampling heap profile of a running Node process, by pid, and its top allocation sites', ...require('./profile').command('heap') };
