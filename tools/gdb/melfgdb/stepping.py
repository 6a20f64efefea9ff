# melf next and melf step: one source line of the variant that runs. gdb's
# own step and next follow the default body's line table, which does not
# describe a clone; these step by instructions until the line of the clone
# (looked up at the shadow pc) changes, a call is entered (melf step) or the
# function returns.
import os

import gdb

from . import frames


def line_of(frame):
    """(file, line) of a frame in the variant its thread runs."""
    w = frames.clone_where(frame)
    sal = w[2] if w is not None else frame.find_sal()
    return (sal.symtab.filename if sal.symtab else None, sal.line)


class _Silenced:
    """gdb prints every instruction step's stop (not capturable with
    to_string): its standard output points at /dev/null meanwhile, and the
    stop hook stays quiet."""

    def __enter__(self):
        frames.quiet.append(1)
        gdb.flush()
        self.saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
        return self

    def __exit__(self, *exc):
        gdb.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)
        frames.quiet.pop()
        return False


class MelfStep(gdb.Command):
    """Steps by source lines of the variant that runs (gdb's own step and
next use the default body's line table, which does not describe a clone)."""

    LIMIT = 100000  # instructions

    def __init__(self, name, insn, doc):
        self.insn = insn
        self.__doc__ = doc
        super().__init__(name, gdb.COMMAND_RUNNING)

    def _run(self, start):
        """Steps from frame `start`: "done", "limit" or "exited"."""
        older = start.older()
        where = line_of(start)
        for _ in range(self.LIMIT):
            gdb.execute(self.insn, to_string=True)
            if gdb.selected_inferior().pid == 0 or not gdb.selected_thread():
                return "exited"
            f = gdb.newest_frame()
            if not start.is_valid() or (older is not None and f == older):
                return "done"  # returned
            if self.insn == "stepi" and f != start and f.older() == start:
                return "done"  # stepped into a call
            if f == start:
                now = line_of(f)
                if now[1] and now != where:
                    return "done"
        return "limit"

    def invoke(self, arg, from_tty):
        if gdb.selected_inferior().pid == 0:
            raise gdb.GdbError("The program is not being run.")
        with _Silenced():
            outcome = self._run(gdb.newest_frame())
        if outcome == "exited":
            return
        if outcome == "limit":
            print("melf: stopped after %d instructions on the same line" % self.LIMIT)
        f = gdb.newest_frame()
        desc = frames.describe(f)
        if desc is None:
            gdb.execute("frame", from_tty)
        else:
            print("%s [variant %s]" % (desc[1], desc[0]))
            frames.print_line(desc[2])


def commands():
    return [MelfStep("melf next", "nexti",
                     "melf next: the next source line of the variant that runs, "
                     "stepping over calls."),
            MelfStep("melf step", "stepi",
                     "melf step: the next source line of the variant that runs, into calls.")]
