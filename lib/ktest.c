/*
 * The ktest harness: select, run, report in KTAP version 1.
 *
 * Suites arrive through the "ktest_suites" linker section (an array of
 * pointers between __start_ktest_suites and __stop_ktest_suites); they run
 * sorted by name so the output does not depend on link order. Each
 * selected suite is one nested KTAP block; each case is one result line.
 *
 * A case runs with a jump buffer armed: ASSERT_* and ktest_skip() end it by
 * longjmp back here. If the case panics or faults, the platform calls
 * ktest_crash(), which finishes the KTAP lines of the case and its suite
 * so the log stays parseable; the run then ends (the kernel's die()).
 *
 * State: one run at a time, on one CPU (the shell and the boot path never
 * overlap). `run` below is that run's state; `current` is the case in
 * progress, if any.
 */
#include <lib/glob.h>
#include <lib/ktest.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/bug.h>
#include <lib/console_mode.h>
#include <lib/ktime.h>

extern const struct ktest_suite *const __start_ktest_suites[];
extern const struct ktest_suite *const __stop_ktest_suites[];

#define MAX_SUITES	256
#define INDENT		"    "

static struct {
	const struct ktest_suite *suite;
	unsigned int suite_no;		/* KTAP number of the open suite */
	unsigned int case_no;		/* KTAP number of the case in progress */
	unsigned int pass, fail, skip;	/* within the open suite */
	unsigned int not_run;		/* of skip: the cases stop_reason left (the
					 * one it stopped included) */
	const char *stop_reason;	/* machine.stop()'s: no case runs after it */
	bool ran;			/* a case ran in this ktest_run(): stop() is
					 * asked only after one, so a run always
					 * shows something */
	uint64_t start_ns;		/* when the open suite started */
} run;

static struct ktest *current;
static char skip_reason_buf[96];	/* reason of the last skipped case */

struct ktest *ktest_current(void)
{
	return current;
}

/*
 * The case running now, for lib/bug.h's context: its suite's and its own
 * name, both in rodata, published with a release store by the CPU that
 * runs the case and read with an acquire load by any CPU that warns, so
 * a warning from any CPU while the case runs names it (a stack pointer
 * such as `current` could be gone by the time another CPU reads it).
 */
static struct {
	const char *suite, *tcase;	/* (atomic) NULL between cases */
} running;

static void running_set(const struct ktest_suite *s, const struct ktest_case *c)
{
	__atomic_store_n(&running.suite, s ? s->name : NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&running.tcase, c ? c->name : NULL, __ATOMIC_RELEASE);
}

static bool warn_context(char *buf, size_t size)
{
	const char *tcase = __atomic_load_n(&running.tcase, __ATOMIC_ACQUIRE);
	const char *suite = __atomic_load_n(&running.suite, __ATOMIC_RELAXED);

	if (!tcase || !suite)
		return false;
	scnprintf(buf, size, "self-test %s.%s", suite, tcase);
	return true;
}

/*
 * After a case: its warnings, labelled. Expected means: the case asserts
 * on its warning count (ktest_warnings()) and passed, so the count was
 * the one it wanted; a failed case's or an unchecked count is said so.
 */
static void label_warnings(const struct ktest *t)
{
	unsigned long n = warn_count() - t->warn_base;
	const char *what = t->status == KTEST_FAIL ? "the case FAILED: not as expected" :
			   t->warnings_checked ? "provoked by this case, which checks their "
						 "count (expected)" :
			   "NOT checked by this case";

	if (n)
		kprintf(INDENT "# %s: %lu WARNING line(s) above: %s\n", t->tcase->name, n, what);
}

/* --- selection ------------------------------------------------------------ */

/* Copy the next comma-separated glob of *globs into buf; false at the end. */
static bool next_glob(const char **globs, char *buf, size_t size)
{
	const char *s = *globs;
	size_t n = 0;

	while (*s == ',' || *s == ' ')
		s++;
	if (!*s)
		return false;
	while (*s && *s != ',') {
		if (n + 1 < size)
			buf[n++] = *s;
		s++;
	}
	buf[n] = '\0';
	*globs = s;
	return true;
}

