/*
 * TLB flushes for kernel mappings (see <asm/tlbflush.h>).
 *
 * A range of up to FLUSH_ONE_BY_ONE_MAX pages goes page by page with
 * INVLPG; anything larger flushes everything, which is cheaper than
 * hundreds of INVLPGs and is the only sane choice for a 1 GiB unmap.
 */
#include <lib/compiler.h>
#include <asm/ctrlregs.h>
#include <asm/page.h>
#include <asm/tlbflush.h>

#define FLUSH_ONE_BY_ONE_MAX	32

void flush_tlb_all(void)
{
	uint64_t cr4 = read_cr4();

	if (cr4 & X86_CR4_PGE) {
		/* clearing PGE drops every entry, global ones too */
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

void flush_tlb_kernel_range(uint64_t start, uint64_t end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	if (end - start > FLUSH_ONE_BY_ONE_MAX * PAGE_SIZE) {
		flush_tlb_all();
	} else {
		for (uint64_t v = start; v < end; v += PAGE_SIZE)
			invlpg(v);
	}
	/* SMP: send the shootdown IPI for [start, end) here and wait. */
}
