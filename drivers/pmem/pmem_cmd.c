/*
 * `pmem`: look at and play with the pmem devices.
 *
 *   pmem [list]                       devices: range, size, driver, flush
 *                                     instruction, queue state, I/O in
 *                                     flight, counters, durability
 *   pmem read DEV SECTOR [COUNT]      hex dump of COUNT sectors (default 1, max 16)
 *   pmem write DEV SECTOR PATTERN [COUNT]
 *                                     fill COUNT sectors (default 1, max 2048):
 *                                     PATTERN 0..255 is a byte, anything else
 *                                     a string repeated
 *   pmem crc32 DEV [SECTOR COUNT]     IEEE CRC-32 (as zlib's crc32) of the
 *                                     range, default the whole device
 *   pmem flush DEV                    a PREFLUSH request
 *   pmem freeze DEV | unfreeze DEV    freeze/unfreeze the request queue
 *
 * Numbers take decimal, 0x hex and K/M/G suffixes (parse_ulong). Kernel
 * only (shell glue over pmem.c and pmem_io.c, which the host tests reach).
 */
#include <drivers/pmem/pmem.h>
#include <kernel/shell.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <mm/slab.h>

#define READ_MAX	16
#define WRITE_MAX	2048

static void list_one(struct pmem_device *p)
{
	struct device *dev = &p->dev;
	bool bound = dev->state == DEVICE_BOUND;

	kprintf("%-7s 0x%09llx-0x%09llx %6llu MiB  %-7s %-10s %-7s %9ld %8lu %8lu %6lu\n",
		dev->name, (unsigned long long)p->phys,
		(unsigned long long)(p->phys + p->size - 1),
		(unsigned long long)(p->size >> 20), dev->driver ? dev->driver->name : "-",
		bound ? arch_cache_flush_name(p->flush) : "-", blk_queue_state(&p->queue),
		blk_queue_in_flight(&p->queue), READ_ONCE_A(p->nr_reads),
		READ_ONCE_A(p->nr_writes), READ_ONCE_A(p->nr_errors));
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
	unsigned int n = pmem_device_count();

	if (!n) {
		kprintf("no NVDIMM: the NFIT lists no persistent-memory region\n");
		return 0;
	}
	kprintf("%-7s %-23s %10s  %-7s %-10s %-7s %9s %8s %8s %6s\n", "DEVICE", "RANGE",
		"SIZE", "DRIVER", "FLUSH", "QUEUE", "IN-FLIGHT", "READS", "WRITES", "ERRORS");
	for (unsigned int i = 0; i < n; i++) {
		char name[DEVICE_NAME_MAX];
		struct pmem_device *p;

		snprintf(name, sizeof(name), "pmem%u", i);
		p = pmem_find(name);
		if (!p)
			continue;
		list_one(p);
		put_device(&p->dev);
	}
	return 0;
}

static int number(char **argv, const char *what, const char *s, unsigned long *out)
{
	int err = parse_ulong(s, out);

	if (err)
		kprintf("%s %s: %s '%s' is not a number (decimal, 0x hex, K/M/G)\n",
			argv[0], argv[1], what, s);
	return err;
}

static void hex_dump(uint64_t base, const uint8_t *p, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		char ascii[17];

		kprintf("%010llx:", (unsigned long long)(base + off));
		for (size_t i = 0; i < 16; i++) {
			kprintf(" %02x", p[off + i]);
			ascii[i] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		}
		ascii[16] = '\0';
		kprintf("  %s\n", ascii);
	}
}

static int io_error(char **argv, int err)
{
	kprintf("%s %s %s: failed: %d (%s)%s\n", argv[0], argv[1], argv[2], err, errno_name(err),
		err == -ENODEV ? ": the device is not bound (try 'bind')" :
		err == -EAGAIN ? ": the queue is frozen (try 'pmem unfreeze')" : "");
	return 1;
}

