# Sourced by run.sh: zlib as a MELF program whose worker thread decompresses
# untrusted input in a reduced variant (docs/security.md, "Measurements";
# docs/realworld.md, "A reduced worker"), the workflow of docs/security.md
# end to end:
#
#   build   zlib (Debian source, its configure + Makefile) with
#           -ffunction-sections, and zlib-worker.c with zlib's own test
#           program (test/example.c, -Dmain=zlib_example_main); zlib's
#           objects and example.c in the MELF area (--melf-area-object);
#   record  MELF_RECORD=worker.list, the worker decompresses a training
#           corpus (gzip and zlib streams: stored, fixed and dynamic blocks);
#   reduce  --melf-reduce=worker:worker.list (--melf-reduce-indirect=
#           reachable; `all` is linked too, for its figures);
#   verify  melf-objdump --verify and --attack-surface (the figures, in
#           BUILD/realworld/reduce.txt); zlib's own test program passes in
#           the main thread of the reduced binary, the worker in the reduced
#           variant decompresses the training corpus and held-out streams
#           exactly as Debian's zlib does (python3), reports a corrupt one,
#           and a call outside its allow-list (compressing) stops it with
#           libmelf's trap message naming the function; zlib's `make
#           teststatic` passes with the reduced variant linked in.
#
# Process mode on the host: the worker switches the whole process to
# `worker`, decompresses, and switches back while the main thread waits
# outside the area. About 10 s (zlib's build is most of it).

# zr_expected FILE...: the worker's line for each FILE, from Debian's zlib.
zr_expected() {
  python3 - "$@" <<'PY'
import sys, zlib
for f in sys.argv[1:]:
    try:
        d = zlib.decompressobj(15 + 32)
        out = d.decompress(open(f, "rb").read())
        if not d.eof:
            raise zlib.error("truncated")
        print(f"{f}: {len(out)} bytes, crc32 {zlib.crc32(out):08x}")
    except zlib.error:
        print(f"{f}: error")
PY
}

# zr_corpus DIR SRC: the training corpus in DIR/train, held-out streams in
# DIR/held (other data, other levels, and a corrupt stream).
zr_corpus() {
  local dir=$1 src=$2
  rm -rf "$dir/train" "$dir/held" && mkdir -p "$dir/train" "$dir/held" || return 1
  gzip -n -1c < "$src/ChangeLog" > "$dir/train/changelog-1.gz" &&
    gzip -n -9c < "$src/deflate.c" > "$dir/train/deflate-9.gz" &&
    gzip -n -6c < "$src/README" > "$dir/held/readme-6.gz" &&
    python3 - "$dir" "$src" <<'PY'
import sys, zlib
d, src = sys.argv[1], sys.argv[2]
inflate_c = open(f"{src}/inflate.c", "rb").read()
open(f"{d}/train/inflate-6.zz", "wb").write(zlib.compress(inflate_c, 6))
open(f"{d}/train/stored.zz", "wb").write(zlib.compress(inflate_c[:3000], 0))
open(f"{d}/train/fixed.zz", "wb").write(zlib.compress(b"hello hello hello hello", 9))
open(f"{d}/held/trees-1.zz", "wb").write(zlib.compress(open(f"{src}/trees.c", "rb").read(), 1))
bad = bytearray(open(f"{d}/held/readme-6.gz", "rb").read())
bad[200] ^= 0x55
open(f"{d}/held/corrupt.gz", "wb").write(bad)
PY
}

# zr_figures BINARY MODE: the attack-surface figures of the `worker` row
# next to the whole program's, one line (attack-figures.py); fails unless
# the worker sees less code and fewer gadgets than the program.
zr_figures() {
  "$objdump" --attack-surface --json "$1" |
    python3 "$here/attack-figures.py" "zlib worker (--melf-reduce-indirect=$2)" worker
}

