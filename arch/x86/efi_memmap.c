/*
 * The UEFI memory map from the boot-info: iteration, type names, and the
 * boot-time summary.
 *
 * The firmware's descriptors are walked by the stride it reported
 * (desc_size, 48 bytes on OVMF), never by the size of the struct below:
 * later UEFI versions may append fields. Each is copied out into the
 * fixed struct efi_memdesc, so callers never see the firmware layout.
 *
 * The map is never written; where it lives (the boot-info pages, read
 * through the direct map) is set once by efi_memmap_init().
 */
#include <lib/compiler.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <boot/bootinfo.h>
#include <asm/efi_memmap.h>
#include <asm/page.h>

static const uint8_t *map_start;
static size_t map_size;
static size_t map_desc_size;

void efi_memmap_init(uint64_t phys, uint64_t size, uint64_t desc_size)
{
	map_start = phys_to_virt(phys);
	map_size = size;
	map_desc_size = desc_size;
}

void efi_memmap_iter_init(struct efi_memmap_iter *it)
{
	it->pos = map_start;
	it->end = map_start + map_size;
	it->desc_size = map_desc_size;
}

void efi_memmap_iter_init_buf(struct efi_memmap_iter *it, const void *buf, size_t size,
			      size_t desc_size)
{
	it->pos = buf;
	it->end = it->pos + size;
	it->desc_size = desc_size;
}

bool efi_memmap_next(struct efi_memmap_iter *it, struct efi_memdesc *d)
{
	const struct efi_raw_desc *raw;

	if (!it->desc_size || it->end - it->pos < (ptrdiff_t)it->desc_size)
		return false;
	raw = (const struct efi_raw_desc *)it->pos;
	it->pos += it->desc_size;

	*d = (struct efi_memdesc){
		.type = raw->type,
		.phys_start = raw->phys_start,
		.num_pages = raw->num_pages,
		.attribute = raw->attribute,
	};
	return true;
}

static const char *const type_names[] = {
	[EFI_RESERVED_TYPE]		  = "reserved",
	[EFI_LOADER_CODE]		  = "loader-code",
	[EFI_LOADER_DATA]		  = "loader-data",
	[EFI_BOOT_SERVICES_CODE]	  = "boot-services-code",
	[EFI_BOOT_SERVICES_DATA]	  = "boot-services-data",
	[EFI_RUNTIME_SERVICES_CODE]	  = "runtime-services-code",
	[EFI_RUNTIME_SERVICES_DATA]	  = "runtime-services-data",
	[EFI_CONVENTIONAL_MEMORY]	  = "conventional",
	[EFI_UNUSABLE_MEMORY]		  = "unusable",
	[EFI_ACPI_RECLAIM_MEMORY]	  = "acpi-reclaim",
	[EFI_ACPI_MEMORY_NVS]		  = "acpi-nvs",
	[EFI_MEMORY_MAPPED_IO]		  = "mmio",
	[EFI_MEMORY_MAPPED_IO_PORT_SPACE] = "mmio-port-space",
	[EFI_PAL_CODE]			  = "pal-code",
	[EFI_PERSISTENT_MEMORY]		  = "persistent",
};

const char *efi_memtype_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEMTYPE_KERNEL:
		return "zdk-kernel";
	case BOOT_MEMTYPE_PAGETABLE:
		return "zdk-page-tables";
	case BOOT_MEMTYPE_BOOTINFO:
		return "zdk-boot-info";
	}
	if (type < ARRAY_SIZE(type_names))
		return type_names[type];
	return "unknown";
}

bool efi_memtype_usable(uint32_t type)
{
	switch (type) {
	case EFI_CONVENTIONAL_MEMORY:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
		return true;
	default:
		return false;
	}
}

struct type_total {
	uint32_t type;
	unsigned int count;
	uint64_t pages;
};

/* Add d to its type's total; totals[] is kept sorted by type. */
static size_t account(struct type_total *totals, size_t n, size_t max,
		      const struct efi_memdesc *d)
{
	size_t i = 0;

	while (i < n && totals[i].type < d->type)
		i++;
	if (i == n || totals[i].type != d->type) {
		if (n == max)
			return n;	/* more types than any firmware has */
		for (size_t j = n; j > i; j--)
			totals[j] = totals[j - 1];
		totals[i] = (struct type_total){ .type = d->type };
		n++;
	}
	totals[i].count++;
	totals[i].pages += d->num_pages;
	return n;
}

/* "12.34" MiB from a page count, into buf. */
static const char *mib(char *buf, size_t size, uint64_t pages)
{
	uint64_t pages_per_mib = (1024 * 1024) / EFI_PAGE_SIZE;

	scnprintf(buf, size, "%lu.%02lu", pages / pages_per_mib,
		  pages % pages_per_mib * 100 / pages_per_mib);
	return buf;
}

void efi_memmap_print_summary(void)
{
	struct type_total totals[32];
	struct efi_memmap_iter it;
	struct efi_memdesc d;
	size_t ntypes = 0, ndesc = 0;
	uint64_t usable = 0;
	char size[24];

	for_each_efi_memdesc(&it, &d) {
		ntypes = account(totals, ntypes, ARRAY_SIZE(totals), &d);
		ndesc++;
		if (efi_memtype_usable(d.type))
			usable += d.num_pages;
	}

	pr_info("efi: memory map: %zu descriptors of %zu bytes",
		ndesc, map_desc_size);
	for (size_t i = 0; i < ntypes; i++) {
		char type[16];

		scnprintf(type, sizeof(type), "(0x%x)", totals[i].type);
		pr_info("efi:   %-21s %-12s %4u range%s %10s MiB",
			efi_memtype_name(totals[i].type), type, totals[i].count,
			totals[i].count == 1 ? " " : "s",
			mib(size, sizeof(size), totals[i].pages));
	}
	pr_info("efi: usable RAM %s MiB (conventional, boot services, loader)",
		mib(size, sizeof(size), usable));
}
