/*
 * The shell's mechanism: the console's line editor (kernel/shell_line.h
 * edits and splits) on the shell's terminal (kernel/shell_tty.h: the
 * prompt redrawn around messages, typeahead, ^C), the dispatcher, the
 * checks and waits commands share. The commands live with their
 * subsystems (see kernel/shell.h).
 *
 * Input piped from the host (tests/qemu-run --input) goes through the
 * same editor as a person's typing, so a script drives the shell exactly
 * as a person does.
 */
#include <kernel/rcu.h>
#include <kernel/sched.h>
#include <kernel/shell.h>
#include <kernel/shell_line.h>
#include <kernel/shell_tty.h>
#include <kernel/timer.h>
#include <lib/bug.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/name_order.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/string.h>

extern const struct shell_cmd *const __start_shell_cmds[];
extern const struct shell_cmd *const __stop_shell_cmds[];
extern const struct shell_hold *const __start_shell_holds[];
extern const struct shell_hold *const __stop_shell_holds[];

#define PROMPT		"zdk> "

/*
 * The command typed at the prompt is running (shell_run(): the shell
 * thread writes it; a thread the shell waits for reads it), and the
 * depth of shell_interrupt_mask(). Atomic.
 */
static bool typed_running;
static int interrupt_masked;

const struct shell_cmd *shell_find_cmd(const char *name)
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
	const struct shell_cmd *cmd = shell_find_cmd(argv[0]);
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("%s: %s\n", argv[0], msg);
	if (cmd && cmd->args[0])
		kprintf("usage: %s %s   ('help %s': every argument)\n", cmd->name, cmd->args,
			cmd->name);
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

int shell_keyword(const struct shell_keyword *keywords, const char *arg, const char *word)
{
	for (int i = 0; keywords && keywords[i].word; i++) {
		const char *of = keywords[i].arg;
		bool same_arg = of == arg || (of && arg && !strcmp(of, arg));

		if (same_arg && !strcmp(keywords[i].word, word))
			return i;
	}
	return -1;
}

const char *shell_keyword_list(const struct shell_keyword *keywords, const char *arg,
			       char *buf, size_t size)
{
	unsigned int n = 0, total = 0;
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; keywords && keywords[i].word; i++)
		total += shell_keyword(keywords, arg, keywords[i].word) == i;
	for (int i = 0; keywords && keywords[i].word; i++) {
		if (shell_keyword(keywords, arg, keywords[i].word) != i)
			continue;
		n++;
		len += scnprintf(buf + len, size - len, "%s%s",
				 n == 1 ? "" : n == total ? " or " : ", ", keywords[i].word);
	}
	return buf;
}

static bool usage_delimiter(char c)
{
	return c == ' ' || c == '[' || c == ']' || c == '|' || c == '(' || c == ')' ||
	       c == '.' || c == ',';
}

bool shell_usage_has(const char *args, const char *word, size_t len)
{
	for (const char *a = args; *a;) {
		size_t n = 0;

		while (a[n] && !usage_delimiter(a[n]))
			n++;
		if (n && n == len && !strncmp(a, word, len))
			return true;
		a += n ? n : 1;
	}
	return false;
}

bool shell_number(char **argv, const char *what, const char *s, unsigned long min,
		  unsigned long max, unsigned long *out)
{
	const struct shell_cmd *cmd = shell_find_cmd(argv[0]);
	unsigned long v;
	int err = parse_ulong(s, &v);

	/* the error names the argument as `help NAME` does, or the person
	 * cannot find it there */
	WARN(cmd && !shell_usage_has(cmd->args, what, strcspn(what, " ")),
	     "shell: %s: an error would name %s, which its usage '%s' does not", argv[0], what,
	     cmd ? cmd->args : "");

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
	cmd = shell_find_cmd(argv[0]);
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

/* --- ^C and waits ---------------------------------------------------------- */

bool shell_interrupted(void)
{
	if (!__atomic_load_n(&typed_running, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&interrupt_masked, __ATOMIC_RELAXED))
		return false;
	return shell_tty_poll_interrupt();
}

void shell_interrupt_mask(bool mask)
{
	__atomic_add_fetch(&interrupt_masked, mask ? 1 : -1, __ATOMIC_RELAXED);
}

/*
 * msleep() without its warning for a CPU whose timer does not tick yet:
 * the shell opens before the boot CPU's first tick, and a `devices wait`
 * typed at once would warn. Like msleep(), it busy-waits then.
 */
static void nap(unsigned int ms)
{
	uint64_t deadline = deadline_after_ms(ms);

	if (!sched_running() || !cpu_ticks(smp_processor_id())) {
		mdelay(ms);
		return;
	}
	sleep_until(deadline);
}

int shell_wait(bool (*done)(void *arg), void *arg, unsigned long timeout_ms,
	       unsigned long *waited_ms)
{
	uint64_t start = ktime_get_ns();
	unsigned long waited = 0;
	int ret;

	for (;;) {
		if (done && done(arg)) {
			ret = 0;
			break;
		}
		if (timeout_ms && waited >= timeout_ms) {
			ret = -ETIMEDOUT;
			break;
		}
		if (shell_interrupted()) {
			ret = -EINTR;
			break;
		}
		/* the last slice ends at the limit, not past it */
		nap(timeout_ms ? (unsigned int)MIN((unsigned long)SHELL_WAIT_POLL_MS,
						    timeout_ms - waited) : SHELL_WAIT_POLL_MS);
		waited = (unsigned long)((ktime_get_ns() - start) / NSEC_PER_MSEC);
	}
	if (waited_ms)
		*waited_ms = waited;
	return ret;
}

/* --- the console's editor ------------------------------------------------ */

static struct shell_line console_line;	/* the shell thread's */

static int console_getc(void *arg)
{
	return shell_tty_getc();
}

static void console_echo(const char *s, size_t n, void *arg)
{
	shell_tty_echo(s, n);
}

void shell_run(void)
{
	char line[SHELL_LINE_LEN];

	shell_line_init(&console_line, console_getc, console_echo, NULL);
	kprintf("\nzdk shell: type 'help' for the commands, 'help NAME' for one; "
		"Ctrl-C stops a command.\n");
	shell_tty_open();
	for (;;) {
		long len;

		/* Between commands the shell holds nothing: a quiescent
		 * state, where pending RCU callbacks may run. */
		rcu_quiescent_state();
		shell_tty_prompt(PROMPT);
		len = shell_line_read(&console_line, line);
		shell_tty_line_done();
		if (len < 0) {
			kprintf("shell: line longer than %d characters: not run\n",
				SHELL_LINE_LEN - 1);
			continue;
		}
		shell_line_remember(&console_line, line);
		/* each command starts with no ^C pending */
		shell_tty_clear_interrupt();
		__atomic_store_n(&typed_running, true, __ATOMIC_RELAXED);
		shell_exec(line);
		__atomic_store_n(&typed_running, false, __ATOMIC_RELAXED);
		__atomic_store_n(&interrupt_masked, 0, __ATOMIC_RELAXED);
		shell_tty_clear_interrupt();
	}
}
