#!/usr/bin/env python3
"""Runs the call-overhead and -march benchmarks and draws their ratios as an
SVG bar chart (docs/performance.svg, referenced by docs/performance.md).
Plain Python: no plotting package needed. Not a test.

    bench/report.py BUILD_DIR [OUT_SVG]
"""
import os
import re
import subprocess
import sys

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "docs", "performance.svg")

calls = subprocess.run([os.path.join(build, "bench", "calls")], capture_output=True,
                       text=True, check=True).stdout
bars = []  # (group, label, ratio)
variant = None
for line in calls.splitlines():
    m = re.match(r"variant (\S+):", line)
    if m:
        variant = m.group(1)
        continue
    m = re.match(r"\s+(.+?)\s+([0-9.]+) ns/call\s+([0-9.]+)x", line)
    if m and variant == "default":
        bars.append(("call cost vs a plain direct call (lower is better)", m.group(1), float(m.group(3))))
march = subprocess.run(["bash", os.path.join(root, "bench", "march.sh"), build],
                       capture_output=True, text=True).stdout
for line in march.splitlines():
    m = re.match(r"\s+(MELF binary, .*?|plain .*?)\s+[0-9.]+ ms\s+([0-9.]+)$", line)
    if m:
        bars.append(("speed-up over the default code, dot product (higher is better)",
                     m.group(1), float(m.group(2))))
print(calls, end="")
print(march, end="")

# Draw: one horizontal bar chart per group.
width, left, bar_h, gap = 760, 330, 18, 6
groups = []
for g, label, v in bars:
    if not groups or groups[-1][0] != g:
        groups.append((g, []))
    groups[-1][1].append((label, v))
y = 20
parts = []
for g, items in groups:
    parts.append(f'<text x="10" y="{y}" font-weight="bold">{g}</text>')
    y += 10
    top = max(v for _, v in items) * 1.1
    for label, v in items:
        w = (width - left - 60) * v / top
        parts.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#4a7fb5"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 13}">{v:.2f}</text>')
        y += bar_h + gap
    y += 24
svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
       f'font-family="sans-serif" font-size="12">\n' + "\n".join(parts) + "\n</svg>\n")
with open(out, "w") as f:
    f.write(svg)
print(f"report: wrote {out}")
