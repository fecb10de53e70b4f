/*
 * ktest: the self-test harness (KUnit-like, KTAP version 1 output).
 *
 * A suite is a named, NULL-terminated array of cases. Suites register
 * themselves by dropping a pointer into the "ktest_suites" linker section
 * (KTEST_SUITE), so adding a test file needs no central list. The same
 * suites run in the kernel (selected by `ktest=GLOBS` on the command line
 * or `ktest GLOB` in the shell) and in the host build (arch/host).
 *
 *   static void crc32_check_value(struct ktest *t)
 *   {
 *           EXPECT_EQ(t, crc32(0, "123456789", 9), 0xcbf43926);
 *   }
 *   static const struct ktest_case crc32_cases[] = {
 *           KTEST_CASE(crc32_check_value, "the standard check value"),
 *           {}
 *   };
 *   KTEST_SUITE(crc32_suite, "lib.crc32", crc32_cases);
 *
 * Selection: GLOBS is a comma-separated list of shell globs ('*', '?')
 * matched against "suite" and "suite.case"; "none" selects nothing. A
 * suite registered with KTEST_SUITE_EXPLICIT (deliberate failures and
 * crashes that prove the harness, boots that overwrite the NVDIMM) is
 * selected only by a glob that spells out its parent
 * ("lib.ktest.selftest.*" or the suite's own name), never by "*".
 *
 * EXPECT_* records a failure and continues; ASSERT_* records it and ends
 * the case at once (a non-local return to the harness). A case that needs
 * more of the machine than every machine has (a second CPU, an NVDIMM)
 * says so with KTEST_CASE_NEEDS, and the harness skips it where the need
 * is not met, naming the need; ktest_skip() ends a case as skipped for a
 * reason only the case can find out. A case that panics or faults is
 * reported by the platform through ktest_crash(): the case is printed as
 * failed with the reason and the run ends (the kernel then exits with the
 * crash verdict).
 */
#ifndef LIB_KTEST_H
#define LIB_KTEST_H

#include <lib/compiler.h>
#include <lib/string.h>
#include <asm/setjmp.h>

enum ktest_status { KTEST_PASS, KTEST_FAIL, KTEST_SKIP };

/* One running case. Owned by the harness; valid only during the case. */
struct ktest {
	const struct ktest_suite *suite;
	const struct ktest_case *tcase;
	enum ktest_status status;
	char reason[96];		/* skip reason */
	unsigned long warn_base;	/* warn_count() at case start */
	bool warnings_checked;		/* the case called ktest_warnings() */
	int indent;			/* KTAP nesting, for diagnostics */
	bool quiet;			/* ktest_run_inner(): no diagnostics */
	arch_jmp_buf abort_jmp;		/* ASSERT_* / ktest_skip() land here */
};

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
	const char *intent;		/* one line: what the case proves */
	unsigned int needs;		/* KTEST_NEEDS_*: what of the machine */
};

/*
 * What a case needs of the machine it runs on, declared with the case
 * (KTEST_CASE_NEEDS). The harness skips a case whose needs the machine
 * lacks, with the need as the reason, before the case runs. What the
 * machine has is the runner's to say (ktest_set_machine()).
 */
#define KTEST_NEEDS_CPUS(n)	((unsigned int)(n) & 0xff)	/* n online CPUs */
#define KTEST_NEEDS_NVDIMM	0x100	/* an NVDIMM that the NFIT lists (pmem0) */
#define KTEST_NEEDS_PMEM	0x200	/* a range to give struct pages: an
					 * NVDIMM, or the platform's stand-in */

struct ktest_machine {
	unsigned int cpus;		/* online CPUs */
	const char *no_nvdimm;		/* NULL if there is an NVDIMM, else why not */
	const char *no_pmem;		/* NULL if there is a pmem range, else why not */
	/*
	 * Asked before each suite, case and repeat but the first of the run,
	 * never during one: a reason (a literal: "stopped by Ctrl-C") ends
	 * the run there, NULL lets it go on; no stop(): never. The KTAP stays
	 * whole: the case it stops is "ok N name # SKIP REASON after r of R
	 * repeats", every case and suite not run "ok N name # SKIP REASON".
	 */
	const char *(*stop)(void);
};

