#!/usr/bin/env bash
# Runs LLD's own ELF test suite (lld/test/ELF of the Debian source, 1966
# tests) against ld.melf: non-MELF links must behave exactly as upstream.
#
#   lld-patches/run-upstream-tests.sh BUILD_DIR JUNIT_XML
set -euo pipefail
build=${1:?usage: run-upstream-tests.sh BUILD_DIR JUNIT_XML}
xml=${2:?usage: run-upstream-tests.sh BUILD_DIR JUNIT_XML}
lit=/usr/lib/llvm-19/build/utils/lit/lit.py
bld=$(cat "$build/bin/.ld.melf-build-dir" 2>/dev/null) || {
  echo "run-upstream-tests: ld.melf has not been built (no $build/bin/.ld.melf-build-dir)" >&2
  exit 1
}
# The LLD build tree is shared by every checkout on this machine: hold a
# shared lock so that build.sh (exclusive) cannot relink ld.melf under the
# running tests.
exec 9> "$bld.lock"
flock -s 9
[ -x "$bld/bin/ld.lld" ] || ln -sf ld.melf "$bld/bin/ld.lld"
"$bld/bin/ld.lld" --version
python3 "$lit" -q -j"${JOBS:-2}" --xunit-xml-output="$xml" "$bld/test/ELF"