run_zlib_reduce() {
  local src d cflags ldflags out rc want got
  src=$(fetch zlib) || { record zlib-reduce/fetch FAIL "apt-get source zlib"; return; }
  d=$(fresh_copy "$src" zlib-reduce) || { record zlib-reduce/copy FAIL "cannot copy $src"; return; }
  cflags="$("$mcfg" --cflags) -O2 -ffunction-sections -fdata-sections"
  ldflags="$("$mcfg" --ldflags)"
  # 1. Build: zlib's own build system, then the program.
  local area=(-Wl,--melf-area-object=zlib-example.o "-Wl,--melf-area-object=libz.a(*")
  if ! { (cd "$d" && CC=clang-19 CFLAGS="$cflags" ./configure --static) > "$d.build.log" 2>&1 &&
         make -s -j"$jobs" -C "$d" libz.a >> "$d.build.log" 2>&1 &&
         clang-19 $cflags -w -Dmain=zlib_example_main -I"$d" -c "$d/test/example.c" \
           -o "$d/zlib-example.o" 2>> "$d.build.log" &&
         clang-19 $cflags -Wall -Werror -I"$d" -c "$here/zlib-worker.c" -o "$d/zlib-worker.o" \
           2>> "$d.build.log"; }; then
    record zlib-reduce/build FAIL "see $d.build.log"; return
  fi
  zr_link() { # OUTPUT LDFLAGS...: the program, zlib and example.c in the area
    local o=$1; shift
    clang-19 $ldflags "${area[@]}" "$@" "$d/zlib-worker.o" "$d/zlib-example.o" "$d/libz.a" \
      -lpthread -o "$o" 2>> "$d.build.log"
  }
  if zr_link "$d/zlib-worker-full"; then record zlib-reduce/build PASS
  else record zlib-reduce/build FAIL "see $d.build.log"; return; fi
  zr_corpus "$d" "$src" || { record zlib-reduce/corpus FAIL "cannot write the corpus"; return; }

  # 2. Record: the training run writes the allow-list.
  rm -f "$d/worker.list"
  (cd "$d" && MELF_RECORD="$d/worker.list" ./zlib-worker-full -w default inflate train/*) \
    > "$d/record.out" 2>&1
  if [ -s "$d/worker.list" ] && grep -qx inflate "$d/worker.list" &&
     grep -qx inflate_fast "$d/worker.list" && grep -qx inflate_table "$d/worker.list" &&
     ! grep -qE '^(deflate|compress|test_|zlib_example_main)' "$d/worker.list"; then
    record zlib-reduce/record-mode-lists-the-worker-functions PASS
  else
    record zlib-reduce/record-mode-lists-the-worker-functions FAIL \
      "$(tr '\n' ' ' < "$d/worker.list" 2>/dev/null)"
  fi

  # 3. Reduce.
  if zr_link "$d/zlib-worker" "-Wl,--melf-reduce=worker:$d/worker.list" \
       -Wl,--melf-reduce-indirect=reachable &&
     zr_link "$d/zlib-worker-all" "-Wl,--melf-reduce=worker:$d/worker.list"; then
    record zlib-reduce/link-with-the-recorded-list PASS
  else
    record zlib-reduce/link-with-the-recorded-list FAIL "see $d.build.log"; return
  fi

  # For the QEMU guest (views mode: the worker reduced and locked while
  # zlib's tests run in the main thread), statically linked. With the C
  # library in the link, its internal references reach this program's own
  # code (and from there compress) under --melf-reduce-indirect=reachable;
  # the recorded list already holds what the worker calls through pointers,
  # so the guest program keeps direct calls only (none).
  mkdir -p "$work/guest"
  if zr_link "$work/guest/realworld-zlib-worker" "-Wl,--melf-reduce=worker:$d/worker.list" \
       -Wl,--melf-reduce-indirect=none -static; then
    record zlib-reduce/guest-program/build PASS
  else
    record zlib-reduce/guest-program/build FAIL "see $d.build.log"
  fi

  # 4. Verify: the images, the figures, then run it.
  if "$objdump" --verify "$d/zlib-worker" > "$d/verify.out" 2>&1 &&
     "$objdump" --verify "$d/zlib-worker-all" >> "$d/verify.out" 2>&1; then
    record zlib-reduce/verify PASS
  else
    record zlib-reduce/verify FAIL "$(head -n 3 "$d/verify.out" | tr '\n' ' ')"
  fi
  if zr_figures "$d/zlib-worker" reachable >> "$work/reduce.txt" &&
     zr_figures "$d/zlib-worker-all" all >> "$work/reduce.txt"; then
    record zlib-reduce/attack-surface-figures PASS
  else
    record zlib-reduce/attack-surface-figures FAIL "see $work/reduce.txt"
  fi

  local bin
  for bin in zlib-worker zlib-worker-all; do
    # zlib's own test program in the main thread (default), then the worker
    # (reduced) on the training corpus and on streams it was not trained on.
    out=$(cd "$d" && ./$bin test train/* held/* 2>&1)
    want=$(cd "$d" && zr_expected train/* held/*)
    got=$(grep -E '^(train|held)/' <<<"$out" | sed -E 's/: error: .*/: error/')
    if grep -q "zlib's own tests (example.c) in the main thread, variant 'default': passed" <<<"$out"; then
      record "zlib-reduce/$bin/zlib-own-tests-pass" PASS
    else
      record "zlib-reduce/$bin/zlib-own-tests-pass" FAIL "$(tail -n 3 <<<"$out" | tr '\n' ' ')"
    fi
    if [ "$(grep '^train/' <<<"$got")" = "$(grep '^train/' <<<"$want")" ] &&
       grep -q "^worker (variant 'worker', process mode)" <<<"$out"; then
      record "zlib-reduce/$bin/worker-runs-the-training-inputs" PASS
    else
      record "zlib-reduce/$bin/worker-runs-the-training-inputs" FAIL "$(grep '^train/' <<<"$got" | tr '\n' ' ')"
    fi
    if [ "$(grep '^held/' <<<"$got")" = "$(grep '^held/' <<<"$want")" ] &&
       grep -q '^held/corrupt.gz: error' <<<"$got"; then
      record "zlib-reduce/$bin/worker-runs-held-out-and-corrupt-streams" PASS
    else
      record "zlib-reduce/$bin/worker-runs-held-out-and-corrupt-streams" FAIL "$(grep '^held/' <<<"$got" | tr '\n' ' ')"
    fi
  done

  # A call outside the allow-list: compressing is not what the worker was
  # trained for; compressBound, the first function it calls, is trap bytes.
  out=$(cd "$d" && ./zlib-worker deflate train/stored.zz 2>&1); rc=$?
  if [ "$rc" -gt 128 ] &&
     grep -Eq "^melf: thread [0-9]+ called 'compressBound', which is not in its variant 'worker' \(trap at 0x" <<<"$out" &&
     ! grep -q 'compressed to' <<<"$out"; then
    record zlib-reduce/call-outside-the-allow-list-stops-with-the-message PASS
  else
    record zlib-reduce/call-outside-the-allow-list-stops-with-the-message FAIL "exit $rc: $(head -n 2 <<<"$out" | tr '\n' ' ')"
  fi
  # The same call in the default variant compresses.
  out=$(cd "$d" && ./zlib-worker -w default deflate train/stored.zz 2>&1); rc=$?
  if [ "$rc" = 0 ] && grep -q 'compressed to' <<<"$out"; then
    record zlib-reduce/the-same-call-in-default-runs PASS
  else
    record zlib-reduce/the-same-call-in-default-runs FAIL "exit $rc: $(head -n 2 <<<"$out" | tr '\n' ' ')"
  fi

  # zlib's `make teststatic`, its example and minigzip linked with the
  # reduced variant (libz.a in the area).
  rm -f "$d/example" "$d/minigzip"
  if make -s -C "$d" example minigzip \
       LDFLAGS="$ldflags '-Wl,--melf-area-object=libz.a(*' -Wl,--melf-reduce=worker:$d/worker.list" \
       >> "$d.build.log" 2>&1 &&
     "$objdump" --variants "$d/example" | grep -q ' worker ' &&
     make -C "$d" teststatic > "$d.teststatic.log" 2>&1 &&
     grep -q '\*\*\* zlib test OK \*\*\*' "$d.teststatic.log"; then
    record zlib-reduce/teststatic-with-the-reduced-variant-linked-in PASS
  else
    record zlib-reduce/teststatic-with-the-reduced-variant-linked-in FAIL "see $d.build.log, $d.teststatic.log"
  fi
}
