#!/usr/bin/env bash
# Proves that `npm install rsheapdump` needs no compiler: installs the two packed tarballs into a
# fresh directory with `npm install --offline`, a clean npm cache and a PATH without cargo, rustc,
# cc or gcc, then runs smoke.js there.   Needs dist/ from scripts/pack-local.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shopt -s nullglob
tarballs=("$root"/dist/*.tgz)
[ ${#tarballs[@]} -ge 2 ] || { echo "install-check: run scripts/pack-local.sh first" >&2; exit 1; }

work=$(mktemp -d) cache=$(mktemp -d) bin=$(mktemp -d)
trap 'rm -rf "$work" "$cache" "$bin"' EXIT

# A PATH of everything the system has, minus compilers and the Rust toolchain.
for d in /usr/local/bin /usr/bin /bin; do
  for f in "$d"/*; do
    b=$(basename "$f")
    case "$b" in
      cargo*|rustc*|rustup|rustdoc|cc|cc-*|gcc|gcc-*|c++|g++|g++-*|clang*|cpp|cpp-*|*-gcc|*-gcc-*|*-g++|*-g++-*|*-cc|ld|ld.*|*-ld|*-ld.*|make|gmake|node-gyp) continue ;;
    esac
    [ -e "$bin/$b" ] || ln -s "$f" "$bin/$b"
  done
done
for tool in cargo rustc cc gcc g++ make; do
  if PATH="$bin" command -v "$tool" >/dev/null 2>&1; then echo "install-check: $tool is still on PATH" >&2; exit 1; fi
done

cp "$root/scripts/install-check/smoke.js" "$work/"
cd "$work"
echo '{ "name": "install-check", "version": "1.0.0", "private": true }' > package.json
start=$(date +%s%N)
env -i HOME="$work" PATH="$bin" npm_config_cache="$cache" npm_config_update_notifier=false \
  npm install --offline --no-audit --no-fund "${tarballs[@]}"
end=$(date +%s%N)
echo "install-check: npm install --offline took $(( (end - start) / 1000000 )) ms"
env -i HOME="$work" PATH="$bin" node smoke.js
echo "install-check: ok (no compiler on PATH, offline, clean cache)"
