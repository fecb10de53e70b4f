/*
 * `pmem`: look at and play with the pmem devices.
 *
 *   pmem [list]                       devices: range, size, driver, flush
 *                                     instruction, queue state, I/O in
 *                                     flight, counters, durability
 *   pmem read DEV SECTOR [COUNT]      hex dump of COUNT sectors (default 1, max 16),
 *                                     repeated lines collapsed (lib/hexdump.h)
 *   pmem write DEV SECTOR PATTERN [COUNT]
 *                                     fill COUNT sectors (default 1, max 2048):
 *                                     PATTERN 0..255 (or 0x00..0xff) is a
 *                                     byte; a text not starting with a digit
 *                                     or a sign is repeated
 *   pmem crc32 DEV [SECTOR COUNT]     IEEE CRC-32 (as zlib's crc32) of the
 *                                     range, default the whole device; ^C
 *                                     stops it between chunks
 *   pmem flush DEV                    a PREFLUSH request
 *   pmem freeze DEV | unfreeze DEV    freeze/unfreeze the request queue
 *
 * Numbers take decimal, 0x hex and K/M/G suffixes (parse_ulong). Every
 * range is checked against the device before any I/O, and the shell's
 * I/O never waits for a frozen queue (PMEM_REQ_NOWAIT: only the shell
 * could unfreeze it). Kernel only (shell glue over pmem.c and
 * pmem_io.c, which the host tests reach).
 */
#include <drivers/pmem/pmem.h>
#include <kernel/shell.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/hexdump.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <mm/slab.h>

#define READ_MAX	16
#define WRITE_MAX	2048

static void list_one(struct pmem_device *p, void *arg)
{
	struct device *dev = &p->dev;
	/* acquire: pairs with the state's release store, so a bound device's
	 * fields the probe wrote are seen */
	bool bound = __atomic_load_n(&dev->state, __ATOMIC_ACQUIRE) == DEVICE_BOUND;

	kprintf("%-7s 0x%09llx-0x%09llx %6llu MiB  %-7s %-10s %-7s %9ld %8lu %8lu %6lu\n",
		dev->name, (unsigned long long)p->phys,
		(unsigned long long)(p->phys + p->size - 1),
		(unsigned long long)(p->size >> 20), dev->driver ? dev->driver->name : "-",
		bound ? arch_cache_flush_name(p->flush) : "-", blk_queue_state(&p->queue),
		blk_queue_in_flight(&p->queue),
		READ_ONCE_A(p->nr_reads) - READ_ONCE_A(p->stages_reads),
		READ_ONCE_A(p->nr_writes) - READ_ONCE_A(p->stages_writes),
		READ_ONCE_A(p->nr_errors) - READ_ONCE_A(p->stages_errors));
	if (READ_ONCE_A(p->stages_reads) || READ_ONCE_A(p->stages_writes))
		kprintf("        READS, WRITES and ERRORS count since the boot stages, whose "
			"self-tests did %lu reads and %lu writes and provoked %lu errors on "
			"purpose\n", READ_ONCE_A(p->stages_reads), READ_ONCE_A(p->stages_writes),
			READ_ONCE_A(p->stages_errors));
	if (!bound) {
		char state[64];

		kprintf("        %s\n", device_state_text(dev, state, sizeof(state)));
	}
	if (bound)
		kprintf("        %s; persistence domain: %s\n",
			p->durable ? "writes are durable on completion" : "writes NOT durable",
			p->domain);
	if (bound && p->data_offset)
		kprintf("        memmap on the device: sector 0 at offset %llu KiB, %llu sectors\n",
			(unsigned long long)(p->data_offset >> 10),
			(unsigned long long)p->nr_sectors);
}

static int cmd_list(void)
{
	if (!pmem_device_count()) {
		kprintf("no NVDIMM: the NFIT lists no persistent-memory region\n");
		return 0;
	}
	kprintf("%-7s %-23s %10s  %-7s %-10s %-7s %9s %8s %8s %6s\n", "DEVICE", "RANGE",
		"SIZE", "DRIVER", "FLUSH", "QUEUE", "IN-FLIGHT", "READS", "WRITES", "ERRORS");
	pmem_for_each(list_one, NULL);
	return 0;
}

/* One console write per line: a message from another thread lands between lines. */
static void dump_line(const char *line, void *arg)
{
	kprintf("%s", line);
}

