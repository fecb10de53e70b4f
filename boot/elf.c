/*
 * Loading kernel.elf: check that the file is an x86-64 ELF64 executable
 * whose loadable segments all lie in the higher half (at or above
 * BOOT_KERNEL_VIRT_BASE) and inside the file, then place the whole span
 * [lowest vaddr, highest vaddr + memsz), page-rounded, in one contiguous
 * block of BOOT_MEMTYPE_KERNEL pages: each segment's file bytes read
 * straight from the file to (vaddr - lowest), everything else (bss, gaps)
 * zero. Only the header and the program headers are read anywhere else.
 * Physical addresses in the file are ignored; the page tables map the
 * span at its virtual addresses.
 *
 * Each check names what is wrong, so a bad build is easy to spot.
 */
#include "boot/loader.h"

#define KERNEL_ALIGN	(2ULL << 20)	/* preferred, lets the kernel use 2 MiB pages */
#define PHDR_MAX	32

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

/* The program headers, read once (elf_load() runs once). */
static struct elf64_phdr phdrs[PHDR_MAX];

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
	if (eh->phnum > PHDR_MAX)
		return bad(L"more than 32 program headers");
	if (eh->phoff > size || (size - eh->phoff) / eh->phentsize < eh->phnum)
		return bad(L"program headers lie outside the file");
	return EFI_SUCCESS;
}

/* Checks every PT_LOAD segment and the entry point; computes the span. */
static EFI_STATUS check_segments(const struct elf64_ehdr *eh, UINTN size,
				 struct kernel_image *img)
{
	uint64_t lo = ~0ULL, hi = 0;
	BOOLEAN entry_ok = FALSE;
	uint64_t end;

	for (UINTN i = 0; i < eh->phnum; i++) {
		struct elf64_phdr ph = phdrs[i];

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

/*
 * Zeroes what no segment's file bytes fill: each segment's tail beyond
 * its file size, and the gaps between segments (walked in address order).
 */
static void zero_unfilled(const struct elf64_ehdr *eh, const struct kernel_image *img,
			  UINT8 *dst)
{
	uint64_t cursor = img->virt, end = img->virt + img->size;
	BOOLEAN done[PHDR_MAX] = { FALSE };

	for (;;) {
		const struct elf64_phdr *next = NULL;
		UINTN pick = 0;

		for (UINTN i = 0; i < eh->phnum; i++)
			if (phdrs[i].type == PT_LOAD && !done[i] &&
			    (!next || phdrs[i].vaddr < next->vaddr)) {
				next = &phdrs[i];
				pick = i;
			}
		if (!next)
			break;
		done[pick] = TRUE;
		if (next->vaddr > cursor)
			zero_mem(dst + (cursor - img->virt), next->vaddr - cursor);
		zero_mem(dst + (next->vaddr + next->filesz - img->virt), next->memsz - next->filesz);
		if (next->vaddr + next->memsz > cursor)
			cursor = next->vaddr + next->memsz;
	}
	if (end > cursor)
		zero_mem(dst + (cursor - img->virt), end - cursor);
}

EFI_STATUS elf_load(EFI_FILE_HANDLE f, UINTN size, struct kernel_image *img)
{
	struct elf64_ehdr eh;
	UINT8 *dst;
	EFI_STATUS st;

	if (size < sizeof(eh))
		return bad(L"file too small for an ELF header");
	st = file_read_at(f, BOOT_KERNEL_PATH, 0, &eh, sizeof(eh));
	if (!EFI_ERROR(st))
		st = check_header(&eh, size);
	if (!EFI_ERROR(st))
		st = file_read_at(f, BOOT_KERNEL_PATH, eh.phoff, phdrs,
				  eh.phnum * sizeof(phdrs[0]));
	if (!EFI_ERROR(st))
		st = check_segments(&eh, size, img);
	if (EFI_ERROR(st))
		return st;

	st = alloc_pages(BOOT_MEMTYPE_KERNEL, PAGES(img->size), KERNEL_ALIGN, &img->phys);
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot allocate %ld KiB for the kernel image",
				  img->size / 1024);

	dst = (UINT8 *)(UINTN)img->phys;
	zero_unfilled(&eh, img, dst);
	for (UINTN i = 0; i < eh.phnum && !EFI_ERROR(st); i++)
		if (phdrs[i].type == PT_LOAD && phdrs[i].filesz)
			st = file_read_at(f, BOOT_KERNEL_PATH, phdrs[i].offset,
					  dst + (phdrs[i].vaddr - img->virt), phdrs[i].filesz);
	if (EFI_ERROR(st))
		BS->FreePages(img->phys, PAGES(img->size));
	return st;
}
