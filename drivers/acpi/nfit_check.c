/*
 * The NFIT's sub-tables judged against each other and against the
 * platform. Every sub-table here already lies inside its table and has
 * the length its type needs (nfit.c); what is refused here is marked in
 * n->sub[] and reported on one "nfit:" line.
 *
 * The order matters: SPA ranges and control regions first, since the
 * memory device maps, block data windows and flush hints are only as good
 * as what they refer to.
 *
 *   SPA range      index 0 (reserved) or used twice in the table; a GUID
 *                  not known (a warning: the range is ignored, not
 *                  refused: later specs may add types); zero length;
 *                  running past the 52-bit physical address space; base
 *                  or length not 4 KiB aligned (aligned but not to 2 MiB
 *                  is noted and accepted); overlapping the kernel's image,
 *                  RAM (volatile ranges excepted: they describe RAM), or a
 *                  range accepted before, in this table or an earlier one.
 *   control region index 0 or used twice; interleave likewise.
 *   memory device  names a control region or an SPA range that is missing
 *                  or was refused (SPA index 0 means "not mapped", fine);
 *                  maps more bytes than its range holds; maps the same
 *                  device into the same range twice. A missing interleave
 *                  structure is a warning.
 *   block window   names a missing or refused control region.
 *   flush hints    a second set for one device handle is refused; hints
 *                  for a handle no memory device has are ignored (warning).
 *   capabilities   a second structure in one table is refused.
 */
#include <drivers/acpi/nfit_internal.h>
#include <lib/string.h>

#define PAGE_4K		4096ULL

/* The index (or device handle) that names a sub-table of this type. */
static uint32_t sub_key(const struct nfit_sub *s)
{
	switch (s->h->type) {
	case ACPI_NFIT_TYPE_SPA:
		return ((const struct acpi_nfit_spa *)s->h)->range_index;
	case ACPI_NFIT_TYPE_DCR:
		return ((const struct acpi_nfit_dcr *)s->h)->dcr_index;
	case ACPI_NFIT_TYPE_INTERLEAVE:
		return ((const struct acpi_nfit_interleave *)s->h)->interleave_index;
	case ACPI_NFIT_TYPE_MEMDEV:
		return ((const struct acpi_nfit_memdev *)s->h)->device_handle;
	case ACPI_NFIT_TYPE_FLUSH:
		return ((const struct acpi_nfit_flush *)s->h)->device_handle;
	}
	return 0;
}

/* The first sub-table of `type` with this key before `upto`, refused or not. */
static const struct nfit_sub *first_with_key(const struct nfit *n, uint16_t type,
					     uint32_t key, const struct nfit_sub *upto)
{
	for (const struct nfit_sub *s = n->sub; s < n->sub + n->nsubs && s != upto; s++)
		if (s->h->type == type && sub_key(s) == key)
			return s;
	return NULL;
}

const struct nfit_sub *nfit_find(const struct nfit *n, uint16_t type,
				 uint32_t index, bool *refused)
{
	const struct nfit_sub *s = first_with_key(n, type, index, NULL);

	*refused = s && s->refused;
	return s && !s->refused ? s : NULL;
}

/* Refuse s if its index is 0 or an earlier sub-table of its type has it. */
static bool bad_index(struct nfit *n, struct nfit_sub *s, const char *what)
{
	uint32_t key = sub_key(s);
	const struct nfit_sub *first;

	if (!key) {
		nfit_report(n, s, NFIT_REFUSED, "%s index 0 is reserved", what);
		return true;
	}
	first = first_with_key(n, s->h->type, key, s);
	if (first) {
		nfit_report(n, s, NFIT_REFUSED,
			    "%s index %u is already used by sub-table %u at offset 0x%x",
			    what, key, first->seq, first->offset);
		return true;
	}
	return false;
}

/* --- SPA ranges ----------------------------------------------------------------- */

