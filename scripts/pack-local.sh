#!/usr/bin/env bash
# Builds a release binary and packs the two tarballs a user on this platform installs:
# the root package and its platform package. Publishes nothing.
#   scripts/pack-local.sh            -> dist/rsheapdump-<v>.tgz, dist/rsheapdump-<platform>-<v>.tgz
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-built.js --force
platform=$(node -p "const r = process.report.getReport().header; process.platform + '-' + process.arch + (process.platform === 'linux' ? (r.glibcVersionRuntime ? '-gnu' : '-musl') : '')")
binary="rsheapdump.$platform.node"
[ -f "$binary" ] || { echo "pack-local: $binary was not built" >&2; exit 1; }
rm -rf dist && mkdir -p dist
cp "$binary" "npm/$platform/"
(cd "npm/$platform" && npm pack --silent --pack-destination ../../dist >/dev/null)
rm -f "npm/$platform/$binary"
npm pack --silent --pack-destination dist >/dev/null
ls -l dist/*.tgz | awk '{ printf "%s  %.1f KB\n", $NF, $5 / 1024 }'
