/*
 * The NFIT walk: from a validated table to the list of sub-tables that
 * can be read at all (the counterpart of Linux's acpi_nfit_init() and
 * add_table(); written from the ACPI spec).
 *
 * The table's own length and checksum were checked by tables.c. Inside
 * it, nothing is trusted before it has been measured:
 *
 *   - a sub-table's 4-byte head must lie inside the table, else the few
 *     stray bytes left are reported and the walk ends;
 *   - a length below 4 (0 included) could not move the walk forward:
 *     it stops there with a warning, since nothing after it can be found;
 *   - a length that runs past the table's end is refused, and the walk
 *     ends with it;
 *   - an unknown type is skipped by its length, with a warning;
 *   - a known type must have exactly its type's length (with counts, such
 *     as an interleave's line count, that match it): otherwise the
 *     sub-table is refused and the walk goes on by its length.
 *
 * What passes is kept in n->sub[] for nfit_check.c, which judges the
 * sub-tables against each other and the platform, then nfit_region.c
 * builds the regions. The printer (nfit_print.c) walks with the same
 * nfit_walk_next() and nfit_bad_length(), so it never reads more than
 * the parser would.
 */
#include <drivers/acpi/nfit_internal.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

void nfit_reset(struct nfit *n, const struct nfit_ops *ops)
{
	memset(n, 0, sizeof(*n));
	n->ops = ops;
}

/* --- the walk ---------------------------------------------------------------- */

void nfit_walk_start(struct nfit_walk *w, const struct acpi_table_header *h)
{
	w->base = (const uint8_t *)h;
	w->length = h->length;
	w->offset = 0;
	w->seq = 0;
	w->next = sizeof(struct acpi_table_nfit);
}

enum nfit_step nfit_walk_next(struct nfit_walk *w, const struct acpi_nfit_header **sub)
{
	const struct acpi_nfit_header *h;

	if (w->offset >= sizeof(struct acpi_table_nfit))
		w->seq++;
	w->offset = w->next;
	*sub = NULL;
	if (w->offset >= w->length)
		return NFIT_STEP_END;
	if (w->length - w->offset < sizeof(*h)) {
		w->next = w->length;
		return NFIT_STEP_STRAY;
	}
	h = (const void *)(w->base + w->offset);
	*sub = h;
	if (h->length < sizeof(*h)) {
		w->next = w->length;
		return NFIT_STEP_SHORT;
	}
	if (h->length > w->length - w->offset) {
		w->next = w->length;
		return NFIT_STEP_CROSSES;
	}
	w->next = w->offset + h->length;
	return NFIT_STEP_SUB;
}

/* --- one sub-table on its own -------------------------------------------------- */

bool nfit_type_known(uint16_t type)
{
	return type < ACPI_NFIT_TYPE_COUNT;
}

static const char *exact(const struct acpi_nfit_header *h, size_t need,
			 char *buf, size_t size)
{
	if (h->length == need)
		return NULL;
	snprintf(buf, size, "length %u, expected %zu", h->length, need);
	return buf;
}

static const char *at_least(const struct acpi_nfit_header *h, size_t need,
			    char *buf, size_t size)
{
	if (h->length >= need)
		return NULL;
	snprintf(buf, size, "length %u, expected at least %zu", h->length, need);
	return buf;
}

/* A head of `head` bytes, then `count` entries of `each` bytes: exactly. */
static const char *counted(const struct acpi_nfit_header *h, size_t head,
			   const char *what, uint32_t count, size_t each,
			   char *buf, size_t size)
{
	uint64_t need = head + (uint64_t)count * each;

	if (need == h->length)
		return NULL;
	snprintf(buf, size, "%s %u needs %llu bytes, the length is %u",
		 what, count, (unsigned long long)need, h->length);
	return buf;
}

