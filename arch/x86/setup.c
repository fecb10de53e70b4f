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
#include <lib/console_mode.h>
#include <lib/cmdline.h>
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
#include "serial_log.h"
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
	const uint64_t *tsc = bootinfo ? bootinfo->tsc : NULL;

	if (!tsc || tsc[BOOT_TSC_JUMP] < tsc[BOOT_TSC_START])
		return 0;
	return arch_boot_tsc_ns(tsc[BOOT_TSC_JUMP] - tsc[BOOT_TSC_START]);
}

uint64_t arch_since_loader_ns(void)
{
	if (!bootinfo)
		return 0;
	return arch_boot_tsc_ns(arch_cycles() - bootinfo->tsc[BOOT_TSC_START]);
}

/* What the loader did before each of its stamps (boot/bootinfo.h). */
static const char *const loader_step[BOOT_TSC_COUNT] = {
	[BOOT_TSC_FILES] = "files",
	[BOOT_TSC_PLACED] = "ELF",
	[BOOT_TSC_MEMMAP] = "memory map",
	[BOOT_TSC_TABLES] = "page tables",
	[BOOT_TSC_BOOTINFO] = "boot-info",
	[BOOT_TSC_MESSAGE] = "message",
	[BOOT_TSC_MAP] = "final memory map",
	[BOOT_TSC_EXIT] = "ExitBootServices",
	[BOOT_TSC_JUMP] = "jump",
};

/* "files 1.234, ELF 0.456, ..." in ms; a stamp out of order shows as "?". */
static void loader_steps_text(const uint64_t *tsc, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = BOOT_TSC_START + 1; i < BOOT_TSC_COUNT; i++) {
		uint64_t us = arch_boot_tsc_ns(tsc[i] - tsc[i - 1]) / 1000;

		if (tsc[i] < tsc[i - 1])
			n += scnprintf(buf + n, size - n, "%s%s ?", i > 1 ? ", " : "",
				       loader_step[i]);
		else
			n += scnprintf(buf + n, size - n, "%s%s %lu.%03lu", i > 1 ? ", " : "",
				       loader_step[i], us / 1000, us % 1000);
	}
}

static void print_boot_facts(const struct bootinfo *bi)
{
	uint64_t loader_us = arch_loader_ns() / 1000;
	char steps[200];

	loader_steps_text(bi->tsc, steps, sizeof(steps));
	pr_info("boot: loader ran %lu.%03lu ms (efi_main to kernel entry: %s ms), "
		"ExitBootServices attempts: %u",
		loader_us / 1000, loader_us % 1000, steps, bi->exit_bs_attempts);
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

/*
 * The kernel's first steps, stamped with the raw TSC (nothing converts
 * cycles before tsc_calibrate()): printed once the clock is known.
 */
enum early_stamp { EARLY_ENTRY, EARLY_CONSOLE, EARLY_TABLES, EARLY_FEATURES,
		   EARLY_CLOCK, EARLY_COUNT };

static void print_early_steps(const uint64_t *t)
{
	static const char *const what[EARLY_COUNT] = {
		[EARLY_CONSOLE] = "console", [EARLY_TABLES] = "GDT/IDT/per-CPU",
		[EARLY_FEATURES] = "CPU features", [EARLY_CLOCK] = "clock",
	};
	uint64_t jump = bootinfo->tsc[BOOT_TSC_JUMP];
	uint64_t us = t[EARLY_ENTRY] > jump ? arch_boot_tsc_ns(t[EARLY_ENTRY] - jump) / 1000 : 0;
	char buf[200];
	size_t n;

	/* _start clears the .bss before x86_start runs */
	n = scnprintf(buf, sizeof(buf), ".bss %lu.%03lu", us / 1000, us % 1000);
	for (int i = EARLY_ENTRY + 1; i < EARLY_COUNT; i++) {
		us = arch_boot_tsc_ns(t[i] - t[i - 1]) / 1000;
		n += scnprintf(buf + n, sizeof(buf) - n, ", %s %lu.%03lu", what[i],
			       us / 1000, us % 1000);
	}
	pr_info("boot: loader's jump to here: %s ms", buf);
}

__noreturn void x86_start(uint64_t bootinfo_phys)
{
	uint64_t early[EARLY_COUNT];

	tsc_mark_epoch();
	early[EARLY_ENTRY] = arch_cycles();
	serial_init();
	bootinfo = bootinfo_check(bootinfo_phys);
	serial_console_register();
	serial_log_register();
	pr_info("zdk %s (x86-64)", zdk_version);
	early[EARLY_CONSOLE] = arch_cycles();

	gdt_init();
	idt_init();
	percpu_init_boot_cpu();
	console_mode_setup(boot_cmdline());	/* console=summary: needs locks, so per-CPU data */
	drop_identity_map();
	early[EARLY_TABLES] = arch_cycles();
	cpu_features_init();
	memcpy_init();
	early[EARLY_FEATURES] = arch_cycles();
	tsc_calibrate(bootinfo->rsdp_phys);
	early[EARLY_CLOCK] = arch_cycles();

	print_boot_facts(bootinfo);
	print_early_steps(early);
	efi_memmap_init(bootinfo->mmap_phys, bootinfo->mmap_size,
			bootinfo->mmap_desc_size);
	efi_memmap_print_summary();
	arch_memblock_init();
	paging_init(bootinfo->kernel_phys);
	page_fault_init();

	start_kernel();
}
