/*
 * Fake NFITs for the self-tests: build a table in a buffer, sub-table by
 * sub-table, the way a firmware would lay it out, and a fake platform
 * whose RAM and kernel image the parser's overlap checks ask about.
 *
 *   uint8_t buf[FAKE_NFIT_CAP];
 *   struct acpi_table_header *h = fake_nfit_begin(buf);
 *   fake_qemu_dimm(h, 0, 0x100000000, 256 << 20);     // QEMU's 3 sub-tables
 *   struct acpi_nfit_spa spa = fake_spa(7, base, size);
 *   fake_nfit_add(h, &spa, sizeof(spa));
 *   fake_nfit_seal(h);                                // the checksum
 *
 * The fake machine: RAM is [0, FAKE_RAM_END), the kernel image is
 * [FAKE_KERNEL_BASE, + FAKE_KERNEL_SIZE) inside it; persistent memory is
 * expected at 4 GiB and above, as QEMU puts it.
 */
#ifndef DRIVERS_ACPI_TESTS_NFIT_FAKE_H
#define DRIVERS_ACPI_TESTS_NFIT_FAKE_H

#include <drivers/acpi/nfit_internal.h>

#define FAKE_NFIT_CAP		2048
#define FAKE_RAM_END		0x20000000ULL		/* 512 MiB */
#define FAKE_KERNEL_BASE	0x01000000ULL
#define FAKE_KERNEL_SIZE	0x00200000ULL
#define PM_BASE			0x100000000ULL		/* QEMU's first NVDIMM */
#define MiB			(1ULL << 20)

extern const struct nfit_ops fake_platform;

/* QEMU 7.2's NFIT for one 256 MiB NVDIMM, byte for byte (224 bytes). */
extern const uint8_t qemu_nfit_one_dimm[224];

/* An empty NFIT (40 bytes) with QEMU's header, in buf (FAKE_NFIT_CAP bytes). */
struct acpi_table_header *fake_nfit_begin(uint8_t *buf);
/* Append len bytes; returns where they went. */
void *fake_nfit_add(struct acpi_table_header *h, const void *sub, size_t len);
/* Fix the checksum (the parser does not check it; tables.c does). */
void fake_nfit_seal(struct acpi_table_header *h);
/* The sub-table at byte offset `off` of the table. */
void *fake_at(struct acpi_table_header *h, uint32_t off);

/* ACPI's view of physical memory: `arena` poses as [phys, phys + size). */
const struct acpi_os_ops *nfit_fake_os(const void *arena, size_t size, uint64_t phys);

/* Sub-tables as QEMU fills them. */
struct acpi_nfit_spa fake_spa(uint16_t index, uint64_t base, uint64_t length);
struct acpi_nfit_memdev fake_memdev(uint32_t handle, uint16_t spa_index,
				    uint16_t dcr_index, uint64_t size);
struct acpi_nfit_dcr fake_dcr(uint16_t index, uint32_t serial);
/* QEMU's SPA range, memory device map and control region for DIMM `slot`. */
void fake_qemu_dimm(struct acpi_table_header *h, unsigned int slot,
		    uint64_t base, uint64_t size);

/*
 * The parse under test, shared by the NFIT suites (static: too big for a
 * test's stack). Offsets in QEMU's one-DIMM table: SPA range 0x28, memory
 * device map 0x60, control region 0x90, end 0xe0.
 */
enum { OFF_SPA = 0x28, OFF_MEMDEV = 0x60, OFF_DCR = 0x90, OFF_END = 0xe0 };
extern struct nfit nt;
extern uint8_t nt_buf[FAKE_NFIT_CAP];

struct ktest;
/* QEMU's one-DIMM table built in nt_buf. */
struct acpi_table_header *nt_qemu_table(void);
/* Seal h and parse it alone into a fresh nt on the fake platform. */
int nt_parse(struct acpi_table_header *h);
/* What the parser recorded about the sub-table at `off` (the first), or NULL. */
const struct nfit_problem *nt_problem_at(uint32_t off);
/* Was the sub-table at `off` refused (warned about), with `words` in the reason? */
bool nt_refused_at(uint32_t off, const char *words);
bool nt_warned_at(uint32_t off, const char *words);
/* Region i is QEMU's DIMM: 4 GiB + 256 MiB, handle 1, serial 0x123456. */
void nt_expect_qemu_region(struct ktest *t, unsigned int i);

#endif /* DRIVERS_ACPI_TESTS_NFIT_FAKE_H */