static int cmd_rw(struct pmem_device *p, int argc, char **argv, bool write)
{
	unsigned long sector, count = 1, byte = 0;
	bool is_byte = false;
	size_t len;
	uint8_t *buf;
	int err, nargs = write ? 5 : 4;

	if (argc < nargs || argc > nargs + 1)
		return shell_usage_error(argv, write ? "write needs DEV SECTOR PATTERN [COUNT]"
						     : "read needs DEV SECTOR [COUNT]");
	if (number(argv, "sector", argv[3], &sector) ||
	    (argc > nargs && number(argv, "count", argv[nargs], &count)))
		return 2;
	if (!count || count > (write ? WRITE_MAX : READ_MAX)) {
		kprintf("%s %s: count %lu: expected 1 to %u sectors\n", argv[0], argv[1], count,
			write ? WRITE_MAX : READ_MAX);
		return 2;
	}
	len = count * PMEM_SECTOR_SIZE;
	buf = kmalloc(len);
	if (!buf)
		return io_error(argv, -ENOMEM);
	if (write) {
		is_byte = !parse_ulong(argv[4], &byte) && byte <= 0xff;
		if (is_byte) {
			memset(buf, (int)byte, len);
		} else {
			size_t plen = strlen(argv[4]);

			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)argv[4][i % plen];
		}
	}
	err = pmem_rw(p, sector, buf, count, write ? PMEM_WRITE : PMEM_READ);
	if (err)
		io_error(argv, err);
	else if (write)
		kprintf("%s: wrote %lu sector%s at sector %lu (%s), durable\n", p->dev.name,
			count, count == 1 ? "" : "s", sector, is_byte ? "byte fill" : "string");
	else
		hex_dump((uint64_t)sector * PMEM_SECTOR_SIZE, buf, len);
	kfree(buf);
	return err ? 1 : 0;
}

static int cmd_crc(struct pmem_device *p, int argc, char **argv)
{
	unsigned long sector = 0, count = (unsigned long)p->nr_sectors;
	uint32_t crc;
	int err;

	if (argc != 3 && argc != 5)
		return shell_usage_error(argv, "crc32 needs DEV, or DEV SECTOR COUNT");
	if (argc == 5 && (number(argv, "sector", argv[3], &sector) ||
			  number(argv, "count", argv[4], &count)))
		return 2;
	err = pmem_crc32(p, sector, count, &crc);
	if (err)
		return io_error(argv, err);
	kprintf("%s: crc32 0x%08x over %llu bytes from sector %lu\n", p->dev.name, crc,
		(unsigned long long)count * PMEM_SECTOR_SIZE, sector);
	return 0;
}

static int cmd_queue(struct pmem_device *p, char **argv)
{
	if (!strcmp(argv[1], "flush")) {
		int err = pmem_flush(p);

		if (err)
			return io_error(argv, err);
	} else if (!strcmp(argv[1], "freeze")) {
		if (strcmp(blk_queue_state(&p->queue), "live")) {
			kprintf("pmem freeze: %s: the queue is %s, not live\n", p->dev.name,
				blk_queue_state(&p->queue));
			return 1;
		}
		blk_freeze_queue(&p->queue);
	} else {
		if (strcmp(blk_queue_state(&p->queue), "frozen")) {
			kprintf("pmem unfreeze: %s: the queue is %s, not frozen\n", p->dev.name,
				blk_queue_state(&p->queue));
			return 1;
		}
		blk_unfreeze_queue(&p->queue);
	}
	kprintf("%s: queue %s\n", p->dev.name, blk_queue_state(&p->queue));
	return 0;
}

static int cmd_pmem(int argc, char **argv)
{
	static const char *const verbs[] = { "read", "write", "crc32", "flush", "freeze",
					     "unfreeze" };
	struct pmem_device *p;
	bool known = false;
	int ret;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list")))
		return cmd_list();
	for (unsigned int i = 0; i < ARRAY_SIZE(verbs); i++)
		known |= !strcmp(argv[1], verbs[i]);
	if (!known)
		return shell_usage_error(argv, "unknown subcommand '%s'", argv[1]);
	if (argc < 3)
		return shell_usage_error(argv, "%s needs a device (pmem0, ...)", argv[1]);
	p = pmem_find(argv[2]);
	if (!p) {
		kprintf("pmem %s: no pmem device '%s' (see 'pmem list')\n", argv[1], argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "read") || !strcmp(argv[1], "write"))
		ret = cmd_rw(p, argc, argv, argv[1][0] == 'w');
	else if (!strcmp(argv[1], "crc32"))
		ret = cmd_crc(p, argc, argv);
	else if (argc != 3)
		ret = shell_usage_error(argv, "%s takes only a device", argv[1]);
	else
		ret = cmd_queue(p, argv);
	put_device(&p->dev);
	return ret;
}
SHELL_COMMAND(pmem, "[list | read DEV SECTOR [COUNT] | write DEV SECTOR PATTERN [COUNT] | "
	      "crc32 DEV [SECTOR COUNT] | flush|freeze|unfreeze DEV]",
	      "pmem devices: list, hex dump, fill, CRC-32, queue freeze", cmd_pmem);