/* Byte offsets on the device, ten hex digits (a 1 TiB device), and the text. */
static const struct hexdump_style dump_style = { .indent = "", .offset_digits = 10, .ascii = true };

static int io_error(char **argv, int err)
{
	kprintf("%s %s %s: failed: %s%s\n", argv[0], argv[1], argv[2], errno_name(err),
		err == -ENODEV ? ": the device is not bound (try 'bind')" :
		err == -EAGAIN ? ": the queue is frozen (try 'pmem unfreeze')" : "");
	return 1;
}

/*
 * SECTOR [COUNT] of a bound device: the first sector must be on it, and
 * COUNT from 1 up to max and up to the device's end. Every limit is
 * checked before anything is read or written, and named when refused.
 */
static bool sector_range(struct pmem_device *p, char **argv, const char *sec,
			 const char *cnt, unsigned long max, unsigned long *sector,
			 unsigned long *count)
{
	unsigned long n = p->nr_sectors;

	if (p->dev.state != DEVICE_BOUND) {
		char state[64];

		kprintf("%s %s: %s is %s%s%s%s\n", argv[0], argv[1], p->dev.name,
			device_state_text(&p->dev, state, sizeof(state)),
			p->dev.state == DEVICE_UNBOUND ? " (try 'bind " : "",
			p->dev.state == DEVICE_UNBOUND ? p->dev.name : "",
			p->dev.state == DEVICE_UNBOUND ? "')" : ": try again when 'devices' shows it bound");
		return false;
	}
	if (!n) {
		kprintf("%s %s: %s has no sectors\n", argv[0], argv[1], p->dev.name);
		return false;
	}
	if (!shell_number(argv, "SECTOR", sec, 0, n - 1, sector))
		return false;
	*count = 1;
	max = MIN(max, n - *sector);
	if (cnt && !shell_number(argv, "COUNT", cnt, 1, max, count)) {
		kprintf("%s %s: %s has sectors 0 to %lu; from sector %lu at most %lu\n",
			argv[0], argv[1], p->dev.name, n - 1, *sector, max);
		return false;
	}
	return true;
}

/*
 * PATTERN: a byte (0 to 255, decimal or 0x hex), or a text repeated. A
 * PATTERN that starts like a number must be a byte: "256" or "1K" is
 * refused, not written as text.
 */
static bool parse_pattern(char **argv, const char *pat, int *byte)
{
	unsigned long v;

	if (!pat[0]) {
		kprintf("%s %s: PATTERN is empty: give a byte (0 to 255) or a text\n",
			argv[0], argv[1]);
		return false;
	}
	*byte = -1;
	if ((pat[0] >= '0' && pat[0] <= '9') || pat[0] == '-' || pat[0] == '+') {
		if (!shell_number(argv, "PATTERN (a byte)", pat, 0, 0xff, &v)) {
			kprintf("%s %s: a text PATTERN must not start with a digit or a sign\n",
				argv[0], argv[1]);
			return false;
		}
		*byte = (int)v;
	}
	return true;
}

static int cmd_rw(struct pmem_device *p, int argc, char **argv, bool write)
{
	unsigned long sector, count;
	int err, byte = -1, nargs = write ? 5 : 4;
	size_t len;
	uint8_t *buf;

	if (argc < nargs || argc > nargs + 1)
		return shell_usage_error(argv, write ? "write needs DEV SECTOR PATTERN [COUNT]"
						     : "read needs DEV SECTOR [COUNT]");
	if (write && !parse_pattern(argv, argv[4], &byte))
		return 2;
	if (!sector_range(p, argv, argv[3], argc > nargs ? argv[nargs] : NULL,
			  write ? WRITE_MAX : READ_MAX, &sector, &count))
		return 2;
	len = count * PMEM_SECTOR_SIZE;
	buf = kmalloc(len);
	if (!buf)
		return io_error(argv, -ENOMEM);
	if (write && byte >= 0) {
		memset(buf, byte, len);
	} else if (write) {
		size_t plen = strlen(argv[4]);

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)argv[4][i % plen];
	}
	/* NOWAIT: only the shell could unfreeze a frozen queue */
	err = pmem_rw_flags(p, sector, buf, count, write ? PMEM_WRITE : PMEM_READ,
			    PMEM_REQ_NOWAIT);
	if (err)
		io_error(argv, err);
	else if (write)
		kprintf("%s: wrote %lu sector%s at sector %lu (%s), durable\n", p->dev.name,
			count, count == 1 ? "" : "s", sector, byte >= 0 ? "byte fill" : "text");
	else
		hexdump(&dump_style, (uint64_t)sector * PMEM_SECTOR_SIZE, buf, len, dump_line, NULL);
	kfree(buf);
	return err ? 1 : 0;
}