/*
 * An explicit suite ("lib.ktest.selftest.crash") is chosen only by a glob
 * that spells out its parent ("lib.ktest.selftest.*", or the suite's own
 * name), never by "*" or "lib.*".
 */
static bool glob_may_pick(const struct ktest_suite *s, const char *glob)
{
	const char *last = strrchr(s->name, '.');
	size_t parent = last ? (size_t)(last - s->name) : strlen(s->name);

	if (!(s->flags & KTEST_F_EXPLICIT))
		return true;
	return !strncmp(glob, s->name, parent) &&
	       (glob[parent] == '.' || glob[parent] == '\0');
}

static bool case_selected(const struct ktest_suite *s,
			  const struct ktest_case *c, const char *globs)
{
	char glob[128], full[160];

	if (!strcmp(globs, "none"))
		return false;
	snprintf(full, sizeof(full), "%s.%s", s->name, c->name);
	while (next_glob(&globs, glob, sizeof(glob))) {
		if (!glob_may_pick(s, glob))
			continue;
		if (glob_match(glob, s->name) || glob_match(glob, full))
			return true;
	}
	return false;
}

static unsigned int count_selected(const struct ktest_suite *s, const char *globs)
{
	unsigned int n = 0;

	for (const struct ktest_case *c = s->cases; c->name; c++)
		n += case_selected(s, c, globs);
	return n;
}

/* The registered suites, sorted by name. Returns how many. */
static size_t sorted_suites(const struct ktest_suite **out)
{
	size_t n = 0;

	for (const struct ktest_suite *const *p = __start_ktest_suites;
	     p < __stop_ktest_suites && n < MAX_SUITES; p++) {
		size_t i = n++;

		while (i > 0 && strcmp(out[i - 1]->name, (*p)->name) > 0) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = *p;
	}
	return n;
}

bool ktest_globs_match_any(const char *globs)
{
	static const struct ktest_suite *suites[MAX_SUITES];
	size_t n = sorted_suites(suites);

	for (size_t i = 0; i < n; i++)
		if (count_selected(suites[i], globs))
			return true;
	return false;
}

const char *ktest_globs_boot_only(const char *globs)
{
	static const struct ktest_suite *suites[MAX_SUITES];
	size_t n = sorted_suites(suites);

	for (size_t i = 0; i < n; i++)
		if ((suites[i]->flags & KTEST_F_BOOT_ONLY) && count_selected(suites[i], globs))
			return suites[i]->name;
	return NULL;
}

void ktest_list(void)
{
	static const struct ktest_suite *suites[MAX_SUITES];
	size_t n = sorted_suites(suites);
	unsigned int cases = 0;

	for (size_t i = 0; i < n; i++) {
		kprintf("%s%s\n", suites[i]->name,
			suites[i]->flags & KTEST_F_BOOT_ONLY ? " (explicit, boot only)" :
			suites[i]->flags & KTEST_F_EXPLICIT ? " (explicit)" : "");
		for (const struct ktest_case *c = suites[i]->cases; c->name; c++) {
			kprintf("  %-32s %s\n", c->name, c->intent ? c->intent : "");
			cases++;
		}
	}
	kprintf("%zu suites, %u cases\n", n, cases);
}

/* --- running ---------------------------------------------------------------- */

static struct ktest_machine machine = {
	.cpus = 1, .no_nvdimm = "the runner did not say", .no_pmem = "the runner did not say",
};

void ktest_set_machine(const struct ktest_machine *m)
{
	machine = *m;
}

/* Why the machine cannot run c (written to reason), or false if it can. */
static bool need_unmet(const struct ktest_case *c, char *reason, size_t size)
{
	unsigned int cpus = c->needs & KTEST_NEEDS_CPUS(~0U);

	if (cpus > machine.cpus) {
		scnprintf(reason, size, "needs %u CPUs (%u online)", cpus, machine.cpus);
		return true;
	}
	if ((c->needs & KTEST_NEEDS_NVDIMM) && machine.no_nvdimm) {
		scnprintf(reason, size, "needs an NVDIMM (%s)", machine.no_nvdimm);
		return true;
	}
	if ((c->needs & KTEST_NEEDS_PMEM) && machine.no_pmem) {
		scnprintf(reason, size, "needs persistent memory (%s)", machine.no_pmem);
		return true;
	}
	return false;
}