static bool overlap(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

/* Is the range itself sane: non-empty, addressable, 4 KiB aligned? */
static bool bad_extent(struct nfit *n, struct nfit_sub *s,
		       const struct acpi_nfit_spa *spa)
{
	uint64_t base = spa->base, len = spa->length;

	if (!len) {
		nfit_report(n, s, NFIT_REFUSED, "base 0x%llx, length 0: an empty range",
			    (unsigned long long)base);
		return true;
	}
	if (base >= NFIT_PHYS_LIMIT || len > NFIT_PHYS_LIMIT - base) {
		nfit_report(n, s, NFIT_REFUSED,
			    "base 0x%llx length 0x%llx runs past the 52-bit physical address space",
			    (unsigned long long)base, (unsigned long long)len);
		return true;
	}
	if (!IS_ALIGNED(base, PAGE_4K) || !IS_ALIGNED(len, PAGE_4K)) {
		nfit_report(n, s, NFIT_REFUSED,
			    "base 0x%llx length 0x%llx is not 4 KiB aligned",
			    (unsigned long long)base, (unsigned long long)len);
		return true;
	}
	return false;
}

/* Does the range collide with the kernel, RAM or an accepted range? */
static bool bad_place(struct nfit *n, struct nfit_sub *s,
		      const struct acpi_nfit_spa *spa, enum nfit_range_kind kind)
{
	uint64_t base = spa->base, len = spa->length, last = base + len - 1;
	const struct nfit_ops *ops = n->ops;

	if (kind != NFIT_RANGE_VOLATILE && ops && ops->overlaps_kernel &&
	    ops->overlaps_kernel(base, len)) {
		nfit_report(n, s, NFIT_REFUSED, "0x%llx-0x%llx overlaps the kernel image",
			    (unsigned long long)base, (unsigned long long)last);
		return true;
	}
	if (kind != NFIT_RANGE_VOLATILE && ops && ops->overlaps_ram &&
	    ops->overlaps_ram(base, len)) {
		nfit_report(n, s, NFIT_REFUSED, "0x%llx-0x%llx overlaps RAM",
			    (unsigned long long)base, (unsigned long long)last);
		return true;
	}
	for (unsigned int i = 0; i < n->nranges; i++) {
		const struct nfit_range *r = &n->range[i];

		if (!overlap(base, len, r->base, r->size))
			continue;
		nfit_report(n, s, NFIT_REFUSED,
			    "0x%llx-0x%llx overlaps SPA range %u of table %u (0x%llx-0x%llx)",
			    (unsigned long long)base, (unsigned long long)last, r->index,
			    r->table, (unsigned long long)r->base,
			    (unsigned long long)(r->base + r->size - 1));
		return true;
	}
	return false;
}

static void check_spa(struct nfit *n, struct nfit_sub *s)
{
	const struct acpi_nfit_spa *spa = (const void *)s->h;
	enum nfit_range_kind kind = nfit_range_kind_of(spa->range_guid);
	char guid[37];

	if (bad_index(n, s, "range")) {
		s->refused = true;
		return;
	}
	if (kind == NFIT_RANGE_UNKNOWN) {
		nfit_guid_text(spa->range_guid, guid);
		nfit_report(n, s, NFIT_WARNING,
			    "range type GUID %s is not one this kernel knows; range ignored", guid);
		return;		/* kept: references to it are fine, it makes no region */
	}
	if (bad_extent(n, s, spa) || bad_place(n, s, spa, kind)) {
		s->refused = true;
		return;
	}
	for (unsigned int i = 0; i < n->nranges; i++)
		if (n->range[i].index == spa->range_index)
			nfit_report(n, s, NFIT_NOTE,
				    "range index %u is also used by table %u; references stay within each table",
				    spa->range_index, n->range[i].table);
	if (n->nranges == NFIT_MAX_RANGES) {
		nfit_report(n, s, NFIT_REFUSED, "more than %u SPA ranges", NFIT_MAX_RANGES);
		s->refused = true;
		return;
	}
	n->range[n->nranges++] = (struct nfit_range){
		.base = spa->base, .size = spa->length, .index = spa->range_index,
		.table = (uint8_t)n->table, .kind = (uint8_t)kind,
	};
	if (!IS_ALIGNED(spa->base | spa->length, NFIT_HUGE_ALIGN))
		nfit_report(n, s, NFIT_NOTE,
			    "base 0x%llx length 0x%llx is 4 KiB but not 2 MiB aligned; accepted",
			    (unsigned long long)spa->base, (unsigned long long)spa->length);
}

/* --- references ---------------------------------------------------------------- */

/* Is the sub-table of `type` named `index` there and accepted? Else refuse s. */
static bool bad_ref(struct nfit *n, struct nfit_sub *s, uint16_t type,
		    uint32_t index, const char *what)
{
	bool refused;

	if (nfit_find(n, type, index, &refused))
		return false;
	nfit_report(n, s, NFIT_REFUSED, "%s index %u %s", what, index,
		    refused ? "was refused" : "does not exist");
	s->refused = true;
	return true;
}

static void check_memdev(struct nfit *n, struct nfit_sub *s)
{
	const struct acpi_nfit_memdev *m = (const void *)s->h;
	const struct nfit_sub *spa_sub, *other;
	const struct acpi_nfit_spa *spa;
	bool refused;

	if (bad_ref(n, s, ACPI_NFIT_TYPE_DCR, m->dcr_index, "control region"))
		return;
	if (m->spa_index) {
		if (bad_ref(n, s, ACPI_NFIT_TYPE_SPA, m->spa_index, "SPA range"))
			return;
		spa_sub = nfit_find(n, ACPI_NFIT_TYPE_SPA, m->spa_index, &refused);
		spa = (const void *)spa_sub->h;
		if (m->region_size > spa->length) {
			nfit_report(n, s, NFIT_REFUSED,
				    "maps 0x%llx bytes into SPA range %u of 0x%llx bytes",
				    (unsigned long long)m->region_size, m->spa_index,
				    (unsigned long long)spa->length);
			s->refused = true;
			return;
		}
	}
	for (other = n->sub; other < s; other++) {
		const struct acpi_nfit_memdev *o = (const void *)other->h;

		if (other->h->type != ACPI_NFIT_TYPE_MEMDEV || other->refused ||
		    o->device_handle != m->device_handle || o->spa_index != m->spa_index)
			continue;
		nfit_report(n, s, NFIT_REFUSED,
			    "maps device 0x%x into SPA range %u again (sub-table %u at offset 0x%x)",
			    m->device_handle, m->spa_index, other->seq, other->offset);
		s->refused = true;
		return;
	}
	if (m->interleave_index &&
	    !nfit_find(n, ACPI_NFIT_TYPE_INTERLEAVE, m->interleave_index, &refused))
		nfit_report(n, s, NFIT_WARNING, "interleave index %u %s; its line layout is unknown",
			    m->interleave_index, refused ? "was refused" : "does not exist");
}

static void check_flush(struct nfit *n, struct nfit_sub *s)
{
	uint32_t handle = sub_key(s);
	const struct nfit_sub *first = first_with_key(n, ACPI_NFIT_TYPE_FLUSH, handle, s);
	bool refused;

	if (first) {
		nfit_report(n, s, NFIT_REFUSED,
			    "device 0x%x already has flush hints (sub-table %u at offset 0x%x)",
			    handle, first->seq, first->offset);
		s->refused = true;
		return;
	}
	if (!nfit_find(n, ACPI_NFIT_TYPE_MEMDEV, handle, &refused))
		nfit_report(n, s, NFIT_WARNING, "no memory device map has handle 0x%x; hints unused",
			    handle);
}

static void check_caps(struct nfit *n, struct nfit_sub *s)
{
	for (const struct nfit_sub *o = n->sub; o < s; o++) {
		if (o->h->type != ACPI_NFIT_TYPE_CAPS)
			continue;
		nfit_report(n, s, NFIT_REFUSED,
			    "a second platform capabilities structure (the first is at offset 0x%x)",
			    o->offset);
		s->refused = true;
		return;
	}
}

/* One pass over the sub-tables of `type`. */
static void check_each(struct nfit *n, uint16_t type, void (*check)(struct nfit *, struct nfit_sub *))
{
	for (struct nfit_sub *s = n->sub; s < n->sub + n->nsubs; s++)
		if (s->h->type == type)
			check(n, s);
}

static void check_dcr(struct nfit *n, struct nfit_sub *s)
{
	s->refused = bad_index(n, s, "control region");
}

static void check_interleave(struct nfit *n, struct nfit_sub *s)
{
	s->refused = bad_index(n, s, "interleave");
}

static void check_bdw(struct nfit *n, struct nfit_sub *s)
{
	const struct acpi_nfit_bdw *b = (const void *)s->h;

	bad_ref(n, s, ACPI_NFIT_TYPE_DCR, b->dcr_index, "control region");
}

void nfit_check_table(struct nfit *n)
{
	check_each(n, ACPI_NFIT_TYPE_SPA, check_spa);
	check_each(n, ACPI_NFIT_TYPE_DCR, check_dcr);
	check_each(n, ACPI_NFIT_TYPE_INTERLEAVE, check_interleave);
	check_each(n, ACPI_NFIT_TYPE_BDW, check_bdw);
	check_each(n, ACPI_NFIT_TYPE_MEMDEV, check_memdev);
	check_each(n, ACPI_NFIT_TYPE_FLUSH, check_flush);
	check_each(n, ACPI_NFIT_TYPE_CAPS, check_caps);
}
