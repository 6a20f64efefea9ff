# libmelf's debugger interface: the structure `_melf_debug` (layout in
# include/melf/abi.h, docs/debugging.md), read by name through gdb (libmelf
# has debug information): the variants, the mode, the area and which
# variant each thread runs. Also where a clone's DWARF is: at its shadow
# address, pc + (v << MELF_DEBUG_SHADOW_SHIFT) (docs/melf-abi.md, "Debug
# information").
import gdb

from . import abi


def debug():
    """The value of _melf_debug (gdb.GdbError if there is none)."""
    try:
        d = gdb.parse_and_eval(abi.ABI.const("MELF_DEBUG_SYMBOL"))
    except gdb.error:
        raise gdb.GdbError("melf: no _melf_debug in this program "
                           "(not linked with libmelf, or stripped)")
    if int(d["version"]) != abi.DEBUG_VERSION:
        raise gdb.GdbError("melf: unknown _melf_debug version %d" % int(d["version"]))
    return d


def debug_or_none():
    try:
        return debug()
    except gdb.GdbError:
        return None


def names(d):
    """The variants' names, by id."""
    out = []
    for i in range(int(d["nvariants"])):
        p = d["names"][i]
        out.append(p.string() if int(p) else "?")
    return out


def name_of(names_, v):
    """Variant v's name, or its number if the table has none."""
    return names_[v] if 0 <= v < len(names_) else v


def thread_variants(d):
    """{kernel thread id: variant} of the threads with their own entry."""
    table = {}
    for i in range(int(d["nthreads"])):
        t = d["threads"][i]
        if int(t["tid"]):
            table[int(t["tid"])] = int(t["variant"])
    return table


def variant_of(d, thread):
    """The variant `thread` runs (views mode: its view's; else the process')."""
    base = int(d["process_variant"])
    if thread is None or int(d["mode"]) != abi.VIEWS:
        return base
    return thread_variants(d).get(thread.ptid[1], base)


def in_text(d, pc):
    """Is pc in the area's text part?"""
    lo = int(d["text"])
    return lo <= pc < lo + int(d["text_size"])


def shadow(pc, v):
    return pc + (v << abi.SHADOW_SHIFT)


def unshadow(addr):
    """(variant, run-time address) of a possibly shadow address."""
    v = addr >> abi.SHADOW_SHIFT
    return v, addr - (v << abi.SHADOW_SHIFT)


def clone_pc(frame):
    """(variant, shadow pc for symbol lookup) of a frame in a clone, or None."""
    d = debug_or_none()
    if d is None:
        return None
    pc = frame.pc()
    if not in_text(d, pc):
        return None
    v = variant_of(d, gdb.selected_thread())
    if v == 0:
        return None
    # A caller frame's pc is a return address: look up the call (pc - 1).
    look = pc if frame.level() == 0 or frame.type() != gdb.NORMAL_FRAME else pc - 1
    return v, shadow(look, v)


def function_block(blk):
    """The block of the function `blk` is in, or None."""
    while blk is not None and blk.function is None:
        blk = blk.superblock
    return blk
