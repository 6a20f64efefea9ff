#!/usr/bin/env python3
"""Which variant's code ran in a MELF shared library, seen from outside.

    ran-variant.py OBJDUMP LIB ARM FUNC EXPECT -- COMMAND [ARG...]

Runs COMMAND (with the caller's environment: MELF_VARIANT, LD_LIBRARY_PATH)
under gdb. A breakpoint on ARM, a function of LIB outside the MELF area,
stops the program after start-up (after libmelf mapped the variant's image);
then a breakpoint on the entry of FUNC, a multivariant function, shows that
FUNC runs, and at that moment gdb dumps the library's whole MELF text part
from memory. The dump is compared with every variant's text image in the
file (offsets from `melf-objdump --json`): it must equal exactly one image,
EXPECT's. Prints what it found; exits 0 if so, 1 otherwise.
(ARM is needed because libmelf's mapping of another image replaces the
pages a breakpoint set before start-up was written into.)
"""
import json
import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 8 or sys.argv[6] != "--":
        sys.exit(__doc__)
    objdump, lib, arm, func, expect = sys.argv[1:6]
    command = sys.argv[7:]
    meta = json.loads(subprocess.run([objdump, "--json", lib], check=True,
                                     capture_output=True, text=True).stdout)
    text = next(p for p in meta["parts"] if p["name"] == "text")
    slot = next((s for s in meta["slots"] if s["name"] == func), None)
    if slot is None:
        print(f"ran-variant: {func} is not a slot of {lib}")
        return 1
    images = {}
    with open(lib, "rb") as f:
        for v in meta["variants"]:
            f.seek(v["part_offset"]["text"])
            images[v["name"]] = f.read(text["size"])
    delta = slot["address"] - text["address"]
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "text.bin")
        gdb = ["gdb", "-q", "-batch", "-nx",
               "-ex", "set pagination off", "-ex", "set confirm off",
               "-ex", "set breakpoint pending on",
               "-ex", f"break {arm}", "-ex", "run", "-ex", "delete",
               "-ex", f"break *{func}", "-ex", "continue",
               "-ex", 'printf "ran-variant: stopped in %s\\n", "' + func + '"',
               "-ex", "info symbol $pc",
               "-ex", f"dump binary memory {dump} $pc-{delta} $pc-{delta}+{text['size']}",
               "-ex", "kill", "--args"] + command
        out = subprocess.run(gdb, capture_output=True, text=True, timeout=300,
                             stdin=subprocess.DEVNULL)
        log = out.stdout + out.stderr
        if f"ran-variant: stopped in {func}" not in log or not os.path.exists(dump):
            print(f"ran-variant: {func} was not reached under gdb:")
            print("\n".join(log.splitlines()[-8:]))
            return 1
        data = open(dump, "rb").read()
    same = [name for name, image in images.items() if image == data]
    print(f"ran-variant: {func} ran; the MELF text part in memory equals "
          f"the image of: {', '.join(same) or 'none'}")
    return 0 if same == [expect] else 1


if __name__ == "__main__":
    sys.exit(main())