static int cmd_crc(struct pmem_device *p, int argc, char **argv)
{
	unsigned long sector = 0, count;
	uint64_t done;
	uint32_t crc;
	int err;

	if (argc != 3 && argc != 5)
		return shell_usage_error(argv, "crc32 needs DEV, or DEV SECTOR COUNT");
	if (!sector_range(p, argv, argc == 5 ? argv[3] : "0", argc == 5 ? argv[4] : NULL,
			  ~0UL, &sector, &count))
		return 2;
	if (argc == 3)
		count = p->nr_sectors;
	/* ^C stops it between two chunks of PMEM_CRC_CHUNK */
	err = pmem_crc32_stoppable(p, sector, count, PMEM_REQ_NOWAIT, shell_interrupted, &done,
				   &crc);
	if (err == -EINTR) {
		kprintf("pmem crc32: interrupted after %llu of %llu bytes from sector %lu "
			"(crc32 0x%08x of those)\n", (unsigned long long)done * PMEM_SECTOR_SIZE,
			(unsigned long long)count * PMEM_SECTOR_SIZE, sector, crc);
		return SHELL_INTERRUPTED;
	}
	if (err)
		return io_error(argv, err);
	kprintf("%s: crc32 0x%08x over %llu bytes from sector %lu\n", p->dev.name, crc,
		(unsigned long long)count * PMEM_SECTOR_SIZE, sector);
	return 0;
}

/*
 * The queues the shell froze: any I/O to them waits until the shell
 * unfreezes them, so the self-tests (which do I/O without NOWAIT) are
 * refused meanwhile. Device names, the shell thread's only.
 */
#define FROZEN_MAX	8
static char frozen[FROZEN_MAX][DEVICE_NAME_MAX];

/* Still frozen? An unbind and a new bind give the device a new queue. */
static bool still_frozen(const char *name)
{
	struct pmem_device *p = pmem_find(name);
	bool yes = p && !strcmp(blk_queue_state(&p->queue), "frozen");

	if (p)
		put_device(&p->dev);
	return yes;
}

static bool frozen_holds(const char *name, char *what, size_t size)
{
	/* an unbind or a pgmap wait does not wait for a frozen queue */
	if (name)
		return false;
	for (unsigned int i = 0; i < FROZEN_MAX; i++) {
		if (!frozen[i][0])
			continue;
		if (!still_frozen(frozen[i])) {
			frozen[i][0] = '\0';
			continue;
		}
		snprintf(what, size, "the queue of %s is frozen ('pmem unfreeze %s')",
			 frozen[i], frozen[i]);
		return true;
	}
	return false;
}
SHELL_HOLD(pmem_freeze, frozen_holds);

static void note_frozen(const char *name, bool on)
{
	for (unsigned int i = 0; i < FROZEN_MAX; i++) {
		if (on && !frozen[i][0]) {
			strlcpy(frozen[i], name, sizeof(frozen[i]));
			return;
		}
		if (!on && !strcmp(frozen[i], name))
			frozen[i][0] = '\0';
	}
}

/* The subcommands: what the parser takes and what `help pmem` describes. */
enum { SUB_LIST, SUB_READ, SUB_WRITE, SUB_CRC32, SUB_FLUSH, SUB_FREEZE, SUB_UNFREEZE };
static const struct shell_keyword pmem_keywords[] = {
	[SUB_LIST] = SHELL_WORD("list"),
	[SUB_READ] = SHELL_WORD("read"),
	[SUB_WRITE] = SHELL_WORD("write"),
	[SUB_CRC32] = SHELL_WORD("crc32"),
	[SUB_FLUSH] = SHELL_WORD("flush"),
	[SUB_FREEZE] = SHELL_WORD("freeze"),
	[SUB_UNFREEZE] = SHELL_WORD("unfreeze"),
	{}
};

