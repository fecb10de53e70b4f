/*
 * The shell's mechanism: the console's line editor (kernel/shell_line.h
 * edits and splits), the dispatcher, the checks commands share. The
 * commands live with their subsystems (see kernel/shell.h).
 *
 * Input piped from the host (tests/qemu-run --input) goes through the
 * same editor as a person's typing, so a script drives the shell exactly
 * as a person does.
 */
#include <kernel/rcu.h>
#include <kernel/shell.h>
#include <kernel/shell_line.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/name_order.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/string.h>
#include <asm/platform.h>

extern const struct shell_cmd *const __start_shell_cmds[];
extern const struct shell_cmd *const __stop_shell_cmds[];
extern const struct shell_hold *const __start_shell_holds[];
extern const struct shell_hold *const __stop_shell_holds[];

#define PROMPT		"zdk> "

static const struct shell_cmd *find_cmd(const char *name)
{
	for (const struct shell_cmd *const *p = __start_shell_cmds;
	     p < __stop_shell_cmds; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

static void call_with_cmd(const void *entry, void *arg)
{
	void (*fn)(const struct shell_cmd *cmd) = arg;

	fn(entry);
}

void shell_for_each_cmd(void (*fn)(const struct shell_cmd *cmd))
{
	_Static_assert(__builtin_offsetof(struct shell_cmd, name) == 0,
		       "for_each_by_name() reads the name first");
	for_each_by_name((const void *const *)__start_shell_cmds,
			 (const void *const *)__stop_shell_cmds, call_with_cmd, (void *)fn);
}

int shell_usage_error(char **argv, const char *fmt, ...)
{
	const struct shell_cmd *cmd = find_cmd(argv[0]);
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("%s: %s\n", argv[0], msg);
	if (cmd && cmd->args[0])
		kprintf("usage: %s %s\n", cmd->name, cmd->args);
	return 2;
}

bool shell_holds(const char *name, char *what, size_t size)
{
	for (const struct shell_hold *const *p = __start_shell_holds;
	     p < __stop_shell_holds; p++)
		if ((*p)->holds(name, what, size))
			return true;
	return false;
}

bool shell_number(char **argv, const char *what, const char *s, unsigned long min,
		  unsigned long max, unsigned long *out)
{
	unsigned long v;
	int err = parse_ulong(s, &v);

	if (err == -EINVAL) {
		kprintf("%s: %s '%s' is not a number (decimal, 0x hex, K/M/G suffix)\n",
			argv[0], what, s);
		return false;
	}
	if (err || v < min || v > max) {
		kprintf("%s: %s '%s' is out of range: expected %lu to %lu\n", argv[0], what, s,
			min, max);
		return false;
	}
	*out = v;
	return true;
}

int shell_exec_argv(int argc, char **argv)
{
	const struct shell_cmd *cmd;

	if (argc == 0)
		return 0;
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		kprintf("%s: unknown command (try 'help')\n", argv[0]);
		return 127;
	}
	return cmd->run(argc, argv);
}

int shell_exec(char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	const char *err = NULL;
	int argc = shell_split(line, argv, SHELL_MAX_ARGS, &err);

	if (argc < 0) {
		kprintf("shell: %s\n", err);
		return 2;
	}
	argv[argc] = NULL;
	return shell_exec_argv(argc, argv);
}

/* --- the console's editor ------------------------------------------------ */

static struct shell_line console_line;	/* the shell thread's */

static int console_getc(void *arg)
{
	return arch_console_getc();
}

static void console_echo(const char *s, size_t n, void *arg)
{
	console_write(s, n);
}

void shell_run(void)
{
	char line[SHELL_LINE_LEN];

	shell_line_init(&console_line, console_getc, console_echo, NULL);
	kprintf("\nzdk shell: type 'help' for the commands.\n");
	for (;;) {
		/* Between commands the shell holds nothing: a quiescent
		 * state, where pending RCU callbacks may run. */
		rcu_quiescent_state();
		kprintf(PROMPT);
		if (shell_line_read(&console_line, line) < 0) {
			kprintf("shell: line longer than %d characters: not run\n",
				SHELL_LINE_LEN - 1);
			continue;
		}
		shell_line_remember(&console_line, line);
		shell_exec(line);
	}
}
