/*
 * Regions: what the pmem driver gets from the NFIT (Linux builds the same
 * thing in acpi_nfit_register_region(), as an nd_region_desc).
 *
 * After a table's checks, every accepted SPA range of the persistent-
 * memory type becomes one region: its base, size and memory attributes,
 * the DIMMs whose memory device maps name it (each with the serial number
 * of its control region, its interleave ways and its flush hints), and the
 * table's platform capabilities (is the CPU cache inside the persistence
 * domain?). The region copies what it needs, so nothing points into the
 * firmware's table. Regions of all tables are kept in address order.
 *
 * The kernel's instance is filled once by nfit_init() (from acpi_init())
 * and read-only afterwards; nfit_region_at() hands out pointers into it.
 */
#include <drivers/acpi/nfit_internal.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <asm/phys_ranges.h>

static struct nfit kernel_nfit;

struct nfit *nfit_kernel(void)
{
	return &kernel_nfit;
}

const struct nfit_ops nfit_ops_default = {
	.overlaps_ram = arch_phys_overlaps_ram,
	.overlaps_kernel = arch_phys_overlaps_kernel,
};

/* --- building ------------------------------------------------------------------- */

static void add_flush_hints(struct nfit *n, struct nfit_dimm *d)
{
	const struct acpi_nfit_flush *f;
	const struct nfit_sub *s;
	bool refused;

	s = nfit_find(n, ACPI_NFIT_TYPE_FLUSH, d->handle, &refused);
	if (!s)
		return;
	f = (const void *)s->h;
	for (unsigned int i = 0; i < f->hint_count; i++) {
		if (d->nflush == NFIT_MAX_FLUSH_HINTS) {
			nfit_report(n, s, NFIT_NOTE, "device 0x%x: %u flush hints, the first %u are used",
				    d->handle, f->hint_count, NFIT_MAX_FLUSH_HINTS);
			break;
		}
		memcpy(&d->flush_hint[d->nflush++], &f->hint_address[i], sizeof(uint64_t));
	}
}

static void add_dimm(struct nfit *n, struct nfit_region *r, const struct nfit_sub *s)
{
	const struct acpi_nfit_memdev *m = (const void *)s->h;
	const struct acpi_nfit_dcr *dcr;
	struct nfit_dimm *d;
	bool refused;

	if (r->ndimms == NFIT_MAX_REGION_DIMMS) {
		nfit_report(n, s, NFIT_WARNING, "SPA range %u has more than %u DIMMs; this one is left out",
			    m->spa_index, NFIT_MAX_REGION_DIMMS);
		return;
	}
	/* Accepted memory device maps name an accepted control region. */
	dcr = (const void *)nfit_find(n, ACPI_NFIT_TYPE_DCR, m->dcr_index, &refused)->h;
	d = &r->dimm[r->ndimms++];
	*d = (struct nfit_dimm){
		.handle = m->device_handle, .physical_id = m->physical_id,
		.flags = m->flags, .serial = dcr->serial_number,
		.vendor_id = dcr->vendor_id, .device_id = dcr->device_id,
		.format_code = dcr->format_code, .interleave_ways = m->interleave_ways,
		.region_offset = m->region_offset, .region_size = m->region_size,
		.dpa = m->dpa,
	};
	add_flush_hints(n, d);
}

static uint32_t table_capabilities(const struct nfit *n, bool *found)
{
	for (const struct nfit_sub *s = n->sub; s < n->sub + n->nsubs; s++) {
		const struct acpi_nfit_caps *c = (const void *)s->h;
		uint32_t valid;

		if (s->h->type != ACPI_NFIT_TYPE_CAPS || s->refused)
			continue;
		*found = true;
		/* Bits above the highest valid one mean nothing. */
		valid = c->highest_capability >= 31 ? ~0u :
			(2u << c->highest_capability) - 1;
		return c->capabilities & valid;
	}
	*found = false;
	return 0;
}