/* Say what the machine has; until then: 1 CPU, no NVDIMM, no range. */
void ktest_set_machine(const struct ktest_machine *m);

#define KTEST_F_EXPLICIT	0x1	/* only when named by the glob */
#define KTEST_F_BOOT_ONLY	0x2	/* crashes the kernel or overwrites a
					 * device on purpose: from the boot
					 * command line only, never the shell */

struct ktest_suite {
	const char *name;			/* "lib.crc32" */
	const struct ktest_case *cases;		/* ends with {0} */
	unsigned int flags;
};

#define KTEST_CASE(fn, intent)	{ #fn, fn, intent, 0 }
#define KTEST_CASE_NEEDS(fn, needs, intent)	{ #fn, fn, intent, needs }

#define __KTEST_SUITE(var, sname, cases_, flags_)			\
	static const struct ktest_suite var = {				\
		.name = sname, .cases = cases_, .flags = flags_,	\
	};								\
	static const struct ktest_suite *const __ktest_ptr_##var	\
		__used __section("ktest_suites") = &var

#define KTEST_SUITE(var, sname, cases_)	__KTEST_SUITE(var, sname, cases_, 0)
#define KTEST_SUITE_EXPLICIT(var, sname, cases_) \
	__KTEST_SUITE(var, sname, cases_, KTEST_F_EXPLICIT)
#define KTEST_SUITE_BOOT_ONLY(var, sname, cases_) \
	__KTEST_SUITE(var, sname, cases_, KTEST_F_EXPLICIT | KTEST_F_BOOT_ONLY)

/* Totals of one run, for the caller's verdict. */
struct ktest_totals {
	unsigned int passed, failed, skipped;	/* skipped: by the cases' own needs */
	unsigned int suites;		/* suites run, the one stopped included */
	bool stopped;			/* the machine's stop() ended the run early */
	unsigned int not_run;		/* then: the cases reported skipped for it
					 * (the one it stopped included) */
};

/*
 * Run every selected case `repeat` times (a case passes only if every
 * repetition passes; one stopped before its last is skipped, not passed)
 * and print KTAP version 1 through kprintf(): every plan is met, even
 * when the machine's stop() ends the run.
 * Returns the number of failed cases.
 */
int ktest_run(const char *globs, unsigned int repeat, struct ktest_totals *out);

/* Would `globs` select anything? (for the shell's error message) */
bool ktest_globs_match_any(const char *globs);
/* The first boot-only suite `globs` would select, or NULL (the shell refuses). */
const char *ktest_globs_boot_only(const char *globs);
/* Print the registered suites and cases (the shell's `ktest -l`). */
void ktest_list(void);

/*
 * Run one case as a sub-step of the current case, silently, and return
 * its status: how the harness tests itself (an EXPECT that must fail, an
 * ASSERT that must end its case) without a red line in the log.
 */
enum ktest_status ktest_run_inner(const struct ktest_case *c);

/* The case running on this CPU, or NULL. */
struct ktest *ktest_current(void);
/*
 * The platform's panic/fault path calls this: if a case is running it is
 * printed as failed with `reason`, its enclosing blocks are closed with
 * their results so far, and the function returns so the caller can end
 * the run. Returns true if a case was running.
 */
bool ktest_crash(const char *reason);

/* --- reporting from cases -------------------------------------------- */

__printf(2, 3) void ktest_log(struct ktest *t, const char *fmt, ...);
__printf(2, 3) void ktest_fail(struct ktest *t, const char *fmt, ...);
__noreturn __printf(2, 3) void ktest_skip(struct ktest *t, const char *fmt, ...);
__noreturn void ktest_abort(struct ktest *t);
/* Warnings (WARN*) issued since the case began. */
unsigned long ktest_warnings(struct ktest *t);

bool __ktest_check_int(struct ktest *t, bool ok, const char *file, int line,
		       const char *macro, const char *ea, const char *eb,
		       long long a, long long b);
bool __ktest_check_str(struct ktest *t, bool ok, const char *file, int line,
		       const char *macro, const char *ea, const char *eb,
		       const char *a, const char *b);
bool __ktest_check_cond(struct ktest *t, bool ok, const char *file, int line,
			const char *macro, const char *expr);

#define __KT_INT(t, op, a, b, M, abort) do {				\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (!__ktest_check_int(t, __a op __b, __FILE__, __LINE__, M,	\
			       #a, #b, __a, __b) && (abort))		\
		ktest_abort(t);						\
} while (0)

