/*
 * The shell's line editor and argument splitter (kernel/shell_line.h):
 * bytes in, one line or its words out. No console here: the shell passes
 * its own, the tests and the fuzzer theirs.
 */
#include <kernel/shell_line.h>
#include <lib/string.h>

void shell_line_init(struct shell_line *ed, int (*getc)(void *arg),
		     void (*echo)(const char *s, size_t n, void *arg), void *arg)
{
	memset(ed, 0, sizeof(*ed));
	ed->getc = getc;
	ed->echo = echo;
	ed->arg = arg;
	ed->pushed_back = -1;
}

static int next_byte(struct shell_line *ed)
{
	int c = ed->pushed_back;

	if (c >= 0) {
		ed->pushed_back = -1;
		return c;
	}
	return ed->getc(ed->arg);
}

static void echo(struct shell_line *ed, const char *s, size_t n)
{
	ed->echo(s, n, ed->arg);
}

static void erase_chars(struct shell_line *ed, size_t n)
{
	while (n--)
		echo(ed, "\b \b", 3);
}

static void replace_line(struct shell_line *ed, char *buf, size_t *len, const char *with)
{
	erase_chars(ed, *len);
	*len = strlcpy(buf, with, SHELL_LINE_LEN);
	echo(ed, buf, *len);
}

/* The oldest history entry still in the ring. */
static unsigned int oldest(const struct shell_line *ed)
{
	return ed->history_len - MIN(ed->history_len, (unsigned int)SHELL_HISTORY);
}

/*
 * After an ESC: up and down (ESC [ A / ESC [ B, or ESC O A / ESC O B in
 * a terminal's application mode) walk the history; any other control
 * sequence (ESC [ parameters intermediates final, ESC O final) is read to
 * its final byte and ignored. A byte that ends no sequence is handed
 * back. Returns true if the line was replaced.
 */
static bool escape(struct shell_line *ed, char *buf, size_t *len, unsigned int *hist)
{
	int c = next_byte(ed);

	if (c == 'O') {					/* SS3: one final byte */
		c = next_byte(ed);
	} else if (c == '[') {				/* CSI */
		do {
			c = next_byte(ed);
		} while (c >= 0x20 && c <= 0x3f);	/* parameters, intermediates */
	} else {
		ed->pushed_back = c;
		return false;
	}
	if (c < 0x40 || c > 0x7e) {			/* no final byte */
		ed->pushed_back = c;
	} else if (c == 'A' && *hist > oldest(ed)) {
		(*hist)--;
		replace_line(ed, buf, len, ed->history[*hist % SHELL_HISTORY]);
		return true;
	} else if (c == 'B' && *hist < ed->history_len) {
		(*hist)++;
		replace_line(ed, buf, len, *hist == ed->history_len ? "" :
			     ed->history[*hist % SHELL_HISTORY]);
		return true;
	}
	return false;
}

long shell_line_read(struct shell_line *ed, char *buf)
{
	unsigned int hist = ed->history_len;	/* history cursor */
	bool too_long = false;
	size_t len = 0;

	for (;;) {
		int c = next_byte(ed);

		if (c == '\n' && ed->after_cr) {	/* the LF of CR LF */
			ed->after_cr = false;
			continue;
		}
		ed->after_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			echo(ed, "\n", 1);
			buf[too_long ? 0 : len] = '\0';
			return too_long ? -1 : (long)len;
		} else if (c == 0x7f || c == '\b') {
			if (len) {
				len--;
				erase_chars(ed, 1);
			}
			too_long = false;	/* the line is what the screen shows */
		} else if (c == 0x15) {			/* ^U */
			erase_chars(ed, len);
			len = 0;
			too_long = false;
		} else if (c == 0x03) {			/* ^C */
			echo(ed, "^C\n", 3);
			buf[0] = '\0';
			return 0;
		} else if (c == 0x1b) {
			if (escape(ed, buf, &len, &hist))
				too_long = false;
		} else if (c >= 0x20 && c < 0x7f) {
			char ch = (char)c;

			if (len == SHELL_LINE_LEN - 1) {
				too_long = true;	/* not echoed, not kept */
				continue;
			}
			buf[len++] = ch;
			echo(ed, &ch, 1);
		}
	}
}

void shell_line_remember(struct shell_line *ed, const char *line)
{
	if (!line[0])
		return;
	if (ed->history_len &&
	    !strcmp(ed->history[(ed->history_len - 1) % SHELL_HISTORY], line))
		return;
	strlcpy(ed->history[ed->history_len % SHELL_HISTORY], line, SHELL_LINE_LEN);
	ed->history_len++;
}

int shell_split(char *line, char **argv, int max, const char **err)
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
