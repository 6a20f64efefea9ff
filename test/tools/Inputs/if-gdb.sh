#!/bin/sh
# Runs its arguments if gdb is installed, else says so (tests that check
# gdb's output accept either).
if command -v gdb > /dev/null; then exec "$@"; fi
echo "gdb not installed"
