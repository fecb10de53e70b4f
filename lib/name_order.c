/* Visiting a registry in name order (lib/name_order.h). */
#include <lib/name_order.h>
#include <lib/string.h>

static const char *name_of(const void *entry)
{
	return *(const char *const *)entry;	/* the first member */
}

void for_each_by_name(const void *const *start, const void *const *stop,
		      void (*fn)(const void *entry, void *arg), void *arg)
{
	const void *prev = NULL;

	for (;;) {
		const void *next = NULL;

		for (const void *const *p = start; p < stop; p++) {
			if (prev && strcmp(name_of(*p), name_of(prev)) <= 0)
				continue;
			if (!next || strcmp(name_of(*p), name_of(next)) < 0)
				next = *p;
		}
		if (!next)
			return;
		fn(next, arg);
		prev = next;
	}
}
