/*
 * Host build: the direct map at 0, so a "physical address" is just the
 * pointer; the rest is lib/page_defs.h. Its size is 0
 * (arch/host/platform.c): host code has no physical memory to reach.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#define DIRECT_MAP_BASE	0ULL

#include <lib/page_defs.h>

#endif /* ASM_PAGE_H */
