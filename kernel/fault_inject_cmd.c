/*
 * The shell's `fail N COMMAND [ARGS...]`: run one command with the shell
 * task's Nth allocation failing (kernel/fault_inject.h), then say which
 * allocation failed, or that the command made fewer than N. Typing it
 * for N = 1, 2, ... walks every error path of a command by hand; suite
 * kernel.shell.faults does that for each command that allocates, and
 * checks that each failure unwinds.
 */
#include <kernel/fault_inject.h>
#include <kernel/shell.h>
#include <lib/printk.h>
#include <lib/string.h>

#define FAIL_N_MAX	1000000

static int cmd_fail(int argc, char **argv)
{
	unsigned long n;
	const char *at;
	int ret;

	if (argc < 3)
		return shell_usage_error(argv, "expected a count and a command");
	if (!shell_number(argv, "N", argv[1], 1, FAIL_N_MAX, &n))
		return 2;
	/* they arm and disarm this task's countdown themselves */
	if (!strcmp(argv[2], "fail") || !strcmp(argv[2], "ktest") || !strcmp(argv[2], "bench"))
		return shell_usage_error(argv, "'%s' sets its own failures: run it without 'fail'",
					 argv[2]);
	fault_inject_nth((unsigned int)n);
	ret = shell_exec_argv(argc - 2, argv + 2);
	at = fault_injected();
	fault_inject_nth(0);
	if (at)
		kprintf("fail: allocation %lu of '%s' (%s) failed on purpose; it returned %d\n",
			n, argv[2], at, ret);
	else
		kprintf("fail: '%s' made fewer than %lu allocations: none failed; it returned %d\n",
			argv[2], n, ret);
	return ret;
}
SHELL_COMMAND(fail, "N COMMAND [ARGS...]",
	      "run COMMAND with its Nth allocation failing (fail_nth)",
	      "N: which allocation of the command fails, 1 to 1000000 (counted from the\n"
	      "      command's start, in the shell's thread)\n"
	      "COMMAND: any command but fail, ktest and bench (they set their own failures)\n"
	      "ARGS: COMMAND's arguments, as typed without 'fail'\n"
	      "Then it says which allocation failed, or that the command made fewer than N.\n"
	      "examples: fail 1 pmem crc32 pmem0 0 8; fail 3 pin pmem0 0 1\n", cmd_fail);
