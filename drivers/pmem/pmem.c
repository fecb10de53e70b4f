/*
 * The pmem devices and driver: from NFIT regions to bound block devices
 * (drivers/pmem/pmem.h tells the life story; I/O is pmem_io.c).
 *
 * probe() is a straight sequence of acquisitions, each registered with
 * devres as soon as it succeeds:
 *
 *   1. decide how writes are made durable (no resource);
 *   2. struct pages and the write-back mapping -> memremap_release
 *      (devm_memremap_pages()); a RAM device, which has struct pages
 *      already, only maps                      -> pmem_unmap
 *   3. bring the request queue's counter alive -> pmem_kill_queue
 *
 * Unbind, or a failure in step 3, releases them newest first: the queue
 * is killed and drained before the range is unmapped. Each step is
 * reported where it happens to pmem_teardown_observer, if one is set
 * (the tests check the order with it).
 */
#include <drivers/acpi/actbl_nfit.h>
#include <drivers/base/devm_memremap.h>
#include <drivers/base/devres.h>
#include <drivers/pmem/pmem.h>
#include <lib/boot_param.h>
#include <lib/bug.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <lib/err.h>
#include <mm/slab.h>
#include <asm/platform.h>

static struct bus_type nvdimm_bus = {
	.name = "nvdimm",
	.autoprobe = true,
};

static unsigned int npmem;		/* devices made by pmem_init() */

/*
 * pmem.memmap=ram|dev (pmem_init() reads it once): where the struct pages
 * of a bound device live. "ram" (the default): in RAM, and every byte of
 * the device is data. "dev": on the device itself (an altmap), and data
 * starts at the first 2 MiB boundary after that memmap, like a namespace
 * made with --map=dev. Switching it on a device with data on it moves
 * sector 0 and overwrites the first MiBs with struct pages: it is a
 * reformat (nothing on the device records the choice).
 */
static bool memmap_on_device;

BOOT_PARAM(pmem_memmap, "pmem.memmap", "ram|dev (default ram)",
	   "where the pmem devices' struct pages live: RAM, or the device (altmap)");

static void pmem_memmap_param_init(void)
{
	const char *v = cmdline_get(boot_cmdline(), "pmem.memmap");

	if (!v || !strcmp(v, "ram"))
		return;
	if (!strcmp(v, "dev")) {
		memmap_on_device = true;
		pr_info("pmem: pmem.memmap=dev: struct pages on the devices themselves");
		return;
	}
	pr_err("pmem: pmem.memmap=%s: expected ram or dev; keeping ram", v);
}

void (*pmem_teardown_observer)(struct pmem_device *pmem, enum pmem_event ev);

static void report_step(struct pmem_device *pmem, enum pmem_event ev)
{
	void (*observer)(struct pmem_device *, enum pmem_event) =
		__atomic_load_n(&pmem_teardown_observer, __ATOMIC_RELAXED);

	if (unlikely(observer))
		observer(pmem, ev);
}

/*
 * What the platform promises and what the CPU can do. Writes are always
 * written back and fenced (even when the caches are in the persistence
 * domain: it costs little and does not depend on firmware being right);
 * the warnings say when that still does not make them durable.
 */
static void pmem_check_persistence(struct pmem_device *pmem)
{
	const struct nfit_region *r = pmem->region;
	bool caches_persist = r->has_capabilities &&
			      (r->capabilities & ACPI_NFIT_CAP_CACHE_FLUSH);
	char attrs[48];

	pmem->flush = arch_cache_flush_insn();
	nfit_attr_text(r->attributes, attrs, sizeof(attrs));
	if (caches_persist)
		pmem->domain = "CPU caches (platform capabilities; writing back anyway)";
	else if (r->has_capabilities && (r->capabilities & ACPI_NFIT_CAP_MEM_FLUSH))
		pmem->domain = "memory controller: caches must be written back";
	else
		pmem->domain = "not stated (no platform capabilities): caches must be written back";

	pmem->durable = true;
	if (pmem->flush == ARCH_FLUSH_NONE && !caches_persist) {
		dev_warn(&pmem->dev, "persistence NOT guaranteed: the CPU has no cache "
			 "write-back instruction (clwb/clflushopt/clflush) and the caches "
			 "are not in the persistence domain");
		pmem->durable = false;
	}
	if (!(r->attributes & EFI_MEMORY_WB))
		dev_warn(&pmem->dev, "region attributes 0x%llx (%s) lack WB: mapping it "
			 "write-back anyway, as it holds ordinary memory",
			 (unsigned long long)r->attributes, attrs);
	if (!(r->attributes & EFI_MEMORY_NV)) {
		dev_warn(&pmem->dev, "persistence NOT guaranteed: region attributes 0x%llx "
			 "(%s) lack NV (non-volatile)",
			 (unsigned long long)r->attributes, attrs);
		pmem->durable = false;
	}
	if (nfit_region_flush_hints(r))
		dev_warn(&pmem->dev, "%u flush hint addresses are not used: writes rely on "
			 "cache write-back and a fence", nfit_region_flush_hints(r));
}

