/*
 * The UEFI memory map the loader handed over (boot/bootinfo.h), read
 * through a small iterator so that the early allocator in mm/ can walk it
 * without knowing the firmware's descriptor layout or stride.
 *
 *   struct efi_memmap_iter it;
 *   struct efi_memdesc d;
 *
 *   for_each_efi_memdesc(&it, &d)
 *           if (efi_memtype_usable(d.type))
 *                   add_range(d.phys_start, d.num_pages);
 *
 * The map lives in the boot-info pages (read-only, reserved while used)
 * and is read through the direct map. Implemented in arch/x86/efi_memmap.c.
 */
#ifndef ASM_EFI_MEMMAP_H
#define ASM_EFI_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* UEFI memory types (UEFI spec, EFI_MEMORY_TYPE) */
#define EFI_RESERVED_TYPE		0
#define EFI_LOADER_CODE			1
#define EFI_LOADER_DATA			2
#define EFI_BOOT_SERVICES_CODE		3
#define EFI_BOOT_SERVICES_DATA		4
#define EFI_RUNTIME_SERVICES_CODE	5
#define EFI_RUNTIME_SERVICES_DATA	6
#define EFI_CONVENTIONAL_MEMORY		7
#define EFI_UNUSABLE_MEMORY		8
#define EFI_ACPI_RECLAIM_MEMORY		9
#define EFI_ACPI_MEMORY_NVS		10
#define EFI_MEMORY_MAPPED_IO		11
#define EFI_MEMORY_MAPPED_IO_PORT_SPACE	12
#define EFI_PAL_CODE			13
#define EFI_PERSISTENT_MEMORY		14
/* the loader's own types (BOOT_MEMTYPE_* in boot/bootinfo.h) are >= 2^31 */

#define EFI_PAGE_SIZE			4096ULL

/* One range of the map, in a fixed layout independent of the firmware's. */
struct efi_memdesc {
	uint32_t type;
	uint64_t phys_start;
	uint64_t num_pages;		/* of EFI_PAGE_SIZE bytes */
	uint64_t attribute;		/* EFI_MEMORY_WB, ... */
};

/* EFI_MEMORY_DESCRIPTOR as the firmware lays it out (UEFI spec 7.2);
 * descriptors may be longer (desc_size), never shorter. */
struct efi_raw_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t num_pages;
	uint64_t attribute;
};

struct efi_memmap_iter {
	const uint8_t *pos;
	const uint8_t *end;
	size_t desc_size;
};

void efi_memmap_iter_init(struct efi_memmap_iter *it);
/* An iterator over a map laid out as the firmware lays it out, at buf
 * (size bytes, one descriptor every desc_size): for tests of code that
 * reads the map, with maps of other machines. */
void efi_memmap_iter_init_buf(struct efi_memmap_iter *it, const void *buf, size_t size,
			      size_t desc_size);
/* Fill *d with the next descriptor; false at the end of the map. */
bool efi_memmap_next(struct efi_memmap_iter *it, struct efi_memdesc *d);

#define for_each_efi_memdesc(it, d) \
	for (efi_memmap_iter_init(it); efi_memmap_next(it, d); )

/* "conventional", "boot-services-data", "zdk-kernel", ... */
const char *efi_memtype_name(uint32_t type);
/*
 * RAM the kernel may use once boot services are gone: conventional,
 * boot services code/data and loader code/data. The loader's own types
 * (kernel image, page tables, boot-info) are not: they stay reserved.
 */
bool efi_memtype_usable(uint32_t type);

/* Boot (arch/x86/setup.c): where the map is; print it by type. */
void efi_memmap_init(uint64_t phys, uint64_t size, uint64_t desc_size);
void efi_memmap_print_summary(void);

#endif /* ASM_EFI_MEMMAP_H */
