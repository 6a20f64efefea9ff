# MELF support for gdb: `source tools/gdb/melf.py` (installed as
# share/melf/gdb/melf.py). Reads libmelf's debugger interface, the
# structure `_melf_debug` (include/melf/abi.h, docs/debugging.md), and adds:
#
#   info melf                     variants, mode, the area, each thread's variant
#   melf disassemble VARIANT [F]  a variant's code (of function F) from the file
#   melf break [-variant V] LOC   hardware breakpoints on LOC in every variant
#                                 (or V): each variant's own address for LOC,
#                                 valid in every view and after switches
#   melf frame / melf list        the selected frame's function and source
#                                 line in the variant its thread runs
#   melf print NAME               a variable, read with the running variant's DWARF
#   melf next / melf step         one source line of the running variant
#   $_melf_variant()              the selected thread's variant id
#
# Source level: ld.melf puts the DWARF of variant v's clones at shadow
# addresses, pc + (v << 48) (docs/melf-abi.md, "Debug information"). The
# extension keeps gdb from inserting breakpoints there, shows clone frames in
# `backtrace` with the clone's function, line and arguments, and prints the
# running variant's line when the program stops in a clone.
#
# It also watches libmelf's notify function: when a process-wide switch is
# about to remap the area while software breakpoints sit in it, it moves
# them to the new image (their bytes live in the old image's pages).
import os
import re
import shutil
import subprocess

import gdb

# Where this file was sourced from (gdb may not define __file__ later).
_HERE = os.path.dirname(os.path.abspath(globals().get("__file__", "")))


def _constants(env, source, installed):
    """The MELF_* constants of a header, the one place they are defined,
    found from the source tree's tools/gdb or the installed share/melf/gdb
    (the environment variable `env` overrides)."""
    for cand in (os.environ.get(env), os.path.join(_HERE, "..", "..", *source),
                 os.path.join(_HERE, "..", "..", "..", *installed)):
        if cand and os.path.isfile(cand):
            out = {}
            with open(cand) as f:
                for m in re.finditer(r"^#define (MELF_\w+) +(.+?)\s*(?:/\*.*)?$", f.read(), re.M):
                    v = m.group(2)
                    if v.startswith('"'):
                        out[m.group(1)] = v.strip('"')
                    elif re.fullmatch(r"(0x[0-9a-fA-F]+|[0-9]+)[uU]?[lL]*", v):
                        out[m.group(1)] = int(v.rstrip("uUlL"), 0)
                f.seek(0)
                for m in re.finditer(r"^\s+(MELF_\w+) = (\d+)", f.read(), re.M):
                    out[m.group(1)] = int(m.group(2))  # enumerators
            return out
    raise gdb.GdbError("melf: %s not found next to %s (set %s)" % ("/".join(installed), _HERE, env))


_ABI = _constants("MELF_ABI_H", ("include", "melf", "abi.h"), ("include", "melf", "abi.h"))
_API = _constants("MELF_H", ("runtime", "include", "melf.h"), ("include", "melf.h"))
VIEWS = _API["MELF_MODE_VIEWS"]
MODES = {_API["MELF_MODE_NONE"]: "no switching", _API["MELF_MODE_PROCESS"]: "process mode",
         VIEWS: "views mode"}
REMAP_BEGIN = _ABI["MELF_DEBUG_REMAP_BEGIN"]
SHADOW_SHIFT = _ABI["MELF_DEBUG_SHADOW_SHIFT"]
IMAGE_PREFIX = _ABI["MELF_OUT_IMAGE_PREFIX"]
MAX_THREADS = _ABI["MELF_DEBUG_MAX_THREADS"]
DEBUG_VERSION = _ABI["MELF_DEBUG_VERSION"]
# Debug address registers on x86-64.
HW_BREAKPOINTS = 4
# The safe-point signal of process-wide switches (Linux: SIGRTMAX is 64).
SAFEPOINT_SIGNAL = 64 - _ABI["MELF_SAFEPOINT_SIGRTMAX_OFFSET"]


def _debug():
    try:
        d = gdb.parse_and_eval("_melf_debug")
    except gdb.error:
        raise gdb.GdbError("melf: no _melf_debug in this program "
                           "(not linked with libmelf, or stripped)")
    if int(d["version"]) != DEBUG_VERSION:
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


