/*
 * ACPI tables as the firmware lays them out in memory (ACPI 6.x, chapter
 * 5.2). Only layouts live here: every struct is packed, little-endian, and
 * its size is checked at compile time, so a field read through one of them
 * reads exactly the bytes the spec names.
 *
 * A table is only ever looked at through these structs after its length
 * has been validated (tables.c); fields that a shorter, older revision of
 * a table lacks must be checked against the table's length before use
 * (see ACPI_FIELD_PRESENT).
 */
#ifndef DRIVERS_ACPI_ACTBL_H
#define DRIVERS_ACPI_ACTBL_H

#include <lib/compiler.h>

/* --- Root System Description Pointer (5.2.5.3) ------------------------- */

#define ACPI_RSDP_SIGNATURE	"RSD PTR "
#define ACPI_RSDP_V1_LENGTH	20	/* bytes covered by `checksum` */

struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* first 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision;		/* 0: ACPI 1.0 (RSDT only); 2: ACPI 2.0+ */
	uint32_t rsdt_address;		/* 32-bit physical address of the RSDT */
	/* revision >= 2 only: */
	uint32_t length;		/* of this structure */
	uint64_t xsdt_address;		/* 64-bit physical address of the XSDT */
	uint8_t extended_checksum;	/* `length` bytes sum to 0 */
	uint8_t reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes");

/* --- The header every description table starts with (5.2.6) ------------ */

