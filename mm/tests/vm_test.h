/*
 * Helpers shared by the address-space suites (mm.vma, mm.pgtable, mm.tlb,
 * mm.gup): an address space that the case ends without if it cannot be
 * made, and a "test object", the backing store of a region mapped with
 * fault handlers (mmap_with_ops) as a driver would map its memory.
 *
 * A test object is a block of nr_pages ordinary pages (a power of two, at
 * most 512), allocated as one aligned block and split so that each page
 * has its own reference, held by the object (split_page): the handler
 * answers with those frames, 4 KiB by 4 KiB, or as one 2 MiB leaf when
 * `order` is PMD_ORDER and the fault allows it. `kind` says what it
 * answers as (VMF_PAGE, VMF_SPECIAL, VMF_DEVMAP). The object counts its
 * faults, opens and closes; test_obj_destroy() checks that every page is
 * back at the object's single reference before freeing it.
 */
#ifndef MM_TESTS_VM_TEST_H
#define MM_TESTS_VM_TEST_H

#include <lib/ktest.h>
#include <mm/mm.h>

struct test_obj {
	struct page *pages;		/* nr_pages consecutive pages */
	unsigned long nr_pages;
	unsigned int order;		/* answer with: 0 or PMD_ORDER */
	enum vmf_kind kind;
	int refuse;			/* nonzero: every fault fails with it */
	unsigned long faults, opens, closes;
};

extern const struct vm_operations_struct test_obj_ops;		/* no type flags */
extern const struct vm_operations_struct test_obj_io_ops;	/* VM_IO */
extern const struct vm_operations_struct test_obj_pfnmap_ops;	/* VM_PFNMAP */

/* A fresh address space; the case ends if none can be made. */
struct mm_struct *test_mm_create(struct ktest *t);

/* Fill obj with nr_pages pages (zeroed); the case ends on failure. */
void test_obj_create(struct ktest *t, struct test_obj *obj, unsigned long nr_pages,
		     unsigned int order, enum vmf_kind kind);
/* Expect every page at refcount 1 again, then free them. */
void test_obj_destroy(struct ktest *t, struct test_obj *obj);

/* The mapping of addr: entry and level; the case ends if nothing maps it. */
pte_t test_leaf(struct ktest *t, struct mm_struct *mm, unsigned long addr,
		enum pt_level *level);
/* The page mapped at addr (through its leaf). */
struct page *test_page_at(struct ktest *t, struct mm_struct *mm, unsigned long addr);
/* Fault [addr, addr + n pages) in with flags, expecting success. */
void test_fault_range(struct ktest *t, struct mm_struct *mm, unsigned long addr,
		      unsigned long n, unsigned int flags);

#endif /* MM_TESTS_VM_TEST_H */
