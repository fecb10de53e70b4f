/*
 * x86_start(): from the loader's jump to start_kernel().
 *
 * The order is chosen so that every step can report its own failure:
 *   1. the serial port, usable without printk;
 *   2. the boot-info check: a loader from another build is refused on the
 *      raw serial port with the crash verdict, before any of its fields
 *      is trusted;
 *   3. the console, so that everything from here on goes through printk;
 *   4. our own GDT/TSS and IDT: from now on a fault is reported by us,
 *      not by the firmware's tables (which may already be gone); then the
 *      loader's identity map of low memory goes, so stray pointers fault;
 *   5. CPU features (and the memcpy flavour they select), TSC calibration;
 *   6. the boot facts and the memory-map summary, then the generic kernel.
 *
 * The boot-info stays where the loader put it (its pages are reserved)
 * and is read through the direct map; this file owns the pointer and
 * answers the arch_* questions about it (<asm/platform.h>, <asm/page.h>).
 */
#include <lib/compiler.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <kernel/main.h>
#include <kernel/verdict.h>
#include <kernel/version.h>
#include <boot/bootinfo.h>
#include <mm/memblock.h>
#include <asm/efi_memmap.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/platform.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/ctrlregs.h>
#include <asm/percpu.h>
#include "lib/memcpy.h"
#include "gdt.h"
#include "idt.h"
#include "mm_fault.h"

/* The loader and the kernel agree on where things are (asm/ stays free of boot/). */
_Static_assert(DIRECT_MAP_BASE == BOOT_DIRECT_MAP_BASE, "the loader's direct map is the kernel's");
_Static_assert(KERNEL_IMAGE_START == BOOT_KERNEL_VIRT_BASE, "the kernel is linked where it is loaded");
#include "paging.h"
#include "serial.h"
#include "tsc.h"


/* The smallest descriptor stride UEFI allows (EFI_MEMORY_DESCRIPTOR). */
#define EFI_DESC_MIN_SIZE	40

static const struct bootinfo *bootinfo;

/* Called by entry.asm, on the boot stack, with the loader's %rdi. */
__noreturn void x86_start(uint64_t bootinfo_phys);

/* Before the console exists: one verdict line straight to the UART. */
static __noreturn __printf(1, 2) void bootinfo_reject(const char *fmt, ...)
{
	char line[200];
	va_list ap;
	int n;

	n = scnprintf(line, sizeof(line), "zdk: verdict: CRASH (boot-info: ");
	va_start(ap, fmt);
	n += vscnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	n += scnprintf(line + n, sizeof(line) - n, ")\n");
	serial_write(line, n);
	arch_debug_exit(VERDICT_CRASH);
}

static const struct bootinfo *bootinfo_check(uint64_t phys)
{
	const struct bootinfo *bi;

	if (!phys || !IS_ALIGNED(phys, 8))
		bootinfo_reject("address 0x%lx is null or misaligned", phys);
	bi = phys_to_virt(phys);

	if (bi->magic != BOOTINFO_MAGIC)
		bootinfo_reject("magic 0x%lx, expected 0x%llx: not a zdk loader",
				bi->magic, BOOTINFO_MAGIC);
	if (bi->version != BOOTINFO_VERSION)
		bootinfo_reject("version %u, kernel expects %u: loader and "
				"kernel are from different builds",
				bi->version, BOOTINFO_VERSION);
	if (bi->size != sizeof(*bi))
		bootinfo_reject("size %u, kernel expects %zu", bi->size, sizeof(*bi));
	if (!memchr(bi->cmdline, '\0', sizeof(bi->cmdline)))
		bootinfo_reject("command line is not NUL-terminated");
	if (bi->mmap_desc_size < EFI_DESC_MIN_SIZE ||
	    !IS_ALIGNED(bi->mmap_desc_size, 8) ||
	    bi->mmap_size % bi->mmap_desc_size)
		bootinfo_reject("memory map of %lu bytes with descriptors of %lu",
				bi->mmap_size, bi->mmap_desc_size);
	return bi;
}

const char *arch_cmdline(void)
{
	return bootinfo ? bootinfo->cmdline : "";
}

uint64_t arch_rsdp_phys(void)
{
	return bootinfo ? bootinfo->rsdp_phys : 0;
}

uint64_t direct_map_size(void)
{
	return bootinfo ? bootinfo->direct_map_size : 0;
}

uint64_t arch_loader_ns(void)
{
	if (!bootinfo || bootinfo->tsc_kernel_jump < bootinfo->tsc_loader_start)
		return 0;
	return arch_boot_tsc_ns(bootinfo->tsc_kernel_jump - bootinfo->tsc_loader_start);
}

uint64_t arch_since_loader_ns(void)
{
	if (!bootinfo)
		return 0;
	return arch_boot_tsc_ns(arch_cycles() - bootinfo->tsc_loader_start);
}

static void print_boot_facts(const struct bootinfo *bi)
{
	uint64_t loader_us = arch_loader_ns() / 1000;

	pr_info("boot: loader ran %lu.%03lu ms (efi_main to kernel entry), "
		"ExitBootServices attempts: %u",
		loader_us / 1000, loader_us % 1000, bi->exit_bs_attempts);
	pr_info("boot: kernel at phys 0x%lx virt 0x%lx, %lu KiB; direct map %lu MiB",
		bi->kernel_phys, bi->kernel_virt, bi->kernel_size / 1024,
		bi->direct_map_size >> 20);
	pr_info("boot: ACPI RSDP at 0x%lx", bi->rsdp_phys);
	pr_info("boot: command line \"%s\"", bi->cmdline);
}

/*
 * The loader identity-maps low memory only to survive its own switch of
 * CR3. The kernel reaches physical memory through the direct map alone, so
 * the lower half is unmapped here: a stray low pointer (NULL plus an
 * offset) then faults instead of quietly reading physical memory.
 */
static void drop_identity_map(void)
{
	uint64_t cr3 = read_cr3();
	uint64_t *pml4 = phys_to_virt(cr3 & 0x000ffffffffff000ULL);

	for (int i = 0; i < 256; i++)
		pml4[i] = 0;
	write_cr3(cr3);		/* flushes the non-global TLB entries */
}

__noreturn void x86_start(uint64_t bootinfo_phys)
{
	tsc_mark_epoch();
	serial_init();
	bootinfo = bootinfo_check(bootinfo_phys);
	serial_console_register();
	pr_info("zdk %s (x86-64)", zdk_version);

	gdt_init();
	idt_init();
	percpu_init_boot_cpu();
	drop_identity_map();
	cpu_features_init();
	memcpy_init();
	tsc_calibrate();

	print_boot_facts(bootinfo);
	efi_memmap_init(bootinfo->mmap_phys, bootinfo->mmap_size,
			bootinfo->mmap_desc_size);
	efi_memmap_print_summary();
	arch_memblock_init();
	paging_init(bootinfo->kernel_phys);
	page_fault_init();

	start_kernel();
}
