#!/usr/bin/env bash
# A MELF compile through a distcc daemon on 127.0.0.1 (a free port, started
# and stopped here): prints the client's verdict and whether the object
# equals a local compile's. Also shows that the plain plugin flags are
# refused by the daemon (the reason for melf-clang).
#
#   distcc-compile.sh WORKDIR SOURCE
set -u
work=$1 src=$2
mkdir -p "$work"
cd "$work" || exit 1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bindir=$(dirname "$(command -v melf-clang)")
# As root, distccd runs jobs as user distcc, who may not reach the checkout:
# its melf-clang, the plugin and its temporary directory are copied to a
# fresh directory under /tmp (the daemon's job gets preprocessed source and
# needs only the plugin).
share=$(mktemp -d /tmp/melf-distcc.XXXXXX) || exit 1
mkdir -p "$share/bin" "$share/lib" "$share/tmp"
cp "$bindir/melf-clang" "$share/bin/"
cp "$bindir/../lib/MELFPlugin.so" "$share/lib/"
chmod -R a+rX "$share" && chmod 1777 "$share/tmp"
# The daemon runs melf-clang from DISTCCD_PATH; --enable-tcp-insecure lets it
# run a compiler without a /usr/lib/distcc masquerade link (a test daemon
# on loopback only; an installed melf package provides the link).
TMPDIR=$share/tmp DISTCCD_PATH=$share/bin:/usr/bin:/bin distccd --daemon --no-detach --enable-tcp-insecure \
  --listen 127.0.0.1 --allow 127.0.0.1 --port "$port" --log-stderr --log-level info \
  2> distccd.log &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$share"' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done
# distcc keeps its state in DISTCC_DIR (HOME is not set under lit).
mkdir -p "$work/.distcc"
export DISTCC_DIR=$work/.distcc DISTCC_HOSTS=127.0.0.1:$port DISTCC_FALLBACK=0 DISTCC_VERBOSE=1
cp "$src" f.c
distcc melf-clang -O2 -c f.c -o remote.o 2> client.log
echo "distcc melf-clang: exit $?"
grep -o "compile f.c on 127.0.0.1:[0-9]* completed ok" client.log | sed 's/:[0-9]*//'
melf-clang -O2 -c f.c -o local.o
cmp -s local.o remote.o && echo "objects: identical" || echo "objects: differ"
# shellcheck disable=SC2046
distcc clang-19 $(melf-config --cflags) -O2 -c f.c -o plain.o 2> plain.log
echo "distcc with -fplugin=: exit $?"
