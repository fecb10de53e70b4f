/*
 * Arenas: a private zone made of one block of 2^order pages taken from
 * ZONE_NORMAL, entirely free, so that a test can exhaust, fragment and
 * poison an allocator of known shape (mm/tests/zone_arena.c).
 * zone_arena_destroy() gives the block back and fails with -EBUSY
 * (keeping the arena) while pages are still out.
 */
#ifndef MM_TESTS_ZONE_ARENA_H
#define MM_TESTS_ZONE_ARENA_H

#include <stdbool.h>
#include <mm/page_alloc.h>

int zone_arena_init(struct zone *arena, const char *name, unsigned int order,
		    bool poison);
int zone_arena_destroy(struct zone *arena);

#endif /* MM_TESTS_ZONE_ARENA_H */
