/*
 * arch.x86.fault: user address spaces through the CPU itself. The case runs
 * "in" a fresh address space (use_mm: CR3 is its table) and touches user
 * addresses with ordinary loads and stores, or with the user-access
 * routines of <asm/uaccess.h>; the page-fault handler (arch/x86/mm_fault.c)
 * sends each fault to handle_mm_fault().
 *
 * Refused faults must come back as errors, not crashes: through the
 * exception table for the uaccess routines (-EFAULT, bytes not copied),
 * through the fault fixture (lib/tests/fault_fixture.h) for a plain access,
 * which then reports the fault the CPU raised. Stale translations are
 * checked the same way: after munmap() or a read-only mprotect() of a
 * page this CPU has just used, the next access must fault. Every case
 * leaves the free page count at its baseline (MM_TEST).
 */
#include <lib/errno.h>
#include <lib/tests/fault_fixture.h>
#include <lib/ktest.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/vmap.h>
#include <mm/tests/mm_test.h>
#include <mm/tests/vm_test.h>
#include <asm/ctrlregs.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/tlbflush.h>
#include <asm/uaccess.h>
#include "../pgtable.h"
#include "../traps.h"

#define P	PAGE_SIZE
#define A	0x40000000UL
#define SZ_2M	(2UL << 20)

static struct mm_struct *enter_mm(struct ktest *t)
{
	struct mm_struct *mm = test_mm_create(t);

	use_mm(mm);
	return mm;
}

static void leave_mm(struct mm_struct *mm)
{
	unuse_mm(mm);
	mm_destroy(mm);
}

static void read_byte(void *p)
{
	(void)*(volatile uint8_t *)p;
}

static void write_byte(void *p)
{
	*(volatile uint8_t *)p = 0x5a;
}

/* fn(addr) must page-fault at addr; the case ends otherwise. */
static void expect_user_fault(struct ktest *t, void (*fn)(void *), unsigned long addr,
			      bool write)
{
	struct fault_info f;
	int r = fault_fixture_run(fn, (void *)addr, &f);

	ASSERT_EQ(t, r, 1);
	EXPECT_EQ(t, f.kind, FAULT_PAGE);
	EXPECT_EQ(t, f.addr, addr);
	EXPECT_EQ(t, f.write, write);
}

MM_TEST(touch_faults_in_a_zeroed_page)
{
	struct mm_struct *mm = enter_mm(t);
	volatile uint64_t *u = (uint64_t *)(A + 8);
	struct page *page;

	ASSERT_EQ(t, mmap_anon(mm, A, 4 * P, PROT_READ | PROT_WRITE), (long)A);
	EXPECT_EQ(t, *u, 0);				/* a read fault: zeroes */
	*u = 0x1234567890abcdefULL;			/* a write to the same page */
	page = test_page_at(t, mm, A);
	EXPECT_EQ(t, ((uint64_t *)page_address(page))[1], 0x1234567890abcdefULL);
	EXPECT_EQ(t, mm->nr_mapped, 1);
	leave_mm(mm);
}

MM_TEST(kernel_half_is_shared)
{
	struct mm_struct *mm = enter_mm(t);
	static volatile int kernel_data = 7;

	EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, virt_to_phys(mm->pgd));
	EXPECT_EQ(t, kernel_data, 7);			/* we keep running */
	for (unsigned int i = PGD_USER_SLOTS; i < PT_ENTRIES; i++)
		if ((mm->pgd[i] | PTE_ACCESSED) != (kernel_pgd[i] | PTE_ACCESSED))
			ktest_fail(t, "top-level slot %u differs from the kernel's", i);
	leave_mm(mm);
	EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, virt_to_phys(kernel_pgd));
}

MM_TEST(write_to_read_only_region_is_refused)
{
	struct mm_struct *mm = enter_mm(t);
	uint64_t v = 1;

	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ), (long)A);
	EXPECT_EQ(t, get_user_u64(&v, (void *)A), 0);	/* reading is fine */
	EXPECT_EQ(t, v, 0);
	EXPECT_EQ(t, put_user_u64(5, (void *)A), -EFAULT);
	expect_user_fault(t, write_byte, A + 16, true);	/* a plain store: a reported fault */
	EXPECT_EQ(t, get_user_u64(&v, (void *)A), 0);
	EXPECT_EQ(t, v, 0);				/* nothing was written */
	leave_mm(mm);
}

MM_TEST(access_outside_regions_is_refused)
{
	struct mm_struct *mm = enter_mm(t);
	uint64_t v = 99;

	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ | PROT_WRITE), (long)A);
	EXPECT_EQ(t, get_user_u64(&v, (void *)(A + P)), -EFAULT);
	EXPECT_EQ(t, v, 0);
	EXPECT_EQ(t, put_user_u64(1, (void *)(A - 8)), -EFAULT);
	expect_user_fault(t, read_byte, A + 2 * P, false);
	EXPECT_EQ(t, mm->nr_mapped, 0);
	leave_mm(mm);
}

