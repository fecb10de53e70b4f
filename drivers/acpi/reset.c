/*
 * Reset through the FADT's reset register.
 *
 * ACPI 2.0 added a reset register (a generic address) and the value to
 * write to it; the FADT flag RESET_REG_SUP says whether it may be used.
 * On QEMU's q35 it is I/O port 0xcf9 with value 0x6 (a full reset), and
 * with -no-reboot QEMU then exits. Only a register in system I/O space is
 * handled; other spaces (memory, PCI configuration) are reported and left
 * to the caller's other ways to reset.
 */
#include <drivers/acpi/internal.h>
#include <lib/ktime.h>
#include <lib/printk.h>

/* How long acpi_reboot() waits for the reset before giving up. */
#define RESET_WAIT_MS	500

int acpi_write_reset(const struct acpi_tables *t, const struct acpi_fadt_info *f)
{
	const struct acpi_reg *r = &f->reset_reg;

	if (!f->valid) {
		pr_err("acpi: reboot: no valid FADT (FACP table)\n");
		return -ENODEV;
	}
	if (!f->reset_supported) {
		pr_err("acpi: reboot: the FADT (rev %u) offers no reset register (RESET_REG_SUP %s, address 0x%llx)\n",
		       f->revision,
		       f->flags & ACPI_FADT_RESET_REG_SUP ? "set" : "clear",
		       (unsigned long long)r->address);
		return -EOPNOTSUPP;
	}
	if (r->space != ACPI_SPACE_SYSTEM_IO) {
		pr_err("acpi: reboot: the reset register is in address space %u at 0x%llx; only system I/O is handled\n",
		       r->space, (unsigned long long)r->address);
		return -EOPNOTSUPP;
	}
	if (r->address > 0xffff) {
		pr_err("acpi: reboot: reset register 0x%llx is not an I/O port\n",
		       (unsigned long long)r->address);
		return -EINVAL;
	}

	pr_info("acpi: reset: writing 0x%02x to io 0x%llx\n", f->reset_value,
		(unsigned long long)r->address);
	t->os->write_port(r->address, f->reset_value, 8);
	return 0;
}

int acpi_reboot(void)
{
	int ret = acpi_write_reset(acpi_kernel_tables(), acpi_kernel_fadt());

	if (ret)
		return ret;
	mdelay(RESET_WAIT_MS);
	pr_err("acpi: reboot: still running %u ms after the reset write\n",
	       RESET_WAIT_MS);
	return -EIO;
}
