/*
 * The bytes typed while a command runs, kept for the shell's next line
 * the way a terminal keeps its input queue.
 *
 * The shell reads the console (COM1, polled) whenever a running command
 * asks for Ctrl-C; every other byte read goes into this ring, which the
 * next line reads before the console. As a terminal does:
 *
 *   - a Ctrl-C discards what was typed before it and not read yet
 *     (typeahead_discard()): the lines typed ahead of a command that was
 *     stopped are not run behind it;
 *   - a full ring keeps being read (so the Ctrl-C behind it is seen), and
 *     what does not fit is dropped whole lines at a time: the line that
 *     overflowed goes from its start to its end (the ring keeps complete
 *     lines only), since running part of a line would run another
 *     command than the one typed (the editor refuses a too long line for
 *     the same reason, kernel/shell_line.h);
 *   - what was dropped and discarded is counted for the shell to say, once,
 *     before its next prompt (typeahead_take_counts()).
 *
 * A line ends at CR or LF. The ring never holds a Ctrl-C while a command
 * runs (it is the interrupt, not input); at the prompt the shell puts
 * one in after discarding (typeahead_put()), for the editor to clear its
 * line.
 *
 * Pure: bytes in, bytes out, no console. Life: one per terminal, zeroed
 * at the start, then only through these calls, which the caller
 * serialises (kernel/shell_tty.c holds tty_lock around each): every field
 * is (L).
 */
#ifndef LIB_TYPEAHEAD_H
#define LIB_TYPEAHEAD_H

#include <stdbool.h>
#include <stddef.h>

#define TYPEAHEAD_SIZE	512		/* bytes kept */

struct typeahead {
	char buf[TYPEAHEAD_SIZE];	/* (L) a ring */
	unsigned int head, tail;	/* (L) bytes ever put, ever taken */
	unsigned int lines;		/* (L) line ends held: whole lines to read */
	bool dropping;			/* (L) the line being typed overflowed: its
					 * bytes are dropped up to its end */
	unsigned long dropped;		/* (L) bytes dropped since the last take */
	unsigned long discarded;	/* (L) bytes a Ctrl-C discarded since then */
};

/* Bytes held. */
unsigned int typeahead_len(const struct typeahead *ta);
/* No room for one more byte: the next one put would drop its line. */
bool typeahead_full(const struct typeahead *ta);
/* Does it hold a whole line (one ended by CR or LF)? */
bool typeahead_has_line(const struct typeahead *ta);
/*
 * A byte typed: kept; or, while the line it belongs to is being dropped
 * or the ring is full, dropped with the rest of its line (the part of it
 * already held included), counted.
 */
void typeahead_put(struct typeahead *ta, char c);
/* Ctrl-C: everything held goes, counted; the next byte starts a new line. */
void typeahead_discard(struct typeahead *ta);
/* The oldest byte held, taken; -1 if none. */
int typeahead_get(struct typeahead *ta);
/* The counts since the last take, zeroed. */
void typeahead_take_counts(struct typeahead *ta, unsigned long *dropped,
			   unsigned long *discarded);

#endif /* LIB_TYPEAHEAD_H */