MM_TEST(copy_stops_at_the_first_bad_byte)
{
	struct mm_struct *mm = enter_mm(t);
	static uint8_t buf[2 * 4096];

	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ | PROT_WRITE), (long)A);
	memset(buf, 0xab, sizeof(buf));
	EXPECT_EQ(t, copy_to_user((void *)(A + P - 100), buf, 300), 200);	/* 100 fit */
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(t, copy_from_user(buf, (void *)(A + P - 100), 300), 200);
	EXPECT_EQ(t, buf[0], 0xab);
	EXPECT_EQ(t, buf[99], 0xab);
	EXPECT_EQ(t, buf[100], 0);
	/* kernel addresses are refused before any access */
	EXPECT_EQ(t, copy_from_user(buf, buf + 4096, 16), 16);
	EXPECT_EQ(t, copy_to_user(kernel_pgd, buf, 8), 8);
	leave_mm(mm);
}

MM_TEST(prot_none_and_mprotect_are_enforced)
{
	struct mm_struct *mm = enter_mm(t);
	volatile uint8_t *u = (uint8_t *)A;

	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ | PROT_WRITE), (long)A);
	u[1] = 3;				/* mapped writable, in this CPU's TLB */
	ASSERT_EQ(t, mprotect(mm, A, P, PROT_READ), 0);
	expect_user_fault(t, write_byte, A, true);	/* the flush dropped the RW entry */
	EXPECT_EQ(t, u[1], 3);
	ASSERT_EQ(t, mprotect(mm, A, P, PROT_NONE), 0);
	expect_user_fault(t, read_byte, A, false);
	ASSERT_EQ(t, mprotect(mm, A, P, PROT_READ | PROT_WRITE), 0);
	EXPECT_EQ(t, u[1], 3);				/* same page, same data */
	u[2] = 4;
	leave_mm(mm);
}

MM_TEST(munmap_then_access_faults)
{
	struct mm_struct *mm = enter_mm(t);
	volatile uint8_t *u = (uint8_t *)A;

	ASSERT_EQ(t, mmap_anon(mm, A, 64 * P, PROT_READ | PROT_WRITE), (long)A);
	for (unsigned int i = 0; i < 64; i++)
		u[i * P] = (uint8_t)i;			/* all in the TLB now */
	ASSERT_EQ(t, munmap(mm, A, 64 * P), 0);	/* > 32 pages: a full flush */
	expect_user_fault(t, read_byte, A + 63 * P, false);
	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ | PROT_WRITE), (long)A);
	EXPECT_EQ(t, u[0], 0);				/* a new, zeroed page */
	ASSERT_EQ(t, munmap(mm, A, P), 0);		/* one page: INVLPG */
	expect_user_fault(t, read_byte, A, false);
	EXPECT_EQ(t, mm->nr_pgtables, 0);
	leave_mm(mm);
}

