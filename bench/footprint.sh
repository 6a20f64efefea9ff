#!/usr/bin/env bash
# What libmelf and the MELF layout add to a small program (issue goal for
# embedded users: <= 12 KiB text and <= 4 KiB bss added): bench/hello.c
# with one multivariant function (one non-default variant), linked with
# ld.melf and libmelf, next to the same program built plainly. Prints the
# sizes (size(1)'s text/data/bss and the file), what is added, and where the
# added text comes from: libmelf's code and read-only data, and the MELF
# area's page-aligned parts (the text part and the per-image unwind tables,
# one page each at least). Not a test.
#
#   bench/footprint.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: footprint.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
out=$build/bench/footprint
mkdir -p "$out"
cflags=$("$build/bin/melf-config" --cflags)
ldflags=$("$build/bin/melf-config" --ldflags)
clang-19 -O2 -DVARIANTS=0 "$here/hello.c" -o "$out/plain"
# shellcheck disable=SC2086
clang-19 $cflags -O2 -DVARIANTS=1 "$here/hello.c" $ldflags -o "$out/melf"
sizes() { size "$1" | awk 'NR == 2 {print $1, $2, $3}'; }
read -r pt pd pb <<<"$(sizes "$out/plain")"
read -r mt md mb <<<"$(sizes "$out/melf")"
pf=$(stat -c %s "$out/plain") mf=$(stat -c %s "$out/melf")
sec() { size -A "$out/melf" | awk -v n="$1" '$1 == n {print $2}'; }
area=$(( $(sec .melf.text) + $(sec .eh_frame) - $(size -A "$out/plain" | awk '$1 == ".eh_frame" {print $2}') ))
echo "footprint: hello with one multivariant function (bytes)"
printf '  %-28s %8s %8s %8s %9s\n' "" text data bss file
printf '  %-28s %8d %8d %8d %9d\n' "plain program" "$pt" "$pd" "$pb" "$pf"
printf '  %-28s %8d %8d %8d %9d\n' "MELF program" "$mt" "$md" "$mb" "$mf"
printf '  %-28s %8d %8d %8d %9d\n' "added" $((mt - pt)) $((md - pd)) $((mb - pb)) $((mf - pf))
printf '  %-28s %8d   (MELF text part and unwind tables, whole pages)\n' "  of which the MELF area" "$area"
printf '  %-28s %8d   (libmelf code, read-only data, ld.melf metadata)\n' "  of which the rest" $((mt - pt - area))
printf '  goal: <= 12288 text added (%s), <= 4096 bss added (%s)\n' \
  "$( [ $((mt - pt)) -le 12288 ] && echo met || echo "not met")" \
  "$( [ $((mb - pb)) -le 4096 ] && echo met || echo "not met")"
