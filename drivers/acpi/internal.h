/*
 * Inside drivers/acpi: the parsers work on explicit state, never on a
 * hidden global, so the self-tests can run them on fake tables while the
 * kernel's real ones stay untouched.
 *
 *   struct acpi_os_ops    how to reach physical memory and I/O ports
 *                         (acpi_os_default in the kernel, fakes in tests)
 *   struct acpi_tables    the valid tables found from one RSDP (tables.c)
 *   struct acpi_fadt_info what the FADT says (fadt.c)
 *   struct acpi_madt      what the MADT says (madt.c)
 *   struct nfit           what the NFITs say (nfit_internal.h)
 *
 * Each has one kernel instance, filled by acpi_init() and read-only after;
 * the public functions of acpi.h read those instances.
 */
#ifndef DRIVERS_ACPI_INTERNAL_H
#define DRIVERS_ACPI_INTERNAL_H

#include <drivers/acpi/acpi.h>

/* --- reaching the machine -------------------------------------------------- */

struct acpi_os_ops {
	/* A pointer to [phys, phys + len), or NULL if it cannot be reached. */
	const void *(*map)(uint64_t phys, uint64_t len);
	uint32_t (*read_port)(uint16_t port, unsigned int width_bits);
	void (*write_port)(uint16_t port, uint32_t value, unsigned int width_bits);
};

/* phys_to_virt() and the platform's acpi_os_{read,write}_port(). */
extern const struct acpi_os_ops acpi_os_default;

/* --- tables.c ------------------------------------------------------------- */

#define ACPI_MAX_TABLES		64
#define ACPI_MAX_REFUSALS	16		/* remembered for `acpi`; all are logged */
#define ACPI_MAX_TABLE_LENGTH	(16u << 20)	/* larger is surely corrupt */
#define ACPI_RSDP_MAX_LENGTH	4096		/* same, for the RSDP */

/* A table reported BAD, as the `acpi` command lists it. */
struct acpi_table_refusal {
	char signature[12];		/* "NFIT", hex if unprintable, "" if unread */
	uint64_t phys;
	uint32_t length;		/* from its header; 0 if unread */
	char from[24];			/* the pointer that led there */
	char why[112];
};

struct acpi_tables {
	const struct acpi_os_ops *os;
	uint64_t rsdp_phys;
	uint8_t rsdp_revision;
	unsigned int count;			/* valid entries of table[] */
	unsigned int refused;			/* tables reported BAD */
	bool quiet;				/* log valid tables at debug level */
	struct acpi_table_info table[ACPI_MAX_TABLES];
	struct acpi_table_refusal refusal[ACPI_MAX_REFUSALS];	/* the first ones */
};

/* Sum of `len` bytes modulo 256: 0 for a valid ACPI checksum. */
uint8_t acpi_checksum(const void *p, size_t len);

/* Forget every table; the next scan will use `os`. */
void acpi_tables_reset(struct acpi_tables *t, const struct acpi_os_ops *os);
/*
 * Validate the RSDP at rsdp_phys, its root table and every table the root
 * lists (plus the DSDT named by the FADT); keep the valid ones in t.
 * Returns 0, or -EINVAL/-ENODEV if the RSDP or root table is unusable.
 */
int acpi_tables_scan(struct acpi_tables *t, uint64_t rsdp_phys);
const struct acpi_table_header *acpi_tables_find(const struct acpi_tables *t,
						 const char sig[4],
						 unsigned int instance);
/* The kernel's instance. */
struct acpi_tables *acpi_kernel_tables(void);

/* --- fadt.c --------------------------------------------------------------- */

/* A register of the fixed hardware, from a GAS or a 32-bit FADT field. */
struct acpi_reg {
	uint8_t space;			/* ACPI_SPACE_*; meaningless if address 0 */
	uint8_t bit_width;
	uint64_t address;		/* 0: the register does not exist */
};

struct acpi_fadt_info {
	bool valid;			/* false: no usable FADT */
	uint8_t revision;
	uint32_t flags;			/* ACPI_FADT_* */
	uint16_t sci_irq;
	uint64_t dsdt_phys;		/* X_DSDT if set, else DSDT */
	struct acpi_reg pm1a_cnt;
	struct acpi_reg pm1b_cnt;
	struct acpi_reg reset_reg;
	uint8_t reset_value;
	bool reset_supported;		/* RESET_REG_SUP and the fields present */
};

/* Decode a validated FACP table. -EINVAL if it is too short to use. */
int acpi_fadt_parse(struct acpi_fadt_info *f, const struct acpi_table_header *facp);
/* The DSDT's physical address named by a validated FACP (0 if none). */
uint64_t acpi_fadt_dsdt_phys(const struct acpi_table_header *facp);
/* Parse the kernel's FACP into the kernel's instance and print it. */
int acpi_fadt_init(void);
const struct acpi_fadt_info *acpi_kernel_fadt(void);

/* --- madt.c --------------------------------------------------------------- */

#define ACPI_MAX_CPUS		64
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_OVERRIDES	16
#define ACPI_MAX_LAPIC_NMIS	16

struct acpi_madt {
	bool valid;
	uint64_t lapic_phys;		/* after any type-5 override */
	uint32_t flags;			/* ACPI_MADT_PCAT_COMPAT */
	unsigned int ncpus, nioapics, noverrides, nnmis;
	struct acpi_cpu cpu[ACPI_MAX_CPUS];
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	struct acpi_irq_override override[ACPI_MAX_OVERRIDES];
	struct acpi_lapic_nmi nmi[ACPI_MAX_LAPIC_NMIS];
	unsigned int bad_entries;	/* refused: wrong length, duplicate... */
	unsigned int dropped;		/* valid but beyond the arrays above */
	bool stopped;			/* parsing ended before the table did */
};

/* Decode a validated APIC table; returns the number of bad entries, or
 * -EINVAL if the table is too short to hold the MADT fields. */
int acpi_madt_parse(struct acpi_madt *m, const struct acpi_table_header *apic);
/* Parse the kernel's APIC table into the kernel's instance and print it. */
int acpi_madt_init(void);

/* --- sleep.c, reset.c ----------------------------------------------------- */

/*
 * Find `Name (_S5_, Package () {a, b, ...})` in an AML byte stream and
 * decode SLP_TYPa/b. 0 if found, -ENOENT if absent, -EINVAL if the
 * package is malformed or its values are not 3-bit sleep types.
 */
int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
		     uint8_t *slp_typb);
/*
 * Write the S5 sleep type with SLP_EN to PM1a_CNT (and PM1b_CNT) through
 * os->write_port. Returns 0 once written (the machine should be going
 * down), or a negative errno, reported, if something is missing.
 */
int acpi_enter_s5(const struct acpi_tables *t, const struct acpi_fadt_info *f);
/* Write the reset value to the reset register; 0 once written. */
int acpi_write_reset(const struct acpi_tables *t, const struct acpi_fadt_info *f);

#endif /* DRIVERS_ACPI_INTERNAL_H */