struct acpi_table_header {
	char signature[4];		/* "FACP", "APIC", ... */
	uint32_t length;		/* whole table, header included */
	uint8_t revision;
	uint8_t checksum;		/* `length` bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_table_header) == 36, "table header is 36 bytes");

/* RSDT and XSDT: a header followed by 32-bit (RSDT) or 64-bit (XSDT)
 * physical addresses of the other tables. XSDT entries are only 4-byte
 * aligned: read them with memcpy. */
#define ACPI_RSDT_ENTRY_SIZE	4
#define ACPI_XSDT_ENTRY_SIZE	8

/* --- Generic Address Structure (5.2.3.2) ---------------------------------- */

#define ACPI_SPACE_SYSTEM_MEMORY	0
#define ACPI_SPACE_SYSTEM_IO		1

struct acpi_generic_address {
	uint8_t space_id;		/* ACPI_SPACE_* */
	uint8_t bit_width;		/* register width, 0 if not given */
	uint8_t bit_offset;
	uint8_t access_size;		/* 0 undefined, 1 byte ... 4 qword */
	uint64_t address;
} __packed;
_Static_assert(sizeof(struct acpi_generic_address) == 12, "GAS is 12 bytes");

/* --- Fixed ACPI Description Table, "FACP" (5.2.9) ------------------------ */

#define ACPI_FADT_RESET_REG_SUP	(1u << 10)	/* flags: reset register usable */
#define ACPI_FADT_HW_REDUCED	(1u << 20)	/* flags: no fixed hardware */

struct acpi_fadt {
	struct acpi_table_header header;
	uint32_t firmware_ctrl;		/* 36: FACS, 32-bit */
	uint32_t dsdt;			/* 40: DSDT, 32-bit */
	uint8_t reserved0;		/* 44: ACPI 1.0 INT_MODEL */
	uint8_t preferred_pm_profile;	/* 45 */
	uint16_t sci_int;		/* 46: SCI interrupt (ISA IRQ or GSI) */
	uint32_t smi_cmd;		/* 48 */
	uint8_t acpi_enable;		/* 52 */
	uint8_t acpi_disable;		/* 53 */
	uint8_t s4bios_req;		/* 54 */
	uint8_t pstate_cnt;		/* 55 */
	uint32_t pm1a_evt_blk;		/* 56: I/O ports, 32-bit */
	uint32_t pm1b_evt_blk;		/* 60 */
	uint32_t pm1a_cnt_blk;		/* 64 */
	uint32_t pm1b_cnt_blk;		/* 68 */
	uint32_t pm2_cnt_blk;		/* 72 */
	uint32_t pm_tmr_blk;		/* 76 */
	uint32_t gpe0_blk;		/* 80 */
	uint32_t gpe1_blk;		/* 84 */
	uint8_t pm1_evt_len;		/* 88: bytes */
	uint8_t pm1_cnt_len;		/* 89: bytes */
	uint8_t pm2_cnt_len;		/* 90 */
	uint8_t pm_tmr_len;		/* 91 */
	uint8_t gpe0_blk_len;		/* 92 */
	uint8_t gpe1_blk_len;		/* 93 */
	uint8_t gpe1_base;		/* 94 */
	uint8_t cst_cnt;		/* 95 */
	uint16_t p_lvl2_lat;		/* 96 */
	uint16_t p_lvl3_lat;		/* 98 */
	uint16_t flush_size;		/* 100 */
	uint16_t flush_stride;		/* 102 */
	uint8_t duty_offset;		/* 104 */
	uint8_t duty_width;		/* 105 */
	uint8_t day_alrm;		/* 106 */
	uint8_t mon_alrm;		/* 107 */
	uint8_t century;		/* 108 */
	uint16_t iapc_boot_arch;	/* 109 */
	uint8_t reserved1;		/* 111 */
	uint32_t flags;			/* 112: ACPI_FADT_* (end of ACPI 1.0) */
	struct acpi_generic_address reset_reg;	/* 116 */
	uint8_t reset_value;		/* 128 */
	uint16_t arm_boot_arch;		/* 129 */
	uint8_t minor_version;		/* 131 */
	uint64_t x_firmware_ctrl;	/* 132 */
	uint64_t x_dsdt;		/* 140 */
	struct acpi_generic_address x_pm1a_evt_blk;	/* 148 */
	struct acpi_generic_address x_pm1b_evt_blk;	/* 160 */
	struct acpi_generic_address x_pm1a_cnt_blk;	/* 172 */
	struct acpi_generic_address x_pm1b_cnt_blk;	/* 184 */
	struct acpi_generic_address x_pm2_cnt_blk;	/* 196 */
	struct acpi_generic_address x_pm_tmr_blk;	/* 208 */
	struct acpi_generic_address x_gpe0_blk;		/* 220 */
	struct acpi_generic_address x_gpe1_blk;		/* 232: end of 244-byte FADTs */
	struct acpi_generic_address sleep_control_reg;	/* 244 */
	struct acpi_generic_address sleep_status_reg;	/* 256 */
	uint64_t hypervisor_vendor_id;	/* 268 */
} __packed;
_Static_assert(sizeof(struct acpi_fadt) == 276, "ACPI 6.x FADT is 276 bytes");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK");

/* Does a table of `len` bytes hold the whole of `field` of `type`? */
#define ACPI_FIELD_PRESENT(type, field, len) \
	(offsetof(type, field) + sizeof(((type *)0)->field) <= (len))

/* The PM1 control register (4.8.3.2.1). */
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_TYP_MASK	(7u << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN		(1u << 13)

/* --- Multiple APIC Description Table, "APIC" (5.2.12) -------------------- */

#define ACPI_MADT_PCAT_COMPAT	(1u << 0)	/* flags: dual 8259s present */

struct acpi_madt_header {
	struct acpi_table_header header;
	uint32_t lapic_address;		/* 36: 32-bit local APIC base */
	uint32_t flags;			/* 40: ACPI_MADT_* */
	/* 44: interrupt controller structures, each starting with: */
} __packed;
_Static_assert(sizeof(struct acpi_madt_header) == 44, "MADT header is 44 bytes");

struct acpi_madt_entry {
	uint8_t type;			/* ACPI_MADT_TYPE_* */
	uint8_t length;			/* whole entry */
} __packed;

enum {
	ACPI_MADT_TYPE_LAPIC = 0,
	ACPI_MADT_TYPE_IOAPIC = 1,
	ACPI_MADT_TYPE_OVERRIDE = 2,
	ACPI_MADT_TYPE_NMI_SOURCE = 3,
	ACPI_MADT_TYPE_LAPIC_NMI = 4,
	ACPI_MADT_TYPE_LAPIC_OVERRIDE = 5,
	ACPI_MADT_TYPE_X2APIC = 9,
	ACPI_MADT_TYPE_X2APIC_NMI = 0xa,
};

/* Local APIC and x2APIC flags. */
#define ACPI_MADT_ENABLED		(1u << 0)
#define ACPI_MADT_ONLINE_CAPABLE	(1u << 1)

struct acpi_madt_lapic {			/* type 0 */
	struct acpi_madt_entry e;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT type 0");

struct acpi_madt_ioapic {			/* type 1 */
	struct acpi_madt_entry e;
	uint8_t id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __packed;
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT type 1");

struct acpi_madt_override {			/* type 2 */
	struct acpi_madt_entry e;
	uint8_t bus;				/* 0: ISA */
	uint8_t source_irq;
	uint32_t gsi;
	uint16_t flags;				/* MPS INTI polarity/trigger */
} __packed;
_Static_assert(sizeof(struct acpi_madt_override) == 10, "MADT type 2");

struct acpi_madt_lapic_nmi {			/* type 4 */
	struct acpi_madt_entry e;
	uint8_t processor_uid;			/* 0xff: every processor */
	uint16_t flags;
	uint8_t lint;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "MADT type 4");

struct acpi_madt_lapic_override {		/* type 5 */
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint64_t address;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "MADT type 5");

struct acpi_madt_x2apic {			/* type 9 */
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t processor_uid;
} __packed;
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT type 9");

struct acpi_madt_x2apic_nmi {			/* type 0xa */
	struct acpi_madt_entry e;
	uint16_t flags;
	uint32_t processor_uid;			/* 0xffffffff: every processor */
	uint8_t lint;
	uint8_t reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_madt_x2apic_nmi) == 12, "MADT type 0xa");

/* --- AML opcodes the \_S5 scan understands (20.2) ------------------------ */

#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_PACKAGE_OP		0x12
#define AML_ROOT_CHAR		0x5c	/* '\' */
#define AML_ONES_OP		0xff

#endif /* DRIVERS_ACPI_ACTBL_H */
