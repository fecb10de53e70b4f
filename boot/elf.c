/*
 * Loading kernel.elf: check that the file is an x86-64 ELF64 executable
 * whose loadable segments all lie in the higher half (at or above
 * BOOT_KERNEL_VIRT_BASE) and inside the file, then copy the whole span
 * [lowest vaddr, highest vaddr + memsz), page-rounded, into one contiguous
 * block of BOOT_MEMTYPE_KERNEL pages: segment at (vaddr - lowest), the
 * rest (bss, gaps) zero. Physical addresses in the file are ignored; the
 * page tables map the span at its virtual addresses.
 *
 * Each check names what is wrong, so a bad build is easy to spot.
 */
#include "boot/loader.h"

#define KERNEL_ALIGN	(2ULL << 20)	/* preferred, lets the kernel use 2 MiB pages */

/* The parts of the ELF64 format (System V gABI) the loader reads. */
struct elf64_ehdr {
	uint8_t  ident[16];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct elf64_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ET_EXEC		2
#define EM_X86_64	62
#define PT_LOAD		1
/* The highest end address whose page-rounding cannot wrap. */
#define VADDR_LIMIT	(~0ULL - PAGE_SIZE + 1)

static EFI_STATUS bad(const CHAR16 *what)
{
	return boot_error(EFI_LOAD_ERROR, L"kernel.elf: %s", what);
}

static void get_phdr(const UINT8 *file, const struct elf64_ehdr *eh, UINTN i,
		     struct elf64_phdr *ph)
{
	/* Copied out: the table need not be aligned in the file. */
	CopyMem(ph, (void *)(file + eh->phoff + i * eh->phentsize), sizeof(*ph));
}

static EFI_STATUS check_header(const struct elf64_ehdr *eh, UINTN size)
{
	static const UINT8 magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (size < sizeof(*eh))
		return bad(L"file too small for an ELF header");
	if (CompareMem(eh->ident, magic, sizeof(magic)))
		return bad(L"not an ELF file (bad magic)");
	if (eh->ident[4] != ELFCLASS64)
		return bad(L"not a 64-bit ELF (class)");
	if (eh->ident[5] != ELFDATA2LSB)
		return bad(L"not little-endian");
	if (eh->machine != EM_X86_64)
		return bad(L"not an x86-64 ELF (machine)");
	if (eh->type != ET_EXEC)
		return bad(L"not an executable (type is not ET_EXEC)");
	if (eh->phnum == 0)
		return bad(L"no program headers");
	if (eh->phentsize != sizeof(struct elf64_phdr))
		return bad(L"unexpected program header size");
	if (eh->phoff > size || (size - eh->phoff) / eh->phentsize < eh->phnum)
		return bad(L"program headers lie outside the file");
	return EFI_SUCCESS;
}

/* Checks every PT_LOAD segment and the entry point; computes the span. */
static EFI_STATUS check_segments(const UINT8 *file, UINTN size, struct kernel_image *img)
{
	const struct elf64_ehdr *eh = (const void *)file;
	uint64_t lo = ~0ULL, hi = 0;
	BOOLEAN entry_ok = FALSE;
	struct elf64_phdr ph;
	uint64_t end;

	for (UINTN i = 0; i < eh->phnum; i++) {
		get_phdr(file, eh, i, &ph);
		if (ph.type != PT_LOAD)
			continue;
		if (ph.filesz > ph.memsz)
			return bad(L"segment with filesz > memsz");
		if (ph.offset > size || size - ph.offset < ph.filesz)
			return bad(L"segment data lies outside the file");
		if (ph.vaddr < BOOT_KERNEL_VIRT_BASE)
			return bad(L"segment below the kernel base (not linked for the higher half?)");
		if (__builtin_add_overflow(ph.vaddr, ph.memsz, &end) || end > VADDR_LIMIT)
			return bad(L"segment runs past the top of the address space");
		if (ph.vaddr < lo)
			lo = ph.vaddr;
		if (end > hi)
			hi = end;
		if (eh->entry >= ph.vaddr && eh->entry - ph.vaddr < ph.filesz)
			entry_ok = TRUE;
	}
	if (hi == 0)
		return bad(L"no PT_LOAD segment");
	if (!entry_ok)
		return bad(L"entry point is not inside a loaded segment");

	img->virt = lo & ~(PAGE_SIZE - 1);
	img->size = ((hi + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - img->virt;
	img->entry = eh->entry;
	return EFI_SUCCESS;
}

EFI_STATUS elf_load(const void *file, UINTN size, struct kernel_image *img)
{
	const struct elf64_ehdr *eh = file;
	UINT8 *dst;
	EFI_STATUS st;

	st = check_header(eh, size);
	if (!EFI_ERROR(st))
		st = check_segments(file, size, img);
	if (EFI_ERROR(st))
		return st;

	st = alloc_pages(BOOT_MEMTYPE_KERNEL, PAGES(img->size), KERNEL_ALIGN, &img->phys);
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot allocate %ld KiB for the kernel image",
				  img->size / 1024);

	dst = (UINT8 *)(UINTN)img->phys;
	SetMem(dst, img->size, 0);
	for (UINTN i = 0; i < eh->phnum; i++) {
		struct elf64_phdr ph;

		get_phdr(file, eh, i, &ph);
		if (ph.type == PT_LOAD && ph.filesz)
			CopyMem(dst + (ph.vaddr - img->virt),
				(void *)((const UINT8 *)file + ph.offset), ph.filesz);
	}
	return EFI_SUCCESS;
}