static enum ktest_status run_case_once(const struct ktest_suite *s,
				       const struct ktest_case *c)
{
	struct ktest t = {
		.suite = s, .tcase = c, .status = KTEST_PASS, .indent = 1,
		.warn_base = warn_count(),
	};

	if (need_unmet(c, skip_reason_buf, sizeof(skip_reason_buf)))
		return KTEST_SKIP;
	if (console_summary_active())
		console_held_clear();	/* a failure shows this case's output */
	current = &t;
	running_set(s, c);
	if (arch_setjmp(t.abort_jmp) == 0)
		c->run(&t);
	running_set(NULL, NULL);
	current = NULL;
	label_warnings(&t);
	if (t.status == KTEST_SKIP)
		strlcpy(skip_reason_buf, t.reason, sizeof(skip_reason_buf));
	return t.status;
}

enum ktest_status ktest_run_inner(const struct ktest_case *c)
{
	struct ktest *outer = current;
	struct ktest t = {
		.suite = outer ? outer->suite : NULL, .tcase = c,
		.status = KTEST_PASS, .indent = 1, .quiet = true,
		.warn_base = warn_count(),
	};
	char reason[sizeof(t.reason)];

	if (need_unmet(c, reason, sizeof(reason)))
		return KTEST_SKIP;
	current = &t;
	if (arch_setjmp(t.abort_jmp) == 0)
		c->run(&t);
	current = outer;
	return t.status;
}

static void report_case(unsigned int no, const struct ktest_case *c,
			enum ktest_status st)
{
	if (st == KTEST_SKIP)
		kprintf(INDENT "ok %u %s # SKIP %s\n", no, c->name, skip_reason_buf);
	else
		kprintf(INDENT "%s %u %s\n", st == KTEST_PASS ? "ok" : "not ok",
			no, c->name);
}

/*
 * console=summary's line per suite (lib/console_mode.h). A suite whose name
 * extends the one before ("drivers.acpi.nfit" after "drivers.acpi") joins
 * its line, so the whole boot fits on one screen; the line is written when
 * the next family starts, or at the end of the run.
 */
static struct {
	char root[48];			/* the family's first suite; "" if none */
	char more[96];			/* the others, as suffixes: "nfit, nfit.check" */
	unsigned int pass, fail, skip;
	uint64_t ns;
} family;

static void family_flush(void)
{
	uint64_t ms = family.ns / NSEC_PER_MSEC;

	if (!family.root[0])
		return;
	console_summary("  %-22s %3u passed, %u failed, %u skipped %4llu.%02llu s%s%s%s\n",
			family.root, family.pass, family.fail, family.skip,
			(unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000 / 10),
			family.more[0] ? " (+ " : "", family.more, family.more[0] ? ")" : "");
	family.root[0] = '\0';
}

/* Does suite `name` extend the family on its line? */
static bool family_member(const char *name)
{
	size_t len = strlen(family.root);

	return len && !strncmp(name, family.root, len) && name[len] == '.';
}

/* A suite starts: the family before it, if it is not one of them, is complete. */
static void family_start(const char *name)
{
	if (console_summary_active() && !family_member(name))
		family_flush();
}

static void family_add(const char *name, uint64_t ns)
{
	size_t len = strlen(family.root);

	if (!console_summary_active())
		return;
	if (family_member(name)) {
		size_t used = strlen(family.more);

		scnprintf(family.more + used, sizeof(family.more) - used, "%s%s",
			  used ? ", " : "", name + len + 1);
	} else {
		family_flush();
		strlcpy(family.root, name, sizeof(family.root));
		family.more[0] = '\0';
		family.pass = family.fail = family.skip = 0;
		family.ns = 0;
	}
	family.pass += run.pass;
	family.fail += run.fail;
	family.skip += run.skip;
	family.ns += ns;
}

