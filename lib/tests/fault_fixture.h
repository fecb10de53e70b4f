/*
 * The fault fixture: run a function that is expected to fault, and get
 * the fault's details back instead of a crashed run.
 *
 *   static void write_text(void *p) { *(volatile char *)p = 0; }
 *
 *   struct fault_info f;
 *   if (fault_fixture_run(write_text, some_text, &f) == 1)
 *           EXPECT_TRUE(t, f.kind == FAULT_PAGE && f.write && f.protection);
 *
 * While fn runs, a fixture is armed on this CPU. A page fault or general
 * protection fault in kernel mode that would otherwise be fatal is then
 * recorded in *out, the fixture is disarmed, and execution resumes in
 * fault_fixture_run() (a longjmp from the exception handler), which
 * returns 1. If fn returns normally the result is 0. With no fixture
 * armed nothing changes: a fault still ends the run as a crash.
 *
 * Rules for fn: it must return or fault. No ASSERT_*, ktest_skip() or
 * other non-local exit out of it (the fixture would stay armed), no locks
 * held across the faulting access (they are not released on the way
 * out), and it should be small: everything it did before the fault
 * stays done. Fixtures do not nest (-EBUSY).
 *
 * The architecture implements it (arch/x86/tests/fault_fixture.c). The host
 * test build has none and returns -ENOSYS; a test that needs one skips.
 */
#ifndef LIB_TESTS_FAULT_FIXTURE_H
#define LIB_TESTS_FAULT_FIXTURE_H

#include <stdbool.h>

enum fault_kind {
	FAULT_PAGE = 1,		/* a page fault: addr is the address accessed */
	FAULT_GENERAL,		/* general protection (e.g. a non-canonical address) */
};

struct fault_info {
	enum fault_kind kind;
	unsigned long addr;	/* page faults: the address that faulted */
	unsigned long ip;	/* the instruction that faulted */
	/* page faults, decoded */
	bool protection;	/* the page was mapped; the access was not allowed */
	bool write;		/* the access was a write */
	bool exec;		/* the access was an instruction fetch */
	/* as the CPU reported it */
	unsigned long vector;
	unsigned long error_code;
};

/* 1 if fn faulted (*out filled), 0 if it returned, -EBUSY, -ENOSYS. */
int fault_fixture_run(void (*fn)(void *arg), void *arg, struct fault_info *out);

#endif /* LIB_TESTS_FAULT_FIXTURE_H */
