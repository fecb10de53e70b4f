/*
 * x86-64 page-table entries: the bits, the four levels, and small helpers
 * that read and build one entry. No walking here (arch/x86/pgtable.c does
 * that); these helpers only look at the value they are given, so a
 * lockless walker can read an entry once and decide everything from that
 * one copy.
 *
 * Four levels, 512 entries of 8 bytes each, named as Linux names them:
 *
 *   level 4  PGD  (PML4)  each entry covers 512 GiB, always points to a table
 *   level 3  PUD  (PDPT)  1 GiB: a table, or a 1 GiB leaf if PTE_HUGE
 *   level 2  PMD  (PD)    2 MiB: a table, or a 2 MiB leaf if PTE_HUGE
 *   level 1  PTE  (PT)    4 KiB leaf
 *
 * One type, pte_t, holds an entry of any level: whether it is a leaf
 * depends on the level and on PTE_HUGE, so every helper that must know
 * takes the level. Bit 7 is PS ("huge") in a PUD/PMD entry but the PAT
 * bit in a 4 KiB entry; large leaves keep their PAT bit at bit 12.
 * pte_leaf_prot() and pte_mkleaf() translate, so callers pass and get
 * attributes in the 4 KiB layout whatever the level.
 *
 * Permissions combine across levels (a page is writable only if every
 * level says so), so table entries are made permissive (present, write,
 * no NX) and the leaf says what is allowed.
 *
 * Bits 9-11 are ignored by the CPU and free for software: two are used,
 * PTE_SPECIAL (no struct page behind the frame) and PTE_DEVMAP (a device
 * page whose struct page belongs to a dev_pagemap). Both mean the same
 * in 4 KiB and huge leaves.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t pte_t;		/* one entry, any level */
typedef uint64_t pgprot_t;	/* attribute bits of a 4 KiB-format leaf */

#define PTE_PRESENT	(1UL << 0)
#define PTE_WRITE	(1UL << 1)
#define PTE_USER	(1UL << 2)
#define PTE_PWT		(1UL << 3)	/* PAT index bit 0: write-through */
#define PTE_PCD		(1UL << 4)	/* PAT index bit 1: cache disable */
#define PTE_ACCESSED	(1UL << 5)	/* set by the CPU on any access */
#define PTE_DIRTY	(1UL << 6)	/* set by the CPU on a write (leaves) */
#define PTE_HUGE	(1UL << 7)	/* PUD/PMD: this entry is a leaf (PS) */
#define PTE_PAT		(1UL << 7)	/* 4 KiB leaf: PAT index bit 2 */
#define PTE_GLOBAL	(1UL << 8)	/* leaf survives CR3 writes */
#define PTE_SPECIAL	(1UL << 9)	/* software: no struct page */
#define PTE_DEVMAP	(1UL << 10)	/* software: device page (pgmap) */
#define PTE_PAT_HUGE	(1UL << 12)	/* huge leaf: PAT index bit 2 */
#define PTE_NX		(1UL << 63)	/* no instruction fetch (EFER.NXE) */

/* Physical address bits of an entry (bits 12-51). */
#define PTE_ADDR_MASK	0x000ffffffffff000UL

/*
 * Caching, with the PAT as paging_init() leaves it (the power-on
 * default: index 0 write-back, index 3 uncached).
 */
#define PTE_CACHE_MASK	(PTE_PWT | PTE_PCD | PTE_PAT)
#define PTE_CACHE_WB	0UL
#define PTE_CACHE_UC	(PTE_PWT | PTE_PCD)

enum pt_level {
	PT_PTE = 1,
	PT_PMD = 2,
	PT_PUD = 3,
	PT_PGD = 4,
};

#define PT_ENTRIES	512

/* Attribute sets the kernel uses (in the 4 KiB layout). */
#define PAGE_KERNEL_TABLE (PTE_PRESENT | PTE_WRITE)	/* points to a table */
#define PAGE_KERNEL	(PTE_PRESENT | PTE_WRITE | PTE_ACCESSED | PTE_DIRTY | \
			 PTE_GLOBAL | PTE_NX)
#define PAGE_KERNEL_RO	(PTE_PRESENT | PTE_ACCESSED | PTE_GLOBAL | PTE_NX)
#define PAGE_KERNEL_RX	(PTE_PRESENT | PTE_ACCESSED | PTE_GLOBAL)

/*
 * Bits this CPU accepts: paging_init() drops PTE_NX when the CPU has no
 * NX (the bit would then be reserved and fault) and PTE_GLOBAL without
 * PGE. Every entry is built through pte_mkleaf(), which applies it.
 */
extern pte_t pte_supported_mask;

static inline unsigned int pt_level_shift(enum pt_level level)
{
	return 12 + 9 * (level - 1);
}

static inline uint64_t pt_level_size(enum pt_level level)
{
	return 1ULL << pt_level_shift(level);
}

static inline unsigned int pt_index(uint64_t virt, enum pt_level level)
{
	return (virt >> pt_level_shift(level)) & (PT_ENTRIES - 1);
}

/*
 * The end of the level-sized block that holds virt (where the next one
 * starts), or end if that comes first: how every range walk cuts
 * [virt, end) into the pieces one entry of `level` covers (Linux:
 * pgd_addr_end(), pud_addr_end(), pmd_addr_end()). "- 1" on both sides
 * of the comparison: the next block starts at 0 after the last block of
 * the address space, and an end of 0 means "to the top".
 */
