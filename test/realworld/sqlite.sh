# Sourced by run.sh: SQLite (Debian source `sqlite3`) as a MELF shared
# library, libsqlite3.so.0, with its hot VDBE, b-tree and parser functions
# (static ones too) in variants, and a set of its own TCL tests run by its
# `testfixture` linked to that library (docs/realworld.md).
#
# Built with SQLite's own build system (configure, libtool, main Makefile):
# `make libsqlite3.la` compiles the amalgamation with the testfixture's
# options (OPTS: SQLITE_TEST..., SQLITE_PRIVATE= so that the test code can
# reach internal functions) and the MELF flags; `make testfixture` then links
# the test harness (built without MELF) to that library instead of compiling
# sqlite3.c into itself (USE_AMALGAMATION=2 selects TESTFIXTURE_SRC2). The
# baseline is the ordinary `make testfixture`. Both builds are kept in the
# build directory while the compiler plugin, ld.melf and the flags are
# unchanged (SQLite's amalgamation takes a while to compile).
#
# The tests run as user nobody in a fresh directory under /tmp (some assume
# that a read-only file cannot be written, which root can).

sqlite_functions='sqlite3VdbeExec,sqlite3VdbeRecordUnpack,sqlite3VdbeRecordCompareWithSkip,vdbeRecordCompareInt,vdbeRecordCompareString,serialGet,sqlite3BtreeTableMoveto,sqlite3BtreeIndexMoveto,sqlite3BtreeInsert,sqlite3BtreeDelete,sqlite3BtreeNext,sqlite3BtreeFirst,moveToChild,moveToRoot,getAndInitPage,btreeParseCellPtr,balance,balance_nonroot,sqlite3RunParser,sqlite3Parser,yy_reduce,sqlite3GetToken'
sqlite_nfunctions=22
sqlite_quick_tests=(select1 insert update delete where expr btree01 index trans join func)
sqlite_full_tests=(select2 select3 select4 select5 select6 select7 insert2 insert3
  insert4 update2 delete2 delete3 where2 where3 where4 where7 expr2 index2 index3
  index4 index5 trans2 join2 join3 join5 func2 func3 btree02 btreefault
  collate1 collate2 distinct limit orderby1 orderby2 in subquery view trigger1
  trigger2 analyze vacuum vacuum2 autoinc alter alter2 rowid types types2
  null unique check like like2 cast date fkey1 fkey2 with1 window1 upsert1
  rollback savepoint)
sqlite_testfixture_opts='-DSQLITE_TEST=1 -DSQLITE_CRASH_TEST=1 -DSQLITE_SERVER=1 -DSQLITE_PRIVATE= -DSQLITE_CORE -DSQLITE_SERIES_CONSTRAINT_VERIFY=1 -DSQLITE_DEFAULT_PAGE_SIZE=1024 -DSQLITE_ENABLE_STMTVTAB -DSQLITE_ENABLE_DBPAGE_VTAB -DSQLITE_ENABLE_BYTECODE_VTAB -DSQLITE_NO_SYNC=1'

# sqlite_cached DIR KEY: DIR holds a finished build made with KEY.
sqlite_cached() { [ -f "$1/testfixture" ] && [ "$(cat "$1.key" 2>/dev/null)" = "$2" ]; }

sqlite_configure() { # DIR
  (cd "$1" && CC=clang-19 CFLAGS=-O2 ./configure --enable-shared --disable-static \
     --with-tcl=/usr/lib/tcl8.6 > "$1.build.log" 2>&1)
}

sqlite_build_normal() { # DIR: the ordinary testfixture (sqlite3.c compiled in)
  sqlite_configure "$1" && make -s -j"$jobs" -C "$1" testfixture >> "$1.build.log" 2>&1
}

sqlite_build_melf() { # DIR: libsqlite3.so.0 with variants, testfixture linked to it
  local d=$1 bin=$build
  sqlite_configure "$d" &&
    make -j"$jobs" -C "$d" libsqlite3.la OPTS="$sqlite_testfixture_opts" \
      CFLAGS="$(so_melf_flags "$sqlite_functions")" \
      LTLINK_EXTRAS="-XCClinker -fuse-ld=melf -XCClinker -B$bin/bin -L$bin/lib -lmelf -Wl,-rpath,$bin/lib" \
      >> "$d.build.log" 2>&1 &&
    make -j"$jobs" -C "$d" testfixture CFLAGS=-O2 USE_AMALGAMATION=2 \
      TESTFIXTURE_SRC2=.libs/libsqlite3.so >> "$d.build.log" 2>&1
}

