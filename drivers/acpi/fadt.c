/*
 * The FADT ("FACP"): where the fixed ACPI hardware is.
 *
 * The FADT grew with the spec: 116 bytes in ACPI 1.0 (32-bit I/O port
 * numbers only), then the reset register and the 64-bit "X_" generic
 * addresses, up to 276 bytes in ACPI 6 (QEMU's is 244). So a field is
 * read only when the table's length covers it. For each register the
 * X_ field wins when it is present and its address is non-zero; otherwise
 * the 32-bit field names a system I/O port, as wide as its *_LEN byte.
 *
 * Only what power-off and reset need is decoded: the PM1a/PM1b control
 * blocks, the reset register and value, the DSDT address, the SCI.
 */
#include <drivers/acpi/internal.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

#define FADT_HAS(field, len)	ACPI_FIELD_PRESENT(struct acpi_fadt, field, len)
/* ACPI 1.0 FADTs end with the flags. */
#define FADT_MIN_LENGTH		(offsetof(struct acpi_fadt, flags) + sizeof(uint32_t))

static struct acpi_fadt_info kernel_fadt;

const struct acpi_fadt_info *acpi_kernel_fadt(void)
{
	return &kernel_fadt;
}

static struct acpi_reg gas_reg(struct acpi_generic_address gas)
{
	return (struct acpi_reg){
		.space = gas.space_id,
		.bit_width = gas.bit_width,
		.address = gas.address,
	};
}

/*
 * A register given twice: as a GAS (`x`, if the table holds it) and as a
 * 32-bit port number `port` of `len_bytes` bytes.
 */
static struct acpi_reg pick_reg(const struct acpi_generic_address *x,
				uint32_t port, uint8_t len_bytes)
{
	struct acpi_reg r = { 0 };

	if (x && x->address) {
		r = gas_reg(*x);
		if (!r.bit_width)
			r.bit_width = len_bytes * 8;
	} else if (port) {
		r.space = ACPI_SPACE_SYSTEM_IO;
		r.bit_width = len_bytes * 8;
		r.address = port;
	}
	return r;
}

uint64_t acpi_fadt_dsdt_phys(const struct acpi_table_header *facp)
{
	const struct acpi_fadt *fadt = (const struct acpi_fadt *)facp;
	uint32_t len = facp->length;

	if (FADT_HAS(x_dsdt, len) && fadt->x_dsdt)
		return fadt->x_dsdt;
	if (FADT_HAS(dsdt, len))
		return fadt->dsdt;
	return 0;
}

int acpi_fadt_parse(struct acpi_fadt_info *f, const struct acpi_table_header *facp)
{
	const struct acpi_fadt *fadt = (const struct acpi_fadt *)facp;
	uint32_t len = facp->length;

	memset(f, 0, sizeof(*f));
	if (len < FADT_MIN_LENGTH) {
		pr_err("acpi: FACP len %u BAD: shorter than the %zu bytes of an ACPI 1.0 FADT; no power-off or reset\n",
		       len, FADT_MIN_LENGTH);
		return -EINVAL;
	}
	f->revision = facp->revision;
	f->flags = fadt->flags;
	f->sci_irq = fadt->sci_int;
	f->dsdt_phys = acpi_fadt_dsdt_phys(facp);

	f->pm1a_cnt = pick_reg(FADT_HAS(x_pm1a_cnt_blk, len) ? &fadt->x_pm1a_cnt_blk : NULL,
			       fadt->pm1a_cnt_blk, fadt->pm1_cnt_len);
	f->pm1b_cnt = pick_reg(FADT_HAS(x_pm1b_cnt_blk, len) ? &fadt->x_pm1b_cnt_blk : NULL,
			       fadt->pm1b_cnt_blk, fadt->pm1_cnt_len);

	if (FADT_HAS(reset_value, len)) {
		f->reset_reg = gas_reg(fadt->reset_reg);
		f->reset_value = fadt->reset_value;
		f->reset_supported = (f->flags & ACPI_FADT_RESET_REG_SUP) &&
				     f->reset_reg.address;
	}
	f->valid = true;
	return 0;
}

/* "io 0x604", "mem 0xfed00000", "none" */
static const char *reg_text(const struct acpi_reg *r, char *buf, size_t size)
{
	static const char *const space[] = {
		[ACPI_SPACE_SYSTEM_MEMORY] = "mem",
		[ACPI_SPACE_SYSTEM_IO] = "io",
	};

	if (!r->address)
		snprintf(buf, size, "none");
	else if (r->space < ARRAY_SIZE(space))
		snprintf(buf, size, "%s 0x%llx", space[r->space],
			 (unsigned long long)r->address);
	else
		snprintf(buf, size, "space %u 0x%llx", r->space,
			 (unsigned long long)r->address);
	return buf;
}

int acpi_fadt_init(void)
{
	const struct acpi_table_header *facp = acpi_find_table("FACP", 0);
	struct acpi_fadt_info *f = &kernel_fadt;
	char a[32], b[32], rst[32];
	int ret;

	if (!facp) {
		pr_err("acpi: no valid FACP (FADT) table: no ACPI power-off or reset\n");
		return -ENODEV;
	}
	ret = acpi_fadt_parse(f, facp);
	if (ret)
		return ret;

	pr_info("fadt: rev %u SCI %u PM1a_CNT %s PM1b_CNT %s reset %s value 0x%02x (%s) DSDT 0x%llx%s\n",
		f->revision, f->sci_irq,
		reg_text(&f->pm1a_cnt, a, sizeof(a)),
		reg_text(&f->pm1b_cnt, b, sizeof(b)),
		reg_text(&f->reset_reg, rst, sizeof(rst)), f->reset_value,
		f->reset_supported ? "supported" : "not supported",
		(unsigned long long)f->dsdt_phys,
		f->flags & ACPI_FADT_HW_REDUCED ? " hardware-reduced" : "");
	return 0;
}
