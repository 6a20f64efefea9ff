#!/usr/bin/env python3
"""Rewrites obj2yaml output of an ELF64 object so that the relocations of
its MELF record sections (.melf.group, .melf.data) are SHT_REL, each addend
stored in the relocated 64-bit field as assemblers for REL targets write
it. With --outside, the first .melf.group relocation is moved past the end
of its section.

  obj2yaml x.o | rela-to-rel.py [--outside] | yaml2obj -o y.o"""
import re
import sys

outside = "--outside" in sys.argv[1:]
lines = sys.stdin.read().split("\n")

# Sections: "  - Name: N" starts one; its keys are indented by 4.
sections, cur, in_sections = {}, None, False
for i, l in enumerate(lines):
    if l and not l.startswith(" "):
        in_sections = l == "Sections:"
    m = in_sections and re.match(r"  - Name:\s+'?([^']*)'?$", l)
    if m:
        cur = {"name": m.group(1), "start": i}
        sections.setdefault(m.group(1), []).append(cur)
    elif cur is not None and not l.startswith("    "):
        cur = None
    elif cur is not None:
        k = re.match(r"    (\w+):\s*(.*)$", l)
        if k:
            cur[k.group(1)] = (i, k.group(2))

records = {}  # record section name (with obj2yaml's " (n)" suffix) -> section
for name, secs in sections.items():
    for s in secs:
        if re.match(r"\.melf\.(group|data)( \(\d+\))?$", s["name"]):
            records[s["name"]] = s

for name, secs in list(sections.items()):
    for s in secs:
        target = s.get("Info", (None, ""))[1].strip("'")
        if target not in records or s.get("Type", (0, ""))[1] != "SHT_RELA":
            continue
        rec = records[target]
        ci, content = rec["Content"]
        data = bytearray.fromhex(content)
        i = s["Type"][0]
        lines[i] = lines[i].replace("SHT_RELA", "SHT_REL")
        j, first = s["start"] + 1, True
        offset = None
        while j < len(lines) and lines[j].startswith("    "):
            m = re.match(r"      - Offset:\s+(\S+)$", lines[j])
            if m:
                offset = int(m.group(1), 0)
                if outside and first and target.startswith(".melf.group"):
                    lines[j] = "      - Offset:          0x%X" % len(data)
                first = False
            m = re.match(r"        Addend:\s+(\S+)$", lines[j])
            if m:
                data[offset:offset + 8] = (int(m.group(1), 0) % (1 << 64)).to_bytes(8, "little")
                del lines[j]
                continue
            j += 1
        lines[ci] = re.sub(r"Content:\s+\S+", "Content:         " + data.hex().upper(), lines[ci])
# Their names follow the type: .rela.melf.group -> .rel.melf.group.
sys.stdout.write("\n".join(re.sub(r"\.rela(\.melf\.(group|data))\b", r".rel\1", l)
                           for l in lines))
