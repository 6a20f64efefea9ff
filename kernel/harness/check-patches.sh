#!/usr/bin/env bash
# Every patch of kernel/patches/series passes the kernel's own
# scripts/checkpatch.pl (from the extracted Debian linux-source-6.1 tree
# that build-kernel.sh prepared). One JUnit testcase per patch.
#
#   kernel/harness/check-patches.sh JUNIT_XML
set -uo pipefail
xml=${1:?usage: check-patches.sh JUNIT_XML}
here=$(cd "$(dirname "$0")" && pwd)
tree=$(bash "$here/build-kernel.sh" --prepare | tail -n 1) || { echo "check-patches: no kernel tree" >&2; exit 1; }
results=$(mktemp)
trap 'rm -f "$results"' EXIT
while read -r p; do
  case "$p" in ''|'#'*) continue ;; esac
  if out=$(cd "$tree" && perl scripts/checkpatch.pl --no-tree -q "$here/../patches/$p" 2>&1) && [ -z "$out" ]; then
    printf 'PASS\t%s\t\n' "$p" >> "$results"
  else
    printf 'FAIL\t%s\t%s\n' "$p" "$(echo "$out" | head -n 20 | tr '\n\t' '  ')" >> "$results"
  fi
done < "$here/../patches/series"
python3 - "$results" "$xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
rows = [l.rstrip("\n").split("\t", 2) for l in open(sys.argv[1]) if l.strip()]
suite = ET.Element("testsuite", name="kernel-patches", tests=str(len(rows)),
                   failures=str(sum(r[0] == "FAIL" for r in rows)))
for status, name, msg in rows:
    case = ET.SubElement(suite, "testcase", classname="kernel.checkpatch", name=name)
    if status == "FAIL":
        ET.SubElement(case, "failure", message="checkpatch: " + msg).text = msg
root = ET.Element("testsuites"); root.append(suite)
ET.ElementTree(root).write(sys.argv[2], encoding="unicode", xml_declaration=True)
fails = sum(r[0] == "FAIL" for r in rows)
print(f"checkpatch: {len(rows) - fails} of {len(rows)} patches clean")
sys.exit(1 if fails else 0)
PY
