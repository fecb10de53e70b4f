/*
 * `trace dump` (lib/trace_dump.c): the rings, merged by time, on the
 * console in the line format of docs/tracing.md.
 */
#ifndef LIB_TRACE_DUMP_H
#define LIB_TRACE_DUMP_H

#include <stdbool.h>
#include <stdint.h>

struct trace_entry;

#define TRACE_LINE_MAX	256

/*
 * The dump's line for entry e, the n-th event of dump d, with its " ~CRC"
 * and newline, into line; its length. t= is e->ts in nanoseconds.
 */
size_t trace_format_event(char line[TRACE_LINE_MAX], unsigned int d, uint64_t n,
			  const struct trace_entry *e);

struct trace_dump_stats {
	uint64_t held;		/* entries the rings held when the dump started */
	uint64_t events;	/* lines printed */
	uint64_t overwritten;	/* entries lost to a full ring before they were read */
	uint64_t skipped;	/* entries still being written as the dump passed */
	uint64_t unread;	/* stop() ended the dump with these not read; 0 if it ran out */
	bool stopped;		/* stop() ended it */
};

/*
 * Print the events of mask (1 << id) that the rings hold, oldest first,
 * one line at a time to out(line, arg) (NUL-terminated, newline
 * included); *st says what was printed and what was not. stop (NULL:
 * never) is asked before each event line but the first: true ends the
 * dump there, its end line saying stopped= with the entries not read.
 * Returns the dump's number (its d=), or -EBUSY while another dump runs.
 */
int trace_dump(uint64_t mask, void (*out)(const char *line, void *arg), void *arg,
	       bool (*stop)(void), struct trace_dump_stats *st);

#endif /* LIB_TRACE_DUMP_H */
