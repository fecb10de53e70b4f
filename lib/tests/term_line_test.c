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
	{}
};
KTEST_SUITE(term_line_suite, "lib.term_line", term_line_cases);
