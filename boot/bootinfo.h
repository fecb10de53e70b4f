/*
 * The boot-info structure: the one thing the loader hands to the kernel.
 *
 * The loader (boot/loader.c) fills it in before ExitBootServices() and
 * passes its *physical* address in %rdi when it jumps to the kernel's
 * entry point (_start in arch/x86/entry.asm). The kernel checks the magic,
 * the version and the size before it reads anything else, so a loader and
 * a kernel from different builds refuse each other loudly instead of
 * misreading fields.
 *
 * Life story: allocated by the loader as BOOTINFO_MEMTYPE pages, written
 * only by the loader, read-only for the kernel. The kernel's early
 * allocator keeps these pages reserved for as long as it reads them.
 *
 * Machine state at the jump (the contract the kernel relies on):
 *  - 64-bit long mode, interrupts disabled (cli), direction flag clear;
 *  - CR3 points at the loader's page tables, which map
 *      * the identity range [0, max(direct_map_size, 4 GiB)) (lower
 *        half, so the switch of CR3 inside the loader survives, with the
 *        firmware's GDT and flash below 4 GiB; the kernel drops it),
 *      * the direct map: physical [0, max(direct_map_size, 4 GiB)) at
 *        BOOT_DIRECT_MAP_BASE, writable, with 2 MiB (or 1 GiB) pages,
 *        all of it until the kernel builds its own, which keeps only the
 *        memory bootinfo_memtype_is_memory() names (arch/x86/direct_map.c);
 *      * the kernel image: ELF virtual [kernel_virt, kernel_virt +
 *        kernel_size) -> physical [kernel_phys, ...), 4 KiB pages,
 *        writable and executable (the kernel tightens this later);
 *  - the GDT, IDT and stack are the firmware's: the kernel installs its
 *    own before it relies on any of them;
 *  - every field below is valid; the memory map is the final one taken
 *    right before ExitBootServices() succeeded.
 *
 * This header is included by the loader (GNU-EFI, -fpic, MS ABI) and by
 * the kernel, so it uses only fixed-width types and no pointers.
 */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H

#include <stdint.h>

#define BOOTINFO_MAGIC		0x31544f4f424b445aULL	/* "ZDKBOOT1" */
#define BOOTINFO_VERSION	2

/* Virtual base of the direct map of physical memory. */
#define BOOT_DIRECT_MAP_BASE	0xffff800000000000ULL
/* Virtual base the kernel ELF is linked at (see linker.ld). */
#define BOOT_KERNEL_VIRT_BASE	0xffffffff80000000ULL

/* Files the loader reads from the ESP it was started from. */
#define BOOT_KERNEL_PATH	L"\\zdk\\kernel.elf"
#define BOOT_CMDLINE_PATH	L"\\zdk\\cmdline"
#define BOOTINFO_CMDLINE_MAX	1024

/*
 * UEFI lets an OS loader tag its allocations with types of its own
 * (0x80000000 and above). The kernel's early allocator reads these from
 * the memory map and keeps the ranges reserved.
 */
#define BOOT_MEMTYPE_KERNEL	0x80000001u	/* the loaded kernel image */
#define BOOT_MEMTYPE_PAGETABLE	0x80000002u	/* the loader's page tables */
#define BOOT_MEMTYPE_BOOTINFO	0x80000003u	/* this struct + memory map */

/*
 * The memory types of the firmware's map that are memory the kernel maps
 * write-back in its direct map: RAM (free, or used by the firmware's boot
 * services or by this loader), the firmware's run-time code and data, and
 * ACPI tables and NVS. Everything else (reserved, MMIO, unusable,
 * persistent memory, holes between descriptors) is not memory the direct
 * map may claim: a driver maps it on demand, with the caching it needs
 * (persistent memory belongs to the pmem driver, whether the map lists it
 * or only the NFIT does, as under QEMU). direct_map_size is the end of the highest range of these types,
 * rounded up to 1 GiB, whatever reserved ranges lie above it. Shared by
 * the loader (which sizes the map) and the kernel (which builds it).
 */
static inline int bootinfo_memtype_is_memory(uint32_t type)
{
	switch (type) {
	case 1: case 2:			/* EfiLoaderCode, EfiLoaderData */
	case 3: case 4:			/* EfiBootServicesCode, ...Data */
	case 5: case 6:			/* EfiRuntimeServicesCode, ...Data */
	case 7:				/* EfiConventionalMemory */
	case 9: case 10:		/* EfiACPIReclaimMemory, EfiACPIMemoryNVS */
	case BOOT_MEMTYPE_KERNEL:
	case BOOT_MEMTYPE_PAGETABLE:
	case BOOT_MEMTYPE_BOOTINFO:
		return 1;
	default:
		return 0;
	}
}

/* When the loader read the TSC: each stamp ends the step it names. */
enum boot_tsc_stamp {
	BOOT_TSC_START,		/* the first instruction of efi_main */
	BOOT_TSC_FILES,		/* the command line read, kernel.elf opened */
	BOOT_TSC_PLACED,	/* the ELF checked and read into its pages */
	BOOT_TSC_MEMMAP,	/* the memory map probed */
	BOOT_TSC_TABLES,	/* the page tables built */
	BOOT_TSC_BOOTINFO,	/* the boot-info allocated and filled */
	BOOT_TSC_MESSAGE,	/* the loader's line printed */
	BOOT_TSC_MAP,		/* the final memory map read */
	BOOT_TSC_EXIT,		/* ExitBootServices() succeeded */
	BOOT_TSC_JUMP,		/* CR3 loaded, right before the jump */
	BOOT_TSC_COUNT
};

struct bootinfo {
	uint64_t magic;			/* BOOTINFO_MAGIC */
	uint32_t version;		/* BOOTINFO_VERSION */
	uint32_t size;			/* sizeof(struct bootinfo) */

	/* UEFI memory map, a copy owned by the boot-info pages. Step through
	 * it by mmap_desc_size, never by sizeof(EFI_MEMORY_DESCRIPTOR). */
	uint64_t mmap_phys;
	uint64_t mmap_size;		/* bytes used */
	uint64_t mmap_desc_size;
	uint32_t mmap_desc_version;
	uint32_t exit_bs_attempts;	/* ExitBootServices() calls needed */

	uint64_t rsdp_phys;		/* ACPI 2.0+ RSDP, 0 if none */

	uint64_t kernel_phys;		/* where the image was placed */
	uint64_t kernel_virt;		/* lowest ELF virtual address */
	uint64_t kernel_size;		/* bytes, page-rounded, incl. bss */
	uint64_t kernel_entry;		/* virtual entry point jumped to */

	uint64_t pagetable_phys;	/* loader page tables (CR3 at jump) */
	uint64_t pagetable_size;	/* bytes */
	uint64_t direct_map_size;	/* end of memory, see above */

	/* Loader timing: raw TSC values, one per enum boot_tsc_stamp, in
	 * increasing order; the kernel converts them once it has calibrated
	 * the TSC and prints each step's share. */
	uint64_t tsc[BOOT_TSC_COUNT];

	char cmdline[BOOTINFO_CMDLINE_MAX]; /* NUL-terminated */
};

#endif /* BOOT_BOOTINFO_H */
