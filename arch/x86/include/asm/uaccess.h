/*
 * Touching user addresses from the kernel, with faults turned into
 * errors instead of crashes (arch/x86/uaccess.asm, arch/x86/mm_fault.c).
 *
 *   if (copy_from_user(buf, uptr, n))   bytes not copied: 0 is success
 *           return -EFAULT;
 *   err = get_user_u64(&v, uptr);       0 or -EFAULT
 *
 * The address must lie in the user range (access_ok()); the access runs in
 * the address space this CPU runs in (use_mm()), faulting pages in as a
 * normal access would. A fault that handle_mm_fault() refuses (nothing
 * mapped, a write to a read-only region...) does not end in the crash
 * handler: the faulting instruction is listed in the exception table, and
 * the page-fault handler resumes at its fixup, which returns the error.
 * A fault on a kernel address is still a crash.
 *
 * Each routine is a few instructions of assembly so that the instruction
 * that may fault is known exactly; each has one exception-table entry,
 * { faulting instruction, fixup }. (With SMAP on, they would also open and
 * close user access with STAC/CLAC; zdk leaves CR4.SMAP off.)
 */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/mmu_context.h>

#define UACCESS_EFAULT	14	/* EFAULT, as the assembly returns it negated */

static inline bool access_ok(const void *addr, unsigned long n)
{
	uintptr_t a = (uintptr_t)addr;

	return a < USER_ADDR_END && n <= USER_ADDR_END - a;
}

/* uaccess.asm: the raw routines (no range check). */
unsigned long __copy_user(void *to, const void *from, unsigned long n);
long __get_user_8(const void *uaddr, uint64_t *val);
long __put_user_8(void *uaddr, uint64_t val);

static inline unsigned long copy_from_user(void *to, const void *from, unsigned long n)
{
	return access_ok(from, n) ? __copy_user(to, from, n) : n;
}

static inline unsigned long copy_to_user(void *to, const void *from, unsigned long n)
{
	return access_ok(to, n) ? __copy_user(to, from, n) : n;
}

static inline int get_user_u64(uint64_t *val, const void *uaddr)
{
	*val = 0;
	return access_ok(uaddr, 8) ? (int)__get_user_8(uaddr, val) : -UACCESS_EFAULT;
}

static inline int put_user_u64(uint64_t val, void *uaddr)
{
	return access_ok(uaddr, 8) ? (int)__put_user_8(uaddr, val) : -UACCESS_EFAULT;
}

/* mm_fault.c: the fixup for a faulting address of the table, or 0. */
struct exception_table_entry {
	uint64_t insn;		/* the instruction that may fault */
	uint64_t fixup;		/* where to resume if it does */
};

#endif /* ASM_UACCESS_H */
