"""Writes a BL to the last word of the text part over the first word of
the slot `which` in variant argv[2]'s image of argv[1] (a melf-objdump
--verify test: B/BL must never land in padding)."""
import re
import struct
import subprocess
import sys

path, variant = sys.argv[1], sys.argv[2]
secs = subprocess.check_output(["llvm-readelf", "-S", "-W", path]).decode()
def section(name):
    m = re.search(r"\s" + re.escape(name) + r"\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", secs)
    return int(m.group(1), 16), int(m.group(2), 16), int(m.group(3), 16)
text_addr, _, text_size = section(".melf.text")
_, img_off, _ = section(".melf.image." + variant)
syms = subprocess.check_output(["llvm-nm", path]).decode()
which = int(re.search(r"^([0-9a-f]+) T which$", syms, re.M).group(1), 16)
target = text_addr + text_size - 4  # padding up to the part's end
word = 0x94000000 | (((target - which) >> 2) & 0x03ffffff)
with open(path, "r+b") as f:
    f.seek(img_off + (which - text_addr))
    f.write(struct.pack("<I", word))
