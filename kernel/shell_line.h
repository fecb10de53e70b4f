/*
 * The shell's line editor and argument splitter, apart from the console
 * so that tests and fuzzers can drive them with bytes of their own.
 *
 * The editor understands what a serial terminal sends: printable
 * characters (echoed), backspace (DEL or ^H), ^U (kill the line), ^C
 * (abandon it), Enter as CR, LF or CR LF, and the arrow keys' escape
 * sequences ESC [ A / ESC [ B (or ESC O A / ESC O B) for a small
 * history. Any other control sequence (ESC [ parameters intermediates
 * final, ESC O final) is read to its end and ignored; a character that
 * ends none (a bare ESC before Enter) is not swallowed. A line typed
 * longer than SHELL_LINE_LEN - 1 characters is refused whole: running
 * the part that fitted would run another command than the one typed
 * (after a backspace or a history recall, the line is what the screen
 * shows again).
 *
 * Life: one editor per console, set up by shell_line_init() and used
 * only by the thread that reads that console. Fields:
 *   (i) set by shell_line_init(), read-only after;
 *   (o) the reading thread's (the owner), between and during reads.
 * (Letters: docs/layout.md, "Field legends".)
 */
#ifndef KERNEL_SHELL_LINE_H
#define KERNEL_SHELL_LINE_H

#include <lib/compiler.h>
#include <stdint.h>

#define SHELL_LINE_LEN	256		/* with the terminating NUL */
#define SHELL_HISTORY	16
#define SHELL_MAX_ARGS	16

struct shell_line {
	int (*getc)(void *arg);				/* (i) next byte; blocks */
	void (*echo)(const char *s, size_t n, void *arg);	/* (i) to the terminal */
	void *arg;					/* (i) for both */
	char history[SHELL_HISTORY][SHELL_LINE_LEN];	/* (o) a ring */
	unsigned int history_len;			/* (o) entries ever added */
	bool after_cr;			/* (o) the last line ended with CR: drop
					 * the LF of CR LF that may follow */
	int pushed_back;		/* (o) a byte read after ESC that began no
					 * sequence, handed back; -1 if none */
};

void shell_line_init(struct shell_line *ed, int (*getc)(void *arg),
		     void (*echo)(const char *s, size_t n, void *arg), void *arg);
/*
 * Read one line into buf (SHELL_LINE_LEN bytes): its length, or -1 if it
 * was longer than SHELL_LINE_LEN - 1 characters (buf then holds nothing
 * to run). ^C returns an empty line.
 */
long shell_line_read(struct shell_line *ed, char *buf);
/* Add a line to the history (not empty ones, not a repeat of the last). */
void shell_line_remember(struct shell_line *ed, const char *line);

/*
 * Split line in place into argv (at most max words; double quotes group
 * words, and are removed): the count, or -1 with *err saying what was
 * wrong ("too many arguments", "unterminated quote").
 */
int shell_split(char *line, char **argv, int max, const char **err);

#endif /* KERNEL_SHELL_LINE_H */
