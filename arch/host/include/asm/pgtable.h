/*
 * Host build: the page-table entry format. arch/x86/include/asm/pgtable.h
 * is plain C (bit definitions and helpers on a 64-bit value, no
 * instruction), so the host uses that very file: the generic walkers of
 * mm/ (address spaces, faults, GUP) then run on the host over the same
 * entries they build in the kernel, with tables in the host's "RAM".
 */
#include "../../../../arch/x86/include/asm/pgtable.h"
