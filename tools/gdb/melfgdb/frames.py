# Clone frames as they are: a frame in the MELF area of a thread that runs
# a variant other than the default is described with the clone's function,
# source line and arguments, looked up at its shadow address. Used by the
# stop hook (the running variant's line after gdb's own), by `backtrace`
# (a frame filter) and by melf frame, melf list and melf print.
import gdb

from . import state, variables

# Non-empty while melf next/step drive the program (stepping.py): the stop
# hook stays quiet meanwhile.
quiet = []


def clone_where(frame):
    """(variant name, function symbol, symtab_and_line, block) of a frame in
    a clone, or None."""
    cp = state.clone_pc(frame)
    if cp is None:
        return None
    v, look = cp
    blk = gdb.block_for_pc(look)
    fn = state.function_block(blk)
    sal = gdb.find_pc_line(look)
    return state.names(state.debug())[v], (fn.function if fn else None), sal, blk


def describe(frame):
    """(variant name, "f (args) at file:line", symtab_and_line) of a frame
    in a clone, or None."""
    w = clone_where(frame)
    if w is None:
        return None
    name, fn, sal, blk = w
    look = state.clone_pc(frame)[1]
    where = "%s (%s)" % (fn.name if fn else "??", variables.format_args(frame, blk, look))
    if sal.symtab is not None:
        where += " at %s:%d" % (sal.symtab.filename, sal.line)
    return name, where, sal


def print_line(sal):
    """Prints the source line of `sal` as gdb does ("12\tcode")."""
    if sal.symtab is None or sal.line <= 0:
        return
    try:
        with open(sal.symtab.fullname()) as f:
            lines = f.read().split("\n")
        if sal.line <= len(lines):
            print("%d\t%s" % (sal.line, lines[sal.line - 1]))
    except OSError:
        pass


def on_stop(event):
    """After gdb's own stop line: the line of the clone the thread runs."""
    if not isinstance(event, gdb.StopEvent) or quiet:
        return
    try:
        frame = gdb.selected_frame()
        desc = describe(frame)
    except gdb.error:
        return
    if desc is None:
        return
    name, where, sal = desc
    if sal.symtab is None and where.startswith("??"):
        return  # no debug information for this variant's code
    th = gdb.selected_thread()
    print("melf: thread %d runs variant '%s': %s" % (th.num, name, where))
    print_line(sal)


class MelfFrame(gdb.Command):
    """melf frame: the selected frame in the variant its thread runs."""

    def __init__(self):
        super().__init__("melf frame", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        frame = gdb.selected_frame()
        desc = describe(frame)
        if desc is None:
            gdb.execute("frame", from_tty)
            return
        name, where, sal = desc
        print("#%d  0x%x in %s [variant %s]" % (frame.level(), frame.pc(), where, name))
        print_line(sal)


class MelfList(gdb.Command):
    """melf list: source lines around the selected frame's line in its variant."""

    def __init__(self):
        super().__init__("melf list", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        desc = describe(gdb.selected_frame())
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
        w = clone_where(frame)
        if w is None:
            gdb.execute("print " + name, from_tty)
            return
        look = state.clone_pc(frame)[1]
        locs = variables.locations(look)
        for sym in variables.symbols(w[3], False):
            if sym.name == name:
                try:
                    print("%s = %s" % (name, variables.value_of(frame, sym, locs, look)))
                except gdb.error as e:
                    raise gdb.GdbError("melf print: %s: %s" % (name, e))
                return
        gdb.execute("print " + name, from_tty)  # globals are the same in every variant


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
                return variables.value_of(self._frame, self._sym, self._locs, self._look)
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
            cp = state.clone_pc(frame)
            look = cp[1] if cp else None
            locs = variables.locations(look) if cp else {}
            return [_CloneArg(sym, frame, locs, look)
                    for sym in variables.symbols(self._blk, True)]

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
                where = clone_where(fd.inferior_frame())
                yield fd if where is None else _CloneFrame(fd, where)



def install_frame_filter():
    """Shows clone frames in `backtrace` (if this gdb has frame filters)."""
    if FrameDecorator is not None:
        _CloneFrameFilter()
