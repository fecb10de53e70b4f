/*
 * memblock: sorted range lists, merging insertion, top-down allocation,
 * and the walk over what is left for the page allocator. See memblock.h.
 *
 * Both lists keep the invariant "sorted, disjoint, not adjacent", so an
 * insertion only has to find the run of regions that overlap or touch the
 * new range and replace them with their union.
 */
#include <mm/memblock.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <asm/page.h>

static struct memblock_region memory_regions[MEMBLOCK_MAX_REGIONS];
static struct memblock_region reserved_regions[MEMBLOCK_MAX_REGIONS];

struct memblock memblock = {
	.memory = { .max = MEMBLOCK_MAX_REGIONS, .regions = memory_regions,
		    .name = "memory" },
	.reserved = { .max = MEMBLOCK_MAX_REGIONS, .regions = reserved_regions,
		      .name = "reserved" },
};

static phys_addr_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

void memblock_init_instance(struct memblock *mb, struct memblock_region *memory,
			    struct memblock_region *reserved, unsigned int max)
{
	*mb = (struct memblock){
		.memory = { .max = max, .regions = memory, .name = "memory" },
		.reserved = { .max = max, .regions = reserved, .name = "reserved" },
	};
}

int memblock_add_range(struct memblock_type *type, phys_addr_t base,
		       phys_addr_t size)
{
	struct memblock_region *r = type->regions;
	phys_addr_t end = base + size;
	unsigned int i = 0, j;

	if (!size)
		return 0;
	if (end < base)
		return -EINVAL;

	/* [i, j): the regions that overlap or touch [base, end). */
	while (i < type->cnt && region_end(&r[i]) < base)
		i++;
	for (j = i; j < type->cnt && r[j].base <= end; j++)
		;

	if (i == j) {
		if (type->cnt == type->max)
			return -ENOSPC;
		memmove(&r[i + 1], &r[i], (type->cnt - i) * sizeof(*r));
		r[i] = (struct memblock_region){ .base = base, .size = size };
		type->cnt++;
		return 0;
	}

	base = MIN(base, r[i].base);
	end = MAX(end, region_end(&r[j - 1]));
	r[i] = (struct memblock_region){ .base = base, .size = end - base };
	memmove(&r[i + 1], &r[j], (type->cnt - j) * sizeof(*r));
	type->cnt -= j - i - 1;
	return 0;
}

/*
 * Bottom-up: memory regions from the lowest, and inside each the gaps
 * between reserved regions from the lowest. `lo` is the start of the gap
 * being tried; each reserved region above it closes the gap, and its end
 * is the next gap's start.
 */
static phys_addr_t find_bottom_up(const struct memblock *mb, phys_addr_t size,
				  phys_addr_t align, phys_addr_t limit)
{
	const struct memblock_region *mem = mb->memory.regions;
	const struct memblock_region *res = mb->reserved.regions;

	for (unsigned int i = 0; i < mb->memory.cnt; i++) {
		phys_addr_t lo = mem[i].base, end = region_end(&mem[i]);

		if (limit && end > limit)
			end = limit;
		for (unsigned int j = 0; lo < end; j++) {
			phys_addr_t hi, cand;

			if (j < mb->reserved.cnt && region_end(&res[j]) <= lo)
				continue;	/* entirely below the gap */
			hi = j < mb->reserved.cnt ? MIN(res[j].base, end) : end;
			cand = ALIGN_DOWN(lo + align - 1, align);
			if (cand && cand >= lo && cand < hi && hi - cand >= size)
				return cand;
			if (j >= mb->reserved.cnt)
				break;
			lo = MAX(lo, region_end(&res[j]));
		}
	}
	return 0;
}

/*
 * Top-down: memory regions from the highest, and inside each the gaps
 * between reserved regions from the highest. `top` is the end of the gap
 * being tried; each reserved region below it closes the gap and becomes
 * the next gap's end.
 */
phys_addr_t memblock_find_in(const struct memblock *mb, phys_addr_t size,
			     phys_addr_t align, phys_addr_t limit)
{
	const struct memblock_region *mem = mb->memory.regions;
	const struct memblock_region *res = mb->reserved.regions;

	if (!align)
		align = PAGE_SIZE;
	if (!size || (align & (align - 1)))
		return 0;
	if (mb->bottom_up)
		return find_bottom_up(mb, size, align, limit);

	for (int i = (int)mb->memory.cnt - 1; i >= 0; i--) {
		phys_addr_t rbase = mem[i].base, top = region_end(&mem[i]);

		if (limit && top > limit)
			top = limit;
		for (int j = (int)mb->reserved.cnt - 1; top > rbase; j--) {
			phys_addr_t lo;

			if (j >= 0 && res[j].base >= top)
				continue;	/* entirely above the gap */
			lo = j >= 0 ? MAX(region_end(&res[j]), rbase) : rbase;
			if (top > lo && top - lo >= size) {
				phys_addr_t cand = ALIGN_DOWN(top - size, align);

				if (cand >= lo && cand != 0)
					return cand;
			}
			if (j < 0)
				break;
			top = res[j].base;
		}
	}
	return 0;
}

