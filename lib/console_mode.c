/*
 * console=full|summary: see lib/console_mode.h.
 */
#include <lib/boot_param.h>
#include <lib/console_mode.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

BOOT_PARAM(console, "console", "full|summary (default full)",
	   "summary: one line per self-test suite on the terminal while the boot's tests run; "
	   "the full log on the log console (COM2)");

static bool active;	/* atomic: summary mode, not yet ended */

bool console_summary_active(void)
{
	return __atomic_load_n(&active, __ATOMIC_ACQUIRE);
}

void console_mode_setup(const struct cmdline *cl)
{
	const char *v = cmdline_get(cl, "console");

	if (!v || !strcmp(v, "full"))
		return;
	if (strcmp(v, "summary")) {
		pr_err("cmdline: console=%s: expected full or summary; staying in full", v);
		return;
	}
	if (!console_has_log()) {
		pr_info("console: summary asked for, but there is no log console (COM2) to keep "
			"the full log: showing everything");
		return;
	}
	pr_info("console: summary: one line per self-test suite here, the full log on COM2");
	__atomic_store_n(&active, true, __ATOMIC_RELEASE);
	console_summary("zdk: booting; while the boot stages run, this terminal shows one line "
			"per self-test suite; every line goes to COM2 (make run: build/run.log)\n");
	console_mute(true);
}

void console_summary(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	if (!console_summary_active())
		return;
	va_start(ap, fmt);
	n = vscnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_write_person(line, n);
}

void console_summary_end(void)
{
	if (!__atomic_exchange_n(&active, false, __ATOMIC_ACQ_REL))
		return;
	console_mute(false);
	pr_info("console: boot self-tests over: every line shows here again "
		"(their full output is on COM2)");
}