/* The mapping of a RAM device (no pgmap). */
static void pmem_unmap(void *arg)
{
	struct pmem_device *pmem = arg;

	memunmap_range(pmem->virt, pmem->size);
	pmem->virt = NULL;
	report_step(pmem, PMEM_EV_UNMAPPED);
}

/*
 * Registered before devm_memremap_pages(), so it runs right after the
 * pgmap's teardown (memremap_release) has unmapped the range.
 */
static void pmem_pgmap_unmapped(void *arg)
{
	struct pmem_device *pmem = arg;

	if (pmem->has_pages)
		report_step(pmem, PMEM_EV_UNMAPPED);
}

static void pmem_kill_queue(void *arg)
{
	struct pmem_device *pmem = arg;

	report_step(pmem, PMEM_EV_QUEUE_KILLED);
	blk_cleanup_queue(&pmem->queue);	/* dying, frozen, drained, freed */
	report_step(pmem, PMEM_EV_QUEUE_DRAINED);
	if (pmem->has_pages)	/* no I/O can use it; the pgmap unmaps it next */
		pmem->virt = NULL;
}

/* Sector 0: past the memmap if it is on the device, 2 MiB aligned for DAX. */
static void pmem_set_data_area(struct pmem_device *pmem)
{
	uint64_t off = 0;

	if (pmem->has_pages && (pmem->pgmap.flags & MEMREMAP_ALTMAP))
		off = ALIGN_UP(PFN_PHYS(pmem->pgmap.pfn_first) - pmem->phys, 2ULL << 20);
	pmem->data_offset = off;
	pmem->nr_sectors = (pmem->size - off) >> PMEM_SECTOR_SHIFT;
	if (off)
		dev_info(&pmem->dev, "memmap on the device: %llu KiB; data from offset %llu KiB, "
			 "%llu MiB", (unsigned long long)(pmem->pgmap.memmap_bytes >> 10),
			 (unsigned long long)(off >> 10),
			 (unsigned long long)((pmem->size - off) >> 20));
}

static int pmem_probe(struct device *dev)
{
	struct pmem_device *pmem = to_pmem(dev);
	int err;

	pmem_check_persistence(pmem);
	err = devm_add_action_or_reset(dev, pmem_pgmap_unmapped, pmem);
	if (err)
		return err;

	/*
	 * struct pages for DAX (mm/memremap.h), which also maps the range
	 * write-back; its teardown is a devres record too, registered before
	 * the queue's, so at unbind the queue dies and drains first, then
	 * the pgmap is killed, waits for its pinned pages and only then
	 * unmaps. A range that is RAM (the test device over kmalloc memory)
	 * has struct pages already: it gets a plain mapping instead.
	 */
	memset(&pmem->pgmap, 0, sizeof(pmem->pgmap));
	pmem->pgmap.start = pmem->phys;
	pmem->pgmap.end = pmem->phys + pmem->size - 1;
	pmem->pgmap.flags = memmap_on_device ? MEMREMAP_ALTMAP : 0;
	pmem->pgmap.altmap_reserve = 0;
	pmem->pgmap.kill_mappings = pmem_dax_kill;
	spin_lock(&pmem->dax_lock);
	pmem->dax_gen++;		/* a new binding: older DAX mappings stay dead */
	spin_unlock(&pmem->dax_lock);
	pmem->pgmap.memmap_progress = &dev->progress.done;
	device_set_progress(dev, "memmap", (unsigned long)(pmem->size >> PAGE_SHIFT));
	pmem->virt = devm_memremap_pages(dev, &pmem->pgmap);
	pmem->has_pages = !IS_ERR(pmem->virt);
	if (!pmem->has_pages && PTR_ERR(pmem->virt) != -EEXIST)
		return PTR_ERR(pmem->virt);
	if (!pmem->has_pages) {
		dev_info(dev, "no struct pages (the range already has some: RAM?): no DAX");
		pmem->virt = memremap_range(pmem->phys, pmem->size, MAP_WB);
		if (!pmem->virt) {
			dev_err(dev, "cannot map 0x%llx-0x%llx write-back",
				(unsigned long long)pmem->phys,
				(unsigned long long)(pmem->phys + pmem->size - 1));
			return -ENOMEM;
		}
		err = devm_add_action_or_reset(dev, pmem_unmap, pmem);
		if (err)
			return err;
	}

	pmem_set_data_area(pmem);
	err = blk_queue_init(&pmem->queue, dev->name);
	if (err) {
		dev_err(dev, "cannot set up the request queue: %d (%s)", err, errno_name(err));
		return err;
	}
	err = devm_add_action_or_reset(dev, pmem_kill_queue, pmem);
	if (err)
		return err;

	dev_set_drvdata(dev, pmem);
	if (pmem->has_pages) {		/* DAX mappings may be made from now on */
		spin_lock(&pmem->dax_lock);
		pmem->dax_gone = false;
		spin_unlock(&pmem->dax_lock);
	}
	dev_info(dev, "0x%llx-0x%llx (%llu MiB) mapped write-back at %p, flush %s, %s",
		 (unsigned long long)pmem->phys,
		 (unsigned long long)(pmem->phys + pmem->size - 1),
		 (unsigned long long)(pmem->size >> 20), pmem->virt,
		 arch_cache_flush_name(pmem->flush),
		 pmem->durable ? "durable writes" : "writes NOT durable");
	return 0;
}

