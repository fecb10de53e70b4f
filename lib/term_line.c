/*
 * The edited line and its redraw around messages (lib/term_line.h).
 */
#include <lib/string.h>
#include <lib/term_line.h>

void term_line_begin(struct term_line *t, const char *prompt, term_write_fn *out)
{
	t->prompt = prompt;
	t->width = t->cursor = 0;
	t->hidden = false;
	t->mid_row = false;
	out(prompt, strlen(prompt));
}

void term_line_end(struct term_line *t)
{
	t->prompt = NULL;
	t->hidden = false;
}

bool term_line_editing(const struct term_line *t)
{
	return t->prompt != NULL;
}

/* The prompt and the text again, the cursor put back where it was. */
static void redraw(struct term_line *t, term_write_fn *out)
{
	if (t->mid_row)
		out("\n", 1);
	out(t->prompt, strlen(t->prompt));
	out(t->text, t->width);
	for (size_t i = t->cursor; i < t->width; i++)
		out("\b", 1);
	t->hidden = false;
	t->mid_row = false;
}

/* What an echoed byte does to the row: the editor writes printable
 * characters at the cursor, moves it back with '\b' and ends the line
 * with '\n'; nothing else reaches the terminal from it. */
static void track(struct term_line *t, char c)
{
	if (c == '\n') {
		term_line_end(t);
	} else if (c == '\b') {
		if (t->cursor)
			t->cursor--;
	} else if (c == '\r') {
		t->cursor = 0;
	} else if (t->cursor < TERM_LINE_MAX) {
		t->text[t->cursor++] = c;
		if (t->cursor > t->width)
			t->width = t->cursor;
	}
}

void term_line_echo(struct term_line *t, const char *s, size_t n, term_write_fn *out)
{
	if (!t->prompt) {
		out(s, n);
		return;
	}
	if (t->hidden)
		redraw(t, out);
	out(s, n);
	for (size_t i = 0; i < n && t->prompt; i++)
		track(t, s[i]);
}

void term_line_message(struct term_line *t, const char *s, size_t n, term_write_fn *out)
{
	if (!t->prompt || !n) {
		out(s, n);
		return;
	}
	if (!t->hidden) {
		out(TERM_ERASE_LINE, sizeof(TERM_ERASE_LINE) - 1);
		t->hidden = true;
	}
	out(s, n);
	t->mid_row = s[n - 1] != '\n';
	if (!t->mid_row)
		redraw(t, out);
}

void term_line_write(struct term_line *t, const struct term_own *own, const char *s, size_t n,
		     term_write_fn *out)
{
	if (s != own->buf)
		term_line_message(t, s, n, out);
	else if (own->prompt)
		term_line_begin(t, own->prompt, out);	/* s holds the prompt's text */
	else
		term_line_echo(t, s, n, out);
}
