/*
 * The type-ahead ring (lib/typeahead.h).
 */
#include <lib/typeahead.h>

static bool line_end(char c)
{
	return c == '\r' || c == '\n';
}

unsigned int typeahead_len(const struct typeahead *ta)
{
	return ta->head - ta->tail;
}

bool typeahead_full(const struct typeahead *ta)
{
	return typeahead_len(ta) == TYPEAHEAD_SIZE;
}

bool typeahead_has_line(const struct typeahead *ta)
{
	return ta->lines != 0;
}

/* Take back the bytes after the last line end held: a line that does not
 * fit is dropped from its start. */
static void cut_partial_line(struct typeahead *ta)
{
	unsigned int end = ta->head;

	while (end != ta->tail && !line_end(ta->buf[(end - 1) % TYPEAHEAD_SIZE]))
		end--;
	ta->dropped += ta->head - end;
	ta->head = end;
}

void typeahead_put(struct typeahead *ta, char c)
{
	if (!ta->dropping && typeahead_len(ta) < TYPEAHEAD_SIZE) {
		ta->buf[ta->head++ % TYPEAHEAD_SIZE] = c;
		ta->lines += line_end(c);
		return;
	}
	if (!ta->dropping)
		cut_partial_line(ta);
	ta->dropped++;
	/* the line ends here: the next byte starts one that may fit */
	ta->dropping = !line_end(c);
}

void typeahead_discard(struct typeahead *ta)
{
	ta->discarded += typeahead_len(ta);
	ta->tail = ta->head;
	ta->lines = 0;
	ta->dropping = false;
}

int typeahead_get(struct typeahead *ta)
{
	char c;

	if (ta->tail == ta->head)
		return -1;
	c = ta->buf[ta->tail++ % TYPEAHEAD_SIZE];
	ta->lines -= line_end(c);
	return (unsigned char)c;
}

void typeahead_take_counts(struct typeahead *ta, unsigned long *dropped,
			   unsigned long *discarded)
{
	*dropped = ta->dropped;
	*discarded = ta->discarded;
	ta->dropped = ta->discarded = 0;
}
