#!/usr/bin/env python3
"""Print "PASSED FAILED" for a JUnit XML file (lit's and GoogleTest's)."""
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
passed = failed = 0
for case in root.iter("testcase"):
    if case.find("skipped") is not None or case.get("result") == "skipped":
        continue
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    else:
        passed += 1
print(passed, failed)