phys_addr_t memblock_alloc_in(struct memblock *mb, phys_addr_t size,
			      phys_addr_t align)
{
	phys_addr_t addr = memblock_find_in(mb, size, align, mb->current_limit);

	if (!addr || memblock_add_range(&mb->reserved, addr, size) < 0)
		return 0;
	return addr;
}

void memblock_free_ranges_in(const struct memblock *mb, memblock_range_fn fn,
			     void *arg)
{
	const struct memblock_region *res = mb->reserved.regions;

	for (unsigned int i = 0; i < mb->memory.cnt; i++) {
		phys_addr_t cur = mb->memory.regions[i].base;
		phys_addr_t end = region_end(&mb->memory.regions[i]);

		for (unsigned int j = 0; j < mb->reserved.cnt && cur < end; j++) {
			if (region_end(&res[j]) <= cur)
				continue;
			if (res[j].base >= end)
				break;
			if (res[j].base > cur)
				fn(cur, res[j].base, arg);
			cur = MAX(cur, region_end(&res[j]));
		}
		if (cur < end)
			fn(cur, end, arg);
	}
}

/* --- the boot instance ------------------------------------------------------ */

static bool memblock_writable(const char *what, phys_addr_t base, phys_addr_t size,
			      unsigned long caller)
{
	if (!memblock.retired)
		return true;
	__warn(__FILE__, __LINE__, caller,
	       "memblock: %s(%#lx, %#lx) after mem_init: use the page allocator",
	       what, base, size);
	return false;
}

static int memblock_add_checked(struct memblock_type *type, const char *what,
				phys_addr_t base, phys_addr_t size, unsigned long caller)
{
	int err;

	if (!memblock_writable(what, base, size, caller))
		return -EPERM;
	err = memblock_add_range(type, base, size);
	if (err)
		pr_err("memblock: %s(%#lx, %#lx) failed: %d (%u of %u ranges used)",
		       what, base, size, err, type->cnt, type->max);
	return err;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_checked(&memblock.memory, "memblock_add", base, size, _RET_IP_);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_checked(&memblock.reserved, "memblock_reserve", base, size,
				    _RET_IP_);
}

phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	phys_addr_t addr;

	if (!memblock_writable("memblock_alloc", size, align, _RET_IP_))
		return 0;
	addr = memblock_alloc_in(&memblock, size, align);
	if (!addr)
		pr_err("memblock: no %#lx bytes aligned to %#lx below %#lx",
		       size, align, memblock.current_limit);
	return addr;
}

void memblock_set_current_limit(phys_addr_t limit)
{
	memblock.current_limit = limit;
}

void memblock_set_bottom_up(bool enable)
{
	memblock.bottom_up = enable;
}

void memblock_free_ranges(memblock_range_fn fn, void *arg)
{
	memblock_free_ranges_in(&memblock, fn, arg);
}

void memblock_memory_ranges(memblock_range_fn fn, void *arg)
{
	for (unsigned int i = 0; i < memblock.memory.cnt; i++)
		fn(memblock.memory.regions[i].base,
		   region_end(&memblock.memory.regions[i]), arg);
}

phys_addr_t memblock_phys_mem_size(void)
{
	phys_addr_t total = 0;

	for (unsigned int i = 0; i < memblock.memory.cnt; i++)
		total += memblock.memory.regions[i].size;
	return total;
}

phys_addr_t memblock_start_of_ram(void)
{
	return memblock.memory.cnt ? memblock.memory.regions[0].base : 0;
}

phys_addr_t memblock_end_of_ram(void)
{
	unsigned int n = memblock.memory.cnt;

	return n ? region_end(&memblock.memory.regions[n - 1]) : 0;
}

static void add_up(phys_addr_t start, phys_addr_t end, void *arg)
{
	*(phys_addr_t *)arg += end - start;
}

phys_addr_t memblock_reserved_size(void)
{
	phys_addr_t free = 0;

	memblock_free_ranges(add_up, &free);
	return memblock_phys_mem_size() - free;
}

void memblock_retire(void)
{
	memblock.retired = true;
}

static void dump_type(const struct memblock_type *type)
{
	pr_info("memblock: %s: %u ranges", type->name, type->cnt);
	for (unsigned int i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];

		pr_info("memblock:   [%#014lx-%#014lx] %8lu KiB", r->base,
			region_end(r) - 1, r->size >> 10);
	}
}

void memblock_dump(void)
{
	dump_type(&memblock.memory);
	dump_type(&memblock.reserved);
}
