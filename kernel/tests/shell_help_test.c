/*
 * kernel.shell.help: every command's definition carries its full syntax
 * (kernel/shell.h): `help NAME` prints a doc that describes each argument
 * of the command's usage as "WORD: ...", each subcommand or keyword its
 * parser takes (its struct shell_keyword table) as an entry of its own,
 * each value an argument takes in that argument's entry; gives an
 * example, and fits a terminal; and `help` itself answers for a name,
 * refuses a wrong one. A deliberately wrong definition of each kind must
 * fail the check, so the check is known to look.
 */
#include <kernel/shell.h>
#include <lib/ktest.h>
#include <lib/string.h>

#define DOC_LINE_MAX	90		/* `help NAME` indents by 2: fits 92 columns */

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_word_char(char c)
{
	return is_upper(c) || is_lower(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
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

/* Is word a whole word of text[0..n)? */
static bool has_word(const char *text, size_t n, const char *word)
{
	size_t len = strlen(word);

	for (size_t i = 0; i + len <= n; i++)
		if (!strncmp(text + i, word, len) && (i == 0 || !is_word_char(text[i - 1])) &&
		    (i + len == n || !is_word_char(text[i + len])))
			return true;
	return false;
}

/*
 * An entry of the doc: a line that starts without a blank, its head the
 * text before its first ": ". Does one name word in its head?
 */
static bool starts_an_entry(const char *doc, const char *word)
{
	for (const char *s = doc; *s;) {
		size_t n = strcspn(s, "\n");
		const char *colon = strstr(s, ": ");

		if (*s != ' ' && colon && colon < s + n && has_word(s, (size_t)(colon - s), word))
			return true;
		s += n + (s[n] == '\n');
	}
	return false;
}

/* The entry of argument arg ("ARG: ..." and the blank-led lines after
 * it): does it name word? */
static bool listed_in_entry(const char *doc, const char *arg, const char *word)
{
	size_t alen = strlen(arg);

	for (const char *s = doc; *s;) {
		size_t n = strcspn(s, "\n");

		if (!strncmp(s, arg, alen) && s[alen] == ':') {
			const char *end = s + n;

			/* the entry runs on over the lines that start with a blank */
			while (end[0] == '\n' && end[1] == ' ')
				end += 1 + strcspn(end + 1, "\n");
			return has_word(s + alen + 1, (size_t)(end - s - alen - 1), word);
		}
		s += n + (s[n] == '\n');
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
				a[len] == '-' || a[len] == '&' || (len && is_lower(a[len]))) &&
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

/*
 * The words the parser takes as spelt: each lowercase word of the usage
 * is a subcommand of the keyword table; each subcommand of the table is
 * a word of the usage and starts an entry of the doc; each value of an
 * argument is listed in that argument's entry.
 */
static void check_keywords(struct ktest *t, const struct shell_cmd *cmd)
{
	const struct shell_keyword *kw = cmd->keywords;

	for (const char *a = cmd->args; *a;) {
		size_t len = 0;
		char word[32];

		while (is_word_char(a[len]) || (len && a[len] == '.'))
			len++;
		if (!len) {
			a++;
			continue;
		}
		if (is_lower(*a) && len < sizeof(word)) {
			memcpy(word, a, len);
			word[len] = '\0';
			if (shell_keyword(kw, NULL, word) < 0)
				ktest_fail(t, "'%s': its usage has '%s', which its keyword table "
					   "(what its parser takes) lacks", cmd->name, word);
		}
		a += len;
	}
	for (int i = 0; kw && kw[i].word; i++) {
		const char *word = kw[i].word, *arg = kw[i].arg;

		if (!arg && !shell_usage_has(cmd->args, word, strlen(word)))
			ktest_fail(t, "'%s': its parser takes '%s', which its usage lacks",
				   cmd->name, word);
		else if (!arg && !starts_an_entry(cmd->doc, word))
			ktest_fail(t, "'%s': its doc has no entry for '%s' (as '%s ...: ...')",
				   cmd->name, word, word);
		else if (arg && !shell_usage_has(cmd->args, arg, strlen(arg)))
			ktest_fail(t, "'%s': '%s' is a value of %s, which its usage lacks",
				   cmd->name, word, arg);
		else if (arg && !listed_in_entry(cmd->doc, arg, word))
			ktest_fail(t, "'%s': its doc's entry for %s does not list '%s'", cmd->name,
				   arg, word);
	}
}

static void check_doc(struct ktest *t, const struct shell_cmd *cmd)
{
	bool example = false;

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
	check_keywords(t, cmd);
}

static struct ktest *checking;		/* the case, for the callback */
static unsigned int commands;

static void check_cmd(const struct shell_cmd *cmd)
{
	commands++;
	check_doc(checking, cmd);
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

/* --- the check itself checked: a wrong definition of each kind fails -------- */

static int no_run(int argc, char **argv)
{
	return 0;
}

static const struct shell_keyword fake_keywords[] = {
	SHELL_WORD("list"), SHELL_WORD("wait"),
	SHELL_VALUE("STATE", "live"), SHELL_VALUE("STATE", "gone"),
	{}
};
static const char fake_doc[] =
	"list: the things\n"
	"wait NAME STATE [SECONDS]: until NAME is in STATE\n"
	"NAME: a name\n"
	"STATE: live, or gone (no such thing any more)\n"
	"SECONDS: 1 to 60\n"
	"example: fake wait x gone\n";
#define FAKE(args_, doc_, keywords_) { .name = "fake", .args = args_, .help = "a fake", \
				       .doc = doc_, .run = no_run, .keywords = keywords_ }
static const struct shell_cmd fake_good =
	FAKE("[list | wait NAME STATE [SECONDS]]", fake_doc, fake_keywords);
/* the usage has "dump", which the parser does not take */
static const struct shell_cmd fake_usage_word =
	FAKE("[list | dump | wait NAME STATE [SECONDS]]", fake_doc, fake_keywords);
/* the parser takes "wait", which the usage lacks */
static const struct shell_cmd fake_hidden_word =
	FAKE("[list | NAME STATE [SECONDS]]", fake_doc, fake_keywords);
/* no entry of the doc describes "list" */
static const struct shell_cmd fake_undocumented = FAKE("[list | wait NAME STATE [SECONDS]]",
	"wait NAME STATE [SECONDS]: until NAME is in STATE; list lists\n"
	"NAME: a name\nSTATE: live, or gone\nSECONDS: 1 to 60\nexample: fake list\n",
	fake_keywords);
/* STATE's entry does not list "gone" (the later line's "gone" is not the entry's) */
static const struct shell_cmd fake_unlisted_value = FAKE("[list | wait NAME STATE [SECONDS]]",
	"list: the things\nwait NAME STATE [SECONDS]: until NAME is in STATE\n"
	"NAME: a name\nSTATE: live\nSECONDS: 1 to 60; gone or not\nexample: fake list\n",
	fake_keywords);
/* no keyword table at all, a lowercase word in the usage */
static const struct shell_cmd fake_no_table =
	FAKE("[list | wait NAME STATE [SECONDS]]", fake_doc, NULL);

static const struct shell_cmd *fake;

static void inner_check_fake(struct ktest *t)
{
	check_doc(t, fake);
}

static const struct ktest_case c_check_fake = { "check_fake", inner_check_fake, NULL, 0 };

static enum ktest_status check_of(const struct shell_cmd *cmd)
{
	fake = cmd;
	return ktest_run_inner(&c_check_fake);
}

static void the_check_refuses_undocumented_keywords(struct ktest *t)
{
	EXPECT_EQ(t, check_of(&fake_good), KTEST_PASS);
	EXPECT_EQ(t, check_of(&fake_usage_word), KTEST_FAIL);
	EXPECT_EQ(t, check_of(&fake_hidden_word), KTEST_FAIL);
	EXPECT_EQ(t, check_of(&fake_undocumented), KTEST_FAIL);
	EXPECT_EQ(t, check_of(&fake_unlisted_value), KTEST_FAIL);
	EXPECT_EQ(t, check_of(&fake_no_table), KTEST_FAIL);
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

/*
 * A bad number is a usage error (status 2) naming the argument as the
 * usage does: shell_number() warns when a command names one its usage
 * does not have, and none of these may.
 */
static void bad_wait_numbers_are_usage_errors_named_as_the_usage(struct ktest *t)
{
	EXPECT_EQ(t, run("devices wait 0"), 2);
	EXPECT_EQ(t, run("devices wait 3601"), 2);
	EXPECT_EQ(t, run("unbind wait 0"), 2);
	EXPECT_EQ(t, run("pgmap wait pmem0 live 0"), 2);
	EXPECT_EQ(t, run("pgmap wait pmem0 sleeping"), 2);
	EXPECT_EQ(t, run("sleep 0"), 2);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

static const struct ktest_case shell_help_cases[] = {
	KTEST_CASE(every_command_documents_its_arguments,
		   "each command's doc describes every argument and keyword, has an example, "
		   "fits 90 columns"),
	KTEST_CASE(help_answers_for_one_command,
		   "`help NAME` answers for a command, refuses an unknown one and extra words"),
	KTEST_CASE(the_check_refuses_undocumented_keywords,
		   "a subcommand or value missing from the usage, the table or the doc fails"),
	KTEST_CASE(bad_wait_numbers_are_usage_errors_named_as_the_usage,
		   "devices, unbind and pgmap wait: a bad SECONDS is status 2, named as in help"),
	{}
};
KTEST_SUITE(shell_help_suite, "kernel.shell.help", shell_help_cases);
