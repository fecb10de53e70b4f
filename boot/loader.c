/*
 * efi_main: the loader's main flow, one step after the other.
 *
 *   1. read \zdk\cmdline and open \zdk\kernel.elf on the ESP we came from;
 *   2. check the ELF and read its segments into BOOT_MEMTYPE_KERNEL pages;
 *   3. build the page tables (identity + direct map + kernel);
 *   4. allocate and fill the boot-info (bootinfo.h), which also holds the
 *      final memory map and a small stack for the jump;
 *   5. ExitBootServices() and jump to the kernel (handoff.c).
 *
 * Any failure before step 5 prints what went wrong, frees what this
 * function allocated and returns the EFI status to the firmware.
 */
#include "boot/loader.h"

#define GIB		(1ULL << 30)
/* The loader's own tables map at least the low 4 GiB: the firmware's GDT
 * and flash lie there until the kernel has its own (bootinfo.h). */
#define MIN_LOADER_MAP	(4 * GIB)
#define MAP_SLACK_DESCS	8		/* for the map growing after we size it */
#define HANDOFF_STACK	(16 * 1024)

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

static char cmdline[BOOTINFO_CMDLINE_MAX];

static UINTN trim_trailing_space(const char *s, UINTN len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
		       s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	return len;
}

/* A missing file is an empty command line; line breaks become spaces. */
static EFI_STATUS read_cmdline(EFI_FILE_HANDLE root)
{
	char *text;
	UINTN len;
	EFI_STATUS st;

	st = file_read(root, BOOT_CMDLINE_PATH, TRUE, (void **)&text, &len);
	if (st == EFI_NOT_FOUND)
		return EFI_SUCCESS;
	if (EFI_ERROR(st))
		return st;

	len = trim_trailing_space(text, len);
	if (len > BOOTINFO_CMDLINE_MAX - 1) {
		boot_warn(L"%s is %ld bytes, truncated to %d", BOOT_CMDLINE_PATH,
			  (UINT64)len, BOOTINFO_CMDLINE_MAX - 1);
		len = trim_trailing_space(text, BOOTINFO_CMDLINE_MAX - 1);
	}
	for (UINTN i = 0; i < len; i++) {
		char c = text[i];

		cmdline[i] = (c == '\n' || c == '\r' || c == '\t' || c == 0) ? ' ' : c;
	}
	cmdline[len] = 0;
	FreePool(text);
	return EFI_SUCCESS;
}

static EFI_STATUS load_kernel(EFI_HANDLE image, struct kernel_image *img, UINTN *file_size,
			      uint64_t *stamp)
{
	EFI_FILE_HANDLE root, kernel;
	EFI_STATUS st;

	st = file_open_root(image, &root);
	if (EFI_ERROR(st))
		return st;
	st = read_cmdline(root);
	if (!EFI_ERROR(st))
		st = file_open(root, BOOT_KERNEL_PATH, FALSE, &kernel, file_size);
	root->Close(root);
	if (EFI_ERROR(st))
		return st;
	stamp[BOOT_TSC_FILES] = rdtsc();
	st = elf_load(kernel, *file_size, img);
	kernel->Close(kernel);
	stamp[BOOT_TSC_PLACED] = rdtsc();
	return st;
}

static uint64_t find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &acpi20))
			return (uint64_t)(UINTN)t->VendorTable;
	}
	return 0;
}

/*
 * The boot-info pages: [struct bootinfo][memory map buffer][stack].
 * The map buffer is sized from the map now plus slack for the growth our
 * own allocations and the firmware cause before the final GetMemoryMap.
 */
static EFI_STATUS alloc_bootinfo(UINTN map_size, UINTN desc_size, struct bootinfo **out,
				 UINTN *map_capacity, uint64_t *stack_top)
{
	UINTN info_bytes = PAGES(sizeof(struct bootinfo)) * PAGE_SIZE;
	UINTN map_bytes = PAGES(map_size + MAP_SLACK_DESCS * desc_size + PAGE_SIZE) * PAGE_SIZE;
	UINTN pages = PAGES(info_bytes + map_bytes + HANDOFF_STACK);
	uint64_t phys;
	EFI_STATUS st;

	st = alloc_pages(BOOT_MEMTYPE_BOOTINFO, pages, PAGE_SIZE, &phys);
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot allocate %ld pages for the boot-info", (UINT64)pages);
	zero_mem((void *)(UINTN)phys, pages * PAGE_SIZE);
	*out = (struct bootinfo *)(UINTN)phys;
	(*out)->mmap_phys = phys + info_bytes;
	*map_capacity = map_bytes;
	*stack_top = phys + pages * PAGE_SIZE;
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	uint64_t stamp[BOOT_TSC_COUNT] = { rdtsc() };	/* BOOT_TSC_START */
	struct kernel_image img = { 0 };
	struct page_tables pt = { 0 };
	struct bootinfo *bi = NULL;
	uint64_t phys_end = 0, dmsize, mapped, stack_top = 0;
	UINTN file_size = 0, map_size = 0, desc_size = 0, map_capacity = 0;
	EFI_STATUS st;

	InitializeLib(image, systab);

	st = load_kernel(image, &img, &file_size, stamp);
	if (EFI_ERROR(st))
		return st;

	st = memmap_probe(&phys_end, &map_size, &desc_size);
	if (EFI_ERROR(st))
		goto free_kernel;
	stamp[BOOT_TSC_MEMMAP] = rdtsc();
	dmsize = (phys_end + GIB - 1) & ~(GIB - 1);
	mapped = dmsize < MIN_LOADER_MAP ? MIN_LOADER_MAP : dmsize;

	st = paging_build(mapped, &img, &pt);
	if (EFI_ERROR(st))
		goto free_kernel;
	stamp[BOOT_TSC_TABLES] = rdtsc();

	st = alloc_bootinfo(map_size, desc_size, &bi, &map_capacity, &stack_top);
	if (EFI_ERROR(st))
		goto free_tables;

	bi->magic = BOOTINFO_MAGIC;
	bi->version = BOOTINFO_VERSION;
	bi->size = sizeof(*bi);
	bi->rsdp_phys = find_rsdp();
	bi->kernel_phys = img.phys;
	bi->kernel_virt = img.virt;
	bi->kernel_size = img.size;
	bi->kernel_entry = img.entry;
	bi->pagetable_phys = pt.cr3;
	bi->pagetable_size = pt.size;
	bi->direct_map_size = dmsize;
	CopyMem(bi->cmdline, cmdline, sizeof(bi->cmdline));
	stamp[BOOT_TSC_BOOTINFO] = rdtsc();

	if (!bi->rsdp_phys)
		boot_warn(L"no ACPI 2.0 RSDP in the EFI configuration table");
	boot_info(L"kernel.elf %ld bytes at phys 0x%lx (%ld KiB), memory ends below %ld GiB, "
		  L"loader maps %ld GiB (%s pages), cmdline '%a'",
		  (UINT64)file_size, img.phys, img.size / 1024, dmsize / GIB, mapped / GIB,
		  pt.huge ? L"1 GiB" : L"2 MiB", cmdline);
	stamp[BOOT_TSC_MESSAGE] = rdtsc();
	CopyMem(bi->tsc, stamp, sizeof(bi->tsc));	/* handoff() adds the rest */

	/* Returns only if leaving the firmware failed; nothing is freed then. */
	return handoff(image, bi, map_capacity, stack_top);

free_tables:
	BS->FreePages(pt.cr3, PAGES(pt.size));
free_kernel:
	BS->FreePages(img.phys, PAGES(img.size));
	return st;
}
