# Call frame information: the records of an .eh_frame image and a small
# interpreter of the CFA instructions compilers emit on x86-64 (no DWARF
# expressions). Plain Python, no gdb: unwind.py feeds it a variant's
# .eh_frame copy and evaluates the row it computes.


def leb(b, i, signed=False):
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


def uleb(b, i):
    return leb(b, i)


def sleb(b, i):
    return leb(b, i, True)


def read_encoded(b, i, enc, here):
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


class Cie:
    """A CIE: code and data alignment factors, return address register,
    FDE pointer encoding and initial instructions."""

    def __init__(self, caf, daf, ra, enc, init):
        self.caf, self.daf, self.ra, self.enc, self.init = caf, daf, ra, enc, init


class Fde:
    """An FDE: the pc range [lo, hi), its CIE and its instructions."""

    def __init__(self, lo, hi, cie, code):
        self.lo, self.hi, self.cie, self.code = lo, hi, cie, code


def _parse_cie(b, body, end, va):
    j = body + 5  # CIE id, version
    aug_end = b.index(0, j)
    aug = bytes(b[j:aug_end]).decode()
    j = aug_end + 1
    caf, j = uleb(b, j)
    daf, j = sleb(b, j)
    ra, j = uleb(b, j)
    enc = 0
    if aug.startswith("z"):
        alen, j = uleb(b, j)
        k, aend = j, j + alen
        for ch in aug[1:]:
            if ch == "R":
                enc = b[k]
                k += 1
            elif ch == "P":
                penc = b[k]
                _, k = read_encoded(b, k + 1, penc, va + k + 1)
            elif ch == "L":
                k += 1
        j = aend
    return Cie(caf, daf, ra, enc, bytes(b[j:end]))


def parse_eh_frame(b, va):
    """The FDEs with a non-empty range of an .eh_frame image at address va."""
    cies, fdes, i = {}, [], 0
    while i + 4 <= len(b):
        length = int.from_bytes(b[i:i + 4], "little")
        if length == 0:
            break
        start, body = i, i + 4
        end = body + length
        cie_id = int.from_bytes(b[body:body + 4], "little")
        if cie_id == 0:
            cies[start] = _parse_cie(b, body, end, va)
        else:
            cie = cies.get(body - cie_id)
            if cie is not None:
                lo, j = read_encoded(b, body + 4, cie.enc, va + body + 4)
                rng, j = read_encoded(b, j, cie.enc & 0x0f, 0)
                alen, j = uleb(b, j)
                j += alen
                if rng:
                    fdes.append(Fde(lo, lo + rng, cie, bytes(b[j:end])))
        i = end
    return fdes


def find_fde(fdes, pc):
    for fde in fdes:
        if fde.lo <= pc < fde.hi:
            return fde
    return None


class Row:
    """A row of the CFI table: CFA = register cfa_reg + cfa_off; saved
    registers at CFA + offset ({DWARF register: offset})."""

    def __init__(self, cfa_reg, cfa_off, regs):
        self.cfa_reg, self.cfa_off, self.regs = cfa_reg, cfa_off, regs

    def copy(self):
        return Row(self.cfa_reg, self.cfa_off, dict(self.regs))


# DW_CFA_advance_loc1/2/4: operand sizes.
_ADVANCE = {0x02: 1, 0x03: 2, 0x04: 4}


def run_cfi(code, caf, daf, row, target, loc):
    """Executes CFA instructions from pc `loc` up to pc `target`, starting
    from `row` (changed in place and returned)."""
    stack, i = [], 0
    while i < len(code):
        op = code[i]
        i += 1
        hi, low = op & 0xc0, op & 0x3f
        if hi == 0x40:  # advance_loc
            loc += low * caf
            if loc > target:
                break
        elif hi == 0x80:  # offset
            off, i = uleb(code, i)
            row.regs[low] = off * daf
        elif hi == 0xc0:  # restore
            row.regs.pop(low, None)
        elif op == 0x00:  # nop
            pass
        elif op in _ADVANCE:
            n = _ADVANCE[op]
            loc += int.from_bytes(code[i:i + n], "little") * caf
            i += n
            if loc > target:
                break
        elif op == 0x0a:  # remember_state
            stack.append(row.copy())
        elif op == 0x0b:  # restore_state
            saved = stack.pop()
            row.cfa_reg, row.cfa_off, row.regs = saved.cfa_reg, saved.cfa_off, saved.regs
        else:
            i = _run_register_op(op, code, i, daf, row)
    return row


def _run_register_op(op, code, i, daf, row):
    """The CFA instructions with register and offset operands."""
    if op == 0x05:  # offset_extended
        r, i = uleb(code, i)
        off, i = uleb(code, i)
        row.regs[r] = off * daf
    elif op == 0x11:  # offset_extended_sf
        r, i = uleb(code, i)
        off, i = sleb(code, i)
        row.regs[r] = off * daf
    elif op in (0x06, 0x07, 0x08):  # restore_extended, undefined, same_value
        r, i = uleb(code, i)
        row.regs.pop(r, None)
    elif op == 0x0c:  # def_cfa
        row.cfa_reg, i = uleb(code, i)
        row.cfa_off, i = uleb(code, i)
    elif op == 0x12:  # def_cfa_sf
        row.cfa_reg, i = uleb(code, i)
        off, i = sleb(code, i)
        row.cfa_off = off * daf
    elif op == 0x0d:  # def_cfa_register
        row.cfa_reg, i = uleb(code, i)
    elif op == 0x0e:  # def_cfa_offset
        row.cfa_off, i = uleb(code, i)
    elif op == 0x13:  # def_cfa_offset_sf
        off, i = sleb(code, i)
        row.cfa_off = off * daf
    elif op == 0x2e:  # GNU_args_size
        _, i = uleb(code, i)
    else:
        raise ValueError("CFA instruction 0x%x" % op)
    return i


def row_at(fde, pc):
    """The CFI row of `fde` at `pc`: the CIE's initial instructions, then
    the FDE's (x86-64: the CFA starts as rsp + 8)."""
    cie = fde.cie
    row = run_cfi(cie.init, cie.caf, cie.daf, Row(7, 8, {}), pc, fde.lo)
    return run_cfi(fde.code, cie.caf, cie.daf, row.copy(), pc, fde.lo)
