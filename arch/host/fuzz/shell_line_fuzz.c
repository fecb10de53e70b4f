/*
 * shell_line: the shell's line editor and argument splitter
 * (kernel/shell_line.c: shell_line_read, shell_line_remember,
 * shell_split), fed the input as typed bytes.
 *
 * The editor reads lines from the input until it is used up: its getc
 * hands out the input's bytes, then '\r' (Enter) for ever, as
 * kernel/tests/shell_line_test.c's feed does. Each line read is
 * remembered (so the arrow keys find a history), then split, as the shell
 * does. The echo goes to a model terminal: printable bytes written at the
 * cursor, '\b' one column back.
 *
 * What must hold (kernel/shell_line.h):
 *   - shell_line_read() returns -1 or a length < SHELL_LINE_LEN, the
 *     buffer NUL-terminated at that length, holding only printable
 *     characters (-1: an empty buffer);
 *   - the line is what the terminal shows: after a line that was not
 *     abandoned (^C) nor refused (-1), the model terminal's row (when the
 *     editor echoed the line's end) up to its cursor is the line, and
 *     nothing but blanks after it;
 *   - every read takes at least one byte and ends (a few Enters past the
 *     input's end at most);
 *   - shell_split() returns -1 with a reason, or at most `max` words,
 *     each a NUL-terminated string inside the line's buffer, in order,
 *     without blanks or quotes unless the line had quotes.
 */
#include <stdlib.h>
#include <string.h>

#include <arch/host/fuzz/fuzz.h>
#include <kernel/shell_line.h>

#define TERM_COLS	(4 * SHELL_LINE_LEN)

static struct {
	const uint8_t *in;
	size_t len, pos;
	unsigned int past_end;		/* getc calls after the input's end */
	int last;			/* the last byte handed out */
	char row[TERM_COLS];		/* the model terminal's current row */
	size_t cursor, width;		/* cursor column; columns written */
	bool overflow;			/* the row ran past TERM_COLS */
	char shown[TERM_COLS];		/* the row when the line ended ('\n') */
	size_t shown_cursor, shown_width;
} feed;

static int feed_getc(void *arg)
{
	if (feed.pos == feed.len) {
		feed.past_end++;
		FUZZ_CHECK(feed.past_end < 4, "the editor keeps reading after %u Enters past the end",
			   feed.past_end);
		return feed.last = '\r';
	}
	return feed.last = feed.in[feed.pos++];
}

static void feed_echo(const char *s, size_t n, void *arg)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n') {
			memcpy(feed.shown, feed.row, feed.width);
			feed.shown_cursor = feed.cursor;
			feed.shown_width = feed.width;
			feed.cursor = feed.width = 0;
		} else if (c == '\b') {
			if (feed.cursor)
				feed.cursor--;
		} else {
			FUZZ_CHECK(c >= 0x20 && c < 0x7f, "echoed byte 0x%02x", (uint8_t)c);
			if (feed.cursor == TERM_COLS) {
				feed.overflow = true;
				continue;
			}
			feed.row[feed.cursor++] = c;
			if (feed.cursor > feed.width)
				feed.width = feed.cursor;
		}
	}
}

static struct shell_line ed;		/* static: its history is 4 KiB */