static int cmd_queue(struct pmem_device *p, int sub, char **argv)
{
	if (sub == SUB_FLUSH) {
		int err = pmem_flush(p, PMEM_REQ_NOWAIT);

		if (err)
			return io_error(argv, err);
	} else if (sub == SUB_FREEZE) {
		if (strcmp(blk_queue_state(&p->queue), "live")) {
			kprintf("pmem freeze: %s: the queue is %s, not live\n", p->dev.name,
				blk_queue_state(&p->queue));
			return 1;
		}
		blk_freeze_queue(&p->queue);
		note_frozen(p->dev.name, true);
	} else {
		if (strcmp(blk_queue_state(&p->queue), "frozen")) {
			kprintf("pmem unfreeze: %s: the queue is %s, not frozen\n", p->dev.name,
				blk_queue_state(&p->queue));
			return 1;
		}
		blk_unfreeze_queue(&p->queue);
		note_frozen(p->dev.name, false);
	}
	kprintf("%s: queue %s\n", p->dev.name, blk_queue_state(&p->queue));
	return 0;
}

static int cmd_pmem(int argc, char **argv)
{
	int sub = argc == 1 ? SUB_LIST : shell_keyword(pmem_keywords, NULL, argv[1]);
	struct pmem_device *p;
	char known[80];
	int ret;

	if (sub < 0)
		return shell_usage_error(argv, "unknown subcommand '%s' (%s)", argv[1],
					 shell_keyword_list(pmem_keywords, NULL, known,
							    sizeof(known)));
	if (sub == SUB_LIST)
		return argc > 2 ? shell_usage_error(argv, "list takes nothing after it") :
				  cmd_list();
	if (argc < 3)
		return shell_usage_error(argv, "%s needs a device (pmem0, ...)", argv[1]);
	p = pmem_find(argv[2]);
	if (!p) {
		kprintf("pmem %s: no pmem device '%s' (see 'pmem list')\n", argv[1], argv[2]);
		return 1;
	}
	if (sub == SUB_READ || sub == SUB_WRITE)
		ret = cmd_rw(p, argc, argv, sub == SUB_WRITE);
	else if (sub == SUB_CRC32)
		ret = cmd_crc(p, argc, argv);
	else if (argc != 3)
		ret = shell_usage_error(argv, "%s takes only a device", argv[1]);
	else
		ret = cmd_queue(p, sub, argv);
	put_device(&p->dev);
	return ret;
}
SHELL_COMMAND_KEYWORDS(pmem, "[list | read DEV SECTOR [COUNT] | write DEV SECTOR PATTERN [COUNT] | "
	      "crc32 DEV [SECTOR COUNT] | flush|freeze|unfreeze DEV]",
	      "pmem devices: list, hex dump, fill, CRC-32, queue freeze",
	      "list (the default): each device: range, size, driver, flush instruction, queue\n"
	      "      state, I/O in flight, counters, whether writes are durable\n"
	      "read DEV SECTOR [COUNT]: a hex dump of COUNT sectors from SECTOR; a run of equal\n"
	      "      16-byte lines shows as one '*' line, and the last line is always shown\n"
	      "write DEV SECTOR PATTERN [COUNT]: fill COUNT sectors from SECTOR with PATTERN;\n"
	      "      durable once it says so\n"
	      "crc32 DEV [SECTOR COUNT]: the IEEE CRC-32 (as zlib's crc32()) of the range,\n"
	      "      default the whole device; Ctrl-C stops it between 64 KiB chunks\n"
	      "flush DEV: a PREFLUSH request (every completed write made durable)\n"
	      "freeze DEV, unfreeze DEV: freeze the request queue (I/O waits; the shell's own\n"
	      "      fails at once with EAGAIN, as only the shell could unfreeze it), thaw it\n"
	      "DEV: a pmem device: pmem0, pmem1, ... ('pmem list' shows them)\n"
	      "SECTOR: the first sector, in 512-byte sectors: 0 to the device's last\n"
	      "      (its size / 512 - 1; with pmem.memmap=dev, the memmap's part excluded)\n"
	      "COUNT: sectors of 512 bytes, default 1: read 1 to 16, write 1 to 2048, crc32 1\n"
	      "      to the device's end; never past the last sector\n"
	      "PATTERN: a byte 0 to 255 (or 0x00 to 0xff), written to every byte; or a text\n"
	      "      (in double quotes if it has blanks), repeated; a text must not start\n"
	      "      with a digit or a sign ('1K' or '256' are refused, not written as text)\n"
	      "examples: pmem read pmem0 0 2\n"
	      "          pmem write pmem0 4096 0xab 8\n"
	      "          pmem write pmem0 4096 \"hello, pmem\"\n"
	      "          pmem crc32 pmem0 0 2048\n", cmd_pmem, pmem_keywords);
