#!/usr/bin/env python3
"""The compatibility table of docs/variants.md, made from the `# ROW:` line of
every test in test/compat (each row is the test that checks it).

  table.py --check DOC   exit 1 (with a diff) if DOC's table differs
  table.py --write DOC   rewrite DOC's table

A row: `# ROW: GROUP | OPTION | STATUS | HOW`. STATUS is works, changed,
refused or "not for programs"."""
import difflib
import glob
import os
import sys

BEGIN, END = "<!-- compat-table begin -->", "<!-- compat-table end -->"
GROUPS = ["sanitizer", "hardening", "instrumentation", "layout",
          "LTO and linking", "debug information"]
STATUSES = {"works", "changed", "refused", "not for programs"}


def rows():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = []
    for path in sorted(glob.glob(os.path.join(here, "*.test"))):
        for line in open(path):
            if line.startswith("# ROW:"):
                cells = [c.strip() for c in line[6:].split("|")]
                if len(cells) != 4 or cells[0] not in GROUPS or \
                        cells[2] not in STATUSES:
                    sys.exit("%s: bad ROW line: %s" % (path, line.strip()))
                cells.append(os.path.basename(path))
                out.append(cells)
    out.sort(key=lambda c: (GROUPS.index(c[0]), c[4]))
    return out


def table():
    lines = ["| Kind | Option | Status | How | Test |",
             "|------|--------|--------|-----|------|"]
    for g, opt, st, how, test in rows():
        lines.append("| %s | %s | %s | %s | `test/compat/%s` |" %
                     (g, opt, st, how, test))
    return lines


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("--check", "--write"):
        sys.exit(__doc__)
    doc = sys.argv[2]
    text = open(doc).read().split("\n")
    try:
        b, e = text.index(BEGIN), text.index(END)
    except ValueError:
        sys.exit("%s: no %s ... %s markers" % (doc, BEGIN, END))
    want = table()
    if sys.argv[1] == "--write":
        open(doc, "w").write("\n".join(text[:b + 1] + want + text[e:]))
        return
    have = text[b + 1:e]
    if have != want:
        sys.stdout.writelines(difflib.unified_diff(
            [l + "\n" for l in have], [l + "\n" for l in want],
            doc + " (table)", "rows of test/compat/*.test"))
        sys.exit(1)


main()
