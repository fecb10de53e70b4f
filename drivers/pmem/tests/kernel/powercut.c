/*
 * The power-cut test's kernel side (`make powercut`, tests/powercut,
 * docs/testing.md, "Power cuts"): a boot stage that checks the records an
 * earlier boot wrote before QEMU was killed, then writes new ones until
 * this boot is killed in turn.
 *
 * `powercut.write=RUN` writes records 0, 1, 2... of run RUN to pmem0, one
 * after the other from CPU 0: record k fills slot k (PC_SLOT_SECTORS
 * sectors from PC_BASE + k * PC_SLOT_SECTORS) with 1-16 sectors in one
 * pmem_rw(), whose return of 0 means durable (docs/pmem.md); then it
 * prints "powercut: ack RUN k". The runner kills QEMU (SIGKILL) at a
 * random moment and remembers the last ack it read. When every slot is
 * used the writer says so and waits to be killed.
 *
 * `powercut.check=RUN:ACKED` (ACKED: the last ack the runner read, or
 * "none") reads the slots back. Every sector says whose it is (struct
 * pc_sector: magic, run, record, index, count, and a CRC-32 of the
 * rest), so the check needs nothing else:
 *   - records 0..ACKED are acknowledged: each must be there in full, every
 *     sector intact with its record number; anything else is lost;
 *   - after them the writer may have finished records whose ack the
 *     runner never read (complete), and the last one written may have
 *     been cut half-way (torn: some of its sectors there, some not, or a
 *     sector with a bad CRC): counted, not hidden. The writer starts a
 *     record only once the one before is durable, so a record that is
 *     not complete while a later one holds anything was acknowledged too
 *     (its ack unread): it counts as lost. Every slot is read, so a gap
 *     cannot end the scan early.
 * It prints "powercut: check run RUN: acknowledged A, verified V, lost L,
 * complete C, torn T" (T is 0 or 1) and the first lost records with what
 * was found, and
 * its verdict is FAIL if one was lost. A boot may check one run and write
 * the next: the writer starts after the check.
 */
#include <drivers/pmem/pmem.h>
#include <drivers/base/device.h>
#include <kernel/boot_stage.h>
#include <kernel/timer.h>
#include <lib/boot_param.h>
#include <lib/cmdline.h>
#include <lib/crc32.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

#define PC_MAGIC		0x54554352574f50ULL	/* "POWRCUT" */
#define PC_BASE			131072			/* sector: 64 MiB into pmem0 */
#define PC_SLOT_SECTORS		16
#define PC_SLOTS		4096			/* 32 MiB of slots */
#define PC_SHOW_LOST		4

BOOT_PARAM(powercut_write, "powercut.write", "RUN",
	   "write power-cut records of run RUN to pmem0 until killed (make powercut)");
BOOT_PARAM(powercut_check, "powercut.check", "RUN:ACKED|RUN:none",
	   "check run RUN's records, 0..ACKED acknowledged (make powercut)");

/* One sector of a record; crc covers every byte before it. */
struct pc_sector {
	uint64_t magic;
	uint64_t run;
	uint64_t record;
	uint32_t index, count;		/* this sector of count */
	uint8_t fill[PMEM_SECTOR_SIZE - 36];
	uint32_t crc;
} __packed;
_Static_assert(sizeof(struct pc_sector) == PMEM_SECTOR_SIZE, "a sector");

static struct pc_sector slot[PC_SLOT_SECTORS];

static uint64_t pc_mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Record k of run: 1..PC_SLOT_SECTORS sectors, chosen by (run, k). */
static unsigned int record_sectors(uint64_t run, uint64_t k)
{
	return 1 + (unsigned int)(pc_mix(run * 0x9e3779b97f4a7c15ULL + k) % PC_SLOT_SECTORS);
}

static void fill_record(uint64_t run, uint64_t k, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		struct pc_sector *s = &slot[i];
		uint64_t x = pc_mix(run ^ (k << 20) ^ i);

		s->magic = PC_MAGIC;
		s->run = run;
		s->record = k;
		s->index = i;
		s->count = count;
		for (unsigned int b = 0; b < sizeof(s->fill); b++) {
			if (!(b & 7))
				x = pc_mix(x);
			s->fill[b] = (uint8_t)(x >> ((b & 7) * 8));
		}
		s->crc = crc32(0, s, offsetof(struct pc_sector, crc));
	}
}

static uint64_t slot_sector(uint64_t k)
{
	return PC_BASE + k * PC_SLOT_SECTORS;
}

/* Is sector i of the slot read back sector i of record k of run, intact? */
static bool sector_is(const struct pc_sector *s, uint64_t run, uint64_t k, unsigned int i)
{
	return s->magic == PC_MAGIC && s->run == run && s->record == k && s->index == i &&
	       s->count == record_sectors(run, k) &&
	       s->crc == crc32(0, s, offsetof(struct pc_sector, crc));
}

/* What slot k holds of record k: how many of its sectors are intact. */
static int read_slot(struct pmem_device *p, uint64_t run, uint64_t k, unsigned int *intact)
{
	unsigned int count = record_sectors(run, k);
	int err = pmem_rw(p, slot_sector(k), slot, count, PMEM_READ);

	*intact = 0;
	for (unsigned int i = 0; !err && i < count; i++)
		*intact += sector_is(&slot[i], run, k, i);
	return err;
}