static void add_region(struct nfit *n, const struct nfit_sub *s)
{
	const struct acpi_nfit_spa *spa = (const void *)s->h;
	struct nfit_region *r;

	if (n->nregions == NFIT_MAX_REGIONS) {
		nfit_report(n, s, NFIT_WARNING, "more than %u regions; this range is left out",
			    NFIT_MAX_REGIONS);
		return;
	}
	r = &n->region[n->nregions++];
	*r = (struct nfit_region){
		.table = n->table, .range_index = spa->range_index,
		.spa_flags = spa->flags, .proximity_domain = spa->proximity_domain,
		.base = spa->base, .size = spa->length, .attributes = spa->attributes,
	};
	r->capabilities = table_capabilities(n, &r->has_capabilities);
	for (const struct nfit_sub *m = n->sub; m < n->sub + n->nsubs; m++)
		if (m->h->type == ACPI_NFIT_TYPE_MEMDEV && !m->refused &&
		    ((const struct acpi_nfit_memdev *)m->h)->spa_index == spa->range_index)
			add_dimm(n, r, m);
	if (!r->ndimms)
		nfit_report(n, s, NFIT_NOTE, "no memory device maps this range: a region without DIMMs");
	if (!(r->attributes & EFI_MEMORY_WB))
		nfit_report(n, s, NFIT_NOTE, "attributes 0x%llx do not allow write-back caching",
			    (unsigned long long)r->attributes);
}

/* Keep the regions sorted by base (insertion sort: they are few) and numbered. */
static void sort_regions(struct nfit *n)
{
	for (unsigned int i = 1; i < n->nregions; i++) {
		struct nfit_region tmp = n->region[i];
		unsigned int j = i;

		for (; j > 0 && n->region[j - 1].base > tmp.base; j--)
			n->region[j] = n->region[j - 1];
		n->region[j] = tmp;
	}
	for (unsigned int i = 0; i < n->nregions; i++)
		n->region[i].id = i;
}

void nfit_build_regions(struct nfit *n)
{
	for (const struct nfit_sub *s = n->sub; s < n->sub + n->nsubs; s++) {
		const struct acpi_nfit_spa *spa = (const void *)s->h;

		if (s->h->type == ACPI_NFIT_TYPE_SPA && !s->refused &&
		    nfit_range_kind_of(spa->range_guid) == NFIT_RANGE_PM)
			add_region(n, s);
	}
	sort_regions(n);
}

/* --- text ------------------------------------------------------------------------- */

unsigned int nfit_region_flush_hints(const struct nfit_region *r)
{
	unsigned int hints = 0;

	for (unsigned int i = 0; i < r->ndimms; i++)
		hints += r->dimm[i].nflush;
	return hints;
}

void nfit_region_summary(const struct nfit_region *r, char *buf, size_t size)
{
	char sz[24], attr[48];
	unsigned int hints = nfit_region_flush_hints(r), i;
	size_t n;

	nfit_size_text(r->size, sz, sizeof(sz));
	nfit_attr_text(r->attributes, attr, sizeof(attr));
	n = scnprintf(buf, size, "pmem 0x%llx-0x%llx (%s) %s, %u DIMM%s",
		      (unsigned long long)r->base,
		      (unsigned long long)(r->base + r->size - 1), sz, attr,
		      r->ndimms, r->ndimms == 1 ? "" : "s");
	for (i = 0; i < r->ndimms && size - n > 40; i++)
		n += scnprintf(buf + n, size - n, "%shandle 0x%x serial 0x%x",
			       i ? ", " : " (", r->dimm[i].handle, r->dimm[i].serial);
	if (i < r->ndimms)
		n += scnprintf(buf + n, size - n, ", ...");
	if (i)
		n += scnprintf(buf + n, size - n, ")");
	if (hints)
		scnprintf(buf + n, size - n, ", %u flush hint%s", hints, hints == 1 ? "" : "s");
	else
		scnprintf(buf + n, size - n, ", no flush hints");
}

/* --- the kernel's regions ------------------------------------------------------------ */

int nfit_init(void)
{
	struct nfit *n = &kernel_nfit;
	char line[200];

	nfit_reset(n, &nfit_ops_default);
	if (!nfit_parse_tables(n, acpi_kernel_tables())) {
		pr_info("nfit: no NFIT: no persistent memory described\n");
		return -ENODEV;
	}
	for (unsigned int i = 0; i < n->nregions; i++) {
		nfit_region_summary(&n->region[i], line, sizeof(line));
		pr_info("nfit: region %u: %s\n", i, line);
	}
	pr_info("nfit: %u table%s, %u region%s; %u refused, %u warning%s, %u note%s\n",
		n->ntables, n->ntables == 1 ? "" : "s", n->nregions,
		n->nregions == 1 ? "" : "s", n->refused,
		n->warnings, n->warnings == 1 ? "" : "s",
		n->notes, n->notes == 1 ? "" : "s");
	return 0;
}

unsigned int nfit_region_count(void)
{
	return kernel_nfit.nregions;
}

const struct nfit_region *nfit_region_at(unsigned int i)
{
	return i < kernel_nfit.nregions ? &kernel_nfit.region[i] : NULL;
}