def _debug_or_none():
    try:
        return _debug()
    except gdb.GdbError:
        return None


def _variant_of(d, thread):
    """The variant `thread` runs (views mode: its view's; else the process')."""
    base = int(d["process_variant"])
    if thread is None or int(d["mode"]) != VIEWS:
        return base
    return _thread_variants(d).get(thread.ptid[1], base)


def _in_text(d, pc):
    lo = int(d["text"])
    return lo <= pc < lo + int(d["text_size"])


def _shadow(pc, v):
    return pc + (v << SHADOW_SHIFT)


def _clone_pc(frame):
    """(variant, shadow pc for symbol lookup) of a frame in a clone, or None."""
    d = _debug_or_none()
    if d is None:
        return None
    pc = frame.pc()
    if not _in_text(d, pc):
        return None
    v = _variant_of(d, gdb.selected_thread())
    if v == 0:
        return None
    # A caller frame's pc is a return address: look up the call (pc - 1).
    look = pc if frame.level() == 0 or frame.type() != gdb.NORMAL_FRAME else pc - 1
    return v, _shadow(look, v)


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


def _resolve(spec):
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
    out = []
    for a in addrs:
        v = a >> SHADOW_SHIFT
        out.append((v, a - (v << SHADOW_SHIFT)))
    return out


def _has_clone(addr, v):
    """Is there variant v's DWARF (a clone) for the function at `addr`?"""
    blk = gdb.block_for_pc(addr)
    while blk is not None and blk.function is None:
        blk = blk.superblock
    if blk is None:
        return False
    return gdb.block_for_pc(_shadow(blk.start, v)) is not None


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
        d = _debug()
        names = _names(d)
        if only is not None and only not in names:
            raise gdb.GdbError("melf break: no variant '%s' (variants: %s)"
                               % (only, ", ".join(names)))
        locs = _resolve(spec)
        if not any(_in_text(d, a) for _, a in locs):
            if only is not None:
                raise gdb.GdbError("melf break: %s is not in a multivariant function" % spec)
            gdb.execute("hbreak " + spec, from_tty)
            return
        by_addr = {}
        for v, name in enumerate(names):
            if only is not None and name != only:
                continue
            mine = [a for w, a in locs if w == v and _in_text(d, a)]
            if not mine and v != 0:
                default = [a for w, a in locs if w == 0 and _in_text(d, a)]
                if default and _has_clone(default[0], v):
                    print("melf break: %s has no code in variant '%s'" % (spec, name))
                    continue
                mine = default  # no clone: the variant runs the default body
            for a in mine:
                by_addr.setdefault(a, []).append(v)
        in_use = sum(1 for b in gdb.breakpoints()
                     if b.type == gdb.BP_HARDWARE_BREAKPOINT and b.enabled)
        if in_use + len(by_addr) > HW_BREAKPOINTS:
            raise gdb.GdbError("melf break: %s needs %d hardware breakpoints (one per distinct "
                               "address), %d are in use and x86-64 has %d; use -variant V"
                               % (spec, len(by_addr), in_use, HW_BREAKPOINTS))
        for a, vs in sorted(by_addr.items()):
            gdb.execute("hbreak *0x%x" % a, from_tty)
            bp = gdb.breakpoints()[-1]
            if len(vs) < len(names):
                bp.condition = " || ".join("$_melf_variant() == %d" % v for v in vs)
            print("melf: breakpoint %d at 0x%x for %s" %
                  (bp.number, a, ", ".join("'%s'" % names[v] for v in vs)))


class MelfVariantFunction(gdb.Function):
    """$_melf_variant(): the variant id the selected thread runs (0 = default)."""

    def __init__(self):
        super().__init__("_melf_variant")

    def invoke(self):
        d = _debug_or_none()
        return 0 if d is None else _variant_of(d, gdb.selected_thread())


def _clone_where(frame):
    """(variant name, function symbol, symtab_and_line) of a frame in a clone."""
    cp = _clone_pc(frame)
    if cp is None:
        return None
    v, look = cp
    blk = gdb.block_for_pc(look)
    fn = blk
    while fn is not None and fn.function is None:
        fn = fn.superblock
    sal = gdb.find_pc_line(look)
    return _names(_debug())[v], (fn.function if fn else None), sal, blk


