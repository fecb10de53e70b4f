/*
 * The pfn -> dev_pagemap lookup's writer side, for mm/memremap.c and
 * mm/memremap_teardown.c: a pgmap claims a slot at the start of its setup
 * (so a later overlapping range is refused at once), is published once it
 * is complete, and gives the slot back at its teardown. The readers' side (get_dev_pagemap(),
 * pgmap_snapshot(), pgmap_claims_pfn()) is declared in mm/memremap.h.
 *
 * The slots: MAX_PGMAPS of them. claimed[] (under pgmap_lock) holds
 * every pgmap from its claim to its unclaim; slots[] holds it from its
 * publication, read under RCU with acquire loads, written under
 * pgmap_lock (release store to publish, plain NULL store then
 * synchronize_rcu() to unpublish).
 */
#ifndef MM_MEMREMAP_LOOKUP_H
#define MM_MEMREMAP_LOOKUP_H

struct dev_pagemap;

/*
 * Claim a slot for pgmap->start..end. 0 (pgmap->slot set), -EEXIST with
 * *other set if a claimed pgmap overlaps, -ENOMEM if every slot is taken.
 */
int pgmap_claim(struct dev_pagemap *pgmap, struct dev_pagemap **other);
/* Make the claimed, complete pgmap visible to get_dev_pagemap(). */
void pgmap_publish(struct dev_pagemap *pgmap);
/* Unpublish (if published; then wait for readers) and free the slot. */
void pgmap_unclaim(struct dev_pagemap *pgmap);

#endif /* MM_MEMREMAP_LOOKUP_H */
