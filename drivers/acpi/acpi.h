/*
 * ACPI, as the rest of the kernel sees it: the firmware's description
 * tables, the CPUs and interrupt controllers of the MADT, and the FADT's
 * power-off and reset. The NFIT's persistent memory has its own header,
 * drivers/acpi/nfit.h.
 *
 * Life story: start_kernel() calls acpi_init(arch_rsdp_phys()) once,
 * before anything else here. It finds and validates every table (each
 * refused table is reported and ignored; the kernel goes on with the
 * others), then reads the FADT, the MADT and the NFIT. After that the tables and
 * everything derived from them are read-only, so every function below may
 * be called from any context without a lock. Tables stay where the
 * firmware put them (ACPI reclaim / NVS memory, reached through the direct
 * map); nothing is copied.
 *
 * Errors are negative errno values.
 */
#ifndef DRIVERS_ACPI_ACPI_H
#define DRIVERS_ACPI_ACPI_H

#include <lib/compiler.h>
#include <lib/errno.h>
#include <drivers/acpi/actbl.h>

/* Not (yet) in lib/errno.h: a register in an address space not handled. */
#ifndef EOPNOTSUPP
#define EOPNOTSUPP	95	/* operation not supported */
#endif

/*
 * Find and validate every table, then read the FADT, the MADT and the
 * NFIT (nfit_init()); prints
 * one line per table. Returns 0 if the RSDP and the root table (XSDT, or
 * RSDT for ACPI 1.0) are valid, else a negative errno and no table is
 * known. Call once.
 */
int acpi_init(uint64_t rsdp_phys);

/* --- the tables ------------------------------------------------------- */

/* What is known of one valid table (one entry of acpi_table_at()). */
struct acpi_table_info {
	char signature[5];		/* NUL-terminated, e.g. "FACP" */
	char oem_id[7];			/* NUL-terminated, blank-padded */
	char oem_table_id[9];		/* same */
	uint8_t revision;
	uint32_t length;
	uint64_t phys;
	const struct acpi_table_header *header;	/* mapped, `length` bytes */
};

/*
 * The instance-th valid table (0 first) with signature `sig` (4 chars, no
 * NUL needed), or NULL. The root table is listed as "XSDT" (or "RSDT"),
 * the DSDT (found through the FADT) as "DSDT".
 */
const struct acpi_table_header *acpi_find_table(const char sig[4],
						unsigned int instance);
unsigned int acpi_table_count(void);
/* The i-th valid table in discovery order, or NULL if i >= count. */
const struct acpi_table_info *acpi_table_at(unsigned int i);

/* --- the MADT: CPUs and interrupt controllers ------------------------- */

struct acpi_cpu {
	uint32_t apic_id;		/* local (x2)APIC id */
	uint32_t uid;			/* ACPI processor UID */
	bool enabled;			/* usable now */
	bool online_capable;		/* disabled but may be brought online */
	bool x2apic;			/* came from an x2APIC entry (type 9) */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t address;		/* physical MMIO base */
	uint32_t gsi_base;		/* first global system interrupt */
};

/* An ISA IRQ that is wired to another GSI or with other polarity/trigger. */
struct acpi_irq_override {
	uint8_t bus;			/* 0: ISA */
	uint8_t source_irq;
	uint32_t gsi;
	uint16_t flags;			/* MPS INTI: bits 0-1 polarity, 2-3 trigger */
};

/* An NMI wired to a local APIC's LINT pin (MADT types 4 and 0xa). */
#define ACPI_NMI_ALL_CPUS	0xffffffffu
struct acpi_lapic_nmi {
	uint32_t uid;			/* processor UID, or ACPI_NMI_ALL_CPUS */
	uint16_t flags;
	uint8_t lint;			/* 0 or 1 */
};

unsigned int acpi_cpu_count(void);
const struct acpi_cpu *acpi_cpu_at(unsigned int i);		/* NULL past the end */
uint64_t acpi_lapic_phys(void);					/* 0 if no MADT */
unsigned int acpi_ioapic_count(void);
const struct acpi_ioapic *acpi_ioapic_at(unsigned int i);
unsigned int acpi_irq_override_count(void);
const struct acpi_irq_override *acpi_irq_override_at(unsigned int i);
unsigned int acpi_lapic_nmi_count(void);
const struct acpi_lapic_nmi *acpi_lapic_nmi_at(unsigned int i);

/* --- power ------------------------------------------------------------- */

/*
 * Enter S5 (soft off): SLP_TYP from the \_S5_ package of the DSDT,
 * written with SLP_EN to PM1a_CNT (and PM1b_CNT). Does not return when it
 * works (QEMU exits with status 0); otherwise reports what was missing
 * and returns a negative errno.
 */
int acpi_poweroff(void);
/*
 * Write the FADT reset value to the reset register (system I/O only).
 * Does not return when it works; otherwise reports why and returns a
 * negative errno (the caller may then try another way).
 */
int acpi_reboot(void);

#endif /* DRIVERS_ACPI_ACPI_H */
