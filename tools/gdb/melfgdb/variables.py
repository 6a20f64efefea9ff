# Arguments and locals of a clone frame, read with the locations the
# running variant's DWARF gives them (at the shadow pc). gdb's evaluator
# cannot be used: it takes the frame base from the block of the real pc,
# which is the default body's (or none). So the locations come from
# `info scope` at the shadow pc and are read here: a register, a frame-base
# or register offset, a static address, or the entry of a location list
# that holds the pc; DWARF expressions are reported as not supported.
import re

import gdb

from . import state

_SCOPE_SYM = re.compile(r"^Symbol (\S+) is (.*?), length \d+\.$", re.M | re.S)
_FBREG = re.compile(r"a variable at frame base reg \$(\w+) offset (-?\d+)\+(-?\d+)$")
_BREG = re.compile(r"a variable at offset (-?\d+) from base reg \$(\w+)$")
_INREG = re.compile(r"a variable in \$(\w+)$")
_STATIC = re.compile(r"static storage at address (0x[0-9a-f]+)$")
_RANGE = re.compile(r"Range (0x[0-9a-f]+)-(0x[0-9a-f]+): ")


def locations(shadow_pc):
    """{name: location text} of the variables in scope at a clone's pc, as
    gdb describes them from the clone's own DWARF (`info scope`)."""
    try:
        out = gdb.execute("info scope *0x%x" % shadow_pc, to_string=True)
    except gdb.error:
        return {}
    locs = {}
    for m in _SCOPE_SYM.finditer(out):
        locs.setdefault(m.group(1), " ".join(m.group(2).split()))
    return locs


def in_prologue(look):
    """Is the shadow pc in its function's first line-table row (the
    prologue of an unoptimised clone, before its frame base is set)?"""
    blk = state.function_block(gdb.block_for_pc(look))
    if blk is None:
        return False
    first = gdb.find_pc_line(blk.start)
    if first.symtab is None or first.last is None:
        return False
    return blk.start <= look <= first.last


def _at(addr, sym):
    return gdb.Value(addr).cast(sym.type.pointer()).dereference()


def value(frame, sym, loc, look=None):
    """The value of `sym` of a clone frame from its location text."""
    if loc.startswith("multi-location:"):
        # A location list: the entry whose range holds the shadow pc.
        parts = _RANGE.split(loc)
        for i in range(1, len(parts) - 2, 3):
            if look is not None and int(parts[i], 16) <= look < int(parts[i + 1], 16):
                return value(frame, sym, parts[i + 2].strip())
        raise gdb.error("optimized out")
    if loc.startswith("a complex DWARF expression"):
        raise gdb.error("location is a DWARF expression, not read by the MELF extension")
    m = _FBREG.match(loc)
    if m and look is not None and frame.level() == 0 and in_prologue(look):
        raise gdb.error("not set up yet (prologue)")
    if m:
        return _at(int(frame.read_register(m.group(1))) + int(m.group(2)) + int(m.group(3)), sym)
    m = _BREG.match(loc)
    if m:
        return _at(int(frame.read_register(m.group(2))) + int(m.group(1)), sym)
    m = _INREG.match(loc)
    if m:
        return frame.read_register(m.group(1)).cast(sym.type)
    m = _STATIC.match(loc)
    if m:
        return _at(int(m.group(1), 16), sym)
    raise gdb.error("location not supported by the MELF extension: " + loc)


def value_of(frame, sym, locs, look):
    """The value of `sym` with its location in `locs` (from locations())."""
    return value(frame, sym, locs.get(sym.name, "not in scope"), look)


def symbols(blk, args_only):
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


def text_of(frame, sym, locs, look):
    """The value as text, or <why not>."""
    try:
        return str(value_of(frame, sym, locs, look))
    except (gdb.error, gdb.MemoryError) as e:
        return "<%s>" % e


def format_args(frame, blk, look):
    """name=value, ... of a clone frame's arguments."""
    locs = locations(look)
    return ", ".join("%s=%s" % (sym.name, text_of(frame, sym, locs, look))
                     for sym in symbols(blk, True))
