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
static bool (*context)(char *buf, size_t size);	/* set once, before use */

void warn_set_context(bool (*fn)(char *buf, size_t size))
{
	context = fn;
}

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

	char who[128];

	__atomic_fetch_add(&warnings, 1, __ATOMIC_RELAXED);
	trace_event(warn, caller, line, 0);
	if (context && context(who, sizeof(who)))
		pr_warn("WARNING: %s at %s:%d in %pS (during %s)", msg, file, line,
			(void *)caller, who);
	else
		pr_warn("WARNING: %s at %s:%d in %pS", msg, file, line, (void *)caller);
}
