/*
 * Verdicts: the one line a run ends with, and the exit code that goes
 * with it (the table is in kernel/verdict.h).
 */
#include <kernel/verdict.h>
#include <lib/printk.h>
#include <asm/platform.h>

static enum verdict last = VERDICT_PASS;

const char *verdict_word(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS:	return "PASS";
	case VERDICT_FAIL:	return "FAIL";
	case VERDICT_CRASH:	return "CRASH";
	}
	return "CRASH";
}

void verdict_print(enum verdict v, const char *detail)
{
	last = v;
	kprintf("zdk: verdict: %s (%s)\n", verdict_word(v), detail);
}

void verdict_exit(enum verdict v, const char *detail)
{
	verdict_print(v, detail);
	arch_debug_exit(v);
}

enum verdict verdict_last(void)
{
	return last;
}