static void describe_lost(uint64_t run, uint64_t k, unsigned int intact, const char *why)
{
	const struct pc_sector *s = &slot[0];

	for (unsigned int i = 0; i < record_sectors(run, k); i++)
		if (!sector_is(&slot[i], run, k, i)) {
			s = &slot[i];
			pr_err("powercut: LOST record %llu of run %llu (%s): %u of %u sectors "
			       "intact; sector %u holds magic 0x%llx run %llu record %llu index %u%s",
			       (unsigned long long)k, (unsigned long long)run, why, intact,
			       record_sectors(run, k), i, (unsigned long long)s->magic,
			       (unsigned long long)s->run, (unsigned long long)s->record, s->index,
			       s->crc == crc32(0, s, offsetof(struct pc_sector, crc)) ? "" :
			       ", bad CRC");
			return;
		}
}

/* "RUN:ACKED" or "RUN:none" into *run, *acked (-1 for none): 0 or -EINVAL. */
static int parse_check(const char *arg, unsigned long *run, long *acked)
{
	char buf[48], *colon;
	unsigned long n;

	if (strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf))
		return -EINVAL;
	colon = strchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = 0;
	if (parse_ulong(buf, run))
		return -EINVAL;
	if (!strcmp(colon + 1, "none")) {
		*acked = -1;
		return 0;
	}
	if (parse_ulong(colon + 1, &n) || n >= PC_SLOTS)
		return -EINVAL;
	*acked = (long)n;
	return 0;
}

static enum verdict check_run(struct pmem_device *p, const char *arg, char *detail, size_t size)
{
	unsigned long verified = 0, lost = 0, complete = 0, torn = 0, run;
	unsigned int intact;
	long acked, last;
	uint64_t k;

	if (parse_check(arg, &run, &acked)) {
		scnprintf(detail, size, "powercut.check=%s: expected RUN:ACKED (ACKED < %u) or "
			  "RUN:none", arg, PC_SLOTS);
		return VERDICT_FAIL;
	}
	for (k = 0; (long)k <= acked; k++) {
		if (read_slot(p, run, k, &intact)) {
			scnprintf(detail, size, "powercut: cannot read slot %llu",
				  (unsigned long long)k);
			return VERDICT_FAIL;
		}
		if (intact == record_sectors(run, k)) {
			verified++;
		} else if (lost++ < PC_SHOW_LOST) {
			describe_lost(run, k, intact, "acknowledged");
		}
	}
	/*
	 * After ACKED: the last slot holding anything of its record is the
	 * write the cut caught (complete, or torn). Every record before it
	 * was durable before the writer went on, so acknowledged even if the
	 * runner never read the ack: it must be complete, else it is lost.
	 */
	last = acked;
	for (k = (uint64_t)(acked + 1); k < PC_SLOTS; k++) {
		if (read_slot(p, run, k, &intact)) {
			scnprintf(detail, size, "powercut: cannot read slot %llu",
				  (unsigned long long)k);
			return VERDICT_FAIL;
		}
		if (intact)
			last = (long)k;
	}
	for (k = (uint64_t)(acked + 1); (long)k <= last; k++) {
		read_slot(p, run, k, &intact);
		if (intact == record_sectors(run, k))
			complete++;
		else if ((long)k == last)
			torn++;
		else if (lost++ < PC_SHOW_LOST)
			describe_lost(run, k, intact, "its ack unread, but a later record written");
	}
	pr_info("powercut: check run %lu: acknowledged %ld, verified %lu, lost %lu, "
		"complete %lu, torn %lu", run, acked + 1, verified, lost, complete, torn);
	scnprintf(detail, size, "powercut: run %lu: %lu lost of %ld acknowledged", run, lost,
		  acked + 1);
	return lost ? VERDICT_FAIL : VERDICT_PASS;
}

static enum verdict write_run(struct pmem_device *p, const char *arg, char *detail, size_t size)
{
	unsigned long run;
	int err;

	if (parse_ulong(arg, &run)) {
		scnprintf(detail, size, "powercut.write=%s: expected RUN, a number", arg);
		return VERDICT_FAIL;
	}
	pr_info("powercut: writing run %lu: records of 1-%u sectors from sector %u of %s",
		run, PC_SLOT_SECTORS, PC_BASE, p->dev.name);
	for (uint64_t k = 0; k < PC_SLOTS; k++) {
		unsigned int count = record_sectors(run, k);

		fill_record(run, k, count);
		err = pmem_rw(p, slot_sector(k), slot, count, PMEM_WRITE);
		if (err) {
			scnprintf(detail, size, "powercut: record %llu: write failed: %d (%s)",
				  (unsigned long long)k, err, errno_name(err));
			return VERDICT_FAIL;
		}
		kprintf("powercut: ack %lu %llu\n", run, (unsigned long long)k);
	}
	pr_info("powercut: run %lu: all %u slots written; waiting for the power cut", run,
		PC_SLOTS);
	for (;;)
		msleep(1000);
}

static enum verdict run_powercut(const struct cmdline *cl, char *detail, size_t size)
{
	const char *check = cmdline_get(cl, "powercut.check");
	const char *write = cmdline_get(cl, "powercut.write");
	enum verdict v = VERDICT_PASS;
	struct pmem_device *p;

	if (!check && !write)
		return VERDICT_PASS;
	wait_for_device_probe();
	p = pmem_find("pmem0");
	if (!p || p->dev.state != DEVICE_BOUND ||
	    p->nr_sectors < PC_BASE + PC_SLOTS * PC_SLOT_SECTORS) {
		scnprintf(detail, size, "powercut: needs pmem0 bound, with %u sectors",
			  PC_BASE + PC_SLOTS * PC_SLOT_SECTORS);
		if (p)
			put_device(&p->dev);
		return VERDICT_FAIL;
	}
	if (check)
		v = check_run(p, check, detail, size);
	if (write && v == VERDICT_PASS)
		v = write_run(p, write, detail, size);
	put_device(&p->dev);
	return v;
}

static const struct boot_stage powercut_stage = {
	.name = "powercut", .order = 31, .run = run_powercut,
};
BOOT_STAGE(powercut_stage);
