/*
 * The dynamic per-CPU allocator (mm/percpu.h).
 *
 * Design. The dynamic region is the same PERCPU_DYNAMIC_SIZE bytes at the
 * same offset of every CPU's area, so one allocator manages offsets and
 * the result is valid in every area at once. The region is cut into
 * PERCPU_MIN_ALIGN-byte units described by two bitmaps:
 *
 *   used    the unit belongs to an allocation
 *   start   the unit is the first of an allocation
 *
 * An allocation is the first run of free units, at a multiple of its
 * alignment, that is long enough (first fit); free_percpu() finds its
 * length by walking from the start bit to the next start bit or free
 * unit, so no size needs to be stored. The region is small (a few KiB)
 * and allocations are rare (one per percpu_ref), so a linear scan is
 * plenty. Linux keeps chunks with a bitmap allocator per chunk
 * (mm/percpu.c, pcpu_alloc_area); zdk has a single fixed chunk.
 *
 * A new object is zeroed in every area (all NR_CPUS exist, see
 * <asm/percpu.h>), so whichever CPUs later come up find it zero. A freed
 * object is filled with PERCPU_POISON in every area: a counter used after
 * free_percpu() then shows as garbage instead of a plausible value.
 *
 * Fields, under pcpu_lock: used_map, start_map, free_units.
 */
#include <kernel/fault_inject.h>
#include <lib/bug.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <mm/percpu.h>

#define PCPU_UNITS	(PERCPU_DYNAMIC_SIZE / PERCPU_MIN_ALIGN)
#define BITS_PER_LONG	(8 * sizeof(unsigned long))
#define MAP_LONGS	((PCPU_UNITS + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define PERCPU_POISON	0x6b

static DEFINE_SPINLOCK(pcpu_lock);
static unsigned long used_map[MAP_LONGS];
static unsigned long start_map[MAP_LONGS];
static size_t free_units = PCPU_UNITS;

static bool test_bit_in(const unsigned long *map, size_t i)
{
	return map[i / BITS_PER_LONG] & (1UL << (i % BITS_PER_LONG));
}

static void set_bit_in(unsigned long *map, size_t i, bool on)
{
	if (on)
		map[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
	else
		map[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
}

/* Length of the free run at `i` (0 if unit i is used). */
static size_t free_run(size_t i)
{
	size_t n = 0;

	while (i + n < PCPU_UNITS && !test_bit_in(used_map, i + n))
		n++;
	return n;
}

/* First unit of a free run of `units` at a multiple of `step`, or -1. */
static long find_area(size_t units, size_t step)
{
	size_t i = 0;

	while (i + units <= PCPU_UNITS) {
		size_t run = free_run(i);

		if (run >= units)
			return (long)i;
		/* Skip the run and the used unit that ended it. */
		i = ALIGN_UP(i + run + 1, step);
	}
	return -1;
}

static size_t largest_free_run(void)
{
	size_t best = 0;

	for (size_t i = 0; i < PCPU_UNITS; i++) {
		size_t run = free_run(i);

		best = MAX(best, run);
		i += run;
	}
	return best;
}

static void fill_every_area(void __percpu *ptr, int byte, size_t bytes)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		memset(per_cpu_ptr(ptr, cpu), byte, bytes);
}

FAULT_POINT(fp_percpu, "per-CPU memory");

void __percpu *__alloc_percpu(size_t size, size_t align)
{
	size_t units, step;
	unsigned long flags;
	char __percpu *ptr;
	long at;

	if (WARN(!size || (align & (align - 1)) || align > PERCPU_DYNAMIC_SIZE,
		 "__alloc_percpu(%zu, %zu): size 0 or bad alignment", size, align))
		return NULL;
	if (should_fail(&fp_percpu))
		return NULL;
	align = MAX(align, (size_t)PERCPU_MIN_ALIGN);
	units = (size + PERCPU_MIN_ALIGN - 1) / PERCPU_MIN_ALIGN;
	step = align / PERCPU_MIN_ALIGN;

	spin_lock_irqsave(&pcpu_lock, flags);
	at = units <= PCPU_UNITS ? find_area(units, step) : -1;
	if (at < 0) {
		size_t left = free_units, largest = largest_free_run();

		spin_unlock_irqrestore(&pcpu_lock, flags);
		WARN(1, "percpu: dynamic region exhausted: %zu bytes (align %zu) "
		     "asked by %pS; %zu of %u bytes free, largest free run %zu",
		     size, align, __builtin_return_address(0),
		     left * PERCPU_MIN_ALIGN, PERCPU_DYNAMIC_SIZE,
		     largest * PERCPU_MIN_ALIGN);
		return NULL;
	}
	for (size_t i = 0; i < units; i++)
		set_bit_in(used_map, at + i, true);
	set_bit_in(start_map, at, true);
	free_units -= units;
	spin_unlock_irqrestore(&pcpu_lock, flags);

	ptr = (char __percpu *)percpu_dynamic_base() + at * PERCPU_MIN_ALIGN;
	fill_every_area(ptr, 0, units * PERCPU_MIN_ALIGN);
	return ptr;
}

void free_percpu(void __percpu *ptr)
{
	unsigned long off = (unsigned long)ptr - (unsigned long)percpu_dynamic_base();
	size_t at = off / PERCPU_MIN_ALIGN, units = 0;
	unsigned long flags;

	if (!ptr)
		return;
	spin_lock_irqsave(&pcpu_lock, flags);
	if (off >= PERCPU_DYNAMIC_SIZE || off % PERCPU_MIN_ALIGN ||
	    !test_bit_in(start_map, at)) {
		spin_unlock_irqrestore(&pcpu_lock, flags);
		WARN(1, "free_percpu(%p) from %pS: not an allocation of the "
		     "dynamic per-CPU region (offset %#lx)",
		     ptr, __builtin_return_address(0), off);
		return;
	}
	set_bit_in(start_map, at, false);
	do {
		set_bit_in(used_map, at + units, false);
		units++;
	} while (at + units < PCPU_UNITS && test_bit_in(used_map, at + units) &&
		 !test_bit_in(start_map, at + units));
	free_units += units;
	/* Poison before the units can be handed out again: still ours. */
	fill_every_area(ptr, PERCPU_POISON, units * PERCPU_MIN_ALIGN);
	spin_unlock_irqrestore(&pcpu_lock, flags);
}

void percpu_setup_areas(char (*areas)[PERCPU_AREA_SIZE], char *template_start,
			char *template_end)
{
	size_t size = (size_t)(template_end - template_start);

	if (size > PERCPU_DYNAMIC_OFFSET)
		panic("percpu: the template is %zu bytes, the static part of an area "
		      "only %u (raise PERCPU_DYNAMIC_OFFSET)", size, PERCPU_DYNAMIC_OFFSET);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		memcpy(areas[cpu], template_start, size);
		__per_cpu_offset[cpu] = (unsigned long)areas[cpu] -
					(unsigned long)template_start;
		per_cpu(cpu_number, cpu) = cpu;
	}
}

size_t percpu_dynamic_free(void)
{
	unsigned long flags;
	size_t n;

	spin_lock_irqsave(&pcpu_lock, flags);
	n = free_units;
	spin_unlock_irqrestore(&pcpu_lock, flags);
	return n * PERCPU_MIN_ALIGN;
}
