/*
 * The NFIT ("NVDIMM Firmware Interface Table", ACPI 6.x section 5.2.25)
 * as the firmware lays it out: the 36-byte table header, 4 reserved bytes,
 * then a list of sub-tables, each starting with a 2-byte type and a 2-byte
 * length. Layouts only, as in actbl.h: packed, little-endian, sizes checked
 * at compile time. Nothing here may be read before nfit.c has shown that
 * the sub-table's length covers it.
 *
 * How the types refer to each other (by 16-bit indexes unique in a table,
 * 0 reserved, and by the 32-bit NFIT device handle):
 *
 *   SPA range (0) <-- spa_index --- memory device map (1) --- dcr_index --> control region (4)
 *                                        |  interleave_index                    ^
 *                                        v                                      | dcr_index
 *                                   interleave (2)              block data window (5)
 *   flush hint address (6) --- device handle --> memory device map (1)
 *   SMBIOS (3), platform capabilities (7): stand alone
 */
#ifndef DRIVERS_ACPI_ACTBL_NFIT_H
#define DRIVERS_ACPI_ACTBL_NFIT_H

#include <drivers/acpi/actbl.h>

struct acpi_table_nfit {
	struct acpi_table_header header;	/* "NFIT" */
	uint32_t reserved;			/* 36 */
	/* 40: sub-tables */
} __packed;
_Static_assert(sizeof(struct acpi_table_nfit) == 40, "NFIT header is 40 bytes");

struct acpi_nfit_header {
	uint16_t type;				/* ACPI_NFIT_TYPE_* */
	uint16_t length;			/* whole sub-table */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_header) == 4, "NFIT sub-table header");

enum {
	ACPI_NFIT_TYPE_SPA = 0,			/* system physical address range */
	ACPI_NFIT_TYPE_MEMDEV = 1,		/* memory device to SPA range map */
	ACPI_NFIT_TYPE_INTERLEAVE = 2,
	ACPI_NFIT_TYPE_SMBIOS = 3,
	ACPI_NFIT_TYPE_DCR = 4,			/* NVDIMM control region */
	ACPI_NFIT_TYPE_BDW = 5,			/* NVDIMM block data window region */
	ACPI_NFIT_TYPE_FLUSH = 6,		/* flush hint addresses */
	ACPI_NFIT_TYPE_CAPS = 7,		/* platform capabilities */
	ACPI_NFIT_TYPE_COUNT
};

/* --- type 0: system physical address (SPA) range, 56 bytes ------------------- */

#define ACPI_NFIT_SPA_HOTADD_ONLY	(1u << 0)	/* control region for hot add only */
#define ACPI_NFIT_SPA_PROXIMITY_VALID	(1u << 1)
#define ACPI_NFIT_SPA_COOKIE_VALID	(1u << 2)	/* ACPI 6.3: 64-byte form */

struct acpi_nfit_spa {
	struct acpi_nfit_header h;
	uint16_t range_index;			/* 4: 0 is reserved */
	uint16_t flags;				/* 6: ACPI_NFIT_SPA_* */
	uint32_t reserved;			/* 8 */
	uint32_t proximity_domain;		/* 12 */
	uint8_t range_guid[16];			/* 16: on-table byte order */
	uint64_t base;				/* 32 */
	uint64_t length;			/* 40 */
	uint64_t attributes;			/* 48: EFI_MEMORY_* */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_spa) == 56, "NFIT type 0 is 56 bytes");
#define ACPI_NFIT_SPA_COOKIE_SIZE	64	/* + a u64 SPA location cookie */

/* The memory attributes of a range (UEFI EFI_MEMORY_*). */
#define EFI_MEMORY_UC		0x1ULL
#define EFI_MEMORY_WC		0x2ULL
#define EFI_MEMORY_WT		0x4ULL
#define EFI_MEMORY_WB		0x8ULL
#define EFI_MEMORY_UCE		0x10ULL
#define EFI_MEMORY_WP		0x1000ULL
#define EFI_MEMORY_RP		0x2000ULL
#define EFI_MEMORY_XP		0x4000ULL
#define EFI_MEMORY_NV		0x8000ULL
#define EFI_MEMORY_MORE_RELIABLE 0x10000ULL
#define EFI_MEMORY_RO		0x20000ULL
#define EFI_MEMORY_SP		0x40000ULL

