/*
 * The line being edited on a terminal, and how to keep it whole when
 * someone else writes to the same terminal.
 *
 * A shell's prompt and the text typed after it share the terminal with
 * the kernel's messages (a background unbind finishing, a probe). Written
 * as they come, a message would land in the middle of the typed text. So
 * everything shown on the terminal goes through one struct term_line:
 *
 *   term_line_begin()    the editor starts a line: the prompt is shown
 *                        and the line is tracked from here;
 *   term_line_echo()     the editor's own echo: kept in the model (what
 *                        the terminal shows after the prompt, and where
 *                        the cursor is); a '\n' ends the line;
 *   term_line_message()  anything else: while a line is being edited it
 *                        is erased first (TERM_ERASE_LINE: carriage
 *                        return, erase to the end of the row), the message
 *                        is written, and once the message has ended its
 *                        line the prompt and the text are drawn again
 *                        with the cursor where it was. A message that ends
 *                        mid-line leaves the redraw to the next message
 *                        or echo (which starts a new row first).
 *   term_line_end()      the line is over (the editor returned it).
 *
 * term_line_write() picks among the first three for a write to the
 * terminal: the editor's own writes are marked (struct term_own, which
 * names the one buffer the editor writes from), everything else is a
 * message. A mark, not a guess from where the write comes from: output
 * another writer slips in on the same CPU in the middle of the editor's
 * write (printk's note that its lock was held too long) is a message.
 *
 * So the redraw of a message M over a line "zdk> pmem l" is exactly:
 * TERM_ERASE_LINE M "zdk> pmem l". The erase clears one row: a prompt
 * and text wider than the terminal wrap, and their earlier rows stay.
 *
 * Pure: the bytes go to out(). Life: one per terminal, zeroed (no line)
 * at the start; every field is read and written only inside these calls,
 * which the caller serialises (kernel/shell_tty.c holds its lock around
 * each).
 */
#ifndef LIB_TERM_LINE_H
#define LIB_TERM_LINE_H

#include <stdbool.h>
#include <stddef.h>

#define TERM_ERASE_LINE	"\r\x1b[K"	/* column 0, erase to the end of the row */
#define TERM_LINE_MAX	320		/* columns tracked after the prompt */

typedef void term_write_fn(const char *s, size_t n);

struct term_line {
	const char *prompt;		/* the line's prompt; NULL: no line edited */
	char text[TERM_LINE_MAX];	/* the row after the prompt, as echoed */
	size_t width;			/* columns of text written */
	size_t cursor;			/* the cursor's column in text */
	bool hidden;			/* erased for a message, not drawn again yet */
	bool mid_row;			/* the last message did not end its row */
};

/*
 * The editor's own writes: those from buf, which nothing else writes
 * from. prompt: set while the write from buf is that prompt (it stays
 * the line's prompt, so it must outlive the line), NULL for an echo.
 * Written by the editor's thread only; read by term_line_write() only for
 * a write from buf, which that thread makes, so never while it changes.
 */
struct term_own {
	const char *buf;
	const char *prompt;
};

/* A write to the terminal: the editor's prompt or echo if it is from
 * own->buf, else a message. */
void term_line_write(struct term_line *t, const struct term_own *own, const char *s, size_t n,
		     term_write_fn *out);
void term_line_begin(struct term_line *t, const char *prompt, term_write_fn *out);
void term_line_echo(struct term_line *t, const char *s, size_t n, term_write_fn *out);
void term_line_message(struct term_line *t, const char *s, size_t n, term_write_fn *out);
void term_line_end(struct term_line *t);
/* Is a line being edited (between begin and its '\n' or end)? */
bool term_line_editing(const struct term_line *t);

#endif /* LIB_TERM_LINE_H */