#define __KT_UINT(t, op, a, b, M, abort) do {				\
	unsigned long long __a = (unsigned long long)(a);		\
	unsigned long long __b = (unsigned long long)(b);		\
	if (!__ktest_check_int(t, __a op __b, __FILE__, __LINE__, M,	\
			       #a, #b, (long long)__a, (long long)__b) && (abort)) \
		ktest_abort(t);						\
} while (0)

#define __KT_COND(t, cond, M, abort) do {				\
	if (!__ktest_check_cond(t, !!(cond), __FILE__, __LINE__, M, #cond) \
	    && (abort))							\
		ktest_abort(t);						\
} while (0)

#define __KT_STR(t, eq, a, b, M, abort) do {				\
	const char *__a = (a), *__b = (b);				\
	bool __same = __a && __b && !strcmp(__a, __b);			\
	if (!__ktest_check_str(t, __same == (eq), __FILE__, __LINE__, M, \
			       #a, #b, __a, __b) && (abort))		\
		ktest_abort(t);						\
} while (0)

#define EXPECT_TRUE(t, c)	__KT_COND(t, (c), "EXPECT_TRUE", 0)
#define EXPECT_FALSE(t, c)	__KT_COND(t, !(c), "EXPECT_FALSE", 0)
#define EXPECT_EQ(t, a, b)	__KT_INT(t, ==, a, b, "EXPECT_EQ", 0)
#define EXPECT_NE(t, a, b)	__KT_INT(t, !=, a, b, "EXPECT_NE", 0)
#define EXPECT_LT(t, a, b)	__KT_INT(t, <, a, b, "EXPECT_LT", 0)
#define EXPECT_LE(t, a, b)	__KT_INT(t, <=, a, b, "EXPECT_LE", 0)
#define EXPECT_GT(t, a, b)	__KT_INT(t, >, a, b, "EXPECT_GT", 0)
#define EXPECT_GE(t, a, b)	__KT_INT(t, >=, a, b, "EXPECT_GE", 0)
#define EXPECT_ULT(t, a, b)	__KT_UINT(t, <, a, b, "EXPECT_ULT", 0)
#define EXPECT_UGE(t, a, b)	__KT_UINT(t, >=, a, b, "EXPECT_UGE", 0)
#define EXPECT_NULL(t, p)	__KT_COND(t, (p) == NULL, "EXPECT_NULL", 0)
#define EXPECT_NOT_NULL(t, p)	__KT_COND(t, (p) != NULL, "EXPECT_NOT_NULL", 0)
#define EXPECT_STREQ(t, a, b)	__KT_STR(t, true, a, b, "EXPECT_STREQ", 0)
#define EXPECT_STRNE(t, a, b)	__KT_STR(t, false, a, b, "EXPECT_STRNE", 0)

#define ASSERT_TRUE(t, c)	__KT_COND(t, (c), "ASSERT_TRUE", 1)
#define ASSERT_FALSE(t, c)	__KT_COND(t, !(c), "ASSERT_FALSE", 1)
#define ASSERT_EQ(t, a, b)	__KT_INT(t, ==, a, b, "ASSERT_EQ", 1)
#define ASSERT_NE(t, a, b)	__KT_INT(t, !=, a, b, "ASSERT_NE", 1)
#define ASSERT_LT(t, a, b)	__KT_INT(t, <, a, b, "ASSERT_LT", 1)
#define ASSERT_LE(t, a, b)	__KT_INT(t, <=, a, b, "ASSERT_LE", 1)
#define ASSERT_GT(t, a, b)	__KT_INT(t, >, a, b, "ASSERT_GT", 1)
#define ASSERT_GE(t, a, b)	__KT_INT(t, >=, a, b, "ASSERT_GE", 1)
#define ASSERT_NULL(t, p)	__KT_COND(t, (p) == NULL, "ASSERT_NULL", 1)
#define ASSERT_NOT_NULL(t, p)	__KT_COND(t, (p) != NULL, "ASSERT_NOT_NULL", 1)
#define ASSERT_STREQ(t, a, b)	__KT_STR(t, true, a, b, "ASSERT_STREQ", 1)

#endif /* LIB_KTEST_H */
