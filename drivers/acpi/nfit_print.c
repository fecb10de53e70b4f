/*
 * The NFIT decoded for people: every sub-table with its fields, and under
 * each one what the parser said about it (refused, warning, note), then
 * the regions. The `nfit` shell command prints through this; the tests
 * print malformed tables into a buffer to prove that it never reads past
 * what the walk allows.
 *
 * It walks with the parser's own nfit_walk_next() and nfit_bad_length():
 * a sub-table is decoded field by field only when it lies inside the
 * table and has its type's length; otherwise just its head is shown.
 * Output goes through an nfit_out_fn, so the caller picks the console or
 * a buffer.
 */
#include <drivers/acpi/nfit_internal.h>
#include <lib/string.h>

#define IND	"         "	/* continuation lines, under the fields */

static void print_spa(const struct acpi_nfit_spa *s, nfit_out_fn out, void *arg)
{
	char guid[37], attr[64];

	nfit_guid_text(s->range_guid, guid);
	out(arg, "index %u flags 0x%x%s%s proximity domain %u\n", s->range_index, s->flags,
	    s->flags & ACPI_NFIT_SPA_HOTADD_ONLY ? " (hot-add-only)" : "",
	    s->flags & ACPI_NFIT_SPA_PROXIMITY_VALID ? " (proximity-valid)" : "",
	    s->proximity_domain);
	out(arg, IND "GUID %s (%s)\n", guid,
	    nfit_range_kind_name(nfit_range_kind_of(s->range_guid)));
	out(arg, IND "base 0x%llx length 0x%llx attributes 0x%llx (%s)\n",
	    (unsigned long long)s->base, (unsigned long long)s->length,
	    (unsigned long long)s->attributes, nfit_attr_text(s->attributes, attr, sizeof(attr)));
}

static void print_memdev(const struct acpi_nfit_memdev *m, nfit_out_fn out, void *arg)
{
	out(arg, "handle 0x%x physical id 0x%x region id %u flags 0x%x\n",
	    m->device_handle, m->physical_id, m->region_id, m->flags);
	out(arg, IND "SPA range %u, control region %u, interleave %u (%u way%s)\n",
	    m->spa_index, m->dcr_index, m->interleave_index, m->interleave_ways,
	    m->interleave_ways == 1 ? "" : "s");
	out(arg, IND "region size 0x%llx offset 0x%llx, device address 0x%llx\n",
	    (unsigned long long)m->region_size, (unsigned long long)m->region_offset,
	    (unsigned long long)m->dpa);
}

static void print_interleave(const struct acpi_nfit_interleave *il,
			     nfit_out_fn out, void *arg)
{
	uint32_t off;

	out(arg, "index %u, %u line%s of %u bytes\n", il->interleave_index,
	    il->line_count, il->line_count == 1 ? "" : "s", il->line_size);
	for (uint32_t i = 0; i < il->line_count && i < 8; i++) {
		memcpy(&off, &il->line_offset[i], sizeof(off));
		out(arg, IND "line %u at offset %u\n", i, off);
	}
	if (il->line_count > 8)
		out(arg, IND "... %u more lines\n", il->line_count - 8);
}

static void print_dcr(const struct acpi_nfit_dcr *d, nfit_out_fn out, void *arg)
{
	out(arg, "index %u vendor 0x%04x device 0x%04x revision 0x%x serial 0x%x\n",
	    d->dcr_index, d->vendor_id, d->device_id, d->revision_id, d->serial_number);
	out(arg, IND "subsystem vendor 0x%04x device 0x%04x revision 0x%x, format 0x%04x\n",
	    d->subsystem_vendor_id, d->subsystem_device_id, d->subsystem_revision_id,
	    d->format_code);
	if (d->valid_fields & ACPI_NFIT_DCR_VALID_MFG)
		out(arg, IND "made at location 0x%x, date 0x%04x\n",
		    d->manufacturing_location, d->manufacturing_date);
	if (d->h.length < sizeof(*d)) {
		out(arg, IND "no block control windows (short form)\n");
		return;
	}
	out(arg, IND "%u block control window%s of 0x%llx bytes, flags 0x%x\n", d->windows,
	    d->windows == 1 ? "" : "s", (unsigned long long)d->window_size, d->flags);
	if (d->windows)
		out(arg, IND "command 0x%llx+0x%llx, status 0x%llx+0x%llx\n",
		    (unsigned long long)d->command_offset, (unsigned long long)d->command_size,
		    (unsigned long long)d->status_offset, (unsigned long long)d->status_size);
}

static void print_bdw(const struct acpi_nfit_bdw *b, nfit_out_fn out, void *arg)
{
	out(arg, "control region %u, %u window%s of 0x%llx bytes at offset 0x%llx\n",
	    b->dcr_index, b->windows, b->windows == 1 ? "" : "s",
	    (unsigned long long)b->size, (unsigned long long)b->offset);
	out(arg, IND "capacity 0x%llx from device address 0x%llx\n",
	    (unsigned long long)b->capacity, (unsigned long long)b->start_address);
}

static void print_flush(const struct acpi_nfit_flush *f, nfit_out_fn out, void *arg)
{
	uint64_t addr;

	out(arg, "handle 0x%x, %u hint%s\n", f->device_handle, f->hint_count,
	    f->hint_count == 1 ? "" : "s");
	for (unsigned int i = 0; i < f->hint_count && i < 8; i++) {
		memcpy(&addr, &f->hint_address[i], sizeof(addr));
		out(arg, IND "hint %u at 0x%llx\n", i, (unsigned long long)addr);
	}
	if (f->hint_count > 8)
		out(arg, IND "... %u more hints\n", f->hint_count - 8);
}

