#!/usr/bin/env bash
# Installs Debian's chromium for the flame-graph screenshot test in __test__/profile-analysis.test.js
# (the test skips itself only where no browser can be found). Safe to run again.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium
