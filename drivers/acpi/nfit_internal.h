/*
 * Inside the NFIT parser: its explicit state, so the self-tests can feed it
 * fake tables and fake platforms while the kernel's regions stay untouched.
 *
 *   nfit.c         the walk over one table's sub-tables and the checks a
 *                  sub-table must pass on its own (bounds, length, counts)
 *   nfit_check.c   the checks between sub-tables and against the platform
 *                  (SPA ranges, indexes, references)
 *   nfit_region.c  regions built from what was accepted; the kernel's
 *                  instance, nfit_init() and the public API of nfit.h
 *   nfit_text.c    names, GUIDs and attributes as text
 *   nfit_print.c   the decoded table, for the `nfit` shell command
 *
 * Parsing one table: nfit_parse_table() walks it and keeps in sub[] every
 * sub-table that lies inside the table, has a known type and the length
 * that type needs; nfit_check_table() then refuses, in sub[], what does not
 * hold up; nfit_build_regions() turns the accepted persistent-memory SPA
 * ranges into regions. Every refusal and warning is printed as one line
 * starting "nfit:" and recorded in problem[] (the first NFIT_MAX_PROBLEMS).
 */
#ifndef DRIVERS_ACPI_NFIT_INTERNAL_H
#define DRIVERS_ACPI_NFIT_INTERNAL_H

#include <drivers/acpi/actbl_nfit.h>
#include <drivers/acpi/internal.h>
#include <drivers/acpi/nfit.h>

/* What the parser asks the platform. Both may be NULL (no such check). */
struct nfit_ops {
	/* Does [base, base + size) share a byte with RAM? (size > 0, no wrap) */
	bool (*overlaps_ram)(uint64_t base, uint64_t size);
	/* ... with the kernel's own image? */
	bool (*overlaps_kernel)(uint64_t base, uint64_t size);
};

/* The kernel's: the platform's memory map (asm/phys_ranges.h). */
extern const struct nfit_ops nfit_ops_default;

#define NFIT_MAX_TABLES		8	/* NFIT instances parsed */
#define NFIT_MAX_SUBTABLES	128	/* kept per table; more are refused */
#define NFIT_MAX_RANGES		32	/* accepted SPA ranges over all tables */
#define NFIT_MAX_PROBLEMS	32	/* recorded; all are counted and printed */
#define NFIT_PHYS_LIMIT		(1ULL << 52)	/* architectural maximum */
#define NFIT_HUGE_ALIGN		(2ULL << 20)	/* below this: noted, accepted */

enum nfit_problem_kind { NFIT_REFUSED, NFIT_WARNING, NFIT_NOTE };

struct nfit_problem {
	uint8_t kind;			/* enum nfit_problem_kind */
	uint8_t table;			/* NFIT instance */
	bool whole_table;		/* about the table (or stray bytes), not a sub-table */
	uint16_t type;			/* of the sub-table */
	uint32_t offset;		/* of the sub-table (or the stray bytes) */
	char text[160];			/* the reason, as printed after the verdict */
};

/* What an SPA range's GUID says it is. */
enum nfit_range_kind {
	NFIT_RANGE_UNKNOWN, NFIT_RANGE_VOLATILE, NFIT_RANGE_PM,
	NFIT_RANGE_DCR, NFIT_RANGE_BDW,
};

/* A sub-table that lies wholly inside its table and is well-formed alone. */
struct nfit_sub {
	const struct acpi_nfit_header *h;
	uint32_t offset;
	unsigned int seq;		/* its number in the table, 0 first */
	bool refused;			/* by nfit_check_table() */
};

/* An accepted SPA range, remembered across tables for the overlap check. */
struct nfit_range {
	uint64_t base, size;
	uint16_t index;
	uint8_t table;
	uint8_t kind;			/* enum nfit_range_kind */
};

struct nfit {
	const struct nfit_ops *ops;
	bool silent;			/* count problems, print nothing (fuzzing) */
	unsigned int ntables;		/* tables parsed */
	unsigned int refused;		/* sub-tables (or tables) refused */
	unsigned int warnings;		/* warnings */
	unsigned int notes;		/* accepted, but worth saying */
	unsigned int nproblems;
	struct nfit_problem problem[NFIT_MAX_PROBLEMS];
	unsigned int nranges;
	struct nfit_range range[NFIT_MAX_RANGES];
	unsigned int nregions;
	struct nfit_region region[NFIT_MAX_REGIONS];

	/* The table being parsed (scratch, meaningless between tables). */
	unsigned int table;
	uint32_t table_length;
	unsigned int nsubs;
	struct nfit_sub sub[NFIT_MAX_SUBTABLES];
};

/* --- nfit.c ---------------------------------------------------------------- */

void nfit_reset(struct nfit *n, const struct nfit_ops *ops);
/*
 * Parse one NFIT whose header, length and checksum tables.c validated.
 * Returns the problems it gave (refusals, warnings, notes; 0 for a clean
 * table), or -EINVAL if it is no NFIT or too short for the NFIT header.
 */
int nfit_parse_table(struct nfit *n, const struct acpi_table_header *h);
/* Every NFIT of t, instance 0 first. Returns the number of tables parsed. */
int nfit_parse_tables(struct nfit *n, const struct acpi_tables *t);

/* The walk, shared with the printer: how each step ended. */
enum nfit_step {
	NFIT_STEP_SUB,		/* a sub-table lying wholly inside the table */
	NFIT_STEP_END,		/* the table ends cleanly here */
	NFIT_STEP_STRAY,	/* 1-3 bytes left: too few for a header */
	NFIT_STEP_SHORT,	/* length below the 4-byte header (0 included) */
	NFIT_STEP_CROSSES,	/* the length runs past the table's end */
};

struct nfit_walk {
	const uint8_t *base;
	uint32_t length;		/* of the table */
	uint32_t offset;		/* of the current sub-table */
	unsigned int seq;		/* its number */
	uint32_t next;			/* where the walk goes on */
};

void nfit_walk_start(struct nfit_walk *w, const struct acpi_table_header *h);
/* The next step; *sub is set for every step but END and STRAY. */
enum nfit_step nfit_walk_next(struct nfit_walk *w, const struct acpi_nfit_header **sub);
/*
 * Is this sub-table (inside its table) as long as its type needs, with
 * counts that match its length? NULL if so, else why not (in buf). Types
 * this parser does not know are "fine" here: see nfit_type_known().
 */
const char *nfit_bad_length(const struct acpi_nfit_header *h, char *buf, size_t size);
bool nfit_type_known(uint16_t type);

/* One "nfit: ..." line about sub-table s (NULL: the table), recorded. */
__printf(4, 5) void nfit_report(struct nfit *n, const struct nfit_sub *s,
				enum nfit_problem_kind kind, const char *fmt, ...);
/* Same for the walk's current sub-table h, which it could not keep (no
 * struct nfit_sub); h NULL: the stray bytes at the walk's offset. */
__printf(5, 6) void nfit_report_at(struct nfit *n, const struct nfit_walk *w,
				   const struct acpi_nfit_header *h,
				   enum nfit_problem_kind kind, const char *fmt, ...);

/* --- nfit_check.c ---------------------------------------------------------- */

/* Refuse, in n->sub[], what does not hold up against the rest and the platform. */
void nfit_check_table(struct nfit *n);
/* The accepted sub-table of `type` whose index (or handle) is `index`, or NULL;
 * *refused tells whether one existed but was refused. */
const struct nfit_sub *nfit_find(const struct nfit *n, uint16_t type,
				 uint32_t index, bool *refused);

/* --- nfit_region.c --------------------------------------------------------- */

/* Add a region for each accepted persistent-memory SPA range of the table. */
void nfit_build_regions(struct nfit *n);
/* "pmem 0x100000000-0x10fffffff (256 MiB) WB NV, 1 DIMM (handle 0x1 serial 0x123456), no flush hints" */
void nfit_region_summary(const struct nfit_region *r, char *buf, size_t size);
/* The kernel's instance. */
struct nfit *nfit_kernel(void);

/* --- nfit_text.c ----------------------------------------------------------- */

const char *nfit_type_name(uint16_t type);	/* "SPA range", ..., "unknown" */
enum nfit_range_kind nfit_range_kind_of(const uint8_t guid[16]);
const char *nfit_range_kind_name(enum nfit_range_kind kind);
/* The GUID in its usual text form, from its on-table bytes (37 bytes). */
void nfit_guid_text(const uint8_t guid[16], char out[37]);
/* "256 MiB", "1 GiB", "262016 KiB" */
void nfit_size_text(uint64_t bytes, char *buf, size_t size);

/* --- nfit_print.c ---------------------------------------------------------- */

typedef void (*nfit_out_fn)(void *arg, const char *fmt, ...) __printf(2, 3);

/* Every sub-table of one NFIT with its fields, and the problems n recorded for it. */
void nfit_dump_table(const struct nfit *n, unsigned int table,
		     const struct acpi_table_header *h, nfit_out_fn out, void *arg);
/* The regions, with each DIMM and flush hint. */
void nfit_dump_regions(const struct nfit *n, nfit_out_fn out, void *arg);

#endif /* DRIVERS_ACPI_NFIT_INTERNAL_H */
