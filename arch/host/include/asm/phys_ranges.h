/*
 * Host build: the interface is plain declarations, so the host uses that
 * very file. A user process has no physical memory map: both answer false
 * (arch/host/phys_ranges.c). Tests that need a platform inject their own
 * answers (struct nfit_ops) instead.
 */
#include "../../../../arch/x86/include/asm/phys_ranges.h"
