# shellcheck shell=bash
# What lld-patches/build.sh and asan-patches/build.sh share: Debian's
# llvm-toolchain-19 source package, and a tree made of part of it with the
# Debian patches the caller wants and then the caller's series applied.
# Sourced by a script that sets here (the directory holding its series)
# and defines log() and fail() before calling the functions.

# Sources and trees live in $MELF_CACHE (default /var/cache/melf), outside
# the checkout, so rebuilds are incremental; ccache caches compiles across
# trees. The series were made for this Debian version of the package.
cache=${MELF_CACHE:-/var/cache/melf}
export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export CCACHE_BASEDIR=$cache # cache hits across tree locations
expected_version="1:19.1.7-3~deb12u1"

# Finds the source package in $cache/src, downloading it if missing: sets
# version, upstream, top (the tarball's top directory), orig (the upstream
# tarball) and debian (Debian's tarball), and takes the lock
# $cache/$1-$upstream.lock, one writer at a time for the shared trees.
llvm_source_find() {
  local src="$cache/src" dsc
  mkdir -p "$src"
  dsc=$(ls "$src"/llvm-toolchain-19_*.dsc 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dsc" ]; then
    log "downloading the llvm-toolchain-19 source package"
    (cd "$src" && apt-get source --download-only -q llvm-toolchain-19 >/dev/null 2>&1) ||
      fail "'apt-get source llvm-toolchain-19' failed (run scripts/setup.sh as root for the deb-src entry)"
    dsc=$(ls "$src"/llvm-toolchain-19_*.dsc | sort -V | tail -n 1)
  fi
  version=$(sed -n 's/^Version: //p' "$dsc")
  upstream=${version#*:}
  upstream=${upstream%%-*}
  top="llvm-toolchain-19_${upstream}"
  exec 9> "$cache/$1-$upstream.lock"
  flock 9
  orig="$src/llvm-toolchain-19_${upstream}.orig.tar.xz"
  debian=$(ls "$src"/llvm-toolchain-19_"${version#*:}".debian.tar.* 2>/dev/null | head -n 1 || true)
  log "Debian source llvm-toolchain-19 $version"
  if [ "$version" != "$expected_version" ]; then
    log "warning: the series was made for $expected_version; applying to $version with fuzz"
  fi
  [ -f "$orig" ] && [ -n "$debian" ] || fail "$src lacks the orig or debian tarball of $version"
}

# Makes the patched tree $1: the members of the upstream tarball that the
# remaining arguments name (tar arguments: "$top/..." paths and --exclude
# options), then each Debian patch for which the function $2 returns 0
# (it gets the patch's text as $1), then the series in $here. Made again
# only when the version or the series changes, in a scratch directory, and
# synced into place by content, so that files the series did not change
# keep their timestamps (ninja rebuilds only what changed; ccache covers
# the rest).
llvm_source_tree() {
  local tree=$1 wants=$2 tmp stamp p body f
  shift 2
  stamp=$( (echo "$version"; cat "$here/series"
            for p in $(grep -v '^#' "$here/series"); do cat "$here/$p"; done) |
          sha256sum | cut -c1-16)
  [ "$(cat "$tree/.melf-stamp" 2>/dev/null)" != "$stamp" ] || return 0
  log "extracting $(printf '%s ' "$@" | sed "s|--exclude=[^ ]* ||g; s|$top/||g")from $(basename "$orig")"
  tmp="$tree.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  tar -xf "$orig" -C "$tmp" --strip-components=1 "$@"
  for p in $(tar -xOf "$debian" debian/patches/series | grep -v '^#'); do
    body=$(tar -xOf "$debian" "debian/patches/$p" 2>/dev/null || true)
    if "$wants" "$body"; then
      log "applying Debian patch $p"
      patch -s -d "$tmp" -p1 <<<"$body" ||
        fail "Debian patch $p does not apply to llvm-toolchain-19 $version"
    fi
  done
  for p in $(grep -v '^#' "$here/series"); do
    log "applying $p"
    patch -s -d "$tmp" -p1 -F 3 --no-backup-if-mismatch < "$here/$p" ||
      fail "$p does not apply to llvm-toolchain-19 $version (made for $expected_version)"
  done
  (cd "$tmp" && find . -type f) | while read -r f; do
    if ! cmp -s "$tmp/$f" "$tree/$f"; then
      mkdir -p "$(dirname "$tree/$f")"
      cp "$tmp/$f" "$tree/$f"
    fi
  done
  rm -rf "$tmp"
  echo "$stamp" > "$tree/.melf-stamp"
}
