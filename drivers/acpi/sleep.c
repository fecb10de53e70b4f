/*
 * Soft-off (S5) without an AML interpreter.
 *
 * To enter S5 the OS writes SLP_TYPa << 10 | SLP_EN to PM1a_CNT (and
 * SLP_TYPb to PM1b_CNT if the machine has one). The two sleep types are
 * not in any table field: the DSDT declares them in AML as
 *
 *   Name (\_S5, Package () { SLP_TYPa, SLP_TYPb, ... })
 *
 * which is the byte sequence
 *
 *   NameOp 0x08  ['\' 0x5c]  "_S5_"  PackageOp 0x12  PkgLength  NumElements
 *   element...
 *
 * A constant package needs no interpreter: each element is ZeroOp (0x00),
 * OneOp (0x01) or a prefixed integer (BytePrefix 0x0a + 1 byte, WordPrefix
 * 0x0b + 2, DWordPrefix 0x0c + 4, QWordPrefix 0x0e + 8). QEMU's q35 DSDT
 * has { Zero, Zero, Zero, Zero }. Anything else (a method call, a
 * reference) is refused rather than guessed, and every read is bounded by
 * the table's length and by the package's own length. The DSDT is scanned
 * first, then each SSDT.
 *
 * The register is written twice, as the spec's sequence suggests: first
 * the sleep type alone, then with SLP_EN; other bits (SCI_EN...) are kept.
 */
#include <drivers/acpi/internal.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/string.h>

/* How long acpi_poweroff() waits for the power to go before giving up. */
#define S5_WAIT_MS	500

/* PkgLength at p: its value in *out; returns its size in bytes, 0 if bad. */
static size_t aml_pkg_length(const uint8_t *p, size_t avail, uint32_t *out)
{
	size_t follow;
	uint32_t v;

	if (!avail)
		return 0;
	follow = p[0] >> 6;		/* bytes after the lead byte, 0-3 */
	if (avail < 1 + follow)
		return 0;
	if (!follow) {
		*out = p[0] & 0x3f;
		return 1;
	}
	v = p[0] & 0x0f;
	for (size_t i = 0; i < follow; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*out = v;
	return 1 + follow;
}

/* An integer constant at p: its value in *out; returns its size, 0 if none. */
static size_t aml_integer(const uint8_t *p, size_t avail, uint64_t *out)
{
	size_t width;
	uint64_t v = 0;

	if (!avail)
		return 0;
	switch (p[0]) {
	case AML_ZERO_OP:
		*out = 0;
		return 1;
	case AML_ONE_OP:
		*out = 1;
		return 1;
	case AML_ONES_OP:
		*out = ~0ULL;
		return 1;
	case AML_BYTE_PREFIX:
		width = 1;
		break;
	case AML_WORD_PREFIX:
		width = 2;
		break;
	case AML_DWORD_PREFIX:
		width = 4;
		break;
	case AML_QWORD_PREFIX:
		width = 8;
		break;
	default:
		return 0;
	}
	if (avail < 1 + width)
		return 0;
	for (size_t i = 0; i < width; i++)
		v |= (uint64_t)p[1 + i] << (8 * i);
	*out = v;
	return 1 + width;
}

/*
 * The package after PackageOp, at p (avail bytes to the table's end).
 * A one-element package holds both types in one integer (a in bits 0-7,
 * b in bits 8-15), an ACPI 1.0 form.
 */
static int decode_s5_package(const uint8_t *p, size_t avail, uint8_t *slp_typa,
			     uint8_t *slp_typb)
{
	uint32_t pkg_len;
	size_t pos = aml_pkg_length(p, avail, &pkg_len);
	size_t end, used;
	uint64_t a, b;
	uint8_t count;

	/* PkgLength counts itself and everything up to the package's end. */
	if (!pos || pkg_len < pos + 1 || pkg_len > avail)
		return -EINVAL;
	end = pkg_len;
	count = p[pos++];
	if (!count)
		return -EINVAL;

	used = aml_integer(p + pos, end - pos, &a);
	if (!used)
		return -EINVAL;
	pos += used;
	if (count >= 2) {
		if (!aml_integer(p + pos, end - pos, &b))
			return -EINVAL;
	} else {
		b = (a >> 8) & 0xff;
		a &= 0xff;
	}
	if (a > 7 || b > 7)
		return -EINVAL;		/* SLP_TYP is a 3-bit field */
	*slp_typa = a;
	*slp_typb = b;
	return 0;
}

int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
		     uint8_t *slp_typb)
{
	/* i is where "_S5_" would start; a NameOp must come before it and a
	 * PackageOp right after it. */
	for (size_t i = 1; i + 5 <= len; i++) {
		bool named;

		if (memcmp(aml + i, "_S5_", 4))
			continue;
		named = aml[i - 1] == AML_NAME_OP ||
			(aml[i - 1] == AML_ROOT_CHAR && i >= 2 &&
			 aml[i - 2] == AML_NAME_OP);
		if (!named || aml[i + 4] != AML_PACKAGE_OP)
			continue;
		return decode_s5_package(aml + i + 5, len - (i + 5),
					 slp_typa, slp_typb);
	}
	return -ENOENT;
}