_SCOPE_SYM = re.compile(r"^Symbol (\S+) is (.*?), length \d+\.$", re.M | re.S)
_FBREG = re.compile(r"a variable at frame base reg \$(\w+) offset (-?\d+)\+(-?\d+)$")
_BREG = re.compile(r"a variable at offset (-?\d+) from base reg \$(\w+)$")
_INREG = re.compile(r"a variable in \$(\w+)$")
_STATIC = re.compile(r"static storage at address (0x[0-9a-f]+)$")


def _clone_locations(shadow_pc):
    """{name: location text} of the variables in scope at a clone's pc, as
    gdb describes them from the clone's own DWARF (`info scope`). gdb's
    evaluator cannot be used: it takes the frame base from the block of the
    real pc, which is the default body's (or none)."""
    try:
        out = gdb.execute("info scope *0x%x" % shadow_pc, to_string=True)
    except gdb.error:
        return {}
    locs = {}
    for m in _SCOPE_SYM.finditer(out):
        locs.setdefault(m.group(1), " ".join(m.group(2).split()))
    return locs


def _in_prologue(look):
    """Is the shadow pc in its function's first line-table row (the
    prologue of an unoptimised clone, before its frame base is set)?"""
    blk = gdb.block_for_pc(look)
    while blk is not None and blk.function is None:
        blk = blk.superblock
    if blk is None:
        return False
    first = gdb.find_pc_line(blk.start)
    if first.symtab is None or first.last is None:
        return False
    return blk.start <= look <= first.last


_RANGE = re.compile(r"Range (0x[0-9a-f]+)-(0x[0-9a-f]+): ")


def _clone_value(frame, sym, loc, look=None):
    """The value of `sym` of a clone frame from its location text."""
    if loc.startswith("multi-location:"):
        # A location list: the entry whose range holds the shadow pc.
        parts = _RANGE.split(loc)
        for i in range(1, len(parts) - 2, 3):
            if look is not None and int(parts[i], 16) <= look < int(parts[i + 1], 16):
                return _clone_value(frame, sym, parts[i + 2].strip())
        raise gdb.error("optimized out")
    if loc.startswith("a complex DWARF expression"):
        raise gdb.error("location is a DWARF expression, not read by the MELF extension")
    m = _FBREG.match(loc)
    if m and look is not None and frame.level() == 0 and _in_prologue(look):
        raise gdb.error("not set up yet (prologue)")
    if m:
        addr = int(frame.read_register(m.group(1))) + int(m.group(2)) + int(m.group(3))
        return gdb.Value(addr).cast(sym.type.pointer()).dereference()
    m = _BREG.match(loc)
    if m:
        addr = int(frame.read_register(m.group(2))) + int(m.group(1))
        return gdb.Value(addr).cast(sym.type.pointer()).dereference()
    m = _INREG.match(loc)
    if m:
        return frame.read_register(m.group(1)).cast(sym.type)
    m = _STATIC.match(loc)
    if m:
        return gdb.Value(int(m.group(1), 16)).cast(sym.type.pointer()).dereference()
    raise gdb.error("location not supported by the MELF extension: " + loc)


def _clone_symbols(blk, args_only):
    """Symbols of a clone's block and its superblocks up to the function."""
    out, seen = [], set()
    while blk is not None:
        for sym in blk:
            if sym.name in seen or not (sym.is_argument or (sym.is_variable and not args_only)):
                continue
            if args_only and not sym.is_argument:
                continue
            seen.add(sym.name)
            out.append(sym)
        if blk.function is not None:
            break
        blk = blk.superblock
    return out


def _clone_read(frame, sym, locs, look):
    try:
        return str(_clone_value(frame, sym, locs.get(sym.name, "not in scope"), look))
    except (gdb.error, gdb.MemoryError) as e:
        return "<%s>" % e


def _format_args(frame, blk, look):
    locs = _clone_locations(look)
    return ", ".join("%s=%s" % (sym.name, _clone_read(frame, sym, locs, look))
                     for sym in _clone_symbols(blk, True))


