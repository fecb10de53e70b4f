/*
 * Warnings: print what went wrong, where, from whom, and carry on.
 *
 * Each warning bumps a counter that the self-test harness samples around
 * every case, so a test can assert that the code under test warned (the
 * percpu_ref underflow warning, later, is checked exactly this way).
 */
#include <lib/bug.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/trace.h>

static unsigned long warnings;

unsigned long warn_count(void)
{
	return __atomic_load_n(&warnings, __ATOMIC_RELAXED);
}

void __warn(const char *file, int line, unsigned long caller,
	    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	__atomic_fetch_add(&warnings, 1, __ATOMIC_RELAXED);
	trace_event(warn, caller, line, 0);
	pr_warn("WARNING: %s at %s:%d in %pS", msg, file, line, (void *)caller);
}
