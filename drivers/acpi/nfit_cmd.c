/*
 * `nfit`: the NVDIMM Firmware Interface Table(s), decoded.
 *
 *   nfit           every NFIT: each sub-table with its fields and what the
 *                  parser said about it, then the regions built
 *   nfit regions   the regions only, with their DIMMs and flush hints
 *   nfit raw       every NFIT as a hex dump (to compare with iasl -d),
 *                  repeated lines collapsed (lib/hexdump.h)
 *
 * Kernel only (shell glue); decoding lives in nfit_print.c, where the
 * host tests reach it.
 */
#include <drivers/acpi/nfit_internal.h>
#include <kernel/shell.h>
#include <lib/hexdump.h>
#include <lib/printk.h>
#include <lib/string.h>

static __printf(2, 3) void to_console(void *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

static void dump_line(const char *line, void *arg)
{
	kprintf("%s", line);
}

/* Offsets within the table, as iasl -d shows them; runs of equal lines as "*". */
static void hex_dump(const struct acpi_table_header *h)
{
	static const struct hexdump_style style = { .indent = "  ", .offset_digits = 4 };

	hexdump(&style, 0, h, h->length, dump_line, NULL);
}

/* What the parser takes, and what `help nfit` describes. */
enum { NFIT_REGIONS, NFIT_RAW };
static const struct shell_keyword nfit_keywords[] = {
	[NFIT_REGIONS] = SHELL_WORD("regions"), [NFIT_RAW] = SHELL_WORD("raw"), {}
};

static int cmd_nfit(int argc, char **argv)
{
	const struct acpi_tables *t = acpi_kernel_tables();
	const struct nfit *n = nfit_kernel();
	int sub = argc > 1 ? shell_keyword(nfit_keywords, NULL, argv[1]) : -1;
	bool raw = sub == NFIT_RAW;
	bool regions_only = sub == NFIT_REGIONS;
	unsigned int i;

	if (argc > 2 || (argc > 1 && !raw && !regions_only))
		return shell_usage_error(argv, "expected no argument, 'regions' or 'raw'");
	for (i = 0; !regions_only; i++) {
		const struct acpi_table_header *h = acpi_tables_find(t, "NFIT", i);
		const struct acpi_table_info *ti = NULL;

		if (!h)
			break;
		for (unsigned int k = 0; k < t->count; k++)
			if (t->table[k].header == h)
				ti = &t->table[k];
		kprintf("NFIT %u at 0x%016llx: %u bytes, revision %u, OEM %s %s\n", i,
			ti ? (unsigned long long)ti->phys : 0ULL, h->length, h->revision,
			ti ? ti->oem_id : "?", ti ? ti->oem_table_id : "?");
		if (raw)
			hex_dump(h);
		else
			nfit_dump_table(n, i, h, to_console, NULL);
	}
	if (!regions_only && !i)
		kprintf("no valid NFIT: the firmware describes no NVDIMM\n");
	if (raw)
		return 0;
	nfit_dump_regions(n, to_console, NULL);
	kprintf("%u refused, %u warning%s, %u note%s\n", n->refused,
		n->warnings, n->warnings == 1 ? "" : "s", n->notes, n->notes == 1 ? "" : "s");
	return 0;
}
SHELL_COMMAND_KEYWORDS(nfit, "[regions|raw]",
	      "decode the NFIT: sub-tables, refusals, persistent-memory regions",
	      "(nothing): every NFIT, each sub-table with its fields and what the parser said\n"
	      "      about it, then the regions built and the count of refusals and warnings\n"
	      "regions: the persistent-memory regions only, with their DIMMs and flush hints\n"
	      "raw: every NFIT as a hex dump (offsets within the table; runs of equal lines\n"
	      "      as '*'), to compare with iasl -d\n"
	      "examples: nfit, nfit regions, nfit raw\n", cmd_nfit, nfit_keywords);