static inline uint64_t pt_block_end(uint64_t virt, uint64_t end, enum pt_level level)
{
	uint64_t next = (virt | (pt_level_size(level) - 1)) + 1;

	return next - 1 < end - 1 ? next : end;
}

static inline bool pte_present(pte_t e)
{
	return e & PTE_PRESENT;
}

/* Does this present entry map memory (rather than point to a table)? */
static inline bool pte_leaf(pte_t e, enum pt_level level)
{
	return level == PT_PTE || (level != PT_PGD && (e & PTE_HUGE));
}

/*
 * Read and write an entry as one 8-byte access: a walker without the
 * page-table lock must never see half an entry. The write is a release
 * so that a new table's (zeroed) contents are visible before the entry
 * that points to it; x86 keeps stores in order, so both are plain MOVs.
 */
static inline pte_t ptep_get(const pte_t *slot)
{
	return __atomic_load_n(slot, __ATOMIC_RELAXED);
}

static inline void set_pte(pte_t *slot, pte_t e)
{
	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
}

/* Physical address of the table a non-leaf entry points to. */
static inline uint64_t pte_table_phys(pte_t e)
{
	return e & PTE_ADDR_MASK;
}

/* Physical address of the first byte a leaf maps. */
static inline uint64_t pte_leaf_phys(pte_t e, enum pt_level level)
{
	return e & PTE_ADDR_MASK & ~(pt_level_size(level) - 1);
}

/* A leaf's attributes in the 4 KiB layout (PAT at bit 7, no PS). */
static inline pgprot_t pte_leaf_prot(pte_t e, enum pt_level level)
{
	pgprot_t prot = e & ~PTE_ADDR_MASK;

	if (level == PT_PTE)
		return prot;
	prot &= ~PTE_HUGE;
	if (e & PTE_PAT_HUGE)
		prot |= PTE_PAT;
	return prot;
}

/* A leaf at `level` mapping phys (aligned to the level's size). */
static inline pte_t pte_mkleaf(uint64_t phys, pgprot_t prot, enum pt_level level)
{
	pte_t e = (phys & PTE_ADDR_MASK) | (prot & ~PTE_ADDR_MASK & pte_supported_mask);

	if (level == PT_PTE)
		return e;
	e &= ~PTE_PAT;
	if (prot & PTE_PAT)
		e |= PTE_PAT_HUGE;
	return e | PTE_HUGE;
}

/* A non-leaf entry pointing to the table at table_phys. */
static inline pte_t pte_mktable(uint64_t table_phys, pgprot_t prot)
{
	return (table_phys & PTE_ADDR_MASK) | (prot & (PTE_PRESENT | PTE_WRITE | PTE_USER));
}

static inline bool pte_write(pte_t e)	{ return e & PTE_WRITE; }
static inline bool pte_exec(pte_t e)	{ return !(e & PTE_NX); }
static inline bool pte_user(pte_t e)	{ return e & PTE_USER; }
static inline bool pte_dirty(pte_t e)	{ return e & PTE_DIRTY; }
static inline bool pte_young(pte_t e)	{ return e & PTE_ACCESSED; }
static inline bool pte_special(pte_t e)	{ return e & PTE_SPECIAL; }
static inline bool pte_devmap(pte_t e)	{ return e & PTE_DEVMAP; }

/*
 * --- user mappings (mm/: address spaces, faults, GUP) ----------------
 *
 * A user leaf is present, user, accessed and (if writable) dirty from
 * the start: the kernel tracks neither bit, and an entry the CPU never
 * has to update stays exactly as written, which is what lets the
 * lockless walker of fast GUP compare an entry before and after.
 *
 * PROT_NONE: the leaf keeps its frame (the page is still the mapping's)
 * but PRESENT is clear, so every access faults; software bit 11 says it is
 * such a leaf and not an empty slot. With PRESENT clear the CPU ignores
 * all other bits, so PTE_HUGE still marks a 2 MiB PROT_NONE leaf.
 */
#define PTE_PROTNONE	(1UL << 11)	/* software: PROT_NONE leaf */

/* Tables of the user half: user access allowed, the leaves decide. */
#define PAGE_USER_TABLE	(PTE_PRESENT | PTE_WRITE | PTE_USER)

static inline bool pte_protnone(pte_t e)
{
	return !(e & PTE_PRESENT) && (e & PTE_PROTNONE);
}

/* Does the slot hold something (a table, a leaf, a PROT_NONE leaf)? */
static inline bool pte_none(pte_t e)
{
	return !(e & (PTE_PRESENT | PTE_PROTNONE));
}

/* A 2 MiB leaf in a PMD slot, present or PROT_NONE (Linux's pmd_large). */
static inline bool pmd_large(pte_t pmd)
{
	return !pte_none(pmd) && (pmd & PTE_HUGE);
}
#define pmd_trans_huge(pmd)	pmd_large(pmd)

/* The first frame a leaf maps. */
static inline unsigned long pte_pfn(pte_t e, enum pt_level level)
{
	return pte_leaf_phys(e, level) >> 12;
}

/* Attributes (4 KiB layout) of a user leaf allowing the given accesses. */
static inline pgprot_t pgprot_user(bool read, bool write, bool exec)
{
	pgprot_t prot = PTE_PRESENT | PTE_USER | PTE_ACCESSED;

	if (!read && !write && !exec)
		return PTE_PROTNONE | PTE_USER;
	if (write)
		prot |= PTE_WRITE | PTE_DIRTY;
	if (!exec)
		prot |= PTE_NX;
	return prot;
}

#endif /* ASM_PGTABLE_H */
