#!/usr/bin/env bash
# A MELF compile through icecream on this machine: a scheduler, a local
# daemon that takes no jobs (--no-remote, the client's daemon) and a
# "remote" daemon, all on loopback ports that were free, started and stopped
# here. The client asks the local daemon for a native environment (clang-19
# plus the plugin, which icecream packs itself because it sees -fplugin=),
# the scheduler hands the job to the remote daemon, which unpacks the
# environment and compiles in a chroot as user icecc. Prints the client's
# verdict, where the job ran and whether the object equals a local
# compile's (melf-clang).
#
#   icecc-compile.sh WORKDIR SOURCE
set -u
work=$1 src=$2
mkdir -p "$work"
cd "$work" || exit 1
bindir=$(dirname "$(command -v melf-clang)")
PATH=$PATH:/usr/sbin:/sbin # iceccd, icecc-scheduler

# Three ports: the scheduler's (TCP and UDP) and the next one (its text
# interface), and one TCP port per daemon.
read -r sport lport rport < <(python3 - <<'EOF'
import socket
def free(p=0):
    s = socket.socket(); s.bind(("127.0.0.1", p)); return s
while True:
    a = free(); p = a.getsockname()[1]
    try:
        b = free(p + 1); u = socket.socket(type=socket.SOCK_DGRAM); u.bind(("", p))
    except OSError:
        continue
    c, d = free(), free()
    print(p, c.getsockname()[1], d.getsockname()[1]); break
EOF
)

# As root, iceccd keeps only CAP_SYS_CHROOT and runs as user icecc: its
# environment directories, logs and the plugin (which it packs into the
# environment) go to a fresh directory under /tmp that icecc owns.
share=$(mktemp -d /tmp/melf-icecc.XXXXXX) || exit 1
mkdir -p "$share/lib" "$share/log"
cp "$bindir/../lib/MELFPlugin.so" "$share/lib/"
chown -R icecc: "$share"
plugin=$share/lib/MELFPlugin.so

# ICECC_TESTS: broadcasts stay on loopback (icecream's own test mode); a
# network name of our own keeps other schedulers and daemons out.
export ICECC_TESTS=1
net=melf-test-$$
icecc-scheduler -p "$sport" -n "$net" -l "$share/log/scheduler.log" -vvv &
pids=$!
ICECC_TEST_SOCKET=$share/local.sock iceccd --no-remote -s "127.0.0.1:$sport" -n "$net" -N local \
  -p "$lport" -m 1 -u icecc -b "$share/envs-local" -l "$share/log/local.log" -vvv &
pids="$pids $!"
ICECC_TEST_SOCKET=$share/remote.sock iceccd -s "127.0.0.1:$sport" -n "$net" -N remote \
  -p "$rport" -m 1 -u icecc -b "$share/envs-remote" -l "$share/log/remote.log" -vvv &
pids="$pids $!"
cleanup() {
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null
  wait 2>/dev/null
  cp "$share"/log/*.log "$work/" 2>/dev/null
  rm -rf "$share"
}
trap cleanup EXIT
for _ in $(seq 200); do
  [ "$(cat "$share"/log/local.log "$share"/log/remote.log 2>/dev/null | grep -c 'Connected to scheduler')" = 2 ] && break
  sleep 0.1
done
grep -q 'Connected to scheduler' "$share/log/remote.log" && echo "remote daemon: connected"
grep 'Cannot use chroot' "$share/log/remote.log"

cp "$src" f.c
# The flags melf-clang adds, with the plugin copy the daemons may read.
# shellcheck disable=SC2046
set -- $(melf-config --cflags | sed "s|-fplugin=[^ ]*|-fplugin=$plugin|")
# ICECC_TEST_SOCKET: the local daemon above, not a system one.
# ICECC_TEST_REMOTEBUILD: a job the scheduler gives to 127.0.0.1 goes to
# that daemon's port (without it the client compiles itself, as icecream
# does for its own host). No compression: the environment (~270 MB) is
# packed and sent in a second or two.
ICECC_TEST_SOCKET=$share/local.sock ICECC_TEST_REMOTEBUILD=1 ICECC_PREFERRED_HOST=remote \
  ICECC_ENV_COMPRESSION=none ICECC_DEBUG=debug ICECC_LOGFILE=$work/icecc.log \
  icecc clang-19 "$@" -O2 -c f.c -o remote.o 2> client.stderr
echo "icecc clang-19: exit $?"
cat client.stderr
# The client's log: which host the scheduler gave, and no local build.
grep -o "Have to use host 127.0.0.1:$rport" icecc.log | sed "s/:$rport/:REMOTE/"
grep -E 'building myself|<building_local>|local build forced' icecc.log
# The remote daemon's log: the job compiled there, with the plugin.
kill -0 "${pids##* }" 2>/dev/null && sleep 0.5 # the log is written by then
grep -o 'remote compile arguments: -fplugin=[^ ]*' "$share/log/remote.log" | sed "s|$plugin|PLUGIN|"
grep -o 'Remote compilation completed with exit code .*' "$share/log/remote.log"
melf-clang -O2 -c f.c -o local.o
cmp -s local.o remote.o && echo "objects: identical" || echo "objects: differ"
