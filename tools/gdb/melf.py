# MELF support for gdb: `source tools/gdb/melf.py` (installed as
# share/melf/gdb/melf.py). Reads libmelf's debugger interface, the
# structure `_melf_debug` (include/melf/abi.h, docs/debugging.md), and adds:
#
#   info melf                     variants, mode, the area, each thread's variant
#   melf disassemble VARIANT [F]  a variant's code (of function F) from the file
#   melf break F                  a hardware breakpoint on F: it hits in every
#                                 variant, view and after process-mode switches
#
# It also watches libmelf's notify function: when a process-wide switch is
# about to remap the area while software breakpoints sit in it, it warns
# (their bytes live in the old image's pages and would be lost).
import os
import shutil
import subprocess

import gdb

MODES = {0: "no switching", 1: "process mode", 2: "views mode"}
REMAP_BEGIN = 1


def _debug():
    try:
        d = gdb.parse_and_eval("_melf_debug")
    except gdb.error:
        raise gdb.GdbError("melf: no _melf_debug in this program "
                           "(not linked with libmelf, or stripped)")
    if int(d["version"]) != 1:
        raise gdb.GdbError("melf: unknown _melf_debug version %d" % int(d["version"]))
    return d


def _names(d):
    out = []
    for i in range(int(d["nvariants"])):
        p = d["names"][i]
        out.append(p.string() if int(p) else "?")
    return out


def _thread_variants(d):
    table = {}
    for i in range(int(d["nthreads"])):
        t = d["threads"][i]
        if int(t["tid"]):
            table[int(t["tid"])] = int(t["variant"])
    return table


# Where this file was sourced from (gdb may not define __file__ later).
_HERE = os.path.dirname(os.path.abspath(globals().get("__file__", "")))


def _objdump():
    for cand in (os.environ.get("MELF_OBJDUMP"), shutil.which("melf-objdump"),
                 os.path.join(_HERE, "..", "..", "..", "bin", "melf-objdump"),
                 os.path.join(_HERE, "..", "..", "build", "bin", "melf-objdump")):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    raise gdb.GdbError("melf: melf-objdump not found (set MELF_OBJDUMP)")


class InfoMelf(gdb.Command):
    """Show the MELF variants, the mode and each thread's variant."""

    def __init__(self):
        super().__init__("info melf", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        d = _debug()
        names = _names(d)
        mode = int(d["mode"])
        print("MELF: %d variants (%s), %s" % (len(names), ", ".join(names),
                                            MODES.get(mode, "mode %d" % mode)))
        print("area: text 0x%x +0x%x, unwind tables 0x%x +0x%x" %
              (int(d["text"]), int(d["text_size"]), int(d["rodata"]), int(d["rodata_size"])))
        base = int(d["process_variant"])
        label = "process variant" if mode != 2 else "base view variant"
        print("%s: %s" % (label, names[base] if 0 <= base < len(names) else base))
        table = _thread_variants(d) if mode == 2 else {}
        inf = gdb.selected_inferior()
        for th in sorted(inf.threads(), key=lambda t: t.num):
            tid = th.ptid[1]
            v = table.get(tid, base)
            where = "" if tid in table else (" (base view)" if mode == 2 else "")
            print("Thread %d (LWP %d): %s%s" % (th.num, tid,
                                                names[v] if 0 <= v < len(names) else v, where))


class Melf(gdb.Command):
    """MELF commands: melf disassemble VARIANT [FUNCTION], melf break FUNCTION."""

    def __init__(self):
        super().__init__("melf", gdb.COMMAND_USER, prefix=True)


class MelfDisassemble(gdb.Command):
    """melf disassemble VARIANT [FUNCTION]: that variant's code, from the file."""

    def __init__(self):
        super().__init__("melf disassemble", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not 1 <= len(args) <= 2:
            raise gdb.GdbError("usage: melf disassemble VARIANT [FUNCTION]")
        exe = gdb.current_progspace().filename
        if not exe:
            raise gdb.GdbError("melf: no program")
        cmd = [_objdump(), "-d", "--variant=" + args[0]]
        if len(args) == 2:
            cmd.append("--symbol=" + args[1])
        r = subprocess.run(cmd + [exe], capture_output=True, text=True)
        if r.returncode:
            raise gdb.GdbError(r.stderr.strip() or "melf-objdump failed")
        print(r.stdout, end="")


class MelfBreak(gdb.Command):
    """melf break FUNCTION: a hardware breakpoint (valid in every variant and view)."""

    def __init__(self):
        super().__init__("melf break", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: melf break FUNCTION")
        if gdb.selected_inferior().pid == 0:
            raise gdb.GdbError("melf break: hardware breakpoints need a running program "
                               "(e.g. 'break main', 'run', then 'melf break %s')" % arg.strip())
        gdb.execute("hbreak " + arg, from_tty)


class _Notify(gdb.Breakpoint):
    def __init__(self):
        super().__init__("_melf_debug_notify", internal=True)
        self.silent = True

    def stop(self):
        try:
            d = _debug()
        except gdb.GdbError:
            return False
        if int(d["state"]) != REMAP_BEGIN:
            return False
        lo, hi = int(d["text"]), int(d["text"]) + int(d["text_size"])
        for b in gdb.breakpoints():
            if not b.enabled or b.type != gdb.BP_BREAKPOINT:
                continue
            for loc in getattr(b, "locations", []):
                if loc.address is not None and lo <= int(loc.address) < hi:
                    print("melf: warning: software breakpoint %d at 0x%x is in the MELF area, "
                          "which a process-wide switch now remaps; use 'melf break' "
                          "(hardware breakpoints)" % (b.number, int(loc.address)))
        return False


_armed = []


def _arm(event=None):
    if _armed:
        return
    try:
        gdb.parse_and_eval("_melf_debug_notify")
    except gdb.error:
        return
    _armed.append(_Notify())


InfoMelf()
Melf()
MelfDisassemble()
MelfBreak()
gdb.events.new_objfile.connect(_arm)
_arm()
