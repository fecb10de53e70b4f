/*
 * Shell commands to reproduce the pinned-unbind scenario by hand
 * (docs/zone-device.md):
 *   pin DEV PGOFF N   map DEV with DAX in a shell-owned address space and
 *                     hold pages PGOFF..PGOFF+N-1 (N <= 512) through fast
 *                     GUP;
 *   unpin             put them and drop the address space.
 * With `unbind DEV &` (drivers/base/devices_cmd.c), which unbinds from a
 * kernel thread so the shell stays usable while the teardown waits:
 * pin pmem0 0 1; unbind pmem0 &; pgmap (waiting for 1 page); unpin;
 * pgmap (gone); bind pmem0.
 */
#include <drivers/pmem/pmem.h>
#include <kernel/shell.h>
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

static struct mm_struct *pin_mm;
static struct page *pin_pages[PIN_MAX];
static long pin_nr;
static struct device *pin_dev;		/* the pinned pages' device, referenced */

static int cmd_unpin(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	if (!pin_mm) {
		kprintf("nothing pinned\n");
		return 0;
	}
	unpin_user_pages(pin_pages, pin_nr);
	mm_destroy(pin_mm);
	pin_mm = NULL;
	put_device(pin_dev);
	pin_dev = NULL;
	kprintf("unpinned %ld page(s)\n", pin_nr);
	pin_nr = 0;
	return 0;
}
SHELL_COMMAND(unpin, "", "put the pages `pin` holds", cmd_unpin);

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

static int cmd_pin(int argc, char **argv)
{
	unsigned long pgoff, n, npages;
	struct pmem_device *p;
	const char *step;
	long ret;

	if (argc != 4)
		return shell_usage_error(argv, "needs DEV PGOFF N");
	if (pin_mm)
		return shell_usage_error(argv, "pages are pinned already: unpin first");
	p = pmem_find(argv[1]);
	if (!p)
		return shell_usage_error(argv, "no pmem device '%s'", argv[1]);
	npages = (unsigned long)((p->size - p->data_offset) >> PAGE_SHIFT);
	if (p->dev.state != DEVICE_BOUND || !p->has_pages || !npages) {
		kprintf("pin: %s is %s: DAX needs a bound device with struct pages\n", argv[1],
			p->dev.state != DEVICE_BOUND ? "not bound" :
			!p->has_pages ? "without struct pages" : "without DAX pages");
		put_device(&p->dev);
		return 1;
	}
	if (!shell_number(argv, "PGOFF", argv[2], 0, npages - 1, &pgoff) ||
	    !shell_number(argv, "N", argv[3], 1, MIN((unsigned long)PIN_MAX, npages - pgoff), &n)) {
		kprintf("pin: %s has DAX pages 0 to %lu; at most %d at a time\n", argv[1],
			npages - 1, PIN_MAX);
		put_device(&p->dev);
		return 2;
	}
	pin_mm = mm_create();
	if (!pin_mm) {
		put_device(&p->dev);
		kprintf("pin: the address space: ENOMEM\n");
		return 1;
	}
	ret = pmem_dax_mmap(p, pin_mm, PIN_ADDR, (pgoff + n) * PAGE_SIZE,
			    PROT_READ | PROT_WRITE);
	if (ret != (long)PIN_ADDR) {
		step = "the DAX mapping";
	} else {
		step = "fast GUP";
		use_mm(pin_mm);
		ret = get_user_pages_fast(PIN_ADDR + pgoff * PAGE_SIZE, n, FOLL_WRITE, pin_pages);
		unuse_mm(pin_mm);
	}
	if (ret != (long)n) {
		if (ret > 0)
			unpin_user_pages(pin_pages, ret);
		mm_destroy(pin_mm);
		pin_mm = NULL;
		kprintf("pin: %s pages %lu to %lu: %s: %s\n", argv[1], pgoff, pgoff + n - 1, step,
			ret < 0 ? errno_name(ret) : "only some could be pinned; none kept");
		put_device(&p->dev);
		return 1;
	}
	pin_nr = n;
	pin_dev = &p->dev;		/* keeps the reference pmem_find() took */
	kprintf("pinned %lu page(s) of %s from pfn %#lx (refcount now %d)\n", n, argv[1],
		page_to_pfn(pin_pages[0]), page_ref_count(pin_pages[0]));
	return 0;
}
SHELL_COMMAND(pin, "DEV PGOFF N", "hold N DAX pages of DEV through fast GUP", cmd_pin);