def _describe(frame):
    w = _clone_where(frame)
    if w is None:
        return None
    name, fn, sal, blk = w
    look = _clone_pc(frame)[1]
    where = "%s (%s)" % (fn.name if fn else "??", _format_args(frame, blk, look))
    if sal.symtab is not None:
        where += " at %s:%d" % (sal.symtab.filename, sal.line)
    return name, where, sal


def _print_line(sal):
    if sal.symtab is None or sal.line <= 0:
        return
    try:
        with open(sal.symtab.fullname()) as f:
            lines = f.read().split("\n")
        if sal.line <= len(lines):
            print("%d\t%s" % (sal.line, lines[sal.line - 1]))
    except OSError:
        pass


class MelfFrame(gdb.Command):
    """melf frame: the selected frame in the variant its thread runs."""

    def __init__(self):
        super().__init__("melf frame", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        frame = gdb.selected_frame()
        desc = _describe(frame)
        if desc is None:
            gdb.execute("frame", from_tty)
            return
        name, where, sal = desc
        print("#%d  0x%x in %s [variant %s]" % (frame.level(), frame.pc(), where, name))
        _print_line(sal)


class MelfList(gdb.Command):
    """melf list: source lines around the selected frame's line in its variant."""

    def __init__(self):
        super().__init__("melf list", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        desc = _describe(gdb.selected_frame())
        if desc is None:
            gdb.execute("list *$pc", from_tty)
            return
        sal = desc[2]
        if sal.symtab is None:
            raise gdb.GdbError("melf list: no line information for this variant's code")
        lo = max(1, sal.line - 5)
        gdb.execute("list %s:%d,%d" % (sal.symtab.filename, lo, sal.line + 4), from_tty)


class MelfPrint(gdb.Command):
    """melf print NAME: a variable of the selected frame, read with the
location the running variant's DWARF gives it."""

    def __init__(self):
        super().__init__("melf print", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if not name:
            raise gdb.GdbError("usage: melf print NAME")
        frame = gdb.selected_frame()
        w = _clone_where(frame)
        if w is None:
            gdb.execute("print " + name, from_tty)
            return
        look = _clone_pc(frame)[1]
        locs = _clone_locations(look)
        for sym in _clone_symbols(w[3], False):
            if sym.name == name:
                try:
                    print("%s = %s" % (name, _clone_value(frame, sym, locs.get(name, "not in scope"), look)))
                except gdb.error as e:
                    raise gdb.GdbError("melf print: %s: %s" % (name, e))
                return
        gdb.execute("print " + name, from_tty)  # globals are the same in every variant


_quiet = []  # set while melf next/step drive the program


def _line_of(frame):
    """(file, line) of a frame in the variant its thread runs."""
    w = _clone_where(frame)
    sal = w[2] if w is not None else frame.find_sal()
    return (sal.symtab.filename if sal.symtab else None, sal.line)


class _MelfStep(gdb.Command):
    """Steps by source lines of the variant that runs (gdb's own step and
next use the default body's line table, which does not describe a clone)."""

    LIMIT = 100000  # instructions

    def __init__(self, name, insn, doc):
        self.insn = insn
        self.__doc__ = doc
        super().__init__(name, gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        if gdb.selected_inferior().pid == 0:
            raise gdb.GdbError("The program is not being run.")
        start = gdb.newest_frame()
        older = start.older()
        where = _line_of(start)
        limit = False
        _quiet.append(1)
        # gdb prints every instruction step's stop (not capturable with
        # to_string): point its standard output at /dev/null meanwhile.
        gdb.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
        try:
            for _ in range(self.LIMIT):
                gdb.execute(self.insn, to_string=True)
                if gdb.selected_inferior().pid == 0 or not gdb.selected_thread():
                    return
                f = gdb.newest_frame()
                if not start.is_valid() or (older is not None and f == older):
                    break  # returned
                if self.insn == "stepi" and f != start and f.older() == start:
                    break  # stepped into a call
                if f == start:
                    now = _line_of(f)
                    if now[1] and now != where:
                        break
            else:
                limit = True
        finally:
            gdb.flush()
            os.dup2(saved, 1)
            os.close(saved)
            _quiet.pop()
        if limit:
            print("melf: stopped after %d instructions on the same line" % self.LIMIT)
        f = gdb.newest_frame()
        desc = _describe(f)
        if desc is None:
            gdb.execute("frame", from_tty)
        else:
            print("%s [variant %s]" % (desc[1], desc[0]))
            _print_line(desc[2])


try:
    from gdb.FrameDecorator import FrameDecorator
except ImportError:  # gdb without frame filters
    FrameDecorator = None


if FrameDecorator is not None:
    class _CloneArg:
        def __init__(self, sym, frame, locs, look):
            self._sym, self._frame, self._locs, self._look = sym, frame, locs, look

        def symbol(self):
            return self._sym

        def value(self):
            try:
                return _clone_value(self._frame, self._sym,
                                    self._locs.get(self._sym.name, "not in scope"), self._look)
            except (gdb.error, gdb.MemoryError) as e:
                return "<%s>" % e

    class _CloneFrame(FrameDecorator):
        """A frame in a clone: the clone's function, line and arguments."""

        def __init__(self, base, where):
            super().__init__(base)
            self._name, self._fn, self._sal, self._blk = where

        def function(self):
            fn = self._fn.name if self._fn else "??"
            return "%s [%s]" % (fn, self._name)

        def filename(self):
            return self._sal.symtab.filename if self._sal.symtab else None

        def line(self):
            return self._sal.line if self._sal.symtab else None

        def frame_args(self):
            frame = self.inferior_frame()
            cp = _clone_pc(frame)
            locs = _clone_locations(cp[1]) if cp else {}
            look = cp[1] if cp else None
            return [_CloneArg(sym, frame, locs, look) for sym in _clone_symbols(self._blk, True)]

        def frame_locals(self):
            return None

    class _CloneFrameFilter:
        def __init__(self):
            self.name = "melf"
            self.enabled = True
            self.priority = 100
            gdb.frame_filters[self.name] = self

        def filter(self, frames):
            for fd in frames:
                where = _clone_where(fd.inferior_frame())
                yield fd if where is None else _CloneFrame(fd, where)


# ---------------------------------------------------------------------------
# Unwinding clone frames. gdb's own unwinder reads the CFI of the default
# image from the file's .eh_frame; a clone's frame needs its own image's
# .eh_frame (docs/melf-abi.md, "Unwinding"), which for variant v sits in the
# file directly after v's text part in .melf.image.<v>. This is a small CFI
# interpreter for what compilers emit on x86-64 (no DWARF expressions).

_REGS = ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
         "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"]
_state = {"debug": None, "fdes": {}}


def _leb(b, i, signed=False):
    """A LEB128 number at b[i]: (value, index after it)."""
    r = shift = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7f) << shift
        shift += 7
        if c < 0x80:
            if signed and c & 0x40:
                r -= 1 << shift
            return r, i


def _uleb(b, i):
    return _leb(b, i)


def _sleb(b, i):
    return _leb(b, i, True)


def _read_enc(b, i, enc, here):
    """A DW_EH_PE-encoded pointer at b[i]; `here` is b[i]'s address."""
    if enc == 0xff:
        return None, i
    fmt = enc & 0x0f
    size = {0x00: 8, 0x02: 2, 0x03: 4, 0x04: 8, 0x0a: 2, 0x0b: 4, 0x0c: 8}.get(fmt)
    if size is None:
        raise ValueError("pointer encoding 0x%x" % enc)
    v = int.from_bytes(b[i:i + size], "little", signed=bool(fmt & 0x08))
    if enc & 0x70 == 0x10:  # pcrel
        v += here
    return v & ((1 << 64) - 1), i + size


def _parse_eh_frame(b, va):
    """[(pc_lo, pc_hi, cie, fde_instructions)] of an .eh_frame image at va."""
    cies, fdes, i = {}, [], 0
    while i + 4 <= len(b):
        length = int.from_bytes(b[i:i + 4], "little")
        if length == 0:
            break
        start, body = i, i + 4
        end = body + length
        cie_id = int.from_bytes(b[body:body + 4], "little")
        if cie_id == 0:  # CIE
            j = body + 5
            aug_end = b.index(0, j)
            aug = bytes(b[j:aug_end]).decode()
            j = aug_end + 1
            caf, j = _uleb(b, j)
            daf, j = _sleb(b, j)
            ra, j = _uleb(b, j)
            enc = 0
            if aug.startswith("z"):
                alen, j = _uleb(b, j)
                k, aend = j, j + alen
                for ch in aug[1:]:
                    if ch == "R":
                        enc = b[k]
                        k += 1
                    elif ch == "P":
                        penc = b[k]
                        _, k = _read_enc(b, k + 1, penc, va + k + 1)
                    elif ch == "L":
                        k += 1
                j = aend
            cies[start] = (caf, daf, ra, enc, bytes(b[j:end]))
        else:  # FDE
            cie = cies.get(body - cie_id)
            if cie is not None:
                lo, j = _read_enc(b, body + 4, cie[3], va + body + 4)
                rng, j = _read_enc(b, j, cie[3] & 0x0f, 0)
                alen, j = _uleb(b, j)
                j += alen
                if rng:
                    fdes.append((lo, lo + rng, cie, bytes(b[j:end])))
        i = end
    return fdes


def _run_cfi(code, caf, daf, rows, target, loc):
    """Executes CFA instructions up to pc `target`; rows: [cfa_reg, cfa_off, {reg: off}]."""
    cfa_reg, cfa_off, regs = rows
    stack, i = [], 0
    while i < len(code):
        op = code[i]
        i += 1
        hi, low = op & 0xc0, op & 0x3f
        if hi == 0x40:
            loc += low * caf
            if loc > target:
                break
        elif hi == 0x80:
            off, i = _uleb(code, i)
            regs[low] = off * daf
        elif hi == 0xc0:
            regs.pop(low, None)
        elif op == 0x00:
            pass
        elif op in (0x02, 0x03, 0x04):
            n = {0x02: 1, 0x03: 2, 0x04: 4}[op]
            loc += int.from_bytes(code[i:i + n], "little") * caf
            i += n
            if loc > target:
                break
        elif op == 0x05:
            r, i = _uleb(code, i)
            off, i = _uleb(code, i)
            regs[r] = off * daf
        elif op == 0x11:
            r, i = _uleb(code, i)
            off, i = _sleb(code, i)
            regs[r] = off * daf
        elif op in (0x06, 0x07, 0x08):
            r, i = _uleb(code, i)
            regs.pop(r, None)
        elif op == 0x0a:
            stack.append((cfa_reg, cfa_off, dict(regs)))
        elif op == 0x0b:
            cfa_reg, cfa_off, regs = stack.pop()
        elif op == 0x0c:
            cfa_reg, i = _uleb(code, i)
            cfa_off, i = _uleb(code, i)
        elif op == 0x12:
            cfa_reg, i = _uleb(code, i)
            cfa_off, i = _sleb(code, i)
            cfa_off *= daf
        elif op == 0x0d:
            cfa_reg, i = _uleb(code, i)
        elif op == 0x0e:
            cfa_off, i = _uleb(code, i)
        elif op == 0x13:
            cfa_off, i = _sleb(code, i)
            cfa_off *= daf
        elif op == 0x2e:
            _, i = _uleb(code, i)
        else:
            raise ValueError("CFA instruction 0x%x" % op)
    return [cfa_reg, cfa_off, regs]


def _section_bytes(path, name):
    """(bytes) of section `name` of the ELF file at `path`, or None."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    def sh(k):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + k * shentsize)
    strs = sh(shstrndx)
    for k in range(shnum):
        h = sh(k)
        end = data.index(b"\0", strs[4] + h[0])
        if data[strs[4] + h[0]:end].decode() == name:
            return data[h[4]:h[4] + h[5]]
    return None


def _image_fdes(v):
    """Parsed FDEs of variant v's .eh_frame image (run-time addresses)."""
    if v in _state["fdes"]:
        return _state["fdes"][v]
    d = _state["debug"]
    fdes = []
    try:
        exe = gdb.current_progspace().filename
        img = _section_bytes(exe, "%s%s" % (IMAGE_PREFIX, d["names"][v]))
        if img is not None:
            # The rodata part follows the text part (page-aligned sizes).
            eh = img[d["text_size"]:d["text_size"] + d["rodata_size"]]
            # File addresses -> run-time: the part's run-time address minus
            # the .eh_frame link address is the load bias.
            fdes = _parse_eh_frame(eh, d["rodata"])
    except (OSError, ValueError, IndexError, gdb.error) as e:
        print("melf: cannot read the unwind tables of variant '%s': %s" % (d["names"][v], e))
    _state["fdes"][v] = fdes
    return fdes


def _snapshot(event=None):
    """Caches where _melf_debug's fields are, so that the unwinder can read
    them from memory: it must not evaluate expressions (that needs frames,
    which it is building)."""
    d = _debug_or_none()
    if d is None:
        _state["debug"] = None
        return
    t = d.type
    off = {f.name: f.bitpos // 8 for f in t.fields()}
    th = t["threads"].type.target()
    _state["debug"] = {
        "addr": int(d.address), "off": off,
        "thread_size": th.sizeof,
        "thread_off": {f.name: f.bitpos // 8 for f in th.fields()},
        "text": int(d["text"]), "text_size": int(d["text_size"]),
        "rodata": int(d["rodata"]), "rodata_size": int(d["rodata_size"]),
        "names": _names(d)}
    gdb.invalidate_cached_frames()


def _u32(addr):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(addr, 4)), "little")


def _variant_now(d, tid):
    """The variant thread `tid` runs, read from _melf_debug in memory."""
    a, off = d["addr"], d["off"]
    v = _u32(a + off["process_variant"])
    if _u32(a + off["mode"]) != VIEWS:
        return v
    for i in range(min(_u32(a + off["nthreads"]), MAX_THREADS)):
        t = a + off["threads"] + i * d["thread_size"]
        if _u32(t + d["thread_off"]["tid"]) == tid:
            return _u32(t + d["thread_off"]["variant"])
    return v


class _FrameId:
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


try:
    from gdb.unwinder import Unwinder, register_unwinder
except ImportError:
    Unwinder = None

if Unwinder is not None:
    class _CloneUnwinder(Unwinder):
        def __init__(self):
            super().__init__("melf")

        def __call__(self, pending):
            d = _state["debug"]
            if d is None:
                return None
            pc = int(pending.read_register("rip"))
            if not d["text"] <= pc < d["text"] + d["text_size"]:
                return None
            th = gdb.selected_thread()
            try:
                v = _variant_now(d, th.ptid[1] if th is not None else 0)
            except gdb.MemoryError:
                return None
            if v == 0 or v >= len(d["names"]):
                return None
            look = pc if pending.level() == 0 else pc - 1
            for lo, hi, cie, code in _image_fdes(v):
                if lo <= look < hi:
                    break
            else:
                return None
            caf, daf, ra, _, init = cie
            try:
                row = _run_cfi(init, caf, daf, [7, 8, {}], look, lo)
                row = _run_cfi(code, caf, daf, [row[0], row[1], dict(row[2])], look, lo)
            except (ValueError, IndexError):
                return None
            cfa = int(pending.read_register(_REGS[row[0]])) + row[1]
            inf = gdb.selected_inferior()
            ptr = gdb.lookup_type("unsigned long")
            info = pending.create_unwind_info(_FrameId(gdb.Value(cfa).cast(ptr), gdb.Value(lo).cast(ptr)))
            for r, off in row[2].items():
                if r < len(_REGS):
                    val = int.from_bytes(bytes(inf.read_memory(cfa + off, 8)), "little")
                    info.add_saved_register(_REGS[r], gdb.Value(val).cast(ptr))
            info.add_saved_register("rsp", gdb.Value(cfa).cast(ptr))
            # Callee-saved registers the CFI does not mention keep their value.
            for r in (3, 6, 12, 13, 14, 15):  # rbx, rbp, r12-r15
                if r not in row[2]:
                    info.add_saved_register(_REGS[r], pending.read_register(_REGS[r]))
            return info


def _hide_shadow_locations(bp):
    """Shadow addresses are not mapped: never insert breakpoints there."""
    try:
        locs = bp.locations
    except (AttributeError, RuntimeError):
        return
    for loc in locs:
        if loc.address is not None and int(loc.address) >> SHADOW_SHIFT and loc.enabled:
            loc.enabled = False


def _on_stop(event):
    if not isinstance(event, gdb.StopEvent) or _quiet:
        return
    try:
        frame = gdb.selected_frame()
        desc = _describe(frame)
    except gdb.error:
        return
    if desc is None:
        return
    name, where, sal = desc
    if sal.symtab is None and where.startswith("??"):
        return  # no debug information for this variant's code
    th = gdb.selected_thread()
    print("melf: thread %d runs variant '%s': %s" % (th.num, name, where))
    _print_line(sal)


def _area_sw_locations(d):
    """Enabled software breakpoint locations in the area's text part."""
    lo, hi = int(d["text"]), int(d["text"]) + int(d["text_size"])
    out = []
    for b in gdb.breakpoints():
        if not b.enabled or b.type != gdb.BP_BREAKPOINT:
            continue
        for loc in getattr(b, "locations", []):
            if loc.enabled and loc.address is not None and lo <= int(loc.address) < hi:
                out.append((b, loc))
    return out


# Software breakpoints across a process-wide switch. An int3 in the area
# lives in the old image's page: the remap would erase it, and gdb would
# later write the old image's saved bytes back over the new one. So when
# libmelf is about to remap (state REMAP_BEGIN), the notify breakpoint
# stops for real: gdb takes every breakpoint out of memory, restoring the
# old image's bytes; the extension disables the area's locations and
# continues. After the remap (CONSISTENT) it stops again, re-enables them
# and continues: gdb inserts them into the new image, saving its bytes.
_parked = []


class _Notify(gdb.Breakpoint):
    def __init__(self):
        super().__init__("_melf_debug_notify", internal=True)
        self.silent = True
        self.commands = "python _notify_commands()\ncontinue"
        self.phase = None

    def stop(self):
        try:
            d = _debug()
        except gdb.GdbError:
            return False
        state = int(d["state"])
        if state == REMAP_BEGIN and _area_sw_locations(d):
            self.phase = "begin"
            return True
        if state != REMAP_BEGIN and _parked:
            self.phase = "end"
            return True
        return False


def _notify_commands():
    bp = _armed[0] if _armed else None
    if bp is None or bp.phase is None:
        return
    phase, bp.phase = bp.phase, None
    if phase == "begin":
        locs = _area_sw_locations(_debug())
        for b, loc in locs:
            loc.enabled = False
            _parked.append(loc)
        print("melf: process-wide switch: %d software breakpoint location%s in the MELF "
              "area moved to the new image" % (len(locs), "" if len(locs) == 1 else "s"))
    else:
        for loc in _parked:
            try:
                loc.enabled = True
            except RuntimeError:  # its breakpoint was deleted meanwhile
                pass
        del _parked[:]


_armed = []


def _arm(event=None):
    _state["fdes"].clear()  # a new or reloaded program: its unwind tables
    if _armed:
        return
    try:
        gdb.parse_and_eval("_melf_debug_notify")
    except gdb.error:
        return
    _armed.append(_Notify())


# libmelf's safe-point signal is part of every process-wide switch.
gdb.execute("handle SIG%d nostop noprint pass" % SAFEPOINT_SIGNAL, to_string=True)
InfoMelf()
Melf()
MelfDisassemble()
MelfBreak()
MelfFrame()
MelfList()
MelfPrint()
_MelfStep("melf next", "nexti",
          "melf next: the next source line of the variant that runs, stepping over calls.")
_MelfStep("melf step", "stepi",
          "melf step: the next source line of the variant that runs, into calls.")
MelfVariantFunction()
if FrameDecorator is not None:
    _CloneFrameFilter()
gdb.events.new_objfile.connect(_arm)
gdb.events.breakpoint_created.connect(_hide_shadow_locations)
gdb.events.breakpoint_modified.connect(_hide_shadow_locations)
gdb.events.stop.connect(_snapshot)
gdb.events.stop.connect(_on_stop)
if Unwinder is not None:
    register_unwinder(None, _CloneUnwinder(), replace=True)
_arm()
