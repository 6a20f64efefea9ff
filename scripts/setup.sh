#!/usr/bin/env bash
# Install what MELF needs on a Debian 12 machine. Idempotent and
# non-interactive; run as root (the Makefile calls it). Installs only
# Debian packages and adds the deb-src entry `apt-get source` needs.
#
#   scripts/setup.sh            packages for building and testing
#   scripts/setup.sh --kernel   also what the QEMU kernel tests need
set -euo pipefail

want_kernel=0
for a in "$@"; do
  case "$a" in
    --kernel) want_kernel=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$a'" >&2; exit 2 ;;
  esac
done

packages=(
  clang-19 llvm-19-dev libclang-19-dev lld-19 liblld-19-dev llvm-19-tools
  libclang-rt-19-dev libelf-dev ninja-build ccache cmake python3 make
  libgtest-dev dpkg-dev xz-utils gcc binutils gdb pkg-config
  gnuplot-nox # bench/report.py draws docs/performance.png
  linux-perf # melf-perf-report and its test
  lintian file # make deb: the package check; file(1) finds what to strip
  distcc # distributed compiles through melf-clang (test/tools/distcc.test)
  zstd # test/realworld: an unmodified Debian program linking libz.so.1 and liblz4.so.1
  tcl-dev # test/realworld: SQLite's testfixture (its TCL tests)
  icecc # icecream: distributed compiles with the plugin in its environment (test/tools/icecc.test)
  # AArch64 cross builds (libmelf for AArch64, test/aarch64 under qemu-user):
  # the cross libc, the cross GCC's crt files and libgcc, qemu-aarch64.
  libc6-dev-arm64-cross gcc-aarch64-linux-gnu libgcc-12-dev-arm64-cross qemu-user
)
if [ "$want_kernel" = 1 ]; then
  # The guest kernel is built with gcc; objtool needs libelf-dev (also in
  # the base list). Guest tests are linked statically (libc6-dev, via gcc).
  # make check-kernel-full's arm64 guest: qemu-system-aarch64 and the
  # cross libstdc++ for its C++ test (the kernel and the C programs use the
  # cross toolchain of the base list).
  packages+=(linux-source-6.1 qemu-system-x86 gcc bc bison flex libssl-dev
             libelf-dev cpio busybox-static qemu-system-arm
             libstdc++-12-dev-arm64-cross
             libnuma-dev) # the mm selftests ksm_tests and migration, static
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# apt-get source needs a deb-src entry for the Debian archive.
src_list=/etc/apt/sources.list.d/melf-deb-src.sources
need_update=0
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: a deb-src entry is missing and adding it needs root" >&2
    exit 1
  fi
  cat > "$src_list" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  need_update=1
fi

if [ "${#missing[@]}" = 0 ] && [ "$need_update" = 0 ]; then
  echo "setup: all packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: missing packages (${missing[*]}); run as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "setup: apt-get update"
apt-get update -q >/dev/null
if [ "${#missing[@]}" != 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: done"