/* Look for \_S5_ in the AML of one table; reports a malformed package. */
static int scan_table(const struct acpi_table_header *h, uint8_t *a, uint8_t *b)
{
	int ret = acpi_aml_find_s5((const uint8_t *)(h + 1),
				   h->length - sizeof(*h), a, b);

	if (ret == -EINVAL)
		pr_err("acpi: poweroff: the \\_S5_ package in %.4s is not a package of 3-bit integer sleep types\n",
		       h->signature);
	return ret;
}

static int find_s5(const struct acpi_tables *t, uint8_t *a, uint8_t *b)
{
	const struct acpi_table_header *dsdt = acpi_tables_find(t, "DSDT", 0);
	const struct acpi_table_header *ssdt;
	int ret = -ENOENT;

	if (dsdt)
		ret = scan_table(dsdt, a, b);
	for (unsigned int i = 0; ret == -ENOENT &&
	     (ssdt = acpi_tables_find(t, "SSDT", i)); i++)
		ret = scan_table(ssdt, a, b);
	if (ret == -ENOENT)
		pr_err("acpi: poweroff: no \\_S5_ package in the %s or any SSDT\n",
		       dsdt ? "DSDT" : "DSDT (missing)");
	return ret;
}

/* PM1 control registers are reached through system I/O ports only. */
static int check_pm1(const struct acpi_reg *r, const char *name)
{
	if (r->space != ACPI_SPACE_SYSTEM_IO) {
		pr_err("acpi: poweroff: %s is in address space %u at 0x%llx; only system I/O is handled\n",
		       name, r->space, (unsigned long long)r->address);
		return -EOPNOTSUPP;
	}
	if (r->address > 0xffff) {
		pr_err("acpi: poweroff: %s at 0x%llx is not an I/O port\n",
		       name, (unsigned long long)r->address);
		return -EINVAL;
	}
	return 0;
}

/* Set SLP_TYP (and SLP_EN if `enable`) in one PM1 control register. */
static void write_sleep_type(const struct acpi_os_ops *os, const struct acpi_reg *r,
			     uint8_t slp_typ, bool enable)
{
	unsigned int width = r->bit_width == 32 ? 32 : 16;
	uint16_t port = r->address;
	uint32_t v = os->read_port(port, width);

	v &= ~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN);
	v |= (uint32_t)slp_typ << ACPI_PM1_SLP_TYP_SHIFT;
	if (enable)
		v |= ACPI_PM1_SLP_EN;
	os->write_port(port, v, width);
}

int acpi_enter_s5(const struct acpi_tables *t, const struct acpi_fadt_info *f)
{
	bool has_b = f->pm1b_cnt.address != 0;
	uint8_t typa, typb;
	int ret;

	if (!f->valid) {
		pr_err("acpi: poweroff: no valid FADT (FACP table)\n");
		return -ENODEV;
	}
	if (!f->pm1a_cnt.address) {
		pr_err("acpi: poweroff: the FADT gives no PM1a control block%s\n",
		       f->flags & ACPI_FADT_HW_REDUCED ?
		       " (hardware-reduced ACPI is not handled)" : "");
		return -ENODEV;
	}
	ret = check_pm1(&f->pm1a_cnt, "PM1a_CNT");
	if (!ret && has_b)
		ret = check_pm1(&f->pm1b_cnt, "PM1b_CNT");
	if (!ret)
		ret = find_s5(t, &typa, &typb);
	if (ret)
		return ret;

	if (has_b)
		pr_info("acpi: entering S5: SLP_TYPa %u -> PM1a_CNT io 0x%llx, SLP_TYPb %u -> PM1b_CNT io 0x%llx\n",
			typa, (unsigned long long)f->pm1a_cnt.address, typb,
			(unsigned long long)f->pm1b_cnt.address);
	else
		pr_info("acpi: entering S5: SLP_TYPa %u -> PM1a_CNT io 0x%llx\n",
			typa, (unsigned long long)f->pm1a_cnt.address);
	write_sleep_type(t->os, &f->pm1a_cnt, typa, false);
	if (has_b)
		write_sleep_type(t->os, &f->pm1b_cnt, typb, false);
	write_sleep_type(t->os, &f->pm1a_cnt, typa, true);
	if (has_b)
		write_sleep_type(t->os, &f->pm1b_cnt, typb, true);
	return 0;
}

int acpi_poweroff(void)
{
	int ret = acpi_enter_s5(acpi_kernel_tables(), acpi_kernel_fadt());

	if (ret)
		return ret;
	mdelay(S5_WAIT_MS);
	pr_err("acpi: poweroff: still running %u ms after the S5 write\n",
	       S5_WAIT_MS);
	return -EIO;
}
