# MELF's constants and record layouts, read from the headers that define
# them (the one place they are defined): include/melf/abi.h, the ABI, and
# runtime/include/melf.h, libmelf's interface. Found from the source tree
# (tools/gdb/melfgdb) or the installed tree (share/melf/gdb/melfgdb); the
# environment variables MELF_ABI_H and MELF_H override.
#
# The parser reads what these headers contain, after comments are removed
# and continuation lines joined:
#   #define NAME VALUE          an integer (0x.., suffixes, "(-1)"), a string
#                               literal or an earlier constant; other values
#                               (expressions, function-like macros) are skipped
#   enum [tag] { A = 1, B, }    enumerators, implicit values counted on
#   struct tag { T a, b[N]; };  fixed-width fields (<stdint.h> types, char,
#                               pointers, earlier structs) laid out as the
#                               x86-64 C ABI does: natural alignment
import os
import re

try:
    from gdb import GdbError as _Error  # gdb shows its message, no traceback
except ImportError:  # outside gdb (a unit test)
    _Error = Exception

HERE = os.path.dirname(os.path.abspath(__file__))


class AbiError(_Error):
    pass


def find_header(env, source, installed):
    """The header `source` of the source tree or `installed` of the installed
    tree, relative to this package (`env` in the environment overrides)."""
    for cand in (os.environ.get(env), os.path.join(HERE, "..", "..", "..", *source),
                 os.path.join(HERE, "..", "..", "..", "..", *installed)):
        if cand and os.path.isfile(cand):
            return os.path.normpath(cand)
    raise AbiError("melf: %s not found next to %s (set %s)"
                   % ("/".join(installed), os.path.dirname(HERE), env))


# Comments, but not inside string literals (group 1 keeps those).
_COMMENT = re.compile(r'("(?:[^"\\\n]|\\.)*")|/\*.*?\*/|//[^\n]*', re.S)
_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(.+?)[ \t]*$", re.M)
_ENUM = re.compile(r"\benum\s+\w*\s*\{(.*?)\}", re.S)
_STRUCT = re.compile(r"\bstruct\s+(\w+)\s*\{(.*?)\}\s*;", re.S)
_INT = re.compile(r"\(?\s*(-?)\s*(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\s*\)?")
_STRING = re.compile(r'"([^"\\]*)"')
_FIELD = re.compile(r"(?:const\s+)?(struct\s+\w+|\w+)\s*(.+)")
_DECLARATOR = re.compile(r"(\*?)\s*(\w+)\s*(?:\[\s*(\w+)\s*\])?")
_SCALARS = {"char": 1, "int8_t": 1, "uint8_t": 1, "int16_t": 2, "uint16_t": 2,
            "int32_t": 4, "uint32_t": 4, "int64_t": 8, "uint64_t": 8}
POINTER_SIZE = 8


class Field:
    """One field: `count` elements (1 if not an array) of `size` bytes at
    `offset`; `layout` for a struct element."""

    def __init__(self, offset, size, count, layout=None):
        self.offset, self.size, self.count, self.layout = offset, size, count, layout


class Layout:
    """The layout of a struct: its size, alignment and fields by name."""

    def __init__(self, name, size, align, fields):
        self.name, self.size, self.align, self.fields = name, size, align, fields

    def offset(self, field, index=0):
        f = self.fields[field]
        if not 0 <= index < f.count:
            raise IndexError("%s.%s[%d]" % (self.name, field, index))
        return f.offset + index * f.size

    def get(self, buf, base, field, index=0):
        """The unsigned integer `field`[index] of the record at buf[base]."""
        off = base + self.offset(field, index)
        size = self.fields[field].size
        if off + size > len(buf):
            raise ValueError("%s.%s past the end of the data" % (self.name, field))
        return int.from_bytes(buf[off:off + size], "little")

    def string(self, buf, base, field):
        """The NUL-padded character array `field` of the record at buf[base]."""
        f = self.fields[field]
        raw = bytes(buf[base + f.offset:base + f.offset + f.count])
        return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


