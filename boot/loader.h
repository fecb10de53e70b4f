/*
 * Internal interfaces of the zdk UEFI loader (the C files in boot/).
 *
 * The loader is a GNU-EFI application. efi_main (loader.c) runs the steps
 * in order; each step lives in its own file and reports its own failures
 * through bootcon.c, so the caller only passes the EFI status up:
 *
 *   bootcon.c  messages on the firmware console and on COM1
 *   file.c     reading whole files from the ESP the loader came from
 *   elf.c      checking kernel.elf and copying it into its own pages
 *   memory.c   page allocation and a look at the firmware memory map
 *   paging.c   the page tables the kernel starts on
 *   handoff.c  ExitBootServices() and the jump to the kernel
 */
#ifndef BOOT_LOADER_H
#define BOOT_LOADER_H

#include <efi.h>
#include <efilib.h>

#include "boot/bootinfo.h"

#define PAGE_SIZE	4096ULL
#define PAGES(bytes)	(((bytes) + PAGE_SIZE - 1) / PAGE_SIZE)

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* bootcon.c: every line goes to COM1; warnings and errors also to ConOut. */
void boot_info(const CHAR16 *fmt, ...);
void boot_warn(const CHAR16 *fmt, ...);
/* Prints "error: <message> (<status>)" and returns status, or
 * EFI_LOAD_ERROR if status is EFI_SUCCESS (a check without a status). */
EFI_STATUS boot_error(EFI_STATUS status, const CHAR16 *fmt, ...);
/* From now on write to COM1 only (boot services may be gone). */
void bootcon_firmware_gone(void);

/* file.c. If optional, a missing file returns EFI_NOT_FOUND without a
 * message; every other failure is reported. */
EFI_STATUS file_open_root(EFI_HANDLE image, EFI_FILE_HANDLE *root);
/* Opens a file for reading and tells its size. */
EFI_STATUS file_open(EFI_FILE_HANDLE root, const CHAR16 *path, BOOLEAN optional,
		     EFI_FILE_HANDLE *f, UINTN *size);
/* Reads exactly len bytes at offset (path names the file in messages). */
EFI_STATUS file_read_at(EFI_FILE_HANDLE f, const CHAR16 *path, UINT64 offset, void *buf,
			UINTN len);
/* Reads the whole file into pool memory (freed with FreePool) and appends
 * a NUL byte not counted in *size. */
EFI_STATUS file_read(EFI_FILE_HANDLE root, const CHAR16 *path, BOOLEAN optional,
		     void **data, UINTN *size);

/* elf.c */
struct kernel_image {
	uint64_t virt;		/* lowest virtual address, page-aligned */
	uint64_t size;		/* page-rounded span incl. bss */
	uint64_t phys;		/* where the span was copied */
	uint64_t entry;		/* virtual entry point */
};
/* Checks the open kernel.elf of `size` bytes and reads its segments into
 * one block of BOOT_MEMTYPE_KERNEL pages. */
EFI_STATUS elf_load(EFI_FILE_HANDLE f, UINTN size, struct kernel_image *img);

/* memory.c */
EFI_STATUS alloc_pages(UINT32 type, UINTN pages, uint64_t align, uint64_t *phys);
/* Zeroes len bytes, 8 at a time where it can. */
void zero_mem(void *p, UINTN len);
/* End of the highest memory map descriptor, and the size of the map. */
EFI_STATUS memmap_probe(uint64_t *phys_end, UINTN *map_size, UINTN *desc_size);

/* paging.c */
struct page_tables {
	uint64_t cr3;		/* physical address of the PML4 */
	uint64_t size;		/* bytes allocated for all tables */
	BOOLEAN huge;		/* 1 GiB pages used for the linear maps */
};
EFI_STATUS paging_build(uint64_t direct_map_size, const struct kernel_image *img,
			struct page_tables *pt);

/* handoff.c: returns only on failure. */
EFI_STATUS handoff(EFI_HANDLE image, struct bootinfo *bi, UINTN map_capacity,
		   uint64_t stack_top);

#endif /* BOOT_LOADER_H */
