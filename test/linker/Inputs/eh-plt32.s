# An .eh_frame whose FDE for f (a multivariant function) refers to f with
# R_X86_64_PLT32 instead of the PC-relative relocation compilers emit
# (test/linker/eh-reloc.test).
	.section .eh_frame,"a",@unwind
.Lcie:
	.long .Lcie_end - .Lcie_start
.Lcie_start:
	.long 0
	.byte 1
	.asciz "zR"
	.uleb128 1
	.sleb128 -8
	.uleb128 16
	.uleb128 1
	.byte 0x1b
	.byte 0x0c, 7, 8
	.byte 0x90, 1
	.balign 4
.Lcie_end:
	.long .Lfde_end - .Lfde_start
.Lfde_start:
	.long .Lfde_start - .Lcie
	.long f@PLT
	.long 8
	.uleb128 0
	.balign 4
.Lfde_end:
