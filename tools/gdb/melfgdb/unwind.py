# Unwinding clone frames. gdb's own unwinder reads the CFI of the default
# image from the file's .eh_frame; a clone's frame needs its own image's
# .eh_frame (docs/melf-abi.md, "Unwinding"). Variant v's copy is its rodata
# part, at the file offset part_offset[MELF_PART_RODATA] of v's record in
# .melf.meta (found through PT_MELF_META: meta.py; section headers are not
# needed), and has the same address as the default's .eh_frame. cfi.py
# interprets it.
import gdb

from . import abi, cfi, meta, state

# DWARF register numbers on x86-64.
_REGS = ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
         "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"]
_CALLEE_SAVED = (3, 6, 12, 13, 14, 15)  # rbx, rbp, r12-r15
# Where _melf_debug's fields are (snapshot()), and each variant's parsed
# FDEs (image_fdes()), until the next program is loaded.
_state = {"debug": None, "fdes": {}}


def forget(event=None):
    """A new or reloaded program: its unwind tables are read afresh."""
    _state["fdes"].clear()


def snapshot(event=None):
    """Caches where _melf_debug's fields are, so that the unwinder can read
    them from memory: it must not evaluate expressions (that needs frames,
    which it is building)."""
    d = state.debug_or_none()
    if d is None:
        _state["debug"] = None
        return
    t = d.type
    th = t["threads"].type.target()
    _state["debug"] = {
        "addr": int(d.address), "off": {f.name: f.bitpos // 8 for f in t.fields()},
        "thread_size": th.sizeof,
        "thread_off": {f.name: f.bitpos // 8 for f in th.fields()},
        "text": int(d["text"]), "text_size": int(d["text_size"]),
        "rodata": int(d["rodata"]), "rodata_size": int(d["rodata_size"]),
        "names": state.names(d)}
    gdb.invalidate_cached_frames()


def _u32(addr):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(addr, 4)), "little")


def _variant_now(d, tid):
    """The variant thread `tid` runs, read from _melf_debug in memory."""
    a, off = d["addr"], d["off"]
    v = _u32(a + off["process_variant"])
    if _u32(a + off["mode"]) != abi.VIEWS:
        return v
    for i in range(min(_u32(a + off["nthreads"]), abi.MAX_THREADS)):
        t = a + off["threads"] + i * d["thread_size"]
        if _u32(t + d["thread_off"]["tid"]) == tid:
            return _u32(t + d["thread_off"]["variant"])
    return v


def _read_fdes(d, v):
    """Parsed FDEs of variant v's .eh_frame copy (run-time addresses)."""
    exe = gdb.current_progspace().filename
    if not exe:
        raise ValueError("no executable file")
    m = meta.read(exe)
    if v >= len(m.variants) or m.variants[v].name != d["names"][v]:
        raise ValueError("%s is not the running program (its variant %d is not '%s')"
                         % (exe, v, d["names"][v]))
    # The copy's run-time address is that of the default's .eh_frame, the
    # rodata part, which _melf_debug gives with the load bias applied.
    return cfi.parse_eh_frame(m.part_bytes(v, meta.PART_RODATA), d["rodata"])


def image_fdes(v):
    """Parsed FDEs of variant v's image, cached; [] if unreadable (said once)."""
    if v in _state["fdes"]:
        return _state["fdes"][v]
    d = _state["debug"]
    fdes = []
    try:
        fdes = _read_fdes(d, v)
    except (OSError, ValueError, IndexError, gdb.error) as e:
        print("melf: cannot read the unwind tables of variant '%s': %s" % (d["names"][v], e))
    _state["fdes"][v] = fdes
    return fdes


class _FrameId:
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


try:
    from gdb.unwinder import Unwinder, register_unwinder
except ImportError:  # gdb without Python unwinders
    Unwinder = None


def _unwind(pending):
    """The unwind info of a clone frame, or None (not one: gdb's own
    unwinders take it)."""
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
    fde = cfi.find_fde(image_fdes(v), look)
    if fde is None:
        return None
    try:
        row = cfi.row_at(fde, look)
    except (ValueError, IndexError):
        return None
    return _unwind_info(pending, row, fde.lo)


def _unwind_info(pending, row, func):
    cfa = int(pending.read_register(_REGS[row.cfa_reg])) + row.cfa_off
    inf = gdb.selected_inferior()
    ptr = gdb.lookup_type("unsigned long")
    info = pending.create_unwind_info(_FrameId(gdb.Value(cfa).cast(ptr),
                                               gdb.Value(func).cast(ptr)))
    for r, off in row.regs.items():
        if r < len(_REGS):
            val = int.from_bytes(bytes(inf.read_memory(cfa + off, 8)), "little")
            info.add_saved_register(_REGS[r], gdb.Value(val).cast(ptr))
    info.add_saved_register("rsp", gdb.Value(cfa).cast(ptr))
    # Callee-saved registers the CFI does not mention keep their value.
    for r in _CALLEE_SAVED:
        if r not in row.regs:
            info.add_saved_register(_REGS[r], pending.read_register(_REGS[r]))
    return info


def install():
    """Registers the clone-frame unwinder (if this gdb has Python unwinders)."""
    if Unwinder is None:
        return

    class CloneUnwinder(Unwinder):
        def __init__(self):
            super().__init__("melf")

        def __call__(self, pending):
            return _unwind(pending)

    register_unwinder(None, CloneUnwinder(), replace=True)
