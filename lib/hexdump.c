/*
 * Hex dumps with repeated lines collapsed (lib/hexdump.h).
 */
#include <lib/hexdump.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

static void format_line(const struct hexdump_style *style, uint64_t offset,
			const uint8_t *p, size_t n, char *line)
{
	unsigned int digits = style->offset_digits;
	int len;

	if (digits < 1 || digits > 16)
		digits = 16;
	len = scnprintf(line, HEXDUMP_LINE_MAX, "%s%0*llx:", style->indent ? style->indent : "",
			(int)digits, (unsigned long long)offset);
	for (size_t i = 0; i < n; i++)
		len += scnprintf(line + len, HEXDUMP_LINE_MAX - len, " %02x", p[i]);
	if (style->ascii) {
		/* a short last line keeps its text under the others' */
		len += scnprintf(line + len, HEXDUMP_LINE_MAX - len, "%*s  ",
				 (int)(3 * (HEXDUMP_BYTES - n)), "");
		for (size_t i = 0; i < n && len < HEXDUMP_LINE_MAX - 2; i++)
			line[len++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	}
	scnprintf(line + len, HEXDUMP_LINE_MAX - len, "\n");
}

unsigned int hexdump(const struct hexdump_style *style, uint64_t base, const void *buf,
		     size_t len, void (*out)(const char *line, void *arg), void *arg)
{
	const uint8_t *p = buf;
	char line[HEXDUMP_LINE_MAX];
	unsigned int printed = 0;
	bool starred = false;		/* the run in progress already has its "*" */

	for (size_t off = 0; off < len; off += HEXDUMP_BYTES) {
		size_t n = len - off < HEXDUMP_BYTES ? len - off : HEXDUMP_BYTES;
		bool last = off + n == len;
		/* only a whole line can repeat the whole line before it */
		bool repeat = off && n == HEXDUMP_BYTES &&
			      !memcmp(p + off, p + off - HEXDUMP_BYTES, HEXDUMP_BYTES);

		if (repeat && !last) {
			if (!starred) {
				scnprintf(line, sizeof(line), "%s*\n",
					  style->indent ? style->indent : "");
				out(line, arg);
				printed++;
				starred = true;
			}
			continue;
		}
		starred = false;
		format_line(style, base + off, p + off, n, line);
		out(line, arg);
		printed++;
	}
	return printed;
}