class Header:
    """The constants (`#define`s and enumerators) and struct layouts of a
    C header file."""

    def __init__(self, path):
        self.path = path
        with open(path) as f:
            text = _COMMENT.sub(lambda m: m.group(1) or " ", f.read()).replace("\\\n", " ")
        self.constants = {}
        for m in _DEFINE.finditer(text):
            value = self._value(m.group(2))
            if value is not None:
                self.constants[m.group(1)] = value
        for m in _ENUM.finditer(text):
            self._enum(m.group(1))
        # Struct bodies are laid out when asked for: a construct this parser
        # does not know in a struct nobody asks for stays harmless.
        self._bodies = {m.group(1): m.group(2) for m in _STRUCT.finditer(text)}
        self._layouts = {}

    def _value(self, text):
        m = _INT.fullmatch(text)
        if m:
            return int(m.group(1) + m.group(2), 0)
        m = _STRING.fullmatch(text)
        if m:
            return m.group(1)
        return self.constants.get(text)

    def _enum(self, body):
        nxt = 0
        for item in body.split(","):
            name, _, value = item.partition("=")
            name = name.strip()
            if value.strip():
                nxt = self._value(value.strip())
            if not name or not isinstance(nxt, int):
                continue  # an unreadable value: it and what counts on from it stay unknown
            self.constants[name] = nxt
            nxt += 1

    def _struct(self, name, body):
        fields, off, align = {}, 0, 1
        for decl in body.split(";"):
            decl = " ".join(decl.split())
            if not decl:
                continue
            m = _FIELD.fullmatch(decl)
            if m is None:
                raise AbiError("melf: %s: cannot read struct %s: %s" % (self.path, name, decl))
            for d in m.group(2).split(","):
                dm = _DECLARATOR.fullmatch(d.strip())
                if dm is None:
                    raise AbiError("melf: %s: cannot read struct %s: %s" % (self.path, name, decl))
                size, falign, sub = self._type(m.group(1), bool(dm.group(1)), name)
                count = 1 if dm.group(3) is None else self._value(dm.group(3))
                if not isinstance(count, int):
                    raise AbiError("melf: %s: struct %s: array size %s"
                                   % (self.path, name, dm.group(3)))
                off = (off + falign - 1) // falign * falign
                fields[dm.group(2)] = Field(off, size, count, sub)
                off += size * count
                align = max(align, falign)
        return Layout(name, (off + align - 1) // align * align, align, fields)

    def _type(self, typ, pointer, within):
        """(size, alignment, layout or None) of a field's element type."""
        if pointer:
            return POINTER_SIZE, POINTER_SIZE, None
        if typ in _SCALARS:
            return _SCALARS[typ], _SCALARS[typ], None
        if not typ.startswith("struct "):
            raise AbiError("melf: %s: struct %s: unknown type %s" % (self.path, within, typ))
        sub = self.layout(typ.split()[-1])
        return sub.size, sub.align, sub

    def const(self, name):
        try:
            return self.constants[name]
        except KeyError:
            raise AbiError("melf: %s defines no %s" % (self.path, name)) from None

    def layout(self, name):
        if name not in self._layouts:
            if name not in self._bodies:
                raise AbiError("melf: %s defines no struct %s" % (self.path, name))
            self._layouts[name] = self._struct(name, self._bodies[name])
        return self._layouts[name]


ABI = Header(find_header("MELF_ABI_H", ("include", "melf", "abi.h"), ("include", "melf", "abi.h")))
API = Header(find_header("MELF_H", ("runtime", "include", "melf.h"), ("include", "melf.h")))

VIEWS = API.const("MELF_MODE_VIEWS")
MODES = {API.const("MELF_MODE_NONE"): "no switching",
         API.const("MELF_MODE_PROCESS"): "process mode", VIEWS: "views mode"}
REMAP_BEGIN = ABI.const("MELF_DEBUG_REMAP_BEGIN")
SHADOW_SHIFT = ABI.const("MELF_DEBUG_SHADOW_SHIFT")
MAX_THREADS = ABI.const("MELF_DEBUG_MAX_THREADS")
DEBUG_VERSION = ABI.const("MELF_DEBUG_VERSION")
# The safe-point signal of process-wide switches (Linux: SIGRTMAX is 64).
SAFEPOINT_SIGNAL = 64 - ABI.const("MELF_SAFEPOINT_SIGRTMAX_OFFSET")
# Debug address registers on x86-64.
HW_BREAKPOINTS = 4
