# Breakpoints and the MELF area.
#
# Shadow locations: gdb finds a clone's DWARF at its shadow address for
# `break FUNCTION` or `break file:line`; nothing is mapped there, so those
# locations are disabled (the breakpoint stops at the default body's address).
#
# Software breakpoints across a process-wide switch. An int3 in the area
# lives in the old image's page: the remap would erase it, and gdb would
# later write the old image's saved bytes back over the new one. So when
# libmelf is about to remap (state MELF_DEBUG_REMAP_BEGIN), the internal
# breakpoint on _melf_debug_notify stops for real: gdb takes every
# breakpoint out of memory, restoring the old image's bytes; the extension
# disables the area's locations and continues. After the remap (CONSISTENT)
# it stops again, re-enables them and continues: gdb inserts them into the
# new image, saving its bytes.
import gdb

from . import abi, state


def hide_shadow_locations(bp):
    """Shadow addresses are not mapped: never insert breakpoints there."""
    try:
        locs = bp.locations
    except (AttributeError, RuntimeError):
        return
    for loc in locs:
        if loc.address is not None and int(loc.address) >> abi.SHADOW_SHIFT and loc.enabled:
            loc.enabled = False


def area_sw_locations(d):
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


# The locations disabled for a remap, to enable after it.
_parked = []
# The notify breakpoint, once the program has libmelf.
_armed = []


class _Notify(gdb.Breakpoint):
    """The internal breakpoint on _melf_debug_notify: stops (silently) only
    around a remap that moves software breakpoints; its commands do the work
    (breakpoints cannot be changed while gdb decides whether to stop)."""

    def __init__(self):
        super().__init__(abi.ABI.const("MELF_DEBUG_NOTIFY_SYMBOL"), internal=True)
        self.silent = True
        self.commands = "python __import__('melfgdb').breakpoints.notify_commands()\ncontinue"
        self.phase = None

    def stop(self):
        try:
            d = state.debug()
        except gdb.GdbError:
            return False
        remap = int(d["state"]) == abi.REMAP_BEGIN
        if remap and area_sw_locations(d):
            self.phase = "begin"
            return True
        if not remap and _parked:
            self.phase = "end"
            return True
        return False


def notify_commands():
    """The notify breakpoint's commands: park the area's software breakpoint
    locations before a remap, restore them after it."""
    bp = _armed[0] if _armed else None
    if bp is None or bp.phase is None:
        return
    phase, bp.phase = bp.phase, None
    if phase == "begin":
        locs = area_sw_locations(state.debug())
        for _, loc in locs:
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


def arm(event=None):
    """Sets the notify breakpoint once the program has libmelf."""
    if _armed:
        return
    try:
        gdb.parse_and_eval(abi.ABI.const("MELF_DEBUG_NOTIFY_SYMBOL"))
    except gdb.error:
        return
    _armed.append(_Notify())
