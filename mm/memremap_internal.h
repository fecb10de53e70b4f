/*
 * What the setup (mm/memremap.c) and the teardown
 * (mm/memremap_teardown.c) of a dev_pagemap share: the range cut in
 * section-sized pieces (one memmap each), and the state's store.
 */
#ifndef MM_MEMREMAP_INTERNAL_H
#define MM_MEMREMAP_INTERNAL_H

#include <mm/memmap.h>
#include <mm/memremap.h>

/* release: the state's readers (`pgmap`, tests) see what led to it */
static inline void set_state(struct dev_pagemap *pgmap, int state)
{
	__atomic_store_n(&pgmap->state, state, __ATOMIC_RELEASE);
}

static inline unsigned long first_pfn(const struct dev_pagemap *p)
{
	return PHYS_PFN(p->start);
}

static inline unsigned long end_pfn(const struct dev_pagemap *p)
{
	return PHYS_PFN(p->end) + 1;
}

/* Each section-sized piece of the range: [*pfn, *pfn + *nr). */
static inline bool next_piece(const struct dev_pagemap *p, unsigned long *pfn, unsigned long *nr)
{
	unsigned long end = end_pfn(p), sec_end;

	if (*pfn >= end)
		return false;
	sec_end = (*pfn & PAGE_SECTION_MASK) + PAGES_PER_SECTION;
	*nr = (sec_end < end ? sec_end : end) - *pfn;
	return true;
}

/* Piece number idx of the range (0: the first): *pfn, *nr. */
static inline void piece_at(const struct dev_pagemap *p, unsigned long idx,
			    unsigned long *pfn, unsigned long *nr)
{
	unsigned long first = first_pfn(p), end = end_pfn(p), sec_end;

	*pfn = idx ? section_nr_to_pfn(pfn_to_section_nr(first) + idx) : first;
	sec_end = (*pfn & PAGE_SECTION_MASK) + PAGES_PER_SECTION;
	*nr = (sec_end < end ? sec_end : end) - *pfn;
}

/* How many pieces (section memmaps) the range has. */
static inline unsigned int count_pieces(const struct dev_pagemap *pgmap)
{
	unsigned long pfn = first_pfn(pgmap), nr;
	unsigned int n = 0;

	while (next_piece(pgmap, &pfn, &nr)) {
		n++;
		pfn += nr;
	}
	return n;
}

#endif /* MM_MEMREMAP_INTERNAL_H */
