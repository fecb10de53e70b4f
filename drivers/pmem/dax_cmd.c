/*
 * Shell commands to reproduce the pinned-unbind scenario by hand
 * (docs/zone-device.md, docs/labs/):
 *   pin DEV PGOFF N [CPU]  map DEV with DAX in a shell-owned address space,
 *                          touch pages PGOFF..PGOFF+N-1 (N <= 512) and
 *                          hold them through fast GUP, on CPU (default:
 *                          the shell's), PIN_BATCH pages at a time: ^C
 *                          between two batches puts back those pinned;
 *   unpin [keep]           put them (on the CPU that pinned them) and drop
 *                          the address space; `keep` keeps the mapping;
 *   touch PGOFF            read page PGOFF through that mapping, as a
 *                          program would: a DAX fault if it is not mapped.
 * With `unbind DEV &` (drivers/base/devices_cmd.c), which unbinds from a
 * kernel thread so the shell stays usable while the teardown waits:
 * pin pmem0 0 1 1; unbind pmem0 &; pgmap (waiting for 1 page); unpin;
 * pgmap (gone); bind pmem0. And a mapping that outlives its device:
 * pin pmem0 0 1; unpin keep; unbind pmem0; touch 0 (refused: EFAULT).
 */
#include <asm/uaccess.h>
#include <drivers/pmem/pmem.h>
#include <kernel/kthread.h>
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/page_ref.h>

#define PIN_ADDR	0x40000000UL
#define PIN_MAX		512
#define PIN_BATCH	64	/* pages touched and pinned between two looks for ^C */

/* The shell's mapping and pins: only the shell thread touches these. */
static struct mm_struct *pin_mm;	/* the address space of the mapping, or NULL */
static unsigned long pin_len;		/* bytes mapped at PIN_ADDR */
static struct page *pin_pages[PIN_MAX];
static long pin_nr;			/* pages pinned (0: the mapping alone) */
static unsigned int pin_cpu;		/* the CPU that pinned them */
static struct device *pin_dev;		/* the mapping's device, referenced */

/*
 * A GUP or an unpin run on pin_cpu by a kernel thread the shell joins:
 * the shell fills in addr and n, the thread the rest, which the shell
 * reads after the join.
 */
struct pin_work {
	unsigned long addr, n;
	long pinned;		/* pages held, pin_pages[0..pinned) */
	int err;		/* what stopped the pin short, 0 if nothing */
	bool interrupted;	/* ^C stopped it short */
};

/* Touch the pages as a program would (DAX faults map them), then pin
 * them: so the pin is the lockless walk's, in every teaching mode. A
 * batch at a time, looking for ^C between two. */
static int pin_on_cpu(void *arg)
{
	struct pin_work *w = arg;

	w->pinned = 0;
	while ((unsigned long)w->pinned < w->n) {
		unsigned long first = w->addr + (unsigned long)w->pinned * PAGE_SIZE;
		unsigned long n = MIN(w->n - (unsigned long)w->pinned, (unsigned long)PIN_BATCH);
		long got;

		if (w->pinned && shell_interrupted()) {
			w->interrupted = true;
			return 0;
		}
		for (unsigned long i = 0; i < n; i++) {
			int err = handle_user_fault(pin_mm, first + i * PAGE_SIZE, FAULT_FLAG_WRITE);

			if (err) {
				w->err = err;
				return 0;
			}
		}
		use_mm(pin_mm);
		got = get_user_pages_fast(first, n, FOLL_WRITE, pin_pages + w->pinned);
		unuse_mm(pin_mm);
		if (got > 0)
			w->pinned += got;
		if (got != (long)n) {
			w->err = got < 0 ? (int)got : 0;	/* 0: only some could be */
			return 0;
		}
	}
	return 0;
}

static int unpin_on_cpu(void *arg)
{
	struct pin_work *w = arg;

	unpin_user_pages(pin_pages, w->n);
	return 0;
}

/* fn(w) on pin_cpu; false (and a message) if no thread could run it. */
static bool run_on_pin_cpu(int (*fn)(void *), struct pin_work *w, const char *cmd)
{
	struct task_struct *t;

	if (pin_cpu == smp_processor_id()) {
		fn(w);
		return true;
	}
	t = kthread_run_on(pin_cpu, fn, w);
	if (IS_ERR(t)) {
		kprintf("%s: no thread on CPU %u: %s\n", cmd, pin_cpu, errno_name(PTR_ERR(t)));
		return false;
	}
	kthread_join(t);
	return true;
}

/* Unpin the first n pages of pin_pages on pin_cpu, or here if no thread
 * can run there: pins are never left behind. */
