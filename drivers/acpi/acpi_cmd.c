/*
 * `acpi`: the firmware's tables as the kernel found them at boot.
 *
 * One line per valid table (signature, physical address, length,
 * revision, OEM id and table id, and the checksum verified again now, so
 * a table that changed since boot shows up), then the RSDP, then every
 * table that was refused, with the reason and the pointer that led to it.
 * Kernel only (it is shell glue); the data comes from tables.c.
 */
#include <drivers/acpi/internal.h>
#include <kernel/shell.h>
#include <lib/printk.h>

static void print_refusals(const struct acpi_tables *t)
{
	unsigned int shown = MIN(t->refused, (unsigned int)ACPI_MAX_REFUSALS);

	kprintf("%u table%s refused:\n", t->refused, t->refused == 1 ? "" : "s");
	for (unsigned int i = 0; i < shown; i++) {
		const struct acpi_table_refusal *r = &t->refusal[i];

		if (r->signature[0])
			kprintf("  %-4s 0x%016llx len %u: %s (from %s)\n", r->signature,
				(unsigned long long)r->phys, r->length, r->why, r->from);
		else
			kprintf("  ?    0x%016llx: %s (from %s)\n",
				(unsigned long long)r->phys, r->why, r->from);
	}
	if (shown < t->refused)
		kprintf("  ... %u more (see `log`)\n", t->refused - shown);
}

static int cmd_acpi(int argc, char **argv)
{
	const struct acpi_tables *t = acpi_kernel_tables();

	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	if (!t->rsdp_phys) {
		kprintf("no ACPI: the firmware gave no RSDP\n");
		return 0;
	}
	kprintf("RSDP 0x%016llx revision %u; %u valid table%s\n",
		(unsigned long long)t->rsdp_phys, t->rsdp_revision, t->count,
		t->count == 1 ? "" : "s");
	kprintf("%-4s %-18s %8s %3s %-6s %-8s %s\n", "sig", "address", "length",
		"rev", "OEM", "table id", "checksum");
	for (unsigned int i = 0; i < t->count; i++) {
		const struct acpi_table_info *ti = &t->table[i];
		uint8_t sum = acpi_checksum(ti->header, ti->length);

		kprintf("%-4s 0x%016llx %8u %3u %-6s %-8s %s", ti->signature,
			(unsigned long long)ti->phys, ti->length, ti->revision,
			ti->oem_id, ti->oem_table_id, sum ? "BAD now" : "ok");
		if (sum)
			kprintf(" (sums to 0x%02x)", sum);
		kprintf("\n");
	}
	if (t->refused)
		print_refusals(t);
	else
		kprintf("no table refused\n");
	return 0;
}
SHELL_COMMAND(acpi, "", "list the ACPI tables: address, length, revision, OEM, checksum, refusals",
	      "takes no arguments; every table the RSDP leads to: signature, address, length,\n"
	      "revision, OEM, checksum, and the tables refused with why\n"
	      "example: acpi\n", cmd_acpi);
