#!/usr/bin/env python3
"""Check that every option `melf-objdump --help` prints (read from stdin)
is documented in the man page and in docs/melf-objdump.md, and that the man
page documents no option the tool lacks.

  melf-objdump --help | check-docs.py MAN_PAGE MARKDOWN"""
import re
import sys

man_path, md_path = sys.argv[1:3]
tool = set()
for line in sys.stdin:
    m = re.match(r"\s+(-{1,2}[A-Za-z][\w-]*)", line)
    if m:
        tool.add(m.group(1))
man = re.sub(r"\\f[BIRP]", " ", open(man_path).read()).replace("\\-", "-")
md = open(md_path).read()
# Options in the man page: at the start of a .B/.BR/.BI line after .TP.
man_opts = set()
for m in re.finditer(r"^\.TP\n\.B[IR]? (.*)$", man, re.M):
    man_opts.update(re.findall(r"(?<![\w-])(-{1,2}[A-Za-z][\w-]*)", m.group(1)))
bad = 0
for o in sorted(tool):
    if o not in man_opts:
        print("not in the man page: " + o)
        bad += 1
    if not re.search(r"`" + re.escape(o) + r"[`= ]", md):
        print("not in docs/melf-objdump.md: " + o)
        bad += 1
for o in sorted(man_opts - tool):
    print("in the man page, not in --help: " + o)
    bad += 1
print("%d options, %d problems" % (len(tool), bad))
sys.exit(1 if bad else 0)
