/*
 * The shell's core commands: about the kernel itself, the log, the
 * self-tests, and leaving. Subsystems add theirs next to their code.
 */
#include <kernel/main.h>
#include <kernel/power.h>
#include <kernel/shell.h>
#include <kernel/timer.h>
#include <kernel/version.h>
#include <lib/boot_param.h>
#include <lib/cmdline.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/string.h>
#include <drivers/acpi/acpi.h>
#include <asm/platform.h>

static void print_cmd(const struct shell_cmd *cmd)
{
	char usage[64];

	scnprintf(usage, sizeof(usage), "%s %s", cmd->name, cmd->args);
	kprintf("  %-24s %s\n", usage, cmd->help);
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kprintf("Commands (numbers accept decimal, 0x hex and K/M/G suffixes):\n");
	shell_for_each_cmd(print_cmd);
	return 0;
}
SHELL_COMMAND(help, "", "list the commands", cmd_help);

static int cmd_version(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kprintf("zdk %s (x86-64), %s\n", zdk_version, zdk_build_info);
	return 0;
}
SHELL_COMMAND(version, "", "print the kernel version", cmd_version);

/* For scripts: let a background thread get on (e.g. `unbind DEV &` reach its wait). */
static int cmd_sleep(int argc, char **argv)
{
	unsigned long ms;

	if (argc != 2)
		return shell_usage_error(argv, "needs one duration in ms, 1 to 60000");
	if (!shell_number(argv, "MS", argv[1], 1, 60000, &ms))
		return 2;
	msleep((unsigned int)ms);
	return 0;
}
SHELL_COMMAND(sleep, "MS", "sleep MS milliseconds (the shell waits; other threads run)",
	      cmd_sleep);

static void show_param(const struct boot_param *p, void *arg)
{
	kprintf("  %-18s %-44s %s\n", p->name, p->values, p->help);
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
	kprintf("the parameters this kernel knows:\n");
	boot_param_for_each(show_param, NULL);
	return 0;
}
SHELL_COMMAND(cmdline, "", "show the command line, parsed, and the parameters known",
	      cmd_cmdline);

static void log_out(const char *s, size_t len)
{
	console_write(s, len);
}

static int cmd_log(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	log_replay(log_out);
	return 0;
}
SHELL_COMMAND(log, "", "replay the kernel log", cmd_log);

static int cmd_poweroff(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kernel_poweroff();
}
SHELL_COMMAND(poweroff, "", "power the machine off (ends the QEMU run)", cmd_poweroff);

static int cmd_reboot(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kernel_reboot();
}
SHELL_COMMAND(reboot, "", "reset the machine (QEMU -no-reboot: ends the run)", cmd_reboot);
