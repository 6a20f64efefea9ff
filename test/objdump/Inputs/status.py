#!/usr/bin/env python3
"""Run a command, print its output (stderr merged) and then its exit status
as "exit status: N" (or "killed by signal N"); always exit 0. lit's `not`
cannot tell status 1 from 2, nor a sanitizer's exit from a clean error."""
import subprocess
import sys

p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT)
sys.stdout.write(p.stdout.decode(errors="replace"))
if p.returncode < 0:
    print("killed by signal %d" % -p.returncode)
else:
    print("exit status: %d" % p.returncode)
