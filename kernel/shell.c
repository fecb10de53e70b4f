/*
 * The shell's mechanism: the line editor, the tokenizer, the dispatcher.
 * The commands live with their subsystems (see kernel/shell.h).
 *
 * Line editing understands what a serial terminal sends: printable
 * characters (echoed), backspace (DEL or ^H), ^U (kill the line), ^C
 * (abandon it), Enter as CR, LF or CR LF, and the arrow keys' escape
 * sequences ESC [ A / ESC [ B for a small history. Input piped from the
 * host (tests/qemu-run --input) goes through the same path, so a script
 * drives the shell exactly as a person does.
 */
#include <kernel/rcu.h>
#include <kernel/shell.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/string.h>
#include <asm/platform.h>

extern const struct shell_cmd *const __start_shell_cmds[];
extern const struct shell_cmd *const __stop_shell_cmds[];

#define LINE_LEN	256
#define MAX_ARGS	16
#define HISTORY		16
#define PROMPT		"zdk> "

static char history[HISTORY][LINE_LEN];
static unsigned int history_len;	/* entries ever added */

static const struct shell_cmd *find_cmd(const char *name)
{
	for (const struct shell_cmd *const *p = __start_shell_cmds;
	     p < __stop_shell_cmds; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

void shell_for_each_cmd(void (*fn)(const struct shell_cmd *cmd))
{
	const struct shell_cmd *prev = NULL;

	/* Selection by name order: commands are few, O(n^2) is fine. */
	for (;;) {
		const struct shell_cmd *next = NULL;

		for (const struct shell_cmd *const *p = __start_shell_cmds;
		     p < __stop_shell_cmds; p++) {
			if (prev && strcmp((*p)->name, prev->name) <= 0)
				continue;
			if (!next || strcmp((*p)->name, next->name) < 0)
				next = *p;
		}
		if (!next)
			return;
		fn(next);
		prev = next;
	}
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

/* Split line in place into argv; double quotes group words. */
static int tokenize(char *line, char **argv, int max, const char **err)
{
	int argc = 0;
	char *s = line;

	for (;;) {
		char *out;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return argc;
		if (argc == max) {
			*err = "too many arguments";
			return -1;
		}
		argv[argc++] = out = s;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '"') {
				s++;
				while (*s && *s != '"')
					*out++ = *s++;
				if (*s != '"') {
					*err = "unterminated quote";
					return -1;
				}
				s++;
			} else {
				*out++ = *s++;
			}
		}
		if (*s)
			s++;
		*out = '\0';
	}
}

int shell_exec(char *line)
{
	char *argv[MAX_ARGS + 1];
	const struct shell_cmd *cmd;
	const char *err = NULL;
	int argc = tokenize(line, argv, MAX_ARGS, &err);

	if (argc < 0) {
		kprintf("shell: %s\n", err);
		return 2;
	}
	if (argc == 0)
		return 0;
	argv[argc] = NULL;
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		kprintf("%s: unknown command (try 'help')\n", argv[0]);
		return 127;
	}
	return cmd->run(argc, argv);
}

/* --- the line editor ----------------------------------------------------- */

static void erase_chars(size_t n)
{
	while (n--)
		console_write("\b \b", 3);
}

static void replace_line(char *buf, size_t *len, const char *with)
{
	erase_chars(*len);
	*len = strlcpy(buf, with, LINE_LEN);
	console_write(buf, *len);
}

/* Read one line into buf; returns its length. */
static size_t read_line(char *buf)
{
	size_t len = 0;
	unsigned int hist = history_len;	/* history cursor */
	int prev = 0;

	for (;;) {
		int c = arch_console_getc();

		if (c == '\n' && prev == '\r') {	/* CR LF: one Enter */
			prev = 0;
			continue;
		}
		prev = c;
		if (c == '\r' || c == '\n') {
			console_write("\n", 1);
			buf[len] = '\0';
			return len;
		} else if (c == 0x7f || c == '\b') {
			if (len) {
				len--;
				erase_chars(1);
			}
		} else if (c == 0x15) {			/* ^U */
			erase_chars(len);
			len = 0;
		} else if (c == 0x03) {			/* ^C */
			console_write("^C\n", 3);
			buf[0] = '\0';
			return 0;
		} else if (c == 0x1b) {			/* ESC [ A/B */
			if (arch_console_getc() != '[')
				continue;
			c = arch_console_getc();
			if (c == 'A' && hist > 0 && history_len - hist < HISTORY &&
			    hist > history_len - MIN(history_len, HISTORY)) {
				hist--;
				replace_line(buf, &len, history[hist % HISTORY]);
			} else if (c == 'B' && hist < history_len) {
				hist++;
				replace_line(buf, &len, hist == history_len ? "" :
					     history[hist % HISTORY]);
			}
		} else if (c >= 0x20 && c < 0x7f && len < LINE_LEN - 1) {
			char ch = (char)c;

			buf[len++] = ch;
			console_write(&ch, 1);
		}
	}
}

static void remember(const char *line)
{
	if (!line[0])
		return;
	if (history_len && !strcmp(history[(history_len - 1) % HISTORY], line))
		return;
	strlcpy(history[history_len % HISTORY], line, LINE_LEN);
	history_len++;
}

void shell_run(void)
{
	char line[LINE_LEN];

	kprintf("\nzdk shell: type 'help' for the commands.\n");
	for (;;) {
		/* Between commands the shell holds nothing: a quiescent
		 * state, where pending RCU callbacks may run. */
		rcu_quiescent_state();
		kprintf(PROMPT);
		read_line(line);
		remember(line);
		shell_exec(line);
	}
}
