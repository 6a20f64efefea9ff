#!/usr/bin/env python3
"""Runs the benchmarks several times, prints one table of medians with their
spread, writes the table into docs/performance.md (between the
`report-table` markers) and draws the ratios with gnuplot into
docs/performance.png (Debian's gnuplot-nox, installed by scripts/setup.sh).
Not a test: the figures depend on the machine.

    bench/report.py BUILD_DIR [--repeat N] [--no-docs]

Each figure is a ratio measured within one run of one program (the programs
themselves time many iterations and take medians); the report repeats every
program N times (default 5) and gives the median of the N ratios and their
range. Switch costs in views come from the guest benchmark of the last
`make check` (build/test-results/kernel.log), measured under QEMU.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys

import argparse

ap = argparse.ArgumentParser(description="Runs the MELF benchmarks and reports medians.")
ap.add_argument("build", nargs="?", default="build", help="the CMake build directory")
ap.add_argument("--repeat", type=int, default=5, help="runs of each program (default 5)")
ap.add_argument("--no-docs", action="store_true",
                help="print the table only; do not touch docs/")
ap.add_argument("--no-linktime", action="store_true",
                help="skip bench/linktime.sh (20 000 generated functions; minutes)")
opts = ap.parse_args()
build = os.path.abspath(opts.build)
repeat = max(1, opts.repeat)
write_docs = not opts.no_docs
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
docs = os.path.join(root, "docs")
bench = os.path.join(build, "bench")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit("report: %s failed:\n%s" % (" ".join(cmd), r.stderr))
    return r.stdout


samples = {}  # (group, figure, unit) -> [values]
order = []


def add(group, figure, unit, value):
    key = (group, figure, unit)
    if key not in samples:
        samples[key] = []
        order.append(key)
    samples[key].append(value)


CALLS = "call cost, ratio to a plain direct call"
MARCH = "dot product speed-up over the default code"
SWITCH = "switching variant"
for i in range(repeat):
    print("report: run %d of %d" % (i + 1, repeat), file=sys.stderr)
    variant = None
    for line in run([os.path.join(bench, "calls")]).splitlines():
        m = re.match(r"variant (\S+):", line)
        if m:
            variant = m.group(1)
            continue
        m = re.match(r"\s+(.+?)\s+([0-9.]+) ns/call\s+([0-9.]+)x", line)
        if m and variant == "default" and not m.group(1).startswith("plain"):
            add(CALLS, m.group(1), "x", float(m.group(3)))
    for line in run(["bash", os.path.join(root, "bench", "march.sh"), build]).splitlines():
        m = re.match(r"\s+(MELF binary, .*?|plain .*?)\s+[0-9.]+ ms\s+([0-9.]+)$", line)
        if m:
            add(MARCH, m.group(1), "x", float(m.group(2)))
    for size in ("4096", "1048576"):
        out = run([os.path.join(bench, "switch-" + size)])
        m = re.search(r"switch ([0-9.]+) us, mmap ([0-9.]+) us, ratio ([0-9.]+)", out)
        if m:
            label = "process mode, %d KiB area" % (int(size) // 1024)
            add(SWITCH, label + ": time", "us", float(m.group(1)))
            add(SWITCH, label + ": ratio to one mmap of it", "x", float(m.group(3)))

# Views: the guest benchmark's figures from the last make check (one run).
log = os.path.join(build, "test-results", "kernel.log")
views = []
if os.path.exists(log):
    with open(log, errors="replace") as f:
        text = f.read()
    m = re.search(r"migrate round trip .*?: ([0-9]+) ns = ([0-9.]+) x a null system call", text)
    if m:
        views.append((SWITCH, "views (QEMU guest): migrate round trip", "ns", float(m.group(1))))
        views.append((SWITCH, "views (QEMU guest): ratio to a null system call", "x", float(m.group(2))))

# Link and compile time: linktime.sh takes the median of 5 links itself;
# compile times are one build each. One run (it takes minutes).
linktime = []
if not opts.no_linktime:
    print("report: bench/linktime.sh", file=sys.stderr)
    for line in run(["bash", os.path.join(root, "bench", "linktime.sh"), build]).splitlines():
        m = re.match(r"\s+(.+?)\s+(\d+)\s+\(([0-9.]+) x (plain|ld\.lld)\)", line)
        if m:
            linktime.append((m.group(1), int(m.group(2)), float(m.group(3)), m.group(4)))

sizes = []
for line in run(["bash", os.path.join(root, "bench", "size.sh"), build]).splitlines():
    m = re.match(r"(\d+)\s+(\d+)\s+([0-9.]+)x\s+(\d+)\s+([0-9.]+)%", line)
    if m:
        sizes.append((int(m.group(1)), int(m.group(2)), float(m.group(3)), float(m.group(5))))


def fmt(v, unit):
    if unit == "x":
        return "%.2fx" % v
    return ("%.0f %s" if v >= 1000 else "%.1f %s") % (v, unit)


rows = []
for key in order:
    vals = samples[key]
    med = statistics.median(vals)
    rows.append((key[0], key[1], fmt(med, key[2]),
                 "%s - %s" % (fmt(min(vals), key[2]), fmt(max(vals), key[2])), len(vals)))
for g, figure, unit, v in views:
    rows.append((g, figure, fmt(v, unit), "(one guest run)", 1))
for label, ms, ratio, ref in linktime:
    what = "median of 5 links" if label.startswith("link") else "one build"
    rows.append(("link and compile time, 20 000 functions (linktime.sh)", label,
                 "%d ms, %.2fx %s" % (ms, ratio, ref), "(%s)" % what, 1))
for n, size, ratio, pad in sizes:
    rows.append(("binary size (size.sh)", "%d variant%s" % (n, "s" if n > 1 else ""),
                 "%d bytes, %.2fx plain" % (size, ratio), "padding %.1f%%" % pad, 1))

table = ["| Group | Figure | Median | Range (min - max) | Runs |",
         "|-------|--------|--------|-------------------|------|"]
for r in rows:
    table.append("| %s | %s | %s | %s | %d |" % r)
print("\n".join(table))

# The plot: ratios of the call and -march groups (median, min-max bars).
png = os.path.join(docs, "performance.png")
if write_docs and shutil.which("gnuplot"):
    dat = os.path.join(build, "bench", "report.dat")
    with open(dat, "w") as f:
        i = 0
        for key in order:
            if key[0] in (CALLS, MARCH):
                vals = samples[key]
                label = ("call: " if key[0] == CALLS else "dot: ") + \
                    key[1].replace("MELF binary, ", "MELF ").replace('"', "")
                f.write('%d "%s" %f %f %f\n' % (i, label, statistics.median(vals), min(vals), max(vals)))
                i += 1
    script = """
set terminal pngcairo size 900,440 font "sans,10" noenhanced
set output '%s'
set title "MELF: call cost (ratio to a direct call) and x86-64-v3 speed-up (median of %d runs, bars: range)"
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -20
set yrange [0:*]
set grid ytics
plot '%s' using 1:3:xtic(2) with boxes lc rgb "#4a7fb5" notitle, \\
     '' using 1:3:4:5 with yerrorbars lc rgb "black" pt 0 notitle
""" % (png, repeat, dat)
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode:
        sys.exit("report: gnuplot failed: " + r.stderr)
    print("report: wrote " + png)
elif write_docs:
    print("report: gnuplot not found (scripts/setup.sh installs gnuplot-nox); no plot")

if write_docs:
    md = os.path.join(docs, "performance.md")
    with open(md) as f:
        text = f.read()
    begin, end = "<!-- report-table begin -->", "<!-- report-table end -->"
    a, b = text.find(begin), text.find(end)
    if a < 0 or b < a:
        sys.exit("report: %s lacks the %s ... %s markers" % (md, begin, end))
    text = text[:a + len(begin)] + "\n" + "\n".join(table) + "\n" + text[b:]
    with open(md, "w") as f:
        f.write(text)
    print("report: updated " + md)
