#!/usr/bin/env bash
# What reduced variants and the whole-text area cost (docs/melf-abi.md,
# "Reduced variants", "Whole-text area"): link time, file size, padding and
# start-up of one generated program (N plain C functions in 20 files,
# -ffunction-sections, no multivariant function) linked
#   - by ld.melf without MELF options (the baseline),
#   - with --melf-area=all (every function a plain slot, one image),
#   - with --melf-area=all and a reduced variant 'worker' for each
#     --melf-reduce-indirect mode,
# and how much of the code the reduced image keeps. Median of 5 links;
# start-up is the best of 5 batches of 40 runs (process mode, default
# variant). Prints a table; not a test.
#
#   bench/reduce.sh BUILD_DIR [FUNCTIONS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
nfun=${2:-4000}
work=$build/bench/reduce
rm -rf "$work"
mkdir -p "$work/src" "$work/obj"
cc=/usr/lib/llvm-19/bin/clang
cflags=$("$build/bin/melf-config" --cflags)
ldflags=$("$build/bin/melf-config" --ldflags)
objdump=$build/bin/melf-objdump
files=20
# Clusters of 100 functions (f*.c), each calling the next in its cluster.
# The worker (worker.c) calls the heads of the first tenth of the clusters;
# main (main.c, outside the area: it switches the process to the reduced
# variant around the worker's call, when asked) takes the address of one
# function per cluster (a callback table the worker does not read).
python3 - "$work/src" "$nfun" "$files" <<'PY'
import sys
out, n, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per = n // files
n = per * files
clusters = n // 100
for f in range(files):
    with open(f"{out}/f{f}.c", "w") as fh:
        for i in range(f * per, (f + 1) * per + 1):
            fh.write(f"int g{i}(int);\n")
        for i in range(f * per, (f + 1) * per):
            nxt = f"g{i + 1}(x + {i % 7})" if (i + 1) % 100 else "x"
            fh.write(f"int g{i}(int x) {{ return x > {i % 1000} ? x : {nxt} * {i % 13 + 1}; }}\n")
with open(f"{out}/worker.c", "w") as fh:
    for c in range(clusters):
        fh.write(f"int g{c * 100}(int);\n")
    fh.write("int worker(int x) { int s = 0;\n")
    for c in range(max(1, clusters // 10)):
        fh.write(f"  s += g{c * 100}(x);\n")
    fh.write("  return s; }\n")
with open(f"{out}/main.c", "w") as fh:
    fh.write("#include <melf.h>\nint worker(int);\n")
    for c in range(clusters):
        fh.write(f"int g{c * 100 + 50}(int);\n")
    fh.write("int (*volatile table[])(int) = {" +
             ", ".join(f"g{c * 100 + 50}" for c in range(clusters)) + "};\n")
    fh.write("int main(int argc, char **argv) {\n"
             "  if (argc < 2) return 0;\n"
             "  melf_switch_process(melf_variant_find(\"worker\"));\n"
             "  int r = worker(argc);\n"
             "  melf_switch_process(0);\n"
             "  return r == -1; }\n")
PY
for c in "$work"/src/*.c; do
  "$cc" $cflags -O2 -ffunction-sections -c "$c" -o "$work/obj/$(basename "$c" .c).o" &
  [ "$(jobs -r | wc -l)" -ge "${JOBS:-2}" ] && wait -n
done
wait
echo worker > "$work/worker.list"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
link5() { # OUT LDFLAGS...
  local out=$1 i t0 t1; shift
  for i in 1 2 3 4 5; do
    t0=$(now); "$cc" $ldflags "$work"/obj/*.o -o "$out" "$@"; t1=$(now)
    echo $(( (t1 - t0) / 1000000 ))
  done | median
}
# Start-up: microseconds per run, the best of 5 rounds of 40 runs of each
# binary, the binaries interleaved so that a busy machine slows them alike.
declare -A best
startup_all() { # BIN...
  local t0 t1 i r b us
  for r in 1 2 3 4 5; do
    for b in "$@"; do
      t0=$(now)
      for i in $(seq 40); do "$b"; done
      t1=$(now)
      us=$(( (t1 - t0) / 40000 ))
      if [ -z "${best[$b]:-}" ] || [ "$us" -lt "${best[$b]}" ]; then
        best[$b]=$us
      fi
    done
  done
}
# kept slots, kept slot bytes, all slot bytes of variant 'worker' (or -).
kept() {
  "$objdump" --json "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
ks = kb = tb = 0
for s in d["slots"]:
    tb += s["size"] + s["prefix"]
    for b in s["bodies"]:
        if b["variant"] == "worker" and b["body_size"]:
            ks += 1
            kb += b["body_size"] + b["body_prefix"]
print(len(d["slots"]), ks, kb, tb, d["totals"]["padding_bytes"],
      d["totals"]["images"])'
}

declare -a names flags
names+=("ld.melf, no MELF options");          flags+=("")
area="-Wl,--melf-area-object=f*.o -Wl,--melf-area-object=worker.o"
names+=("whole-text area");                   flags+=("$area")
for m in all reachable none; do
  names+=("whole-text area, reduced ($m)")
  flags+=("$area -Wl,--melf-reduce=worker:$work/worker.list -Wl,--melf-reduce-indirect=$m")
done

echo "Reduced variants and the whole-text area: $nfun functions in $files files (-O2 -ffunction-sections)"
printf '  %-40s %8s %10s %7s %9s %8s %13s %10s\n' "" "link ms" "file KiB" "slots" "trap KiB" "start us" "kept slots" "kept code"
declare -a links outs
for i in "${!names[@]}"; do
  outs[$i]="$work/out$i"
  # shellcheck disable=SC2086
  links[$i]=$(link5 "${outs[$i]}" ${flags[$i]})
done
startup_all "${outs[@]}"
for i in "${!names[@]}"; do
  out=${outs[$i]}
  size=$(( $(stat -c %s "$out") / 1024 ))
  if "$objdump" --verify "$out" > /dev/null 2>&1; then
    read -r nslots ks kb tb pad _ < <(kept "$out")
    pad=$(( pad / 1024 ))
    if [ "$ks" = 0 ] && [ "${flags[$i]}" = "$area" ]; then
      ks=-; kb=-
    else
      kb=$(awk -v a="$kb" -v b="$tb" 'BEGIN { printf "%.1f%%", 100 * a / b }')
    fi
  else
    nslots=-; ks=-; kb=-; pad=-
  fi
  printf '  %-40s %8d %10d %7s %9s %8d %13s %10s\n' "${names[$i]}" "${links[$i]}" \
    "$size" "$nslots" "$pad" "${best[$out]}" "$ks" "$kb"
  # The reduced variant runs what the worker needs.
  if [ "$ks" != - ] && ! "$out" run; then
    echo "  error: ${names[$i]}: the worker failed in its reduced variant" >&2
  fi
done
echo "  (each image copies the area's text and .eh_frame into the file; 'trap KiB': padding"
echo "   and removed slots over all images; 'kept code': slot bytes the reduced image keeps)"
