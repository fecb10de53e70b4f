/*
 * Persistent memory, as the NFIT describes it: the regions a pmem driver
 * may use.
 *
 * Life story: acpi_init() calls nfit_init() once, after the MADT. It
 * parses every valid NFIT (instance 0, 1, ...; QEMU with an extra
 * `-acpitable` NFIT and a real NVDIMM gives two), refuses what does not
 * hold up (each refusal is one "nfit: ..." line, see docs/nfit.md), and
 * builds one region per persistent-memory SPA range from what remains.
 * From then on the regions are read-only: every function below may be
 * called from any context without a lock, and the pointers stay valid
 * for the life of the kernel.
 *
 * A region is a copy, not a pointer into the table: the pmem driver never
 * needs to read the NFIT again.
 */
#ifndef DRIVERS_ACPI_NFIT_H
#define DRIVERS_ACPI_NFIT_H

#include <lib/compiler.h>

#define NFIT_MAX_REGIONS	16
#define NFIT_MAX_REGION_DIMMS	8	/* DIMMs interleaved into one region */
#define NFIT_MAX_FLUSH_HINTS	8	/* flush hint addresses kept per DIMM */

/* One NVDIMM's part in a region (a memory device to SPA range map). */
struct nfit_dimm {
	uint32_t handle;		/* NFIT device handle */
	uint16_t physical_id;		/* SMBIOS type 17 handle */
	uint16_t flags;			/* ACPI_NFIT_MEM_*: save failed, not armed... */
	uint32_t serial;		/* from its control region */
	uint16_t vendor_id, device_id;	/* same */
	uint16_t format_code;		/* same: 0x301 byte-addressable */
	uint16_t interleave_ways;	/* 1: not interleaved */
	uint64_t region_offset;		/* where its part starts in the interleave set */
	uint64_t region_size;		/* bytes this DIMM gives the region */
	uint64_t dpa;			/* device physical address of that part */
	unsigned int nflush;		/* flush_hint[] entries */
	uint64_t flush_hint[NFIT_MAX_FLUSH_HINTS];	/* physical addresses */
};

/*
 * A persistent-memory region: one SPA range of the persistent-memory type
 * that passed every check (non-empty, 4 KiB aligned, no overlap with RAM,
 * the kernel or another range), with the DIMMs that map into it.
 */
struct nfit_region {
	unsigned int id;		/* position in nfit_region_at(): 0, 1, ... */
	unsigned int table;		/* NFIT instance it came from */
	uint16_t range_index;		/* SPA range index in that table */
	uint16_t spa_flags;		/* ACPI_NFIT_SPA_* */
	uint32_t proximity_domain;	/* meaningful if spa_flags has PROXIMITY_VALID */
	uint64_t base;			/* physical address, 4 KiB aligned */
	uint64_t size;			/* bytes, a multiple of 4 KiB, > 0 */
	uint64_t attributes;		/* EFI_MEMORY_*: caching (UC/WC/WT/WB), NV... */
	bool has_capabilities;		/* its table has a platform capabilities entry */
	uint32_t capabilities;		/* ACPI_NFIT_CAP_*, masked to the valid bits */
	unsigned int ndimms;		/* dimm[] entries */
	struct nfit_dimm dimm[NFIT_MAX_REGION_DIMMS];
};

/* Parse the kernel's NFITs and print a summary line per region. */
int nfit_init(void);

/* Regions in address order (lowest base first), so pmem0 is the lowest. */
unsigned int nfit_region_count(void);
const struct nfit_region *nfit_region_at(unsigned int i);	/* NULL past the end */

/* Flush hints of all the region's DIMMs (0: none; flush with CPU instructions). */
unsigned int nfit_region_flush_hints(const struct nfit_region *r);

/*
 * The memory attributes as text, caching modes first: "WB NV",
 * "UC WC WT WB"; "none" for 0. Returns buf.
 */
const char *nfit_attr_text(uint64_t attributes, char *buf, size_t size);

#endif /* DRIVERS_ACPI_NFIT_H */
