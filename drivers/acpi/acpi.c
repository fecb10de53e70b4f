/*
 * ACPI at boot: the order of the steps, and how ACPI reaches the machine.
 *
 * acpi_init() fills the kernel's instances once: the tables (tables.c),
 * then the FADT (fadt.c), then the MADT (madt.c), then the NFIT's
 * persistent-memory regions (nfit*.c). A missing or bad FADT, MADT or NFIT
 * is reported and only costs what depends on it.
 *
 * The kernel reaches firmware memory through the direct map and the
 * fixed hardware through the platform's port I/O; the self-tests swap in
 * their own struct acpi_os_ops instead.
 */
#include <drivers/acpi/internal.h>
#include <drivers/acpi/nfit.h>
#include <lib/printk.h>
#include <asm/page.h>
#include <asm/platform.h>

/* Firmware tables lie in ACPI memory, which the direct map holds; a
 * pointer anywhere else is a corrupt one, refused here rather than
 * faulted on. */
static const void *map_direct(uint64_t phys, uint64_t len)
{
	if (!phys_in_direct_map(phys, len ? len : 1))
		return NULL;
	return phys_to_virt(phys);
}

const struct acpi_os_ops acpi_os_default = {
	.map = map_direct,
	.read_port = acpi_os_read_port,
	.write_port = acpi_os_write_port,
};

int acpi_init(uint64_t rsdp_phys)
{
	struct acpi_tables *t = acpi_kernel_tables();
	int ret;

	acpi_tables_reset(t, &acpi_os_default);
	ret = acpi_tables_scan(t, rsdp_phys);
	if (ret)
		return ret;
	pr_info("acpi: %u tables valid, %u refused\n", t->count, t->refused);

	acpi_fadt_init();
	acpi_madt_init();
	nfit_init();
	return 0;
}
