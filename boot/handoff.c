/*
 * Leaving the firmware: the final memory map, ExitBootServices() and the
 * jump to the kernel.
 *
 * The map is read straight into the boot-info pages. ExitBootServices()
 * fails with EFI_INVALID_PARAMETER when the map key is stale (the map
 * changed since we read it, e.g. a firmware timer event allocated memory);
 * then we read the map again and retry at once, with no allocation and no
 * print in between. After a failed attempt the firmware may already have
 * shut part of itself down, so any error from then on goes to COM1 only.
 *
 * After success nothing of the firmware may be used: interrupts off, our
 * page tables into CR3 (this code keeps running through the identity
 * map), then the kernel entry with the boot-info's physical address in
 * %rdi on a 16-byte aligned stack carved from the boot-info pages.
 */
#include "boot/loader.h"

#define EXIT_TRIES	8

static void __attribute__((noreturn)) jump_to_kernel(struct bootinfo *bi, uint64_t stack_top)
{
	__asm__ volatile("cli");
	__asm__ volatile("mov %0, %%cr3" : : "r"(bi->pagetable_phys) : "memory");
	bi->tsc[BOOT_TSC_JUMP] = rdtsc();
	__asm__ volatile(
		"mov %0, %%rsp\n\t"
		"xor %%ebp, %%ebp\n\t"
		"cld\n\t"
		"jmp *%1"
		: : "r"(stack_top), "r"(bi->kernel_entry), "D"((uint64_t)(UINTN)bi)
		: "memory");
	__builtin_unreachable();
}

EFI_STATUS handoff(EFI_HANDLE image, struct bootinfo *bi, UINTN map_capacity,
		   uint64_t stack_top)
{
	EFI_MEMORY_DESCRIPTOR *map = (void *)(UINTN)bi->mmap_phys;
	const CHAR16 *what = L"GetMemoryMap";
	BOOLEAN tried_exit = FALSE;
	EFI_STATUS st = EFI_SUCCESS;
	UINT32 attempt;

	for (attempt = 1; attempt <= EXIT_TRIES; attempt++) {
		UINTN size = map_capacity, key, dsize;
		UINT32 dversion;

		what = L"GetMemoryMap";
		st = BS->GetMemoryMap(&size, map, &key, &dsize, &dversion);
		if (EFI_ERROR(st))
			break;
		bi->mmap_size = size;
		bi->mmap_desc_size = dsize;
		bi->mmap_desc_version = dversion;
		bi->tsc[BOOT_TSC_MAP] = rdtsc();

		what = L"ExitBootServices";
		tried_exit = TRUE;
		st = BS->ExitBootServices(image, key);
		if (!EFI_ERROR(st)) {
			bi->exit_bs_attempts = attempt;
			bi->tsc[BOOT_TSC_EXIT] = rdtsc();
			jump_to_kernel(bi, stack_top);
		}
		if (st != EFI_INVALID_PARAMETER)
			break;
	}

	if (tried_exit)
		bootcon_firmware_gone();
	return boot_error(st, L"%s failed (attempt %d of %d, map buffer %ld bytes)",
			  what, attempt > EXIT_TRIES ? EXIT_TRIES : attempt, EXIT_TRIES,
			  (UINT64)map_capacity);
}
