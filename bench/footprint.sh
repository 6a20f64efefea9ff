#!/usr/bin/env bash
# What libmelf and the MELF layout add to a small program (issue goal for
# embedded users: <= 12 KiB text and <= 4 KiB bss added, met with the
# minimal runtime; each profile's line says met or not met): bench/hello.c
# with one multivariant function (one non-default variant), linked with
# ld.melf and each runtime profile -- libmelf (full) and libmelf_min
# (minimal: start-up selection only) -- next to the same program built
# plainly. Prints the sizes (size(1)'s text/data/bss and the file), what is
# added, and where the added text comes from: the MELF area's page-aligned
# parts (the text part and the per-image unwind tables, one page each at
# least) and the rest (the runtime's code and read-only data, ld.melf's
# metadata, dynamic symbols).
#
#   bench/footprint.sh BUILD_DIR [--check=TEXT,BSS]
#
# --check=TEXT,BSS: exit 1 if the minimal runtime adds more than TEXT bytes
# of text or BSS bytes of bss (test/runtime/min-footprint.test checks the
# goal, --check=12288,4096). The
# programs go to BUILD_DIR/bench/footprint, or to $MELF_FOOTPRINT_OUT.
set -euo pipefail
build=$(cd "${1:?usage: footprint.sh BUILD_DIR [--check=TEXT,BSS]}" && pwd)
check=${2:-}
limit_t=12288 limit_b=4096
if [ -n "$check" ]; then
  [[ $check =~ ^--check=([0-9]+),([0-9]+)$ ]] || {
    echo "footprint.sh: error: expected --check=TEXT,BSS, got '$check'" >&2
    exit 2
  }
  limit_t=${BASH_REMATCH[1]} limit_b=${BASH_REMATCH[2]}
fi
here=$(cd "$(dirname "$0")" && pwd)
out=${MELF_FOOTPRINT_OUT:-$build/bench/footprint}
mkdir -p "$out"
cfg=$build/bin/melf-config
cflags=$("$cfg" --cflags)
clang-19 -O2 -DVARIANTS=0 "$here/hello.c" -o "$out/plain"
# shellcheck disable=SC2086
clang-19 $cflags -O2 -DVARIANTS=1 "$here/hello.c" $("$cfg" --ldflags) -o "$out/melf"
# shellcheck disable=SC2086
clang-19 $cflags -O2 -DVARIANTS=1 -DMIN_RUNTIME=1 "$here/hello.c" \
  $("$cfg" --runtime=min --ldflags) -o "$out/melf-min"
sizes() { size "$1" | awk 'NR == 2 {print $1, $2, $3}'; }
sec() { size -A "$1" | awk -v n="$2" '$1 == n {s = $2} END {print s + 0}'; }
read -r pt pd pb <<<"$(sizes "$out/plain")"
pf=$(stat -c %s "$out/plain")
echo "footprint: hello with one multivariant function (bytes)"
printf '  %-30s %8s %8s %8s %9s\n' "" text data bss file
printf '  %-30s %8d %8d %8d %9d\n' "plain program" "$pt" "$pd" "$pb" "$pf"
status=0
for p in full min; do
  exe=$out/melf$([ $p = min ] && echo -min || true)
  read -r mt md mb <<<"$(sizes "$exe")"
  mf=$(stat -c %s "$exe")
  area=$(( $(sec "$exe" .melf.text) + $(sec "$exe" .eh_frame) - $(sec "$out/plain" .eh_frame) ))
  ta=$((mt - pt)) ba=$((mb - pb))
  name=$([ $p = min ] && echo "minimal runtime (libmelf_min)" || echo "full runtime (libmelf)")
  echo "  $name"
  printf '  %-30s %8d %8d %8d %9d\n' "  MELF program" "$mt" "$md" "$mb" "$mf"
  printf '  %-30s %8d %8d %8d %9d\n' "  added" "$ta" $((md - pd)) "$ba" $((mf - pf))
  printf '  %-30s %8d   (MELF text part and unwind tables, whole pages)\n' "    of which the MELF area" "$area"
  printf '  %-30s %8d   (runtime code, read-only data, metadata, dynamic symbols)\n' "    of which the rest" $((ta - area))
  met_t=$([ "$ta" -le 12288 ] && echo met || echo "not met")
  met_b=$([ "$ba" -le 4096 ] && echo met || echo "not met")
  printf '    goal: <= 12288 text added (%s), <= 4096 bss added (%s)\n' "$met_t" "$met_b"
  if [ $p = min ] && { [ "$ta" -gt "$limit_t" ] || [ "$ba" -gt "$limit_b" ]; }; then
    status=1
  fi
done
if [ -n "$check" ]; then
  [ $status = 0 ] || echo "footprint.sh: the minimal runtime adds more than $limit_t bytes of text or $limit_b of bss" >&2
  exit $status
fi
