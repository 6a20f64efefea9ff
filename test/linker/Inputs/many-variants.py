#!/usr/bin/env python3
"""Writes assembly with N multivariant functions, function i having one clone
of variant v<i>: N > 63 needs more variants than the metadata can hold."""
import sys
n = int(sys.argv[1])
print('.include "melf.inc"')
for i in range(n):
    print(f"  melf_function f{i}, v{i}")
print("  .text\n  .globl _start\n_start:\n  retq")