static void check_split(char *buf, long len)
{
	char copy[SHELL_LINE_LEN], *argv[SHELL_MAX_ARGS + 1];
	const char *err = NULL;
	bool quotes = memchr(buf, '"', (size_t)len);
	int argc;

	memcpy(copy, buf, (size_t)len + 1);
	argv[SHELL_MAX_ARGS] = (char *)"sentinel";
	argc = shell_split(buf, argv, SHELL_MAX_ARGS, &err);
	FUZZ_CHECK(argc >= -1 && argc <= SHELL_MAX_ARGS, "shell_split(\"%s\") = %d", copy, argc);
	if (argc < 0) {
		FUZZ_CHECK(err && (!strcmp(err, "too many arguments") ||
				   !strcmp(err, "unterminated quote")),
			   "shell_split(\"%s\") failed without a reason", copy);
		FUZZ_CHECK(strcmp(err, "unterminated quote") || quotes,
			   "shell_split(\"%s\"): unterminated quote without quotes", copy);
		return;
	}
	FUZZ_CHECK(!strcmp(argv[SHELL_MAX_ARGS], "sentinel"), "shell_split wrote past argv");
	for (int i = 0; i < argc; i++) {
		size_t n = strnlen(argv[i], SHELL_LINE_LEN);

		FUZZ_CHECK(argv[i] >= buf && argv[i] + n <= buf + len,
			   "shell_split(\"%s\"): word %d lies outside the line", copy, i);
		FUZZ_CHECK(i == 0 || argv[i] > argv[i - 1] + strlen(argv[i - 1]),
			   "shell_split(\"%s\"): word %d overlaps word %d", copy, i, i - 1);
		FUZZ_CHECK(quotes || (n && !strpbrk(argv[i], " \t\"")),
			   "shell_split(\"%s\"): word %d is '%s'", copy, i, argv[i]);
	}
	if (!quotes) {
		/* Without quotes the words are the line's own, in order. */
		const char *p = copy;

		for (int i = 0; i < argc; i++) {
			p += strspn(p, " \t");
			FUZZ_CHECK(!strncmp(p, argv[i], strlen(argv[i])) &&
				   strchr(" \t", p[strlen(argv[i])]),
				   "shell_split(\"%s\"): word %d '%s' is not the line's", copy, i,
				   argv[i]);
			p += strlen(argv[i]);
		}
		p += strspn(p, " \t");
		FUZZ_CHECK(!*p, "shell_split(\"%s\"): '%s' left over", copy, p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(SHELL_LINE_LEN);	/* its own block: ASan guards its end */

	FUZZ_CHECK(buf, "out of memory");
	memset(&feed, 0, sizeof(feed));
	feed.in = data;
	feed.len = size;
	shell_line_init(&ed, feed_getc, feed_echo, NULL);

	while (feed.pos < feed.len) {
		size_t before = feed.pos;
		long len;

		memset(buf, 0xa5, SHELL_LINE_LEN);
		len = shell_line_read(&ed, buf);
		FUZZ_CHECK(feed.pos > before, "a read took no byte");
		FUZZ_CHECK(len >= -1 && len < SHELL_LINE_LEN, "shell_line_read() = %ld", len);
		if (len < 0) {
			FUZZ_CHECK(buf[0] == '\0', "a refused line leaves '%.20s'", buf);
			continue;
		}
		FUZZ_CHECK(buf[len] == '\0' && strlen(buf) == (size_t)len,
			   "shell_line_read() = %ld, but the buffer holds %zu characters", len,
			   strnlen(buf, SHELL_LINE_LEN));
		for (long i = 0; i < len; i++)
			FUZZ_CHECK(buf[i] >= 0x20 && buf[i] < 0x7f, "byte %ld of the line is 0x%02x", i,
				   (uint8_t)buf[i]);
		if (feed.last != 0x03 && !feed.overflow) {	/* not abandoned by ^C */
			FUZZ_CHECK(feed.shown_cursor == (size_t)len &&
				   !memcmp(feed.shown, buf, (size_t)len),
				   "the line is '%s', the terminal shows '%.*s' (cursor %zu)", buf,
				   (int)feed.shown_cursor, feed.shown, feed.shown_cursor);
			for (size_t i = (size_t)len; i < feed.shown_width; i++)
				FUZZ_CHECK(feed.shown[i] == ' ',
					   "the line is '%s', the terminal shows '%.*s' after it", buf,
					   (int)(feed.shown_width - len), feed.shown + len);
		}
		shell_line_remember(&ed, buf);
		check_split(buf, len);
	}
	free(buf);
	return 0;
}