/* Has the machine said stop? Asked only once a case has run in this run;
 * once it has said so, the run stays stopped. */
static bool stop_asked(void)
{
	if (!run.stop_reason && run.ran && machine.stop)
		run.stop_reason = machine.stop();
	return run.stop_reason != NULL;
}

static void close_suite(const char *note)
{
	const struct ktest_suite *s = run.suite;
	unsigned int total = run.pass + run.fail + run.skip;

	family_add(s->name, ktime_get_ns() - run.start_ns);
	if (*note)
		family_flush();		/* a crash, a stop: nothing comes after it */

	kprintf(INDENT "# %s: pass:%u fail:%u skip:%u total:%u%s\n", s->name,
		run.pass, run.fail, run.skip, total, note);
	if (run.fail)
		kprintf("not ok %u %s\n", run.suite_no, s->name);
	else if (run.skip && !run.pass && run.stop_reason)
		kprintf("ok %u %s # SKIP %s\n", run.suite_no, s->name, run.stop_reason);
	else if (run.skip && !run.pass)
		kprintf("ok %u %s # SKIP\n", run.suite_no, s->name);
	else
		kprintf("ok %u %s\n", run.suite_no, s->name);
	run.suite = NULL;
}

/*
 * One selected case, `repeat` times while it passes, asking the machine
 * between two runs: one stopped before its last run is skipped, with the
 * runs it made (a case passes only if every run does), never passed.
 */
static void run_case(const struct ktest_suite *s, const struct ktest_case *c,
		     unsigned int repeat)
{
	enum ktest_status st = KTEST_PASS;
	unsigned int r;

	run.case_no++;
	for (r = 0; r < repeat && st == KTEST_PASS; r++) {
		if (r && stop_asked())
			break;
		st = run_case_once(s, c);
		run.ran = true;
	}
	if (st == KTEST_PASS && r < repeat) {
		kprintf(INDENT "ok %u %s # SKIP %s after %u of %u repeats\n", run.case_no,
			c->name, run.stop_reason, r, repeat);
		run.skip++;
		run.not_run++;
		return;
	}
	if (st == KTEST_FAIL && repeat > 1)
		kprintf(INDENT "# %s failed in a repetition (of %u)\n",
			c->name, repeat);
	report_case(run.case_no, c, st);
	if (st == KTEST_FAIL && console_summary_active()) {
		console_summary("  FAILED %s.%s; its output (the last %u bytes):\n",
				s->name, c->name, CONSOLE_HELD_SIZE);
		console_held_replay();
	}
	run.pass += st == KTEST_PASS;
	run.fail += st == KTEST_FAIL;
	run.skip += st == KTEST_SKIP;
}

static void run_suite(const struct ktest_suite *s, unsigned int no,
		      const char *globs, unsigned int repeat)
{
	char note[64] = "";

	run.suite = s;
	run.suite_no = no;
	run.pass = run.fail = run.skip = run.not_run = 0;
	run.case_no = 0;
	run.start_ns = ktime_get_ns();
	family_start(s->name);

	kprintf(INDENT "KTAP version 1\n");
	kprintf(INDENT "# Subtest: %s\n", s->name);
	kprintf(INDENT "1..%u\n", count_selected(s, globs));

	for (const struct ktest_case *c = s->cases; c->name; c++) {
		if (!case_selected(s, c, globs))
			continue;
		if (!stop_asked()) {
			run_case(s, c, repeat);
			continue;
		}
		/* the plan is met: each case not run is a result, skipped */
		kprintf(INDENT "ok %u %s # SKIP %s\n", ++run.case_no, c->name, run.stop_reason);
		run.skip++;
		run.not_run++;
	}
	if (run.stop_reason)
		scnprintf(note, sizeof(note), " (%s)", run.stop_reason);
	close_suite(note);
}