static struct device_driver pmem_driver = {
	.name = "pmem",
	.bus = &nvdimm_bus,
	.probe = pmem_probe,
	.probe_async = true,	/* a large device's memmap takes seconds */
};

/* --- devices ----------------------------------------------------------------------- */

bool is_pmem_device(struct device *dev)
{
	return dev && dev->bus == &nvdimm_bus;
}

/* The bus and the driver, once (then each new device is probed as it is added). */
static int pmem_bus_init(void)
{
	int err = 0;

	if (!nvdimm_bus.registered)
		err = bus_register(&nvdimm_bus);
	if (!err && !pmem_driver.registered)
		err = driver_register(&pmem_driver);
	return err;
}

static void pmem_release(struct device *dev)
{
	kfree(to_pmem(dev));
}

struct pmem_device *pmem_device_create(const struct nfit_region *r, const char *name)
{
	struct pmem_device *pmem = kzalloc(sizeof(*pmem));

	if (!pmem) {
		pr_err("pmem: no memory for device %s", name);
		return NULL;
	}
	if (pmem_bus_init()) {
		kfree(pmem);
		return NULL;
	}
	device_initialize(&pmem->dev);
	device_set_name(&pmem->dev, "%s", name);
	pmem->dev.bus = &nvdimm_bus;
	pmem->dev.release = pmem_release;
	pmem->region = r;
	pmem->phys = r->base;
	pmem->size = r->size;
	pmem->nr_sectors = r->size >> PMEM_SECTOR_SHIFT;
	spin_lock_init(&pmem->dax_lock);	/* once: DAX records outlive bindings */
	INIT_LIST_HEAD(&pmem->dax_maps);
	pmem->dax_gone = true;			/* no binding yet */
	blk_queue_setup(&pmem->queue);
	if (device_add(&pmem->dev)) {
		put_device(&pmem->dev);
		return NULL;
	}
	return pmem;
}

struct pmem_device *pmem_find(const char *name)
{
	struct device *dev = device_find(name);

	if (dev && !is_pmem_device(dev)) {
		put_device(dev);
		dev = NULL;
	}
	return dev ? to_pmem(dev) : NULL;
}

unsigned int pmem_device_count(void)
{
	return npmem;
}

int pmem_init(void)
{
	unsigned int n = nfit_region_count(), bound = 0, probing = 0;
	int err = pmem_bus_init();

	if (err)
		return err;
	pmem_memmap_param_init();
	for (unsigned int i = 0; i < n; i++) {
		char name[DEVICE_NAME_MAX];
		struct pmem_device *pmem;

		snprintf(name, sizeof(name), "pmem%u", i);
		pmem = pmem_device_create(nfit_region_at(i), name);	/* probe queued */
		if (!pmem)
			continue;
		npmem = i + 1;
		bound += pmem->dev.state == DEVICE_BOUND;
		probing += pmem->dev.state == DEVICE_PROBING;
	}
	pr_info("pmem: %u NVDIMM region%s: %u device%s bound to driver pmem, %u probing in "
		"the background", n, n == 1 ? "" : "s", bound, bound == 1 ? "" : "s", probing);
	return 0;
}

void pmem_for_each(void (*fn)(struct pmem_device *p, void *arg), void *arg)
{
	for (unsigned int i = 0; i < npmem; i++) {
		char name[DEVICE_NAME_MAX];
		struct pmem_device *p;

		snprintf(name, sizeof(name), "pmem%u", i);
		p = pmem_find(name);		/* a reference, for fn's while */
		if (!p)
			continue;
		fn(p, arg);
		put_device(&p->dev);
	}
}

static void mark_stages_done(struct pmem_device *p, void *arg)
{
	__atomic_store_n(&p->stages_reads, READ_ONCE_A(p->nr_reads), __ATOMIC_RELAXED);
	__atomic_store_n(&p->stages_writes, READ_ONCE_A(p->nr_writes), __ATOMIC_RELAXED);
	__atomic_store_n(&p->stages_errors, READ_ONCE_A(p->nr_errors), __ATOMIC_RELAXED);
}

void pmem_boot_stages_done(void)
{
	pmem_for_each(mark_stages_done, NULL);
}
