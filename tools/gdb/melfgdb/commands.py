# The commands that read libmelf's state and the file: info melf, melf
# disassemble, melf break, and the convenience function $_melf_variant().
import os
import shutil
import subprocess

import gdb

from . import abi, state


class InfoMelf(gdb.Command):
    """Show the MELF variants, the mode and each thread's variant."""

    def __init__(self):
        super().__init__("info melf", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        d = state.debug()
        names = state.names(d)
        mode = int(d["mode"])
        views = mode == abi.VIEWS
        print("MELF: %d variants (%s), %s" % (len(names), ", ".join(names),
                                            abi.MODES.get(mode, "mode %d" % mode)))
        print("area: text 0x%x +0x%x, unwind tables 0x%x +0x%x" %
              (int(d["text"]), int(d["text_size"]), int(d["rodata"]), int(d["rodata_size"])))
        base = int(d["process_variant"])
        label = "base view variant" if views else "process variant"
        print("%s: %s" % (label, state.name_of(names, base)))
        table = state.thread_variants(d) if views else {}
        inf = gdb.selected_inferior()
        for th in sorted(inf.threads(), key=lambda t: t.num):
            tid = th.ptid[1]
            v = table.get(tid, base)
            where = " (base view)" if views and tid not in table else ""
            print("Thread %d (LWP %d): %s%s" % (th.num, tid, state.name_of(names, v), where))


class Melf(gdb.Command):
    """MELF commands: melf disassemble VARIANT [FUNCTION], melf break FUNCTION."""

    def __init__(self):
        super().__init__("melf", gdb.COMMAND_USER, prefix=True)


def objdump():
    """melf-objdump: $MELF_OBJDUMP, on PATH, next to the installed tree's
    share/melf/gdb, or in the source tree's build directory."""
    for cand in (os.environ.get("MELF_OBJDUMP"), shutil.which("melf-objdump"),
                 os.path.join(abi.HERE, "..", "..", "..", "..", "bin", "melf-objdump"),
                 os.path.join(abi.HERE, "..", "..", "..", "build", "bin", "melf-objdump")):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    raise gdb.GdbError("melf: melf-objdump not found (set MELF_OBJDUMP)")


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
        cmd = [objdump(), "-d", "--variant=" + args[0]]
        if len(args) == 2:
            cmd.append("--symbol=" + args[1])
        r = subprocess.run(cmd + [exe], capture_output=True, text=True)
        if r.returncode:
            raise gdb.GdbError(r.stderr.strip() or "melf-objdump failed")
        print(r.stdout, end="")


def resolve(spec):
    """Addresses of LOC's breakpoint locations (prologue skipped), resolved
    by a temporary internal breakpoint: [(variant, run-time address)]."""
    try:
        bp = gdb.Breakpoint(spec, internal=True)
    except (gdb.error, RuntimeError) as e:
        raise gdb.GdbError("melf break: %s" % e)
    try:
        addrs = [int(loc.address) for loc in bp.locations if loc.address is not None]
    finally:
        bp.delete()
    return [state.unshadow(a) for a in addrs]


def has_clone(addr, v):
    """Is there variant v's DWARF (a clone) for the function at `addr`?"""
    blk = state.function_block(gdb.block_for_pc(addr))
    if blk is None:
        return False
    return gdb.block_for_pc(state.shadow(blk.start, v)) is not None


class MelfBreak(gdb.Command):
    """melf break [-variant VARIANT] LOCATION: hardware breakpoints on LOCATION.

In a multivariant function each variant has its own code for LOCATION (a line
or a function's first line after its prologue). This sets a hardware
breakpoint at each variant's address, with the condition that the stopping
thread runs that variant ($_melf_variant()): it hits in every view and after
process-wide switches. -variant restricts it to one variant. Outside the MELF
area it is an ordinary hardware breakpoint."""

    def __init__(self):
        super().__init__("melf break", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        only = None
        if len(args) >= 2 and args[0] == "-variant":
            only = args[1]
            args = args[2:]
        if len(args) != 1:
            raise gdb.GdbError("usage: melf break [-variant VARIANT] LOCATION")
        spec = args[0]
        if gdb.selected_inferior().pid == 0:
            raise gdb.GdbError("melf break: hardware breakpoints need a running program "
                               "(e.g. 'break main', 'run', then 'melf break %s')" % spec)
        d = state.debug()
        names = state.names(d)
        if only is not None and only not in names:
            raise gdb.GdbError("melf break: no variant '%s' (variants: %s)"
                               % (only, ", ".join(names)))
        locs = resolve(spec)
        if not any(state.in_text(d, a) for _, a in locs):
            if only is not None:
                raise gdb.GdbError("melf break: %s is not in a multivariant function" % spec)
            gdb.execute("hbreak " + spec, from_tty)
            return
        by_addr = self._addresses(d, names, locs, spec, only)
        in_use = sum(1 for b in gdb.breakpoints()
                     if b.type == gdb.BP_HARDWARE_BREAKPOINT and b.enabled)
        if in_use + len(by_addr) > abi.HW_BREAKPOINTS:
            raise gdb.GdbError("melf break: %s needs %d hardware breakpoints (one per distinct "
                               "address), %d are in use and x86-64 has %d; use -variant V"
                               % (spec, len(by_addr), in_use, abi.HW_BREAKPOINTS))
        for a, vs in sorted(by_addr.items()):
            gdb.execute("hbreak *0x%x" % a, from_tty)
            bp = gdb.breakpoints()[-1]
            if len(vs) < len(names):
                bp.condition = " || ".join("$_melf_variant() == %d" % v for v in vs)
            print("melf: breakpoint %d at 0x%x for %s" %
                  (bp.number, a, ", ".join("'%s'" % names[v] for v in vs)))

    @staticmethod
    def _addresses(d, names, locs, spec, only):
        """{address: [variants]}: each variant's own address for LOCATION;
        a variant without a clone shares the default's."""
        by_addr = {}
        default = [a for w, a in locs if w == 0 and state.in_text(d, a)]
        for v, name in enumerate(names):
            if only is not None and name != only:
                continue
            mine = [a for w, a in locs if w == v and state.in_text(d, a)]
            if not mine and v != 0:
                if default and has_clone(default[0], v):
                    print("melf break: %s has no code in variant '%s'" % (spec, name))
                    continue
                mine = default  # no clone: the variant runs the default body
            for a in mine:
                by_addr.setdefault(a, []).append(v)
        return by_addr


class MelfVariantFunction(gdb.Function):
    """$_melf_variant(): the variant id the selected thread runs (0 = default)."""

    def __init__(self):
        super().__init__("_melf_variant")

    def invoke(self):
        d = state.debug_or_none()
        return 0 if d is None else state.variant_of(d, gdb.selected_thread())