/* --- type 1: memory device to SPA range map, 48 bytes ------------------------ */

#define ACPI_NFIT_MEM_SAVE_FAILED	(1u << 0)
#define ACPI_NFIT_MEM_RESTORE_FAILED	(1u << 1)
#define ACPI_NFIT_MEM_FLUSH_FAILED	(1u << 2)
#define ACPI_NFIT_MEM_NOT_ARMED		(1u << 3)
#define ACPI_NFIT_MEM_HEALTH_OBSERVED	(1u << 4)
#define ACPI_NFIT_MEM_HEALTH_ENABLED	(1u << 5)
#define ACPI_NFIT_MEM_MAP_FAILED	(1u << 6)

struct acpi_nfit_memdev {
	struct acpi_nfit_header h;
	uint32_t device_handle;			/* 4: NFIT device handle */
	uint16_t physical_id;			/* 8 */
	uint16_t region_id;			/* 10 */
	uint16_t spa_index;			/* 12: 0 = not mapped to an SPA range */
	uint16_t dcr_index;			/* 14 */
	uint64_t region_size;			/* 16 */
	uint64_t region_offset;			/* 24 */
	uint64_t dpa;				/* 32: device physical address base */
	uint16_t interleave_index;		/* 40: 0 = none */
	uint16_t interleave_ways;		/* 42 */
	uint16_t flags;				/* 44: ACPI_NFIT_MEM_* */
	uint16_t reserved;			/* 46 */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_memdev) == 48, "NFIT type 1 is 48 bytes");

/* --- type 2: interleave, 16 + 4 * line_count bytes --------------------------- */

struct acpi_nfit_interleave {
	struct acpi_nfit_header h;
	uint16_t interleave_index;		/* 4 */
	uint16_t reserved;			/* 6 */
	uint32_t line_count;			/* 8 */
	uint32_t line_size;			/* 12 */
	uint32_t line_offset[];			/* 16: line_count entries */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_interleave) == 16, "NFIT type 2 is 16 + 4n bytes");

/* --- type 3: SMBIOS management information, 8 + data bytes ------------------- */

struct acpi_nfit_smbios {
	struct acpi_nfit_header h;
	uint32_t reserved;			/* 4 */
	uint8_t data[];				/* 8: SMBIOS table entries */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_smbios) == 8, "NFIT type 3 is 8 + n bytes");

/* --- type 4: NVDIMM control region, 80 bytes (32 without block windows) ------ */

#define ACPI_NFIT_DCR_VALID_MFG		(1u << 0)	/* location and date valid */
#define ACPI_NFIT_DCR_BUFFERED		(1u << 0)	/* flags: block windows buffered */

struct acpi_nfit_dcr {
	struct acpi_nfit_header h;
	uint16_t dcr_index;			/* 4: 0 is reserved */
	uint16_t vendor_id;			/* 6 */
	uint16_t device_id;			/* 8 */
	uint16_t revision_id;			/* 10 */
	uint16_t subsystem_vendor_id;		/* 12 */
	uint16_t subsystem_device_id;		/* 14 */
	uint16_t subsystem_revision_id;		/* 16 */
	uint8_t valid_fields;			/* 18: ACPI_NFIT_DCR_VALID_* */
	uint8_t manufacturing_location;		/* 19 */
	uint16_t manufacturing_date;		/* 20 */
	uint8_t reserved[2];			/* 22 */
	uint32_t serial_number;			/* 24 */
	uint16_t format_code;			/* 28: region format interface code */
	uint16_t windows;			/* 30: block control windows */
	/* 32: the rest only when windows != 0 */
	uint64_t window_size;			/* 32 */
	uint64_t command_offset;		/* 40 */
	uint64_t command_size;			/* 48 */
	uint64_t status_offset;			/* 56 */
	uint64_t status_size;			/* 64 */
	uint16_t flags;				/* 72: ACPI_NFIT_DCR_BUFFERED */
	uint8_t reserved1[6];			/* 74 */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_dcr) == 80, "NFIT type 4 is 80 bytes");
