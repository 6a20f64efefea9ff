#!/usr/bin/env bash
# Runs a copy of APP setuid root as user nobody, with the environment
# settings given before `--` and the arguments after it. The copy lives in a
# fresh directory under /tmp that nobody can reach (the checkout's own
# directories may not be). Exits with the program's status.
#
#   run-setuid.sh APP [VAR=VALUE...] -- [ARG...]
set -u
app=$1
shift
envs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
[ $# -gt 0 ] && shift
dir=$(mktemp -d /tmp/melf-setuid.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
cp "$app" "$dir/app" && chown root:root "$dir/app" && chmod 4755 "$dir/app" || exit 1
setpriv --reuid=65534 --regid=65534 --clear-groups env "${envs[@]}" "$dir/app" "$@"
