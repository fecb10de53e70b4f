/*
 * Hex dumps in the layout of hexdump -C, with repeated lines collapsed.
 *
 * Each line shows up to 16 bytes: the offset (base + the line's first
 * byte), the bytes in hex and, if the style asks, the same bytes as text
 * (a '.' for what is not printable ASCII). A line whose 16 bytes equal
 * those of the line before it is not printed; each run of such lines is
 * shown as one line "*", as hexdump(1) does, so a sector of zeros takes
 * two lines instead of 32. The last line is always printed, even inside a
 * run, so a dump never hides where it ends.
 *
 * Pure: the lines go to a callback, one call per line (with its "\n"), so
 * a console gets each line in one write and the host tests collect them.
 */
#ifndef LIB_HEXDUMP_H
#define LIB_HEXDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEXDUMP_BYTES		16	/* per line */
#define HEXDUMP_LINE_MAX	128	/* the longest line, with "\n" and NUL */

struct hexdump_style {
	const char *indent;		/* before each line (and before "*") */
	unsigned int offset_digits;	/* hex digits of the offset, 1 to 16 */
	bool ascii;			/* the bytes as text after the hex */
};

/*
 * Dump len bytes of buf, the first at offset base, through out(line, arg).
 * Returns the number of lines printed ("*" lines included).
 */
unsigned int hexdump(const struct hexdump_style *style, uint64_t base, const void *buf,
		     size_t len, void (*out)(const char *line, void *arg), void *arg);

#endif /* LIB_HEXDUMP_H */