static void unpin_pages(unsigned long n, const char *cmd)
{
	struct pin_work w = { .n = n };

	if (!run_on_pin_cpu(unpin_on_cpu, &w, cmd)) {
		kprintf("%s: unpinning on CPU %u instead\n", cmd, smp_processor_id());
		unpin_on_cpu(&w);
	}
}

static void drop_mapping(void)
{
	mm_destroy(pin_mm);
	pin_mm = NULL;
	put_device(pin_dev);
	pin_dev = NULL;
}

/* What unpin's parser takes, and what `help unpin` describes. */
static const struct shell_keyword unpin_keywords[] = { SHELL_WORD("keep"), {} };

static int cmd_unpin(int argc, char **argv)
{
	bool keep = argc == 2 && shell_keyword(unpin_keywords, NULL, argv[1]) >= 0;

	if (argc > 2 || (argc == 2 && !keep))
		return shell_usage_error(argv, "takes no arguments, or keep");
	if (!pin_mm) {
		kprintf("nothing pinned\n");
		return 0;
	}
	if (!pin_nr) {
		kprintf("nothing pinned; %s\n", keep ? "the mapping stays" : "the mapping is dropped");
	} else {
		unpin_pages((unsigned long)pin_nr, "unpin");
		kprintf("unpinned %ld page(s)%s\n", pin_nr,
			keep ? "; the mapping stays ('touch' reads it, 'unpin' drops it)" : "");
	}
	pin_nr = 0;
	if (!keep)
		drop_mapping();
	return 0;
}
SHELL_COMMAND_KEYWORDS(unpin, "[keep]",
	      "put the pages `pin` holds and drop its mapping (keep: keep the mapping)",
	      "(nothing): put every page 'pin' holds (on the CPU that pinned them) and drop\n"
	      "      the address space of its mapping\n"
	      "keep: put the pages but keep the mapping, for 'touch' to read after an unbind\n"
	      "examples: unpin; unpin keep\n", cmd_unpin, unpin_keywords);

/* The shell's own pin keeps an unbind of its device waiting. */
static bool pin_holds(const char *name, char *what, size_t size)
{
	if (!pin_nr || (name && strcmp(name, pin_dev->name)))
		return false;
	snprintf(what, size, "'pin' holds %ld page(s) of %s ('unpin' releases them)",
		 pin_nr, pin_dev->name);
	return true;
}
SHELL_HOLD(pin, pin_holds);

/* Parse DEV PGOFF N [CPU] into *p (referenced) and the numbers; 0 or the status. */
static int pin_args(int argc, char **argv, struct pmem_device **pp, unsigned long *pgoff,
		    unsigned long *n, unsigned long *cpu)
{
	struct pmem_device *p;
	unsigned long npages;

	if (argc != 4 && argc != 5)
		return shell_usage_error(argv, "needs DEV PGOFF N [CPU]");
	if (pin_mm)
		return shell_usage_error(argv, "%s: unpin first",
					 pin_nr ? "pages are pinned already" : "a mapping is kept");
	p = pmem_find(argv[1]);
	if (!p)
		return shell_usage_error(argv, "no pmem device '%s'", argv[1]);
	npages = (unsigned long)((p->size - p->data_offset) >> PAGE_SHIFT);
	if (p->dev.state != DEVICE_BOUND || !p->has_pages || !npages) {
		char state[64];

		kprintf("pin: %s is %s: DAX needs a bound device with struct pages\n", argv[1],
			p->dev.state != DEVICE_BOUND ? device_state_text(&p->dev, state, sizeof(state)) :
			!p->has_pages ? "without struct pages" : "without DAX pages");
		put_device(&p->dev);
		return 1;
	}
	*cpu = smp_processor_id();
	if (!shell_number(argv, "PGOFF", argv[2], 0, npages - 1, pgoff) ||
	    !shell_number(argv, "N", argv[3], 1, MIN((unsigned long)PIN_MAX, npages - *pgoff), n)) {
		kprintf("pin: %s has DAX pages 0 to %lu; at most %d at a time\n", argv[1],
			npages - 1, PIN_MAX);
		put_device(&p->dev);
		return 2;
	}
	if (argc == 5 && (!shell_number(argv, "CPU", argv[4], 0, nr_cpu_ids - 1, cpu) ||
			  !cpu_online(*cpu))) {
		kprintf("pin: CPU %s is not online (%u CPU(s): 'cpus' lists them)\n", argv[4],
			nr_cpu_ids);
		put_device(&p->dev);
		return 2;
	}
	*pp = p;
	return 0;
}

