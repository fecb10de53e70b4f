/*
 * Finding and reading the ACPI PM timer before the ACPI tables are known.
 *
 * The FADT names the timer twice: PM_TMR_BLK, a 32-bit I/O port number
 * (ACPI 1.0), and X_PM_TMR_BLK, a generic address (ACPI 2.0+), which wins
 * when the table is long enough to hold it and its address is not zero.
 * Only a timer in I/O space is used (the spec allows memory space; QEMU
 * and every PC chipset put it in I/O space). The FADT flag TMR_VAL_EXT
 * says whether the counter is 32 bits wide; otherwise it is 24 bits and
 * wraps every 4.7 s.
 *
 * drivers/acpi/ validates and prints every table later (acpi_init());
 * this walk checks only what it reads: the RSDP's checksum, the root
 * table's and the FADT's.
 */
#include <lib/string.h>
#include <drivers/acpi/actbl.h>
#include <asm/io.h>
#include <asm/page.h>
#include "acpi_pm_timer.h"

#define FADT_TMR_VAL_EXT	(1u << 8)	/* flags: the timer is 32 bits */
/* A table bigger than this is refused: the walk maps nothing itself. */
#define TABLE_MAX		(64u << 10)

static uint8_t sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

static const struct acpi_table_header *table_at(uint64_t phys, const char *sig)
{
	const struct acpi_table_header *h;

	if (!phys)
		return NULL;
	h = phys_to_virt(phys);
	if ((sig && memcmp(h->signature, sig, 4)) ||
	    h->length < sizeof(*h) || h->length > TABLE_MAX || sum(h, h->length))
		return NULL;
	return h;
}

/* The FADT through the XSDT (8-byte entries) or the RSDT (4-byte ones). */
static const struct acpi_fadt *find_fadt(const struct acpi_rsdp *rsdp)
{
	bool xsdt = rsdp->revision >= 2 && rsdp->xsdt_address;
	const struct acpi_table_header *root =
		xsdt ? table_at(rsdp->xsdt_address, "XSDT") : table_at(rsdp->rsdt_address, "RSDT");
	size_t esize = xsdt ? 8 : 4;
	const uint8_t *entries;

	if (!root)
		return NULL;
	entries = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < (root->length - sizeof(*root)) / esize; i++) {
		uint64_t phys = 0;

		memcpy(&phys, entries + i * esize, esize);	/* unaligned, little-endian */
		if (table_at(phys, "FACP"))
			return phys_to_virt(phys);
	}
	return NULL;
}

bool acpi_pm_timer_find(uint64_t rsdp_phys, struct acpi_pm_timer *t, const char **why)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_fadt *fadt;
	uint32_t len;
	uint64_t port;

	t->port = 0;
	if (!rsdp_phys) {
		*why = "no RSDP";
		return false;
	}
	rsdp = phys_to_virt(rsdp_phys);
	if (memcmp(rsdp->signature, ACPI_RSDP_SIGNATURE, 8) || sum(rsdp, ACPI_RSDP_V1_LENGTH)) {
		*why = "bad RSDP";
		return false;
	}
	fadt = find_fadt(rsdp);
	if (!fadt) {
		*why = "no valid FADT";
		return false;
	}
	len = fadt->header.length;
	if (!ACPI_FIELD_PRESENT(struct acpi_fadt, flags, len)) {
		*why = "FADT too short";
		return false;
	}
	port = fadt->pm_tmr_blk;
	if (ACPI_FIELD_PRESENT(struct acpi_fadt, x_pm_tmr_blk, len) && fadt->x_pm_tmr_blk.address) {
		if (fadt->x_pm_tmr_blk.space_id != ACPI_SPACE_SYSTEM_IO) {
			*why = "X_PM_TMR_BLK not in I/O space";
			return false;
		}
		port = fadt->x_pm_tmr_blk.address;
	}
	if (!port || port > 0xfffc) {
		*why = port ? "PM timer port out of range" : "no PM timer in the FADT";
		return false;
	}
	t->port = (uint16_t)port;
	t->bits = fadt->flags & FADT_TMR_VAL_EXT ? 32 : 24;
	return true;
}

uint32_t acpi_pm_timer_read(const struct acpi_pm_timer *t)
{
	uint32_t v = inl(t->port);

	return t->bits == 32 ? v : v & 0xffffff;
}