_Static_assert(offsetof(struct acpi_nfit_dcr, window_size) == 32, "NFIT type 4 short form");
#define ACPI_NFIT_DCR_SHORT_SIZE	32

/* --- type 5: NVDIMM block data window region, 40 bytes ----------------------- */

struct acpi_nfit_bdw {
	struct acpi_nfit_header h;
	uint16_t dcr_index;			/* 4 */
	uint16_t windows;			/* 6 */
	uint64_t offset;			/* 8: of the first window */
	uint64_t size;				/* 16: of one window */
	uint64_t capacity;			/* 24: block accessible capacity */
	uint64_t start_address;			/* 32: first block's DPA */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_bdw) == 40, "NFIT type 5 is 40 bytes");

/* --- type 6: flush hint address, 16 + 8 * hint_count bytes ------------------- */

struct acpi_nfit_flush {
	struct acpi_nfit_header h;
	uint32_t device_handle;			/* 4 */
	uint16_t hint_count;			/* 8 */
	uint8_t reserved[6];			/* 10 */
	uint64_t hint_address[];		/* 16: hint_count entries */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_flush) == 16, "NFIT type 6 is 16 + 8n bytes");

/* --- type 7: platform capabilities, 16 bytes ----------------------------------- */

#define ACPI_NFIT_CAP_CACHE_FLUSH	(1u << 0)	/* CPU caches are in the persistence domain */
#define ACPI_NFIT_CAP_MEM_FLUSH		(1u << 1)	/* memory controller buffers are */
#define ACPI_NFIT_CAP_MEM_MIRRORING	(1u << 2)

struct acpi_nfit_caps {
	struct acpi_nfit_header h;
	uint8_t highest_capability;		/* 4: bits above it are not valid */
	uint8_t reserved[3];			/* 5 */
	uint32_t capabilities;			/* 8: ACPI_NFIT_CAP_* */
	uint32_t reserved1;			/* 12 */
} __packed;
_Static_assert(sizeof(struct acpi_nfit_caps) == 16, "NFIT type 7 is 16 bytes");

/* --- address range type GUIDs (5.2.25.2), in on-table byte order ----------------
 *
 * A GUID's text aabbccdd-eeff-gghh-iijj-kkllmmnnoopp is stored with its
 * first three fields little-endian (dd cc bb aa ff ee hh gg) and the last
 * eight bytes as written. ACPI_NFIT_GUID() takes the text's fields and
 * lays them out that way, so a table's bytes can be compared with memcmp.
 */
#define ACPI_NFIT_GUID(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) {	\
	(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, \
	(b) & 0xff, ((b) >> 8) & 0xff, (c) & 0xff, ((c) >> 8) & 0xff,	\
	d0, d1, d2, d3, d4, d5, d6, d7 }

/* 7305944f-fdda-44e3-b16c-3f22d252e5d0: volatile memory */
#define ACPI_NFIT_GUID_VOLATILE ACPI_NFIT_GUID(0x7305944f, 0xfdda, 0x44e3, \
	0xb1, 0x6c, 0x3f, 0x22, 0xd2, 0x52, 0xe5, 0xd0)
/* 66f0d379-b4f3-4074-ac43-0d3318b78cdb: byte-addressable persistent memory */
#define ACPI_NFIT_GUID_PM ACPI_NFIT_GUID(0x66f0d379, 0xb4f3, 0x4074,	\
	0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb)
/* 92f701f6-13b4-405d-910b-299367e8234c: NVDIMM control region */
#define ACPI_NFIT_GUID_DCR ACPI_NFIT_GUID(0x92f701f6, 0x13b4, 0x405d,	\
	0x91, 0x0b, 0x29, 0x93, 0x67, 0xe8, 0x23, 0x4c)
/* 91af0530-5d86-470e-a6b0-0a2db9408249: NVDIMM block data window region */
#define ACPI_NFIT_GUID_BDW ACPI_NFIT_GUID(0x91af0530, 0x5d86, 0x470e,	\
	0xa6, 0xb0, 0x0a, 0x2d, 0xb9, 0x40, 0x82, 0x49)

#endif /* DRIVERS_ACPI_ACTBL_NFIT_H */