# sqlite_stage DIR NAME: copies what runs (testfixture, its libraries, the
# test directory) to a fresh directory under /tmp that nobody can read;
# prints its path.
sqlite_stage() {
  local t
  t=$(mktemp -d /tmp/melf-sqlite.XXXXXX) || return 1
  chmod 755 "$t" && mkdir -p "$t/lib" &&
    cp "$1/testfixture" "$t/" && cp -a "$1/test" "$t/test" &&
    if [ -e "$1/.libs/libsqlite3.so.0" ]; then
      cp -L "$1/.libs/libsqlite3.so.0" "$t/lib/" && cp -L "$build/lib/libmelf.so.0" "$t/lib/"
    fi && chmod -R a+rX "$t" && echo "$t"
}

# sqlite_suite STAGE LABEL [VARIANT]: the test files, each a case, as nobody.
sqlite_suite() {
  local s=$1 label=$2 v=${3:-} t out run tests=("${sqlite_quick_tests[@]}")
  [ "$mode" = full ] && tests+=("${sqlite_full_tests[@]}")
  run="$s/run-$label"
  mkdir -p "$run" && chown 65534:65534 "$run"
  for t in "${tests[@]}"; do
    out=$(cd "$run" && setpriv --reuid=65534 --regid=65534 --clear-groups \
            env HOME="$run" LD_LIBRARY_PATH="$s/lib" MELF_VARIANT="$v" \
            "$s/testfixture" "$s/test/$t.test" 2>&1)
    printf '%s\n' "$out" > "$work/sqlite.$label.$t.log"
    if grep -q '^0 errors out of [1-9][0-9]* tests' <<<"$out"; then
      record "sqlite/$label/$t" PASS
    else
      record "sqlite/$label/$t" FAIL "$(grep -m1 -E 'errors out of|Failures on' <<<"$out") (see $work/sqlite.$label.$t.log)"
    fi
  done
}

run_sqlite() {
  local src n d key v s sn
  src=$(fetch sqlite3) || { record sqlite/fetch FAIL "apt-get source sqlite3"; return; }
  say "sqlite from Debian source $(basename "$src")"
  key=$( (echo "$sqlite_functions $so_variant_flags $sqlite_testfixture_opts $src"
          cat "$build/lib/MELFPlugin.so" "$build/bin/ld.melf") | sha256sum)
  n=$work/sqlite-normal
  d=$work/sqlite-melf
  if ! sqlite_cached "$n" "$key"; then
    n=$(fresh_copy "$src" sqlite-normal) || { record sqlite/copy FAIL "cannot copy $src"; return; }
    sqlite_build_normal "$n" && echo "$key" > "$n.key"
  fi
  if [ -x "$n/testfixture" ] && sn=$(sqlite_stage "$n"); then
    sqlite_suite "$sn" normal-build
    rm -rf "${sn:?}"
  else
    record sqlite/normal-build/build FAIL "see $n.build.log"
  fi

  if ! sqlite_cached "$d" "$key"; then
    d=$(fresh_copy "$src" sqlite-melf) || { record sqlite/copy FAIL "cannot copy $src"; return; }
    if ! sqlite_build_melf "$d"; then
      record sqlite/melf/build FAIL "see $d.build.log"; return
    fi
    echo "$key" > "$d.key"
  fi
  record sqlite/melf/build PASS
  so_slots "$d/.libs/libsqlite3.so.0" "$sqlite_nfunctions" sqlite
  s=$(sqlite_stage "$d") || { record sqlite/stage FAIL "cannot copy to /tmp"; return; }
  local script="$s/startup.tcl"
  printf '%s\n' 'sqlite3 db :memory:' \
    'puts [db eval {CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t(b) VALUES(1),(2),(3); SELECT sum(b) FROM t}]' \
    'db close' > "$script"
  for v in "${so_variants[@]}"; do
    local dbg
    dbg=$(LD_LIBRARY_PATH="$s/lib" MELF_VARIANT=$v MELF_DEBUG=1 "$s/testfixture" "$script" 2>&1)
    if grep -q "^melf: $s/lib/libsqlite3.so.0:" <<<"$dbg" &&
       { [ "$v" = default ] || grep -q "start-up variant '$v'" <<<"$dbg"; } && grep -qx 6 <<<"$dbg"; then
      record "sqlite/$v/starts-in-variant" PASS
    else
      record "sqlite/$v/starts-in-variant" FAIL "$(grep -m2 '^melf' <<<"$dbg" | tr '\n' ' ')"
    fi
    sqlite_suite "$s" "$v" "$v"
  done
  code_that_ran sqlite/testfixture "$s/lib" libsqlite3.so.0 sqlite3_open_v2 sqlite3VdbeExec \
    "$s/testfixture" "$script"
  rm -rf "${s:?}"
}
