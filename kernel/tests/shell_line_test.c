/*
 * kernel.shell_line: the line editor and the argument splitter, fed bytes
 * from a string instead of a terminal (kernel/shell_line.h). The echo is
 * collected so a case can check what a terminal would show.
 */
#include <kernel/shell_line.h>
#include <lib/ktest.h>
#include <lib/string.h>

struct feed {
	const char *in;		/* the bytes still to type */
	size_t len;
	char echo[1024];	/* what the terminal showed */
	size_t echoed;
	unsigned int overrun;	/* getc calls past the end: a case bug */
};

static int feed_getc(void *arg)
{
	struct feed *f = arg;

	if (!f->len) {
		f->overrun++;
		return '\r';	/* end the line rather than block */
	}
	f->len--;
	return (unsigned char)*f->in++;
}

static void feed_echo(const char *s, size_t n, void *arg)
{
	struct feed *f = arg;

	while (n-- && f->echoed < sizeof(f->echo) - 1)
		f->echo[f->echoed++] = *s++;
	f->echo[f->echoed] = '\0';
}

static struct shell_line ed;		/* static: its history is 4 KiB */
static struct feed feed;
static char line[SHELL_LINE_LEN];

static void type(const char *bytes, size_t n)
{
	memset(&feed, 0, sizeof(feed));
	feed.in = bytes;
	feed.len = n;
}

static void start(const char *bytes, size_t n)
{
	shell_line_init(&ed, feed_getc, feed_echo, &feed);
	type(bytes, n);
}

#define START(s)	start(s, sizeof(s) - 1)
#define TYPE(s)		type(s, sizeof(s) - 1)

static void plain_line_is_read_and_echoed(struct ktest *t)
{
	START("help\r");
	EXPECT_EQ(t, shell_line_read(&ed, line), 4);
	EXPECT_STREQ(t, line, "help");
	EXPECT_STREQ(t, feed.echo, "help\n");
	EXPECT_EQ(t, feed.overrun, 0);
}

static void cr_lf_is_one_enter(struct ktest *t)
{
	START("a\r\nb\r\n");
	EXPECT_EQ(t, shell_line_read(&ed, line), 1);
	EXPECT_STREQ(t, line, "a");
	EXPECT_EQ(t, shell_line_read(&ed, line), 1);	/* not an empty line */
	EXPECT_STREQ(t, line, "b");
	EXPECT_EQ(t, feed.len, 1);			/* the last LF is still to come */
	EXPECT_EQ(t, feed.overrun, 0);
}

static void lf_alone_and_cr_alone_end_lines(struct ktest *t)
{
	START("a\nb\rc\n\n");
	EXPECT_EQ(t, shell_line_read(&ed, line), 1);
	EXPECT_STREQ(t, line, "a");
	EXPECT_EQ(t, shell_line_read(&ed, line), 1);
	EXPECT_STREQ(t, line, "b");
	EXPECT_EQ(t, shell_line_read(&ed, line), 1);	/* "\rc": the CR ended b */
	EXPECT_STREQ(t, line, "c");
	EXPECT_EQ(t, shell_line_read(&ed, line), 0);	/* LF LF: an empty line */
	EXPECT_EQ(t, feed.overrun, 0);
}

static void bare_escape_keeps_the_enter(struct ktest *t)
{
	START("ab\x1b\r");
	EXPECT_EQ(t, shell_line_read(&ed, line), 2);
	EXPECT_STREQ(t, line, "ab");
	EXPECT_EQ(t, feed.overrun, 0);
}

static void escape_then_letter_keeps_the_letter(struct ktest *t)
{
	START("\x1bxy\r");
	EXPECT_EQ(t, shell_line_read(&ed, line), 2);
	EXPECT_STREQ(t, line, "xy");
}

static void unknown_sequences_are_ignored_whole(struct ktest *t)
{
	/* right arrow, a parameterised one, and ESC [ Enter */
	START("a\x1b[Cb\x1b[1;5Dc\x1b[\r");
	EXPECT_EQ(t, shell_line_read(&ed, line), 3);
	EXPECT_STREQ(t, line, "abc");
	EXPECT_EQ(t, feed.overrun, 0);
}

static void application_mode_and_intermediates(struct ktest *t)
{
	START("");
	shell_line_remember(&ed, "old");
	TYPE("\x1bOA\r");				/* up, application mode */
	EXPECT_EQ(t, shell_line_read(&ed, line), 3);
	EXPECT_STREQ(t, line, "old");
	TYPE("a\x1b[2 qb\x1bOPc\r");		/* cursor shape; F1 */
	EXPECT_EQ(t, shell_line_read(&ed, line), 3);
	EXPECT_STREQ(t, line, "abc");
	EXPECT_EQ(t, feed.overrun, 0);
}

static void arrows_walk_the_history(struct ktest *t)
{
	START("");
	shell_line_remember(&ed, "first");
	shell_line_remember(&ed, "second");
	shell_line_remember(&ed, "second");		/* a repeat is not kept */
	shell_line_remember(&ed, "");			/* nor an empty line */
	EXPECT_EQ(t, ed.history_len, 2);
	TYPE("\x1b[A\x1b[A\x1b[A\r");			/* past the oldest: stays */
	EXPECT_EQ(t, shell_line_read(&ed, line), 5);
	EXPECT_STREQ(t, line, "first");
	TYPE("\x1b[A\x1b[A\x1b[B\r");
	EXPECT_EQ(t, shell_line_read(&ed, line), 6);
	EXPECT_STREQ(t, line, "second");
	TYPE("\x1b[A\x1b[B\r");			/* back down to an empty line */
	EXPECT_EQ(t, shell_line_read(&ed, line), 0);
}

