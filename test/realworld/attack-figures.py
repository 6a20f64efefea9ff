#!/usr/bin/env python3
"""The figures of a reduced variant from `melf-objdump --attack-surface
--json` (on stdin): one line comparing VARIANT's row with the whole
program's, for BUILD/realworld/reduce.txt and docs/security.md.

  melf-objdump --attack-surface --json BIN | attack-figures.py LABEL VARIANT

Exits 1 if the variant is missing or does not leave less code and fewer
gadgets than the whole program."""
import json
import sys


def pct(x, y):
    return f"{100.0 * x / y:.1f}%" if y else "-"


def main():
    label, name = sys.argv[1], sys.argv[2]
    a = json.load(sys.stdin)["attack_surface"]
    prog, out = a["program"], a["outside_area"]
    rows = {v["name"]: v for v in a["variants"]}
    if name not in rows:
        print(f"{label}: no variant '{name}'")
        return 1
    tot, area = rows[name]["total"], rows[name]["area"]
    area_code = prog["code_bytes"] - out["code_bytes"]
    area_gadgets = prog["gadgets"] - out["gadgets"]
    print(f"{label}: {area['functions']} of {a['functions']} functions kept; "
          f"code {tot['code_bytes']} of {prog['code_bytes']} bytes ({pct(tot['code_bytes'], prog['code_bytes'])}), "
          f"gadgets {tot['gadgets']} of {prog['gadgets']} ({pct(tot['gadgets'], prog['gadgets'])}), "
          f"returns {tot['returns']} of {prog['returns']}; "
          f"MELF area only: code {area['code_bytes']} of {area_code} bytes ({pct(area['code_bytes'], area_code)}), "
          f"gadgets {area['gadgets']} of {area_gadgets} ({pct(area['gadgets'], area_gadgets)}); "
          f"outside the area {out['code_bytes']} bytes, {out['gadgets']} gadgets")
    ok = tot["code_bytes"] < prog["code_bytes"] and tot["gadgets"] < prog["gadgets"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