const char *nfit_bad_length(const struct acpi_nfit_header *h, char *buf, size_t size)
{
	const struct acpi_nfit_interleave *il = (const void *)h;
	const struct acpi_nfit_flush *f = (const void *)h;
	const struct acpi_nfit_dcr *d = (const void *)h;
	uint16_t len = h->length;

	switch (h->type) {
	case ACPI_NFIT_TYPE_SPA:
		if (len == sizeof(struct acpi_nfit_spa) || len == ACPI_NFIT_SPA_COOKIE_SIZE)
			return NULL;
		snprintf(buf, size, "length %u, expected %zu (or %u with a location cookie)",
			 len, sizeof(struct acpi_nfit_spa), ACPI_NFIT_SPA_COOKIE_SIZE);
		return buf;
	case ACPI_NFIT_TYPE_MEMDEV:
		return exact(h, sizeof(struct acpi_nfit_memdev), buf, size);
	case ACPI_NFIT_TYPE_INTERLEAVE:
		if (len < sizeof(*il))		/* the count is not even there */
			return at_least(h, sizeof(*il), buf, size);
		return counted(h, sizeof(*il), "line count", il->line_count,
			       sizeof(il->line_offset[0]), buf, size);
	case ACPI_NFIT_TYPE_SMBIOS:
		return at_least(h, sizeof(struct acpi_nfit_smbios), buf, size);
	case ACPI_NFIT_TYPE_DCR:
		if (len == sizeof(*d) || (len == ACPI_NFIT_DCR_SHORT_SIZE && !d->windows))
			return NULL;
		if (len == ACPI_NFIT_DCR_SHORT_SIZE)
			snprintf(buf, size, "length %u is the short form, but it has %u block control windows",
				 len, d->windows);
		else
			snprintf(buf, size, "length %u, expected %zu (or %u without block control windows)",
				 len, sizeof(*d), ACPI_NFIT_DCR_SHORT_SIZE);
		return buf;
	case ACPI_NFIT_TYPE_BDW:
		return exact(h, sizeof(struct acpi_nfit_bdw), buf, size);
	case ACPI_NFIT_TYPE_FLUSH:
		if (len < sizeof(*f))
			return at_least(h, sizeof(*f), buf, size);
		return counted(h, sizeof(*f), "hint count", f->hint_count,
			       sizeof(f->hint_address[0]), buf, size);
	case ACPI_NFIT_TYPE_CAPS:
		return exact(h, sizeof(struct acpi_nfit_caps), buf, size);
	}
	return NULL;
}

/* --- reports -------------------------------------------------------------------- */

static const char *const verdict[] = {
	[NFIT_REFUSED] = "refused", [NFIT_WARNING] = "warning", [NFIT_NOTE] = "note",
};

/*
 * "(type 0 SPA range, index 2)": the type, and the field that names the
 * sub-table if the `avail` bytes known to be inside the table hold it.
 */
static void describe(const struct acpi_nfit_header *h, uint32_t avail,
		     char *buf, size_t size)
{
	const uint8_t *p = (const uint8_t *)h;
	size_t n = scnprintf(buf, size, "type %u %s", h->type, nfit_type_name(h->type));
	uint32_t handle;
	uint16_t index;

	switch (h->type) {
	case ACPI_NFIT_TYPE_SPA:
	case ACPI_NFIT_TYPE_INTERLEAVE:
	case ACPI_NFIT_TYPE_DCR:
		if (avail >= 6) {
			memcpy(&index, p + 4, sizeof(index));
			scnprintf(buf + n, size - n, ", index %u", index);
		}
		break;
	case ACPI_NFIT_TYPE_BDW:
		if (avail >= 6) {
			memcpy(&index, p + 4, sizeof(index));
			scnprintf(buf + n, size - n, ", control region %u", index);
		}
		break;
	case ACPI_NFIT_TYPE_MEMDEV:
	case ACPI_NFIT_TYPE_FLUSH:
		if (avail >= 8) {
			memcpy(&handle, p + 4, sizeof(handle));
			scnprintf(buf + n, size - n, ", handle 0x%x", handle);
		}
		break;
	}
}

static void record(struct nfit *n, enum nfit_problem_kind kind, bool whole_table,
		   uint16_t type, uint32_t offset, const char *text)
{
	struct nfit_problem *p;

	if (kind == NFIT_REFUSED)
		n->refused++;
	else if (kind == NFIT_WARNING)
		n->warnings++;
	else
		n->notes++;
	if (n->nproblems == NFIT_MAX_PROBLEMS)
		return;
	p = &n->problem[n->nproblems++];
	p->kind = kind;
	p->table = n->table;
	p->whole_table = whole_table;
	p->type = type;
	p->offset = offset;
	strlcpy(p->text, text, sizeof(p->text));
}

static void emit(struct nfit *n, enum nfit_problem_kind kind, const char *where,
		 const char *text)
{
	int level = kind == NFIT_REFUSED ? LOGLEVEL_ERR :
		    kind == NFIT_WARNING ? LOGLEVEL_WARNING : LOGLEVEL_NOTICE;

	if (!n->silent)
		printk_level(level, "nfit: %s: %s: %s\n", where, verdict[kind], text);
}

static void report_sub(struct nfit *n, const struct acpi_nfit_header *h,
		       uint32_t offset, unsigned int seq, uint32_t avail,
		       enum nfit_problem_kind kind, const char *fmt, va_list ap)
{
	char text[sizeof(n->problem[0].text)], what[48], where[112];

