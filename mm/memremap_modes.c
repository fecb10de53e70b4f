/*
 * The teaching modes' boot parameters (mm/memremap_modes.h): parsing with
 * a clear refusal for every bad value or combination, applying them once,
 * and the get/put hooks of the hooked modes.
 *
 * Parsing is separate from applying so that it can be tested on any
 * command line without touching the kernel's state: a refused value
 * leaves the default and says so with one pr_err; the kernel goes on.
 */
#include <kernel/rcu.h>
#include <lib/boot_param.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <mm/memremap.h>
#include <mm/memremap_modes.h>
#include <mm/page_ref.h>
#include <asm/platform.h>

#define REFS_PARAM	"zone_device.refs"
#define TEARDOWN_PARAM	"memremap.teardown"

BOOT_PARAM(refs, REFS_PARAM, "single|legacy|regression (default single)",
	   "teaching mode: how device pages hold their pgmap (docs/zone-device.md)");
BOOT_PARAM(teardown, TEARDOWN_PARAM, "fixed|v4.12 (default fixed)",
	   "teaching mode: the order of the ZONE_DEVICE teardown");

struct memremap_modes memremap_modes;	/* written once, under modes_lock */
bool zone_device_hooks;			/* refs=legacy or refs=regression */
bool zone_device_teaching;		/* any teaching mode */

static const char *const refs_names[] = { "single", "legacy", "regression" };
static const char *const teardown_names[] = { "fixed", "v4.12" };

const char *zone_device_refs_name(int refs)
{
	return refs >= 0 && refs < (int)ARRAY_SIZE(refs_names) ? refs_names[refs] : "?";
}

const char *memremap_teardown_name(int teardown)
{
	return teardown >= 0 && teardown < (int)ARRAY_SIZE(teardown_names) ?
	       teardown_names[teardown] : "?";
}

/*
 * The index of key's value in names[], 0 (the default) if key is absent,
 * -EINVAL after a pr_err if the value is none of them or missing (a bare
 * flag).
 */
static int parse_one(const struct cmdline *cl, const char *key,
		     const char *const names[], unsigned int n, const char *accepted)
{
	const char *v = cmdline_get(cl, key);

	if (!v && !cmdline_has_flag(cl, key))
		return 0;
	for (unsigned int i = 0; v && i < n; i++)
		if (!strcmp(v, names[i]))
			return (int)i;
	pr_err("memremap: %s=%s: unknown value; accepted: %s (keeping %s)", key,
	       v ? v : "", accepted, names[0]);
	return -EINVAL;
}

int memremap_modes_parse(const struct cmdline *cl, struct memremap_modes *m)
{
	int refs = parse_one(cl, REFS_PARAM, refs_names, ARRAY_SIZE(refs_names),
			     "single, legacy, regression");
	int teardown = parse_one(cl, TEARDOWN_PARAM, teardown_names,
				 ARRAY_SIZE(teardown_names), "fixed, v4.12");
	int err = refs < 0 || teardown < 0 ? -EINVAL : 0;

	m->refs = refs < 0 ? ZONE_DEVICE_REFS_SINGLE : refs;
	m->teardown = teardown < 0 ? MEMREMAP_TEARDOWN_FIXED : teardown;
	if (m->teardown == MEMREMAP_TEARDOWN_V4_12 && m->refs != ZONE_DEVICE_REFS_SINGLE) {
		pr_err("memremap: " TEARDOWN_PARAM "=v4.12 with " REFS_PARAM "=%s: refused, "
		       "the v4.12 teardown is taught with " REFS_PARAM "=single only "
		       "(keeping " TEARDOWN_PARAM "=fixed)", zone_device_refs_name(m->refs));
		m->teardown = MEMREMAP_TEARDOWN_FIXED;
		err = -EINVAL;
	}
	return err;
}

static void apply(const struct memremap_modes *m)
{
	memremap_modes = *m;
	zone_device_hooks = memremap_refs_hooked(m);
	zone_device_teaching = zone_device_hooks || m->teardown != MEMREMAP_TEARDOWN_FIXED;
	if (m->refs == ZONE_DEVICE_REFS_LEGACY)
		pr_warn("memremap: teaching mode " REFS_PARAM "=legacy: get/put hooks take and "
			"drop pgmap references (pre-regression, slower)");
	if (m->refs == ZONE_DEVICE_REFS_REGRESSION)
		pr_warn("memremap: teaching mode " REFS_PARAM "=regression: the seed bug: fast "
			"GUP pins without a pgmap reference");
	if (m->teardown == MEMREMAP_TEARDOWN_V4_12)
		pr_warn("memremap: teaching mode " TEARDOWN_PARAM "=v4.12: the teardown waits "
			"for pinned pages only after the range is removed");
}

void memremap_modes_init(void)
{
	static DEFINE_SPINLOCK(modes_lock);
	static bool done;		/* modes_lock */
	struct memremap_modes m;

	spin_lock(&modes_lock);
	if (!done) {
		done = true;
		/* a broken command line was reported at boot; use what parsed */
		memremap_modes_parse(boot_cmdline(), &m);
		apply(&m);
	}
	spin_unlock(&modes_lock);
}

void zone_device_get_hook(struct page *page)
{
	if (is_zone_device_page(page) && page->pgmap) {
		percpu_ref_get(&page->pgmap->ref);
		trace_event(pgmap_get, page->pgmap, 1, 0);
	}
}

void zone_device_put_hook(struct page *page)
{
	if (is_zone_device_page(page) && page->pgmap) {
		trace_event(pgmap_put, page->pgmap, 1, 0);
		percpu_ref_put(&page->pgmap->ref);
	}
}

/*
 * put_page() while a teaching mode is in force. The whole put, from the
 * decrement to the last read of the struct page, is an RCU read-side
 * section: these modes remove memmaps while puts may run, and the
 * graveyard frees one only after a grace period (GRAVE_RACING), so a put
 * that decremented just before the burial still reads live memory.
 */
void put_page_teaching(struct page *page)
{
	int now;

	rcu_read_lock();
	now = page_ref_dec_return(page);
	if (now == 0) {
		__put_page(page);
	} else if (unlikely(now < 0)) {
		/* no reference was dropped, so no pgmap reference either */
		put_page_underflow(page, now);
		rcu_read_unlock();
		return;
	}
	/*
	 * The hooked modes' pgmap reference goes last: until it is dropped
	 * it keeps the memmap the decrement above touched (dropped first, the
	 * teardown could free the memmap under that decrement).
	 */
	if (zone_device_hooks)
		zone_device_put_hook(page);
	rcu_read_unlock();
}
