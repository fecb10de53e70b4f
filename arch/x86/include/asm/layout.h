/*
 * The kernel's virtual address space (4-level paging, 48-bit addresses).
 * docs/paging.md has the same table with the reasons.
 *
 *   start               end (exclusive)     size     what
 *   0000000000000000    0000800000000000    128 TiB  lower half: unmapped (user
 *                                                    address spaces later)
 *   ffff800000000000    ffffc00000000000     64 TiB  direct map: phys P at
 *                                                    DIRECT_MAP_BASE + P
 *   ffffc00000000000    ffffc10000000000      1 TiB  vmap area: mappings made
 *                                                    with map_kernel_range()
 *   ffffc08000000000    ffffc09000000000     64 GiB    of which: kernel thread
 *                                                    stacks (kernel/kstack.c)
 *   ffffffff80000000    ffffffffc0000000      1 GiB  kernel image (linker.ld)
 *
 * Each region starts on a PGD (512 GiB) boundary except the image, so the
 * regions share no page tables. Everything else faults.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#include <asm/page.h>

#define USER_SPACE_END		0x0000800000000000ULL

#define DIRECT_MAP_END		0xffffc00000000000ULL
#define VMAP_START		0xffffc00000000000ULL
#define VMAP_END		0xffffc10000000000ULL
/* Inside the vmap area, reserved for thread stacks and their guards. */
#define KSTACK_AREA_START	0xffffc08000000000ULL
#define KSTACK_AREA_END		0xffffc09000000000ULL
#define KERNEL_IMAGE_START	0xffffffff80000000ULL	/* BOOT_KERNEL_VIRT_BASE */
#define KERNEL_IMAGE_END	0xffffffffc0000000ULL

#endif /* ASM_LAYOUT_H */