static void history_keeps_the_last_sixteen(struct ktest *t)
{
	char word[8];

	START("");
	for (int i = 0; i < SHELL_HISTORY + 4; i++) {
		word[0] = 'a' + i;
		word[1] = '\0';
		shell_line_remember(&ed, word);
	}
	TYPE("\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A"
	     "\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\r");
	EXPECT_EQ(t, shell_line_read(&ed, line), 1);
	EXPECT_EQ(t, line[0], 'a' + 4);			/* the oldest kept */
}

static void editing_keys_edit(struct ktest *t)
{
	START("abc\x7f\x08x\r");			/* DEL, ^H */
	EXPECT_EQ(t, shell_line_read(&ed, line), 2);
	EXPECT_STREQ(t, line, "ax");
	TYPE("junk\x15ok\r");				/* ^U */
	EXPECT_EQ(t, shell_line_read(&ed, line), 2);
	EXPECT_STREQ(t, line, "ok");
	TYPE("half\x03");				/* ^C */
	EXPECT_EQ(t, shell_line_read(&ed, line), 0);
	EXPECT_STREQ(t, line, "");
	TYPE("\x7f\x7f" "a\x01\x02\r");		/* DEL on empty; controls dropped */
	EXPECT_EQ(t, shell_line_read(&ed, line), 1);
	EXPECT_STREQ(t, line, "a");
}

static void long_line_is_refused_whole(struct ktest *t)
{
	static char in[SHELL_LINE_LEN + 8];

	memset(in, 'x', SHELL_LINE_LEN);
	in[SHELL_LINE_LEN] = '\r';
	start(in, SHELL_LINE_LEN + 1);			/* 256 characters */
	EXPECT_EQ(t, shell_line_read(&ed, line), -1);
	EXPECT_STREQ(t, line, "");
	in[SHELL_LINE_LEN - 1] = '\r';			/* 255: fits */
	type(in, SHELL_LINE_LEN);
	EXPECT_EQ(t, shell_line_read(&ed, line), SHELL_LINE_LEN - 1);
	memset(in, 'y', SHELL_LINE_LEN + 4);		/* too long, then ^U: ok */
	memcpy(in + SHELL_LINE_LEN + 4, "\x15" "ok\r", 4);
	type(in, SHELL_LINE_LEN + 8);
	EXPECT_EQ(t, shell_line_read(&ed, line), 2);
	EXPECT_STREQ(t, line, "ok");
	memset(in, 'z', SHELL_LINE_LEN + 4);		/* too long, then a backspace: */
	memcpy(in + SHELL_LINE_LEN + 4, "\x7f\r", 2);	/* the 254 shown run */
	type(in, SHELL_LINE_LEN + 6);
	EXPECT_EQ(t, shell_line_read(&ed, line), SHELL_LINE_LEN - 2);
}

static void split_words_and_quotes(struct ktest *t)
{
	char s[] = "  pmem  write pmem0 0 \"a b\"  x\"y z\"w ";
	char *argv[SHELL_MAX_ARGS];
	const char *err = NULL;

	ASSERT_EQ(t, shell_split(s, argv, SHELL_MAX_ARGS, &err), 6);
	EXPECT_STREQ(t, argv[0], "pmem");
	EXPECT_STREQ(t, argv[3], "0");
	EXPECT_STREQ(t, argv[4], "a b");
	EXPECT_STREQ(t, argv[5], "xy zw");
}

static void split_refuses_what_it_cannot_split(struct ktest *t)
{
	char open[] = "pmem write \"abc";
	char many[] = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17";
	char empty[] = "\"\"";
	char *argv[SHELL_MAX_ARGS];
	const char *err = NULL;

	EXPECT_EQ(t, shell_split(open, argv, SHELL_MAX_ARGS, &err), -1);
	EXPECT_STREQ(t, err, "unterminated quote");
	EXPECT_EQ(t, shell_split(many, argv, SHELL_MAX_ARGS, &err), -1);
	EXPECT_STREQ(t, err, "too many arguments");
	ASSERT_EQ(t, shell_split(empty, argv, SHELL_MAX_ARGS, &err), 1);
	EXPECT_STREQ(t, argv[0], "");			/* an empty word, kept */
}

static const struct ktest_case shell_line_cases[] = {
	KTEST_CASE(plain_line_is_read_and_echoed, "a line and its echo"),
	KTEST_CASE(cr_lf_is_one_enter, "CR LF ends one line, not two"),
	KTEST_CASE(lf_alone_and_cr_alone_end_lines, "CR or LF alone each end a line"),
	KTEST_CASE(bare_escape_keeps_the_enter, "an ESC before Enter does not eat the Enter"),
	KTEST_CASE(escape_then_letter_keeps_the_letter, "ESC x: the x is typed"),
	KTEST_CASE(unknown_sequences_are_ignored_whole,
		   "other control sequences are read to their end and dropped"),
	KTEST_CASE(application_mode_and_intermediates,
		   "ESC O A is up too; sequences with intermediate bytes are dropped whole"),
	KTEST_CASE(arrows_walk_the_history, "up and down walk the history, within its ends"),
	KTEST_CASE(history_keeps_the_last_sixteen, "the history ring keeps 16 lines"),
	KTEST_CASE(editing_keys_edit, "DEL, ^H, ^U and ^C edit; other controls are dropped"),
	KTEST_CASE(long_line_is_refused_whole, "a line over 255 characters is refused, not cut"),
	KTEST_CASE(split_words_and_quotes, "words split on blanks; quotes group and vanish"),
	KTEST_CASE(split_refuses_what_it_cannot_split,
		   "an open quote and a 17th word are refused by name"),
	{}
};
KTEST_SUITE(shell_line_suite, "kernel.shell_line", shell_line_cases);
