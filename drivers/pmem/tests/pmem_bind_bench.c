/*
 * How long pmem0's probe took, per GiB of the device (lib/bench.h):
 *
 *   memremap.bind_per_gib.ram     pmem0's last probe, memmap in RAM
 *   memremap.bind_per_gib.altmap  the same with pmem.memmap=dev
 *
 * One sample: the probe already happened (at boot, in the background,
 * unless something rebound pmem0 since), and its time is dev->probe_ns.
 * The variant that does not match pmem0's memmap is skipped. `make bench`
 * boots once more with a 64 GiB NVDIMM and pmem.memmap=dev, where this is
 * the bind of a fresh QEMU (tests/bench-report names it ..._64g).
 * Figures are printed, never asserted.
 */
#include <drivers/pmem/pmem.h>
#include <lib/bench.h>
#include <lib/errno.h>

static long long bind_sample(struct bench_run *r, bool altmap)
{
	struct pmem_device *p = pmem_find("pmem0");
	long long v = -ENODEV;

	if (!p || p->dev.state != DEVICE_BOUND || !p->dev.probe_ns) {
		v = bench_skip(r, "no pmem0 bound (no NVDIMM?)");
	} else if (!p->has_pages) {
		v = bench_skip(r, "pmem0 has no struct pages");
	} else if (!!(p->pgmap.flags & MEMREMAP_ALTMAP) != altmap) {
		v = bench_skip(r, altmap ? "pmem0's memmap is in RAM (pmem.memmap=ram)"
					 : "pmem0's memmap is on the device (pmem.memmap=dev)");
	} else {
		/* ns for size bytes -> ns per GiB -> ms, in thousandths (per MiB
		 * first: ns * 2^30 would overflow past 17 s) */
		v = bench_per_op(p->dev.probe_ns / (p->size >> 20) * 1024, 1000000);
	}
	if (p)
		put_device(&p->dev);
	return v;
}

static long long bind_ram(struct bench_run *r) { return bind_sample(r, false); }
static long long bind_altmap(struct bench_run *r) { return bind_sample(r, true); }

BENCH(memremap_bind_ram, .name = "memremap.bind_per_gib.ram", .unit = "ms", .samples = 1,
      .sample = bind_ram);
BENCH(memremap_bind_altmap, .name = "memremap.bind_per_gib.altmap", .unit = "ms", .samples = 1,
      .sample = bind_altmap);