static void print_caps(const struct acpi_nfit_caps *c, nfit_out_fn out, void *arg)
{
	out(arg, "highest valid bit %u, capabilities 0x%x%s%s%s\n",
	    c->highest_capability, c->capabilities,
	    c->capabilities & ACPI_NFIT_CAP_CACHE_FLUSH ? " (CPU cache flushed on power loss)" : "",
	    c->capabilities & ACPI_NFIT_CAP_MEM_FLUSH ? " (memory controller flushed)" : "",
	    c->capabilities & ACPI_NFIT_CAP_MEM_MIRRORING ? " (mirroring)" : "");
}

static void print_fields(const struct acpi_nfit_header *h, nfit_out_fn out, void *arg)
{
	switch (h->type) {
	case ACPI_NFIT_TYPE_SPA:	print_spa((const void *)h, out, arg); break;
	case ACPI_NFIT_TYPE_MEMDEV:	print_memdev((const void *)h, out, arg); break;
	case ACPI_NFIT_TYPE_INTERLEAVE:	print_interleave((const void *)h, out, arg); break;
	case ACPI_NFIT_TYPE_SMBIOS:
		out(arg, "%u bytes of SMBIOS data\n",
		    h->length - (unsigned int)sizeof(struct acpi_nfit_smbios));
		break;
	case ACPI_NFIT_TYPE_DCR:	print_dcr((const void *)h, out, arg); break;
	case ACPI_NFIT_TYPE_BDW:	print_bdw((const void *)h, out, arg); break;
	case ACPI_NFIT_TYPE_FLUSH:	print_flush((const void *)h, out, arg); break;
	case ACPI_NFIT_TYPE_CAPS:	print_caps((const void *)h, out, arg); break;
	}
}

/* What the parse said about the sub-table at `offset` (or the table: type). */
static void print_problems(const struct nfit *n, unsigned int table, uint32_t offset,
			   bool table_level, nfit_out_fn out, void *arg)
{
	static const char *const word[] = {
		[NFIT_REFUSED] = "REFUSED", [NFIT_WARNING] = "warning", [NFIT_NOTE] = "note",
	};

	for (unsigned int i = 0; n && i < n->nproblems; i++) {
		const struct nfit_problem *p = &n->problem[i];

		if (p->table == table && p->whole_table == table_level &&
		    (table_level || p->offset == offset))
			out(arg, IND "-> %s: %s\n", word[p->kind], p->text);
	}
}

void nfit_dump_table(const struct nfit *n, unsigned int table,
		     const struct acpi_table_header *table_h, nfit_out_fn out, void *arg)
{
	const struct acpi_nfit_header *h;
	struct nfit_walk w;
	enum nfit_step step;
	char why[96];

	if (table_h->length < sizeof(struct acpi_table_nfit)) {
		out(arg, "  %u bytes: too short for an NFIT\n", table_h->length);
		return;
	}
	nfit_walk_start(&w, table_h);
	while ((step = nfit_walk_next(&w, &h)) != NFIT_STEP_END) {
		if (step == NFIT_STEP_STRAY) {
			out(arg, "  +0x%03x %u stray byte(s)\n", w.offset, w.length - w.offset);
			continue;
		}
		out(arg, "  +0x%03x type %u %s, %u bytes: ", w.offset, h->type,
		    nfit_type_name(h->type), h->length);
		if (step == NFIT_STEP_SHORT)
			out(arg, "too short to be walked past; the rest is not read\n");
		else if (step == NFIT_STEP_CROSSES)
			out(arg, "runs past the table's end at 0x%x\n", w.length);
		else if (!nfit_type_known(h->type))
			out(arg, "skipped\n");
		else if (nfit_bad_length(h, why, sizeof(why)))
			out(arg, "not decoded: %s\n", why);
		else
			print_fields(h, out, arg);
		print_problems(n, table, w.offset, false, out, arg);
	}
	print_problems(n, table, 0, true, out, arg);
}

void nfit_dump_regions(const struct nfit *n, nfit_out_fn out, void *arg)
{
	char line[200];

	if (!n->nregions)
		out(arg, "no persistent-memory regions\n");
	for (unsigned int i = 0; i < n->nregions; i++) {
		const struct nfit_region *r = &n->region[i];

		nfit_region_summary(r, line, sizeof(line));
		out(arg, "region %u: %s\n", r->id, line);
		out(arg, IND "from NFIT %u SPA range %u, proximity domain %u%s, persistence: %s\n",
		    r->table, r->range_index, r->proximity_domain,
		    r->spa_flags & ACPI_NFIT_SPA_PROXIMITY_VALID ? "" : " (not valid)",
		    !r->has_capabilities ? "not described" :
		    r->capabilities & ACPI_NFIT_CAP_CACHE_FLUSH ? "CPU caches flushed on power loss" :
		    r->capabilities & ACPI_NFIT_CAP_MEM_FLUSH ? "memory controller flushed, CPU caches are not" :
		    "neither CPU caches nor memory controller flushed");
		for (unsigned int j = 0; j < r->ndimms; j++) {
			const struct nfit_dimm *d = &r->dimm[j];

			out(arg, IND "DIMM handle 0x%x serial 0x%x vendor 0x%04x device 0x%04x format 0x%04x flags 0x%x\n",
			    d->handle, d->serial, d->vendor_id, d->device_id, d->format_code, d->flags);
			out(arg, IND "     %u-way, 0x%llx bytes at offset 0x%llx, device address 0x%llx\n",
			    d->interleave_ways, (unsigned long long)d->region_size,
			    (unsigned long long)d->region_offset, (unsigned long long)d->dpa);
			for (unsigned int k = 0; k < d->nflush; k++)
				out(arg, IND "     flush hint 0x%llx\n",
				    (unsigned long long)d->flush_hint[k]);
		}
	}
}
