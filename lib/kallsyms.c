/*
 * kallsyms: symbol lookup over the table the build appends to the kernel
 * (layout in lib/kallsyms_table.h).
 *
 * Address -> symbol is a binary search for the last symbol starting at or
 * below the address; that symbol (or one of its aliases at the same
 * address) contains it if the address falls within its size. Name ->
 * address is a linear scan: it serves tests and the shell, not hot paths.
 * The table is read-only, so lookups are safe from any context.
 * kallsyms_lookup() accepts NULL for offset or size when not wanted.
 */
#include <lib/kallsyms.h>
#include <lib/kallsyms_table.h>
#include <lib/string.h>

size_t kallsyms_count(void)
{
	return kallsyms_num;
}

static const char *symbol_name(size_t i)
{
	return kallsyms_names + kallsyms_name_offsets[i];
}

static bool symbol_contains(size_t i, unsigned long addr)
{
	unsigned long start = kallsyms_addresses[i];
	unsigned long size = kallsyms_sizes[i] ? kallsyms_sizes[i] : 1;

	return addr >= start && addr - start < size;
}

const char *kallsyms_lookup(unsigned long addr, unsigned long *offset,
			    unsigned long *size)
{
	size_t lo = 0, hi = kallsyms_num;

	/* Find the first symbol starting above addr: [lo, hi) narrows to it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (kallsyms_addresses[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}

	/* Symbols before it start at or below addr; try those at the same
	 * start (aliases), nearest first. */
	for (size_t i = lo; i-- > 0;) {
		if (kallsyms_addresses[i] != kallsyms_addresses[lo - 1])
			break;
		if (symbol_contains(i, addr)) {
			if (offset)
				*offset = addr - kallsyms_addresses[i];
			if (size)
				*size = kallsyms_sizes[i];
			return symbol_name(i);
		}
	}
	return NULL;
}

unsigned long kallsyms_lookup_name(const char *name)
{
	for (size_t i = 0; i < kallsyms_num; i++) {
		if (strcmp(symbol_name(i), name) == 0)
			return kallsyms_addresses[i];
	}
	return 0;
}
