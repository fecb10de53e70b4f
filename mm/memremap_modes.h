/*
 * The teaching modes of ZONE_DEVICE: two boot parameters that bring back
 * historical designs of the pgmap reference, so a student can watch each
 * one fail (or cost) and the kernel detect it. Off by default; see
 * docs/zone-device.md.
 *
 *   zone_device.refs=      who takes the pgmap references of device pages
 *     single      the fix: one reference per live page, taken at setup
 *                 and dropped by the page's final put (the default);
 *     legacy      pre-regression: get_page()/put_page() call hooks that
 *                 take/drop a pgmap reference for device pages, and fast
 *                 GUP's speculative get is hooked too; setup takes no
 *                 per-page references and the teardown has no put loop.
 *                 Correct, slower;
 *     regression  the seed bug: the same hooks, but fast GUP's speculative
 *                 get is unhooked, so each fast pin costs the pgmap one
 *                 reference it never had.
 *   memremap.teardown=     the order of the teardown at unbind
 *     fixed       wait for zero, then remove the range (the default);
 *     v4.12       remove the memmap and the range, then wait (Linux v4.12).
 *
 * The v4.12 order is taught with refs=single only: together with the
 * hooked modes it is no state the kernel ever shipped, so it is refused
 * (the teardown stays fixed).
 *
 * Life of the modes: parsed once, at the first memremap_pages() (or
 * the first `pgmap` command), from the loader's command line; applied to
 * the globals below; each pgmap copies them at setup and keeps its copy
 * until it is torn down. The globals never change afterwards.
 *
 * Asking which mode is in force, one way per question:
 *   - of a pgmap (its setup and teardown, GUP's devmap step, `pgmap`):
 *     pgmap_refs_mode(), pgmap_refs_hooked(), pgmap_teardown_mode() in
 *     mm/memremap.h, which read its copy;
 *   - in get_page(), put_page() and a device page's final put, which have
 *     no pgmap at hand: the flags zone_device_hooks and
 *     zone_device_teaching of mm/page_ref.h, set from the same modes;
 *   - what this boot chose (`pgmap`'s first line, tests that need a
 *     mode): memremap_modes.
 */
#ifndef MM_MEMREMAP_MODES_H
#define MM_MEMREMAP_MODES_H

#include <lib/compiler.h>

struct cmdline;
struct page;

enum zone_device_refs {
	ZONE_DEVICE_REFS_SINGLE, ZONE_DEVICE_REFS_LEGACY, ZONE_DEVICE_REFS_REGRESSION,
};

enum memremap_teardown { MEMREMAP_TEARDOWN_FIXED, MEMREMAP_TEARDOWN_V4_12 };

struct memremap_modes {
	int refs;		/* enum zone_device_refs */
	int teardown;		/* enum memremap_teardown */
};

/* The boot's modes (written once, by memremap_modes_init()). */
extern struct memremap_modes memremap_modes;

/* "single", "legacy", "regression" / "fixed", "v4.12"; "?" otherwise. */
const char *zone_device_refs_name(int refs);
const char *memremap_teardown_name(int teardown);

/* Do get_page()/put_page() take and drop pgmap references (legacy, regression)? */
static inline bool memremap_refs_hooked(const struct memremap_modes *m)
{
	return m->refs == ZONE_DEVICE_REFS_LEGACY || m->refs == ZONE_DEVICE_REFS_REGRESSION;
}

/*
 * Read zone_device.refs= and memremap.teardown= from cl into *m. A
 * parameter that is absent gives its default. Returns 0, or -EINVAL after
 * one pr_err per refusal, each naming the parameter(s) and the accepted
 * values: an unknown value (or a bare flag) keeps that parameter's
 * default; teardown=v4.12 with refs=legacy or refs=regression keeps the
 * refs value and the fixed teardown. *m is always usable.
 */
int memremap_modes_parse(const struct cmdline *cl, struct memremap_modes *m);

/*
 * Once: parse the loader's command line and apply the result (the
 * globals, the hooks flag of mm/page_ref.h, one warning per teaching mode
 * in force); later calls return at once. Callers: memremap_pages()
 * before its first pgmap exists (so no device page sees the hooks flag
 * change) and the `pgmap` command.
 */
void memremap_modes_init(void);

/* The get/put hooks of legacy and regression (mm/page_ref.h calls them). */
void zone_device_get_hook(struct page *page);
void zone_device_put_hook(struct page *page);

#endif /* MM_MEMREMAP_MODES_H */
