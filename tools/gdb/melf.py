# MELF support for gdb: `source tools/gdb/melf.py` (installed as
# share/melf/gdb/melf.py). The extension is the package melfgdb next to this
# file (docs/debugging.md); this file puts it on Python's path and loads it.
import os
import sys

_dir = os.path.dirname(os.path.abspath(__file__))
if _dir not in sys.path:
    sys.path.insert(0, _dir)
del _dir

import melfgdb  # noqa: E402

melfgdb.setup()
