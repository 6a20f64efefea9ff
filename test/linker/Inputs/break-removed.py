"""Writes a non-trap byte (0x90) into the first slot that reduced variant
VARIANT removed, in a copy of a MELF binary: melf-objdump --verify must
reject it (test/linker/reduce.c).

    break-removed.py OBJDUMP IN OUT VARIANT
"""
import json
import shutil
import subprocess
import sys

objdump, src, dst, variant = sys.argv[1:5]
d = json.loads(subprocess.check_output([objdump, "--json", src]))
text = next(p for p in d["parts"] if p["name"] == "text")
var = next(v for v in d["variants"] if v["name"] == variant)
for s in d["slots"]:
    b = next(b for b in s["bodies"] if b["variant"] == variant)
    if not b["own_body"] and b["body_size"] == 0:
        off = var["part_offset"]["text"] + s["address"] - text["address"]
        shutil.copy(src, dst)
        with open(dst, "r+b") as f:
            f.seek(off)
            f.write(b"\x90")
        print(f"broke slot {s['name']} at file offset {off:#x}")
        break
else:
    sys.exit(f"{src}: variant {variant} removes no slot")
