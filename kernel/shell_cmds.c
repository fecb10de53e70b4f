/*
 * The shell's core commands: about the kernel itself, the log, the
 * self-tests, and leaving. Subsystems add theirs next to their code.
 */
#include <kernel/main.h>
#include <kernel/power.h>
#include <kernel/shell.h>
#include <kernel/version.h>
#include <lib/boot_param.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/string.h>
#include <drivers/acpi/acpi.h>
#include <asm/platform.h>

#define SLEEP_MAX_MS	60000

/* One line per command, never cut: the name and its summary. */
static void print_cmd(const struct shell_cmd *cmd)
{
	kprintf("  %-11s %s\n", cmd->name, cmd->help);
}

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *cmd;

	if (argc > 2)
		return shell_usage_error(argv, "takes at most one command name");
	if (argc == 1) {
		kprintf("Commands ('help NAME' gives one's full syntax; numbers accept decimal, "
			"0x hex and K/M/G suffixes; Ctrl-C stops a long command):\n");
		shell_for_each_cmd(print_cmd);
		return 0;
	}
	cmd = shell_find_cmd(argv[1]);
	if (!cmd) {
		kprintf("help: no command '%s' ('help' lists them)\n", argv[1]);
		return 1;
	}
	kprintf("usage: %s%s%s\n", cmd->name, cmd->args[0] ? " " : "", cmd->args);
	kprintf("%s\n", cmd->help);
	/* doc may be longer than one kprintf formats: a line at a time */
	for (const char *s = cmd->doc; *s;) {
		size_t n = strcspn(s, "\n");

		kprintf("  %.*s\n", (int)n, s);
		s += n + (s[n] == '\n');
	}
	return 0;
}
SHELL_COMMAND(help, "[NAME]", "list the commands, or give one's full syntax",
	      "NAME: a command's name: its arguments, each with its unit and the range\n"
	      "      allowed, and examples\n"
	      "example: help pmem\n", cmd_help);

static int cmd_version(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kprintf("zdk %s (x86-64), %s\n", zdk_version, zdk_build_info);
	return 0;
}
SHELL_COMMAND(version, "", "print the kernel version",
	      "takes no arguments; prints the commit the kernel was built from and when\n"
	      "example: version\n", cmd_version);

/* For scripts: let a background thread get on (e.g. `unbind DEV &` reach its wait). */
static int cmd_sleep(int argc, char **argv)
{
	unsigned long ms, slept;

	if (argc != 2)
		return shell_usage_error(argv, "needs one duration in ms, 1 to %u", SLEEP_MAX_MS);
	if (!shell_number(argv, "MS", argv[1], 1, SLEEP_MAX_MS, &ms))
		return 2;
	if (shell_wait(NULL, NULL, ms, &slept) == -EINTR) {
		kprintf("sleep: interrupted after %lu of %lu ms\n", slept, ms);
		return SHELL_INTERRUPTED;
	}
	return 0;
}
SHELL_COMMAND(sleep, "MS", "sleep MS milliseconds (the shell waits; other threads run)",
	      "MS: milliseconds, 1 to 60000 (1K = 1024)\n"
	      "Ctrl-C ends the sleep early\n"
	      "example: sleep 500\n", cmd_sleep);

/* The value a parameter has now: the command line's last, else its default. */
static void show_param(const struct boot_param *p, void *arg)
{
	const struct cmdline *cl = arg;
	const char *given = NULL, *how = "not given";
	char value[48];

	for (unsigned int i = 0; i < cl->nargs; i++)
		if (!strcmp(cl->args[i].key, p->name))
			given = cl->args[i].value ? cl->args[i].value : "(flag)";
	if (given) {
		strlcpy(value, given, sizeof(value));
		how = "given";
	} else if (boot_param_default(p, value, sizeof(value))) {
		how = "default";
	} else {
		strlcpy(value, "-", sizeof(value));
	}
	kprintf("  %-18s %-14s %-9s %s: %s\n", p->name, value, how, p->values, p->help);
}

static int cmd_cmdline(int argc, char **argv)
{
	const struct cmdline *cl = boot_cmdline();

	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kprintf("%s\n", arch_cmdline());
	for (unsigned int i = 0; i < cl->nargs; i++)
		kprintf("  %-20s %s%s\n", cl->args[i].key,
			cl->args[i].value ? cl->args[i].value : "(flag)",
			boot_param_find(cl->args[i].key) ? "" : "   (unknown: ignored)");
	kprintf("the parameters this kernel knows, with the value in force (given on the "
		"command line, or the default):\n");
	boot_param_for_each(show_param, (void *)cl);
	return 0;
}
SHELL_COMMAND(cmdline, "", "show the command line, parsed, and every parameter's value in force",
	      "takes no arguments; prints the command line, each argument parsed (an unknown\n"
	      "one is marked: it is ignored), then every parameter the kernel knows: its value\n"
	      "in force and whether it was given or is the default, what it takes, what it does\n"
	      "example: cmdline\n", cmd_cmdline);

static unsigned long log_lines_shown;

static void log_out(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		log_lines_shown += s[i] == '\n';
	console_write(s, len);
}

static int cmd_log(int argc, char **argv)
{
	unsigned long long dropped = log_lines_dropped();

	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	if (dropped)
		kprintf("log: %llu older line%s dropped (a ring of %u KiB); the last ones follow\n",
			dropped, dropped == 1 ? "" : "s", LOG_BUF_SIZE / 1024);
	log_lines_shown = 0;
	log_replay(log_out);
	kprintf("log: %lu line%s shown, %llu dropped since boot\n", log_lines_shown,
		log_lines_shown == 1 ? "" : "s", dropped);
	return 0;
}
SHELL_COMMAND(log, "", "replay the kernel log, saying how many older lines it dropped",
	      "takes no arguments; prints the log ring (printk's lines with their time stamps,\n"
	      "not the shell's own output), oldest first; the ring keeps the last 64 KiB, and\n"
	      "the first and last lines say how many older lines it has dropped since boot\n"
	      "example: log\n", cmd_log);

static int cmd_poweroff(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kernel_poweroff();
}
SHELL_COMMAND(poweroff, "", "power the machine off (ends the QEMU run)",
	      "takes no arguments; an ACPI power-off (S5): QEMU exits\n"
	      "example: poweroff\n", cmd_poweroff);

static int cmd_reboot(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kernel_reboot();
}
SHELL_COMMAND(reboot, "", "reset the machine (QEMU -no-reboot: ends the run)",
	      "takes no arguments; resets the machine (under QEMU -no-reboot the run ends)\n"
	      "example: reboot\n", cmd_reboot);
