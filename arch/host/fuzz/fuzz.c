/*
 * What every fuzz target links besides its own file (arch/host/fuzz/fuzz.h):
 * the failure report, a quiet console, a discarding printer, and the
 * harness's crash hook without a harness.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <arch/host/fuzz/fuzz.h>
#include <lib/ktest.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "==zdk-fuzz== %s:%d: broken: %s\n==zdk-fuzz== ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	abort();
}

void fuzz_discard(void *arg, const char *fmt, ...)
{
	char scratch[256];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(scratch, sizeof(scratch), fmt, ap);
	va_end(ap);
}

/* No ktest case runs here: a panic has none to report (and lib/ktest.c,
 * which needs the suites' section, stays out of the link). */
bool ktest_crash(const char *reason)
{
	return false;
}

static void stderr_write(const char *s, size_t len)
{
	if (write(STDERR_FILENO, s, len) < 0)
		return;
}

static struct console stderr_console = {
	.name = "stderr",
	.write = stderr_write,
};

bool fuzz_verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("ZDK_FUZZ_VERBOSE");

	fuzz_verbose = v && *v && *v != '0';
	console_register(&stderr_console);
	printk_set_console_level(LOGLEVEL_EMERG);
	return 0;
}