	vscnprintf(text, sizeof(text), fmt, ap);
	describe(h, avail, what, sizeof(what));
	snprintf(where, sizeof(where), "table %u sub-table %u at offset 0x%x (%s)",
		 n->table, seq, offset, what);
	record(n, kind, false, h->type, offset, text);
	emit(n, kind, where, text);
}

static void report_table(struct nfit *n, uint32_t offset,
			 enum nfit_problem_kind kind, const char *fmt, va_list ap)
{
	char text[sizeof(n->problem[0].text)], where[16];

	vscnprintf(text, sizeof(text), fmt, ap);
	snprintf(where, sizeof(where), "table %u", n->table);
	record(n, kind, true, 0, offset, text);
	emit(n, kind, where, text);
}

void nfit_report(struct nfit *n, const struct nfit_sub *s,
		 enum nfit_problem_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (s)
		report_sub(n, s->h, s->offset, s->seq, s->h->length, kind, fmt, ap);
	else
		report_table(n, 0, kind, fmt, ap);
	va_end(ap);
}

void nfit_report_at(struct nfit *n, const struct nfit_walk *w,
		    const struct acpi_nfit_header *h,
		    enum nfit_problem_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (h)
		report_sub(n, h, w->offset, w->seq,
			   MIN((uint32_t)h->length, w->length - w->offset), kind, fmt, ap);
	else
		report_table(n, w->offset, kind, fmt, ap);
	va_end(ap);
}

/* --- one table -------------------------------------------------------------------- */

/* Walk the table and keep, in n->sub[], what can be read. */
static void collect(struct nfit *n, const struct acpi_table_header *table)
{
	const struct acpi_nfit_header *h;
	struct nfit_walk w;
	enum nfit_step step;
	char why[96];

	nfit_walk_start(&w, table);
	while ((step = nfit_walk_next(&w, &h)) != NFIT_STEP_END) {
		switch (step) {
		case NFIT_STEP_STRAY:
			nfit_report_at(n, &w, NULL, NFIT_WARNING,
				       "%u stray byte(s) at offset 0x%x, too few for a sub-table; ignored",
				       w.length - w.offset, w.offset);
			continue;
		case NFIT_STEP_SHORT:
			nfit_report_at(n, &w, h, NFIT_WARNING,
				       "length %u, shorter than a sub-table header; parsing stops, the last %u bytes are ignored",
				       h->length, w.length - w.offset);
			continue;
		case NFIT_STEP_CROSSES:
			nfit_report_at(n, &w, h, NFIT_REFUSED,
				       "length %u runs past the table's end at 0x%x; parsing stops",
				       h->length, w.length);
			continue;
		default:
			break;
		}
		if (!nfit_type_known(h->type)) {
			nfit_report_at(n, &w, h, NFIT_WARNING,
				       "unknown type, skipped (%u bytes)", h->length);
			continue;
		}
		if (nfit_bad_length(h, why, sizeof(why))) {
			nfit_report_at(n, &w, h, NFIT_REFUSED, "%s", why);
			continue;
		}
		if (n->nsubs == NFIT_MAX_SUBTABLES) {
			nfit_report_at(n, &w, h, NFIT_REFUSED,
				       "more than %u sub-tables in one NFIT", NFIT_MAX_SUBTABLES);
			continue;
		}
		n->sub[n->nsubs++] = (struct nfit_sub){
			.h = h, .offset = w.offset, .seq = w.seq,
		};
	}
}

int nfit_parse_table(struct nfit *n, const struct acpi_table_header *h)
{
	unsigned int before = n->refused + n->warnings + n->notes;

	n->table = n->ntables;
	n->nsubs = 0;
	n->table_length = h->length;
	if (memcmp(h->signature, "NFIT", 4) || h->length < sizeof(struct acpi_table_nfit)) {
		nfit_report(n, NULL, NFIT_REFUSED,
			    "signature %.4s, length %u: not an NFIT of at least %zu bytes",
			    h->signature, h->length, sizeof(struct acpi_table_nfit));
		return -EINVAL;
	}
	n->ntables++;
	collect(n, h);
	nfit_check_table(n);
	nfit_build_regions(n);
	n->nsubs = 0;		/* sub[] points into this table only */
	return (int)(n->refused + n->warnings + n->notes - before);
}

int nfit_parse_tables(struct nfit *n, const struct acpi_tables *t)
{
	const struct acpi_table_header *h;
	unsigned int i;

	for (i = 0; (h = acpi_tables_find(t, "NFIT", i)); i++) {
		if (n->ntables == NFIT_MAX_TABLES) {
			nfit_report(n, NULL, NFIT_REFUSED,
				    "more than %u NFITs; the rest are ignored", NFIT_MAX_TABLES);
			break;
		}
		nfit_parse_table(n, h);
	}
	return (int)n->ntables;
}
