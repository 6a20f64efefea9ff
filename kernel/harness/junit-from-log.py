#!/usr/bin/env python3
"""Turns the guest's serial log into JUnit XML (kernel/harness/run-qemu.sh).

    junit-from-log.py SERIAL_LOG QEMU_STATUS SECONDS JUNIT_XML

One testcase per PASS/FAIL line between the markers. Whatever ends the run
early (no END marker, a kernel panic or oops, a timeout, an unexpected QEMU
exit status) adds a failed testcase "guest-run" saying why, so a broken boot
can never look green. Exits 1 when anything failed.
"""
import re
import sys
import xml.etree.ElementTree as ET

log_path, status, seconds, xml_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
text = open(log_path, errors="replace").read().replace("\r", "")
lines = text.split("\n")

cases = []  # (name, failure message or None)
problems = []
try:
    begin = lines.index("MELF-GUEST-RESULTS-BEGIN")
except ValueError:
    begin = None
if begin is None:
    problems.append("no MELF-GUEST-RESULTS-BEGIN line")
else:
    end = None
    for i in range(begin + 1, len(lines)):
        line = lines[i]
        if line == "MELF-GUEST-RESULTS-END":
            end = i
            break
        m = re.fullmatch(r"PASS (\S+)", line)
        if m:
            cases.append((m.group(1), None))
            continue
        m = re.fullmatch(r"FAIL (\S+) \((.*)\)", line)
        if m:
            cases.append((m.group(1), m.group(2)))
    if end is None:
        problems.append("no MELF-GUEST-RESULTS-END line (the guest died or was cut off)")

# The guest's exit status summarises these program results only.
program_failed = any(msg for _, msg in cases)

# Finer-grained results: a guest program may report its own cases anywhere
# in the log as "CASE PASS prog/name" or "CASE FAIL prog/name: why".
for line in lines:
    m = re.fullmatch(r"CASE PASS (\S+)", line)
    if m:
        cases.append((m.group(1), None))
        continue
    m = re.fullmatch(r"CASE FAIL (\S+): (.*)", line)
    if m:
        cases.append((m.group(1), m.group(2) or "failed"))

# The kernel's own selftests: "SELFTEST name status". Each becomes a case
# that passes when its result (pass / skip / fail) is the one the unpatched
# kernel of the same config had (MELF_SELFTEST_BASELINE, a file of
# "name result" lines); without a baseline, when it did not fail.
# MELF_SELFTEST_RECORD=FILE writes the results in that format.
import os
def st_class(rc):
    return "pass" if rc == 0 else "skip" if rc == 4 else "fail"
observed = {}
for line in lines:
    m = re.fullmatch(r"SELFTEST (\S+) (\d+)", line)
    if m:
        observed[m.group(1)] = int(m.group(2))
record = os.environ.get("MELF_SELFTEST_RECORD")
if record and observed:
    with open(record, "w") as f:
        for name in sorted(observed):
            f.write(f"{name} {st_class(observed[name])}\n")
baseline = {}
bpath = os.environ.get("MELF_SELFTEST_BASELINE")
if bpath and os.path.exists(bpath):
    for l in open(bpath):
        l = l.split("#")[0].split()
        if len(l) == 2:
            baseline[l[0]] = l[1]
for name in sorted(set(observed) | set(baseline)):
    case = "vm-selftest/" + name
    if name not in observed:
        cases.append((case, "did not run (the baseline has it)"))
        continue
    got = st_class(observed[name])
    want = baseline.get(name)
    if want is None:
        # Recording a baseline: every result is what it is.
        cases.append((case, f"exit {observed[name]} (fail); not in the baseline"
                      if got == "fail" and not record else None))
    elif got != want:
        cases.append((case, f"exit {observed[name]} ({got}), the unpatched kernel's baseline: {want}"))
    else:
        cases.append((case, None))

for pattern, what in [(r"Kernel panic", "kernel panic"), (r"\bOops\b|BUG:", "kernel oops/BUG"),
                      # At a line's start (after a printk time stamp, if
                      # any): user programs print "==pid==WARNING: ..." too.
                      (r"(?m)^(\[\s*[0-9.]+\]\s*)?WARNING:", "kernel warning (lockdep or WARN)"),
                      (r"INFO: task .* blocked", "hung task")]:
    m = re.search(pattern, text)
    if m:
        problems.append(f"{what}: {text[m.start():].splitlines()[0]}")
if status in (124, 137):
    problems.append(f"timed out after {seconds}s")
elif status not in (33, 35):
    problems.append(f"QEMU exit status {status} (expected 33 or 35 from isa-debug-exit)")
elif (status == 35) != program_failed:
    problems.append(f"QEMU exit status {status} disagrees with the result lines")

suite = ET.Element("testsuite", name="kernel", time=seconds)
for name, msg in cases + ([("guest-run", "; ".join(problems))] if problems else []):
    case = ET.SubElement(suite, "testcase", classname="kernel.guest", name=name)
    if msg:
        fail = ET.SubElement(case, "failure", message=msg)
        fail.text = msg
failures = sum(1 for c in suite if c.find("failure") is not None)
suite.set("tests", str(len(suite)))
suite.set("failures", str(failures))
root = ET.Element("testsuites")
root.append(suite)
ET.ElementTree(root).write(xml_path, encoding="unicode", xml_declaration=True)
print(f"qemu: {len(suite) - failures} passed, {failures} failed" +
      (f" ({'; '.join(problems)})" if problems else ""))
sys.exit(1 if failures else 0)