int ktest_run(const char *globs, unsigned int repeat, struct ktest_totals *out)
{
	static const struct ktest_suite *suites[MAX_SUITES];
	size_t n = sorted_suites(suites);
	struct ktest_totals tot = { 0 };
	unsigned int planned = 0, no = 0;

	if (repeat == 0)
		repeat = 1;
	for (size_t i = 0; i < n; i++)
		planned += count_selected(suites[i], globs) > 0;

	warn_set_context(warn_context);
	kprintf("KTAP version 1\n");
	kprintf("1..%u\n", planned);
	run.stop_reason = NULL;
	run.ran = false;
	for (size_t i = 0; i < n; i++) {
		unsigned int cases = count_selected(suites[i], globs);

		if (!cases)
			continue;
		if (stop_asked()) {
			/* the top plan is met: a suite not run is one result */
			kprintf("ok %u %s # SKIP %s\n", ++no, suites[i]->name, run.stop_reason);
			tot.not_run += cases;
			continue;
		}
		run_suite(suites[i], ++no, globs, repeat);
		tot.passed += run.pass;
		tot.failed += run.fail;
		tot.skipped += run.skip - run.not_run;
		tot.not_run += run.not_run;
		tot.suites++;
	}
	tot.stopped = run.stop_reason != NULL;
	family_flush();
	console_summary("ktest: %u suites: %u passed, %u failed, %u skipped\n", tot.suites,
			tot.passed, tot.failed, tot.skipped);
	if (out)
		*out = tot;
	return tot.failed;
}

bool ktest_crash(const char *reason)
{
	struct ktest *t = current;

	if (!t || !run.suite)
		return false;
	current = NULL;
	kprintf(INDENT "# %s crashed: %s\n", t->tcase->name, reason);
	kprintf(INDENT "not ok %u %s\n", run.case_no, t->tcase->name);
	run.fail++;
	close_suite(" (run ended by a crash)");
	return true;
}

/* --- reporting from cases ------------------------------------------------- */

static void vlog(struct ktest *t, const char *fmt, va_list ap)
{
	char msg[256];

	if (t->quiet)
		return;
	vscnprintf(msg, sizeof(msg), fmt, ap);
	kprintf("%s# %s\n", t->indent ? INDENT : "", msg);
}

void ktest_log(struct ktest *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(t, fmt, ap);
	va_end(ap);
}

void ktest_fail(struct ktest *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(t, fmt, ap);
	va_end(ap);
	t->status = KTEST_FAIL;
}

void ktest_abort(struct ktest *t)
{
	arch_longjmp(t->abort_jmp, 1);
}

void ktest_skip(struct ktest *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(t->reason, sizeof(t->reason), fmt, ap);
	va_end(ap);
	/* A failure recorded before the skip still counts. */
	if (t->status != KTEST_FAIL)
		t->status = KTEST_SKIP;
	ktest_abort(t);
}

unsigned long ktest_warnings(struct ktest *t)
{
	t->warnings_checked = true;
	return warn_count() - t->warn_base;
}

bool __ktest_check_int(struct ktest *t, bool ok, const char *file, int line,
		       const char *macro, const char *ea, const char *eb,
		       long long a, long long b)
{
	if (!ok)
		ktest_fail(t, "%s(%s, %s) failed at %s:%d: %s == %lld (%#llx), %s == %lld (%#llx)",
			   macro, ea, eb, file, line, ea, a, (unsigned long long)a,
			   eb, b, (unsigned long long)b);
	return ok;
}

bool __ktest_check_str(struct ktest *t, bool ok, const char *file, int line,
		       const char *macro, const char *ea, const char *eb,
		       const char *a, const char *b)
{
	if (!ok)
		ktest_fail(t, "%s(%s, %s) failed at %s:%d: \"%s\" vs \"%s\"",
			   macro, ea, eb, file, line, a, b);
	return ok;
}

bool __ktest_check_cond(struct ktest *t, bool ok, const char *file, int line,
			const char *macro, const char *expr)
{
	if (!ok)
		ktest_fail(t, "%s(%s) failed at %s:%d", macro, expr, file, line);
	return ok;
}