MM_TEST(handler_pages_seen_through_the_cpu)
{
	struct mm_struct *mm = enter_mm(t);
	volatile uint64_t *u = (uint64_t *)A;
	struct test_obj obj;
	enum pt_level level;

	test_obj_create(t, &obj, 512, PMD_ORDER, VMF_PAGE);
	((uint64_t *)page_address(obj.pages + 300))[5] = 0xfeed;
	ASSERT_EQ(t, mmap_with_ops(mm, A, SZ_2M, PROT_READ | PROT_WRITE, &test_obj_ops, &obj),
		  (long)A);
	EXPECT_EQ(t, u[300 * P / 8 + 5], 0xfeed);	/* one 2 MiB leaf */
	u[7 * P / 8] = 0xbeef;
	EXPECT_EQ(t, ((uint64_t *)page_address(obj.pages + 7))[0], 0xbeef);
	test_leaf(t, mm, A + 7 * P, &level);
	EXPECT_EQ(t, level, PT_PMD);
	EXPECT_EQ(t, obj.faults, 1);
	EXPECT_EQ(t, munmap(mm, A, SZ_2M), 0);
	expect_user_fault(t, read_byte, A + 300 * P, false);
	leave_mm(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(handler_refusal_is_an_error)
{
	struct mm_struct *mm = enter_mm(t);
	struct test_obj obj;
	uint64_t v;

	test_obj_create(t, &obj, 1, 0, VMF_PAGE);
	obj.refuse = -EIO;
	ASSERT_EQ(t, mmap_with_ops(mm, A, P, PROT_READ, &test_obj_ops, &obj), (long)A);
	EXPECT_EQ(t, get_user_u64(&v, (void *)A), -EFAULT);
	EXPECT_EQ(t, obj.faults, 1);
	leave_mm(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(no_address_space_means_efault)
{
	uint64_t v;

	EXPECT_NULL(t, current_mm());
	EXPECT_EQ(t, get_user_u64(&v, (void *)A), -EFAULT);
	EXPECT_EQ(t, put_user_u64(0, (void *)A), -EFAULT);
}

/*
 * A fault from code that may not sleep (interrupts off here) is handled
 * if the mmap_lock is free, and refused, not waited for, if it is taken
 * (here by the case itself: waiting would never end).
 */
MM_TEST(atomic_fault_does_not_wait_for_the_lock)
{
	struct mm_struct *mm = enter_mm(t);
	unsigned long flags;
	uint64_t v = 1;
	int first, second;

	ASSERT_EQ(t, mmap_anon(mm, A, 2 * P, PROT_READ | PROT_WRITE), (long)A);
	flags = arch_irq_save();
	first = get_user_u64(&v, (void *)A);		/* the lock is free: faulted in */
	arch_irq_restore(flags);
	mmap_write_lock(mm);
	flags = arch_irq_save();
	second = get_user_u64(&v, (void *)(A + P));	/* taken: refused at once */
	arch_irq_restore(flags);
	mmap_write_unlock(mm);
	EXPECT_EQ(t, first, 0);
	EXPECT_EQ(t, second, -EFAULT);
	EXPECT_EQ(t, mm->nr_mapped, 1);
	EXPECT_EQ(t, get_user_u64(&v, (void *)(A + P)), 0);	/* and fine later */
	leave_mm(mm);
}

/*
 * A top-level entry the kernel gained after the mm copied its half
 * (memremap_range() beyond 512 GiB would do that): the first access
 * faults, the handler copies the kernel's entry, the access succeeds.
 */
MM_TEST(missing_kernel_top_level_entry_is_synced)
{
	struct mm_struct *mm = enter_mm(t);
	unsigned int i = pt_index(VMAP_START, PT_PGD);
	static const volatile int marker = 0x51;
	volatile const int *via_vmap;
	phys_addr_t phys = kernel_virt_to_phys((unsigned long)&marker);

	ASSERT_EQ(t, map_kernel_range(VMAP_START + 0x300000000UL, ALIGN_DOWN(phys, P), P,
				      MAP_WB | MAP_NX | MAP_RO), 0);
	via_vmap = (const int *)(VMAP_START + 0x300000000UL + (phys & (P - 1)));
	set_pte(&mm->pgd[i], 0);			/* as if added after mm_create */
	write_cr3(read_cr3());
	EXPECT_EQ(t, *via_vmap, 0x51);			/* faults, syncs, retries */
	EXPECT_EQ(t, pte_table_phys(mm->pgd[i]), pte_table_phys(kernel_pgd[i]));
	unmap_kernel_range(VMAP_START + 0x300000000UL, P);
	leave_mm(mm);
}

static const struct ktest_case mm_fault_cases[] = {
	KTEST_CASE(touch_faults_in_a_zeroed_page, "a load then a store fault in one zeroed page"),
	KTEST_CASE(kernel_half_is_shared,
		   "CR3 is the mm's table, its kernel half equals the kernel's, and back"),
	KTEST_CASE(write_to_read_only_region_is_refused,
		   "put_user -EFAULT and a plain store is a reported fault, not a crash"),
	KTEST_CASE(access_outside_regions_is_refused, "loads and stores outside regions: -EFAULT / a fault"),
	KTEST_CASE(copy_stops_at_the_first_bad_byte,
		   "copy_{to,from}_user return the bytes not copied; kernel addresses refused"),
	KTEST_CASE(prot_none_and_mprotect_are_enforced,
		   "after mprotect RO a store faults, PROT_NONE any access; RW again keeps the data"),
	KTEST_CASE(munmap_then_access_faults,
		   "a page used just before munmap faults after it (the TLB was flushed)"),
	KTEST_CASE(handler_pages_seen_through_the_cpu,
		   "a handler's 2 MiB leaf shows its pages' data at the user addresses"),
	KTEST_CASE(handler_refusal_is_an_error, "a fault handler's error reaches get_user as -EFAULT"),
	KTEST_CASE(no_address_space_means_efault, "with no current mm user accesses fail with -EFAULT"),
	KTEST_CASE(atomic_fault_does_not_wait_for_the_lock,
		   "interrupts off: a fault is handled if the mmap_lock is free, refused if taken"),
	KTEST_CASE(missing_kernel_top_level_entry_is_synced,
		   "a kernel top-level entry missing from the mm is copied on the fault"),
	{}
};
KTEST_SUITE(mm_fault_suite, "arch.x86.fault", mm_fault_cases);