static int cmd_pin(int argc, char **argv)
{
	unsigned long pgoff, n, cpu;
	struct pmem_device *p = NULL;
	struct pin_work w;
	const char *step;
	long ret;
	int err = pin_args(argc, argv, &p, &pgoff, &n, &cpu);

	if (err)
		return err;
	pin_mm = mm_create();
	if (!pin_mm) {
		put_device(&p->dev);
		kprintf("pin: the address space: ENOMEM\n");
		return 1;
	}
	pin_cpu = (unsigned int)cpu;
	pin_len = (pgoff + n) * PAGE_SIZE;
	w = (struct pin_work){ .addr = PIN_ADDR + pgoff * PAGE_SIZE, .n = n };
	ret = pmem_dax_mmap(p, pin_mm, PIN_ADDR, pin_len, PROT_READ | PROT_WRITE);
	if (ret != (long)PIN_ADDR) {
		step = "the DAX mapping";
		w.err = ret < 0 ? (int)ret : -EINVAL;
	} else {
		step = "the touch and fast GUP";
		if (!run_on_pin_cpu(pin_on_cpu, &w, "pin"))
			w.err = -ENOMEM;
	}
	if (w.pinned != (long)n) {
		if (w.pinned > 0)		/* fast GUP pinned some: none are kept */
			unpin_pages((unsigned long)w.pinned, "pin");
		mm_destroy(pin_mm);
		pin_mm = NULL;
		if (w.interrupted)
			kprintf("pin: interrupted after %ld of %lu pages; put them back, none kept\n",
				w.pinned, n);
		else
			kprintf("pin: %s pages %lu to %lu: %s: %s\n", argv[1], pgoff, pgoff + n - 1,
				step, w.err < 0 ? errno_name(w.err) :
				"only some could be pinned; none kept");
		put_device(&p->dev);
		return w.interrupted ? SHELL_INTERRUPTED : 1;
	}
	pin_nr = n;
	pin_dev = &p->dev;		/* keeps the reference pmem_find() took */
	kprintf("pinned %lu page(s) of %s from pfn %#lx (refcount now %d) on CPU %u\n", n,
		argv[1], page_to_pfn(pin_pages[0]), page_ref_count(pin_pages[0]), pin_cpu);
	return 0;
}
SHELL_COMMAND(pin, "DEV PGOFF N [CPU]", "hold N DAX pages of DEV through fast GUP (on CPU)",
	      "DEV: a bound pmem device with struct pages (pmem0, ...); one pin at a time\n"
	      "PGOFF: the first page, in 4 KiB pages from the device's first DAX page: 0 to\n"
	      "      its last (65535 for a 256 MiB device with its memmap in RAM)\n"
	      "N: pages, 1 to 512, and no further than the device's last page; Ctrl-C stops\n"
	      "      the pin between batches of 64 and puts back the pages pinned so far\n"
	      "CPU: the CPU that touches and pins them, 0 to the last online (default: the\n"
	      "      shell's); 'unpin' puts them back there\n"
	      "examples: pin pmem0 0 1; pin pmem0 100 512 1\n", cmd_pin);

static int cmd_touch(int argc, char **argv)
{
	unsigned long pgoff, value = 0, left;

	if (argc != 2)
		return shell_usage_error(argv, "needs PGOFF");
	if (!pin_mm) {
		kprintf("touch: no mapping: 'pin DEV PGOFF N' makes one\n");
		return 1;
	}
	if (!shell_number(argv, "PGOFF", argv[1], 0, pin_len / PAGE_SIZE - 1, &pgoff))
		return 2;
	use_mm(pin_mm);
	left = copy_from_user(&value, (const void *)(PIN_ADDR + pgoff * PAGE_SIZE), sizeof(value));
	unuse_mm(pin_mm);
	if (left) {
		kprintf("touch: %s page %lu at %#lx: EFAULT: the access was refused (%s is %s)\n",
			pin_dev->name, pgoff, PIN_ADDR + pgoff * PAGE_SIZE, pin_dev->name,
			pin_dev->state == DEVICE_BOUND ? "bound again: the mapping is of an "
			"earlier binding" : "not bound");
		return 1;
	}
	kprintf("touch: %s page %lu at %#lx: read %#lx\n", pin_dev->name, pgoff,
		PIN_ADDR + pgoff * PAGE_SIZE, value);
	return 0;
}
SHELL_COMMAND(touch, "PGOFF", "read a page of the mapping `pin` made, as a program would",
	      "PGOFF: a page of the mapping, in 4 KiB pages from its start: 0 to the last page\n"
	      "      'pin' mapped (its PGOFF + N - 1); a DAX fault if it is not mapped, EFAULT\n"
	      "      once the device is gone\n"
	      "example: touch 0\n", cmd_touch);
