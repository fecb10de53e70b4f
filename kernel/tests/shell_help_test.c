/*
 * kernel.shell.help: every command's definition carries its full syntax
 * (kernel/shell.h): `help NAME` prints a doc that describes each argument
 * of the command's usage as "WORD: ...", gives an example, and fits a
 * terminal; and `help` itself answers for a name, refuses a wrong one.
 */
#include <kernel/shell.h>
#include <lib/ktest.h>
#include <lib/string.h>

#define DOC_LINE_MAX	90		/* `help NAME` indents by 2: fits 92 columns */

static struct ktest *checking;		/* the case, for the callback */
static unsigned int commands;

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Does doc describe word, as "WORD:" at a line's start (after blanks) or after a blank? */
static bool described(const char *doc, const char *word, size_t len)
{
	for (const char *s = doc; (s = strstr(s, word)); s++) {
		bool starts = s == doc || s[-1] == ' ' || s[-1] == '\n';

		if (starts && !strncmp(s, word, len) && s[len] == ':')
			return true;
	}
	return false;
}

/* Each argument word of args: an UPPERCASE name, an -option or "&". */
static void check_args(struct ktest *t, const struct shell_cmd *cmd)
{
	for (const char *a = cmd->args; *a;) {
		char word[32];
		size_t len = 0;

		if (is_upper(*a) || (*a == '-' && a[1] && !is_upper(a[1])) || *a == '&') {
			while ((is_upper(a[len]) || (a[len] >= '0' && a[len] <= '9') ||
				a[len] == '-' || a[len] == '&' || (len && a[len] >= 'a' &&
								    a[len] <= 'z')) &&
			       len < sizeof(word) - 1)
				len++;
			memcpy(word, a, len);
			word[len] = '\0';
			if (!described(cmd->doc, word, len))
				ktest_fail(t, "'%s': its doc does not describe %s (as '%s: ...')",
					   cmd->name, word, word);
			a += len;
		} else {
			a++;
		}
	}
}

static void check_cmd(const struct shell_cmd *cmd)
{
	struct ktest *t = checking;
	bool example = false;

	commands++;
	if (!cmd->help || !cmd->help[0] || strchr(cmd->help, '\n'))
		ktest_fail(t, "'%s': its summary is not one non-empty line", cmd->name);
	if (!cmd->doc || !cmd->doc[0]) {
		ktest_fail(t, "'%s' has no doc: `help %s` would say nothing", cmd->name, cmd->name);
		return;
	}
	if (cmd->doc[strlen(cmd->doc) - 1] != '\n')
		ktest_fail(t, "'%s': its doc's last line does not end with a newline", cmd->name);
	for (const char *s = cmd->doc; *s;) {
		size_t n = strcspn(s, "\n");

		if (n > DOC_LINE_MAX)
			ktest_fail(t, "'%s': a doc line of %zu columns (at most %d): '%.40s...'",
				   cmd->name, n, DOC_LINE_MAX, s);
		example |= !strncmp(s, "example", 7);
		s += n + (s[n] == '\n');
	}
	if (!example)
		ktest_fail(t, "'%s': its doc has no line starting 'example'", cmd->name);
	check_args(t, cmd);
}

static void every_command_documents_its_arguments(struct ktest *t)
{
	checking = t;
	commands = 0;
	shell_for_each_cmd(check_cmd);
	checking = NULL;
	EXPECT_GE(t, commands, 20);		/* the core's and the subsystems' */
	ktest_log(t, "%u commands, each with its full syntax", commands);
}

static int run(const char *cmd)
{
	char line[64];

	strlcpy(line, cmd, sizeof(line));
	return shell_exec(line);
}

static void help_answers_for_one_command(struct ktest *t)
{
	EXPECT_EQ(t, run("help pmem"), 0);
	EXPECT_EQ(t, run("help help"), 0);
	EXPECT_EQ(t, run("help nosuchcommand"), 1);
	EXPECT_EQ(t, run("help pmem read"), 2);
	EXPECT_NOT_NULL(t, shell_find_cmd("sleep"));
	EXPECT_NULL(t, shell_find_cmd("slee"));			/* no prefix match */
}

static const struct ktest_case shell_help_cases[] = {
	KTEST_CASE(every_command_documents_its_arguments,
		   "each command's doc describes every argument, has an example, fits 90 columns"),
	KTEST_CASE(help_answers_for_one_command,
		   "`help NAME` answers for a command, refuses an unknown one and extra words"),
	{}
};
KTEST_SUITE(shell_help_suite, "kernel.shell.help", shell_help_cases);
