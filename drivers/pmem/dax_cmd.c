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
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/page_ref.h>

#define PIN_ADDR	0x40000000UL
#define PIN_MAX		512

static struct mm_struct *pin_mm;
static struct page *pin_pages[PIN_MAX];
static long pin_nr;

static int cmd_unpin(int argc, char **argv)
{
	if (!pin_mm) {
		kprintf("nothing pinned\n");
		return 0;
	}
	unpin_user_pages(pin_pages, pin_nr);
	mm_destroy(pin_mm);
	pin_mm = NULL;
	kprintf("unpinned %ld page(s)\n", pin_nr);
	pin_nr = 0;
	return 0;
}
SHELL_COMMAND(unpin, "", "put the pages `pin` holds", cmd_unpin);

static int cmd_pin(int argc, char **argv)
{
	unsigned long pgoff, n;
	struct pmem_device *p;
	long ret;

	if (argc != 4 || parse_ulong(argv[2], &pgoff) || parse_ulong(argv[3], &n) || !n ||
	    n > PIN_MAX)
		return shell_usage_error(argv, "needs DEV PGOFF N (1 <= N <= %d)", PIN_MAX);
	if (pin_mm)
		return shell_usage_error(argv, "pages are pinned already: unpin first");
	p = pmem_find(argv[1]);
	if (!p)
		return shell_usage_error(argv, "no pmem device '%s'", argv[1]);
	pin_mm = mm_create();
	if (!pin_mm) {
		put_device(&p->dev);
		kprintf("pin: no memory for an address space\n");
		return 1;
	}
	ret = pmem_dax_mmap(p, pin_mm, PIN_ADDR, (pgoff + n) * PAGE_SIZE,
			    PROT_READ | PROT_WRITE);
	if (ret == (long)PIN_ADDR) {
		use_mm(pin_mm);
		ret = get_user_pages_fast(PIN_ADDR + pgoff * PAGE_SIZE, n, FOLL_WRITE, pin_pages);
		unuse_mm(pin_mm);
	}
	put_device(&p->dev);
	if (ret != (long)n) {
		if (ret > 0)
			unpin_user_pages(pin_pages, ret);
		mm_destroy(pin_mm);
		pin_mm = NULL;
		kprintf("pin: %s: %ld (%s)\n", argv[1], ret, ret < 0 ? errno_name(ret) : "short");
		return 1;
	}
	pin_nr = n;
	kprintf("pinned %lu page(s) of %s from pfn %#lx (refcount now %d)\n", n, argv[1],
		page_to_pfn(pin_pages[0]), page_ref_count(pin_pages[0]));
	return 0;
}
SHELL_COMMAND(pin, "DEV PGOFF N", "hold N DAX pages of DEV through fast GUP", cmd_pin);

