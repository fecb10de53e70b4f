/*
 * lib.term_line: the bytes a terminal receives when messages arrive while
 * a line is being edited (lib/term_line.h), collected and compared whole.
 */
#include <lib/ktest.h>
#include <lib/string.h>
#include <lib/term_line.h>

#define ERASE	TERM_ERASE_LINE

static char screen[1024];		/* every byte written, in order */
static size_t written;

static void out(const char *s, size_t n)
{
	if (written + n < sizeof(screen)) {
		memcpy(screen + written, s, n);
		written += n;
		screen[written] = '\0';
	}
}

static struct term_line tl;

static void start(void)
{
	memset(&tl, 0, sizeof(tl));
	written = 0;
	screen[0] = '\0';
}

#define ECHO(s)		term_line_echo(&tl, s, sizeof(s) - 1, out)
#define MESSAGE(s)	term_line_message(&tl, s, sizeof(s) - 1, out)

static void message_outside_a_line_is_written_as_is(struct ktest *t)
{
	start();
	MESSAGE("pmem0: bound\n");
	EXPECT_STREQ(t, screen, "pmem0: bound\n");
	EXPECT_FALSE(t, term_line_editing(&tl));
}

static void message_over_a_half_typed_line_redraws_it(struct ktest *t)
{
	start();
	term_line_begin(&tl, "zdk> ", out);
	ECHO("pmem l");
	MESSAGE("unbind: pmem0: unbound (in the background)\n");
	ECHO("ist");
	ECHO("\n");
	EXPECT_STREQ(t, screen, "zdk> pmem l" ERASE "unbind: pmem0: unbound (in the background)\n"
			"zdk> pmem list\n");
	EXPECT_FALSE(t, term_line_editing(&tl));
	MESSAGE("later\n");				/* the line is over: as is */
	EXPECT_STREQ(t, screen + written - 6, "later\n");
}

static void empty_line_still_gets_its_prompt_back(struct ktest *t)
{
	start();
	term_line_begin(&tl, "zdk> ", out);
	MESSAGE("a\n");
	MESSAGE("b\n");
	EXPECT_STREQ(t, screen, "zdk> " ERASE "a\nzdk> " ERASE "b\nzdk> ");
}

static void edits_are_redrawn_as_the_screen_shows_them(struct ktest *t)
{
	start();
	term_line_begin(&tl, "zdk> ", out);
	ECHO("versx");
	ECHO("\b \b");				/* the editor's backspace */
	MESSAGE("m\n");
	/* the blank the backspace left is drawn, and the cursor goes back over it */
	EXPECT_STREQ(t, screen, "zdk> versx\b \b" ERASE "m\nzdk> vers \b");
	ECHO("ion\n");
	EXPECT_FALSE(t, term_line_editing(&tl));
}

static void message_ending_mid_row_waits_for_its_end(struct ktest *t)
{
	start();
	term_line_begin(&tl, "zdk> ", out);
	ECHO("he");
	MESSAGE("probing...");			/* no newline: no redraw yet */
	EXPECT_STREQ(t, screen, "zdk> he" ERASE "probing...");
	MESSAGE(" done\n");			/* hidden already: no second erase */
	EXPECT_STREQ(t, screen, "zdk> he" ERASE "probing... done\nzdk> he");
	MESSAGE("half");
	ECHO("l");				/* a new row first, then the line */
	EXPECT_STREQ(t, screen, "zdk> he" ERASE "probing... done\nzdk> he" ERASE "half\nzdk> hel");
}

static void ctrl_c_echo_ends_the_line(struct ktest *t)
{
	start();
	term_line_begin(&tl, "zdk> ", out);
	ECHO("sle");
	ECHO("^C\n");
	EXPECT_FALSE(t, term_line_editing(&tl));
	term_line_begin(&tl, "zdk> ", out);
	MESSAGE("x\n");
	EXPECT_STREQ(t, screen, "zdk> sle^C\nzdk> " ERASE "x\nzdk> ");
}

static void end_stops_the_tracking(struct ktest *t)
{
	start();
	term_line_begin(&tl, "zdk> ", out);
	ECHO("abc");
	term_line_end(&tl);
	MESSAGE("m\n");
	EXPECT_STREQ(t, screen, "zdk> abcm\n");
}

static void overlong_row_is_tracked_up_to_its_limit(struct ktest *t)
{
	static char line[TERM_LINE_MAX + 40];

	start();
	memset(line, 'x', sizeof(line));
	term_line_begin(&tl, "> ", out);
	term_line_echo(&tl, line, sizeof(line), out);
	EXPECT_EQ(t, tl.width, TERM_LINE_MAX);
	EXPECT_EQ(t, tl.cursor, TERM_LINE_MAX);
	term_line_end(&tl);
}

/*
 * The editor's writes are told apart by their mark alone: a message
 * written from elsewhere in the middle of the editor's own write (printk's
 * note, from the same CPU, before the prompt or the echo it carries) is a
 * message, neither swallowed nor taken for the prompt or the echo.
 */
static char own_buf[16];
static struct term_own own = { .buf = own_buf };

static void own_write(const char *prompt, const char *s)
{
	static const char note[] = "printk: the log lock was held too long\n";

	own.prompt = prompt;
	strlcpy(own_buf, s, sizeof(own_buf));
	term_line_write(&tl, &own, note, sizeof(note) - 1, out);	/* comes first */
	term_line_write(&tl, &own, own_buf, strlen(own_buf), out);
	own.prompt = NULL;
}

static void only_marked_writes_are_the_editors(struct ktest *t)
{
	static const char echo_text[] = "ls";	/* the same bytes, not from own_buf */

	start();
	own_write("zdk> ", "zdk> ");
	EXPECT_TRUE(t, term_line_editing(&tl));
	own_write(NULL, "pmem");
	EXPECT_STREQ(t, screen, "printk: the log lock was held too long\nzdk> "
		     ERASE "printk: the log lock was held too long\nzdk> pmem");
	EXPECT_EQ(t, tl.width, 4);
	/* the editor's bytes written from another buffer are someone else's */
	term_line_write(&tl, &own, echo_text, 2, out);
	EXPECT_EQ(t, tl.width, 4);
	own_write(NULL, "\n");
	EXPECT_FALSE(t, term_line_editing(&tl));
}

static const struct ktest_case term_line_cases[] = {
	KTEST_CASE(message_outside_a_line_is_written_as_is, "no line edited: nothing added"),
	KTEST_CASE(message_over_a_half_typed_line_redraws_it,
		   "erase, the message, then the prompt and the typed text again"),
	KTEST_CASE(empty_line_still_gets_its_prompt_back, "each message gets its own redraw"),
	KTEST_CASE(edits_are_redrawn_as_the_screen_shows_them,
		   "after a backspace the redraw shows the row and puts the cursor back"),
	KTEST_CASE(message_ending_mid_row_waits_for_its_end,
		   "a message without its newline defers the redraw; an echo starts a new row"),
	KTEST_CASE(ctrl_c_echo_ends_the_line, "the echo of ^C and Enter ends the line"),
	KTEST_CASE(end_stops_the_tracking, "after term_line_end messages go out as they are"),
	KTEST_CASE(overlong_row_is_tracked_up_to_its_limit, "a row past TERM_LINE_MAX is cut in the model"),
	KTEST_CASE(only_marked_writes_are_the_editors,
		   "output slipped into the editor's write is a message, never its prompt or echo"),
	{}
};
KTEST_SUITE(term_line_suite, "lib.term_line", term_line_cases);
