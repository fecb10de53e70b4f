/*
 * The page tables the kernel starts on (4-level, x86-64):
 *
 *   identity   virt [0, S)                        -> phys [0, S)
 *   direct map virt BOOT_DIRECT_MAP_BASE + [0, S)  -> phys [0, S)
 *   kernel     virt [img->virt, +img->size)       -> phys [img->phys, ...)
 *
 * S is the direct-map size. The two linear maps use 1 GiB pages when the
 * CPU has them (CPUID 80000001h EDX bit 26), 2 MiB pages otherwise; the
 * kernel gets 4 KiB pages so it can later set per-section permissions.
 * Everything is present + writable, nothing is NX.
 *
 * The three ranges sit under different PML4 entries (0.., 256.., 511), so
 * they share no tables and the exact number of table pages can be counted
 * up front. All tables come from one contiguous BOOT_MEMTYPE_PAGETABLE
 * allocation, handed out by a bump allocator that refuses to go past the
 * counted budget. The firmware runs identity-mapped, so a table's physical
 * address is also a pointer we can write through.
 */
#include <cpuid.h>

#include "boot/loader.h"

#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_PS		(1ULL << 7)
#define PTE_ADDR	0x000ffffffffff000ULL
#define CR4_LA57	(1ULL << 12)
#define GIB		(1ULL << 30)
/* Keeps the identity map below PML4 entry 256 and the direct map below 511. */
#define DIRECT_MAP_MAX	(64ULL << 40)

struct pt_pool {
	uint64_t base;		/* physical = virtual while the firmware runs */
	UINTN budget;		/* pages */
	UINTN used;
};

/* How many naturally aligned 2^shift blocks [v, v + size) touches. */
static UINTN blocks(uint64_t v, uint64_t size, unsigned shift)
{
	return ((v + size - 1) >> shift) - (v >> shift) + 1;
}

static uint64_t *table_new(struct pt_pool *pool)
{
	uint64_t *t;

	if (pool->used == pool->budget)
		return NULL;
	t = (uint64_t *)(UINTN)(pool->base + pool->used++ * PAGE_SIZE);
	zero_mem(t, PAGE_SIZE);
	return t;
}

/*
 * Returns the entry that maps virt at the given level (1 = PT, 2 = PD,
 * 3 = PDPT), creating tables on the way; NULL if the budget is spent or a
 * large page is in the way.
 */
static uint64_t *walk(struct pt_pool *pool, uint64_t *pml4, uint64_t virt, int level)
{
	uint64_t *table = pml4;

	for (int l = 4; l > level; l--) {
		uint64_t *e = &table[(virt >> (12 + 9 * (l - 1))) & 511];

		if (!(*e & PTE_P)) {
			uint64_t *next = table_new(pool);

			if (!next)
				return NULL;
			*e = (uint64_t)(UINTN)next | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = (uint64_t *)(UINTN)(*e & PTE_ADDR);
	}
	return &table[(virt >> (12 + 9 * (level - 1))) & 511];
}

static EFI_STATUS map(struct pt_pool *pool, uint64_t *pml4, uint64_t virt,
		      uint64_t phys, uint64_t size, int level)
{
	uint64_t step = 1ULL << (12 + 9 * (level - 1));
	uint64_t flags = PTE_P | PTE_W | (level > 1 ? PTE_PS : 0);

	for (uint64_t off = 0; off < size; off += step) {
		uint64_t *e = walk(pool, pml4, virt + off, level);

		if (!e || (*e & PTE_P))
			return boot_error(EFI_OUT_OF_RESOURCES,
					  L"page tables: cannot map virt %lx (budget %ld pages, used %ld)",
					  virt + off, (UINT64)pool->budget, (UINT64)pool->used);
		*e = (phys + off) | flags;
	}
	return EFI_SUCCESS;
}

static BOOLEAN cpu_has_1g_pages(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(0x80000001, &a, &b, &c, &d) && (d & (1u << 26));
}

EFI_STATUS paging_build(uint64_t dmsize, const struct kernel_image *img, struct page_tables *pt)
{
	struct pt_pool pool = { 0 };
	int level;
	uint64_t *pml4, cr4;
	UINTN linear;
	EFI_STATUS st;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & CR4_LA57)
		return boot_error(EFI_UNSUPPORTED, L"firmware uses 5-level paging; zdk needs 4-level");
	if (dmsize > DIRECT_MAP_MAX)
		return boot_error(EFI_UNSUPPORTED, L"physical memory reaches %lx, beyond the %ld TiB direct map",
				  dmsize, DIRECT_MAP_MAX >> 40);

	pt->huge = cpu_has_1g_pages();
	level = pt->huge ? 3 : 2;

	/* PDPTs (and PDs for 2 MiB pages) of one linear map. */
	linear = blocks(0, dmsize, 39) + (pt->huge ? 0 : blocks(0, dmsize, 30));
	pool.budget = 1 + 2 * linear + blocks(img->virt, img->size, 39) +
		      blocks(img->virt, img->size, 30) + blocks(img->virt, img->size, 21);
	st = alloc_pages(BOOT_MEMTYPE_PAGETABLE, pool.budget, PAGE_SIZE, &pool.base);
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot allocate %ld pages for page tables",
				  (UINT64)pool.budget);

	pml4 = table_new(&pool);
	st = map(&pool, pml4, 0, 0, dmsize, level);
	if (!EFI_ERROR(st))
		st = map(&pool, pml4, BOOT_DIRECT_MAP_BASE, 0, dmsize, level);
	if (!EFI_ERROR(st))
		st = map(&pool, pml4, img->virt, img->phys, img->size, 1);
	if (EFI_ERROR(st)) {
		BS->FreePages(pool.base, pool.budget);
		return st;
	}

	pt->cr3 = pool.base;
	pt->size = pool.budget * PAGE_SIZE;
	return EFI_SUCCESS;
}
