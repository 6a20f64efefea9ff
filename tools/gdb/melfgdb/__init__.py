# MELF support for gdb (docs/debugging.md): `source tools/gdb/melf.py`, or
# the installed share/melf/gdb/melf.py, which imports this package and calls
# setup(). Reads libmelf's debugger interface, the structure `_melf_debug`
# (include/melf/abi.h), and adds:
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
# `backtrace` with the clone's function, line and arguments, prints the
# running variant's line when the program stops in a clone, and unwinds
# clone frames with their own image's CFI.
#
# It also watches libmelf's notify function: when a process-wide switch is
# about to remap the area while software breakpoints sit in it, it moves
# them to the new image (their bytes live in the old image's pages).
#
# Modules: abi (constants and layouts from the headers), state
# (_melf_debug), commands (info melf, melf disassemble, melf break,
# $_melf_variant), variables, frames and stepping (clone frames: arguments
# and locals, backtrace, melf frame/list/print, melf next/step), meta
# (.melf.meta of the file), cfi (.eh_frame), unwind (the clone-frame
# unwinder), breakpoints (shadow locations, breakpoints across remaps).
# abi, meta and cfi do not need gdb: importing the package loads no other
# module until setup().

_done = []


def setup():
    """Registers the commands, hooks and unwinder (once per gdb session)."""
    import gdb

    from . import abi, breakpoints, commands, frames, stepping, unwind

    if _done:
        return
    _done.append(True)
    # libmelf's safe-point signal is part of every process-wide switch.
    gdb.execute("handle SIG%d nostop noprint pass" % abi.SAFEPOINT_SIGNAL, to_string=True)
    commands.InfoMelf()
    commands.Melf()
    commands.MelfDisassemble()
    commands.MelfBreak()
    frames.MelfFrame()
    frames.MelfList()
    frames.MelfPrint()
    stepping.commands()
    commands.MelfVariantFunction()
    frames.install_frame_filter()
    gdb.events.new_objfile.connect(unwind.forget)
    gdb.events.new_objfile.connect(breakpoints.arm)
    gdb.events.breakpoint_created.connect(breakpoints.hide_shadow_locations)
    gdb.events.breakpoint_modified.connect(breakpoints.hide_shadow_locations)
    gdb.events.stop.connect(unwind.snapshot)
    gdb.events.stop.connect(frames.on_stop)
    unwind.install()
    breakpoints.arm()
