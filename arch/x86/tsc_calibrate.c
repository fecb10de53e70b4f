/*
 * How fast the TSC ticks, asked of the CPU first and measured otherwise
 * (Linux: native_calibrate_tsc(), then quick_pit_calibrate() and the PM
 * timer/HPET reference of pit_hpet_ptimer_calibrate_cpu()):
 *
 *   1. CPUID leaf 0x15 (Intel): the TSC runs at crystal * EBX / EAX, and
 *      ECX gives the crystal in Hz. Nothing to measure; the error bound
 *      is 0 ppm by the CPU's word (the crystal's own tolerance aside).
 *      With ECX 0, leaf 0x16 gives the base frequency in MHz, which the
 *      TSC runs at on these CPUs (Linux derives the crystal from it the
 *      same way): a bound of half a MHz, the rounding; that the TSC runs
 *      at exactly the stated base is the CPU's word, not checked.
 *   2. The ACPI PM timer (3.579545 MHz, arch/x86/acpi_pm_timer.c) over
 *      one short window: read at the start and again and again until the
 *      bound below is at most PM_TARGET_PPM (at least PM_MIN_US, at most
 *      PM_MAX_US).
 *   3. The PIT's channel 2 one-shot (pit.c), PIT_RUNS runs of PIT_MS,
 *      the median run: the fallback when there is no PM timer.
 *
 * The error bound of a measurement. Each read of the reference counter is
 * taken between two TSC reads (struct tsc_bracket), so it happened at a
 * TSC value in [before, after]; the counter advanced `ticks` between two
 * such reads, and since each read truncates, the true time between them
 * is more than ticks - 1 and less than ticks + 1 counter periods. The
 * TSC cycles between the two samples lie in [b.before - a.after,
 * b.after - a.before]. The frequency is computed from the midpoints; the
 * bound is the larger distance from it to the two extremes. A read that
 * the host stalls (TCG, an SMI) widens its own bracket and so the bound,
 * never silently the result: of a few tries the narrowest is kept.
 *
 * The arithmetic is 64-bit: cycles stay below GIVE_UP_CYCLES (2^34),
 * counter rates below 2^32 Hz and ticks below 2^20, so no product
 * overflows.
 */
#include <cpuid.h>
#include <lib/compiler.h>
#include <lib/ktime.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <asm/cpu.h>
#include "acpi_pm_timer.h"
#include "pit.h"
#include "tsc.h"

#define BRACKET_TRIES	3
#define PM_MIN_US	1000
#define PM_MAX_US	10000
#define PM_TARGET_PPM	500
#define PIT_MS		5
#define PIT_RUNS	3
#define PIT_TICKS	(PIT_HZ * PIT_MS / 1000)
/* Give up on a reference that does not advance: 1 s even at 10 GHz. */
#define GIVE_UP_CYCLES	10000000000ULL
/* A measured TSC outside this range is a broken reference. */
#define TSC_HZ_MIN	100000000ULL
#define TSC_HZ_MAX	20000000000ULL

void tsc_bracket_read(struct tsc_bracket *b, uint32_t (*read)(void))
{
	for (int i = 0; i < BRACKET_TRIES; i++) {
		struct tsc_bracket t;

		t.before = arch_cycles();
		t.count = read();
		t.after = arch_cycles();
		if (i == 0 || t.after - t.before < b->after - b->before)
			*b = t;
	}
}

static uint32_t ppm_apart(uint64_t x, uint64_t ref)
{
	uint64_t d = x > ref ? x - ref : ref - x;

	return d >= ref ? UINT32_MAX : (uint32_t)(d * 1000000 / ref + 1);
}

/* The TSC cycles between two samples: [lo, hi] and the midpoint estimate. */
static void span(const struct tsc_bracket *a, const struct tsc_bracket *b,
		 uint64_t *lo, uint64_t *mid, uint64_t *hi)
{
	*lo = b->before > a->after ? b->before - a->after : 0;
	*hi = b->after - a->before;
	*mid = (b->before + b->after) / 2 - (a->before + a->after) / 2;
}

/* counter_hz = ticks * tsc_hz / cycles; the TSC's own error is the caller's. */
struct freq_bound tsc_freq_of_counter(const struct tsc_bracket *a, const struct tsc_bracket *b,
				      uint64_t ticks, uint64_t tsc_hz)
{
	uint64_t lo, mid, hi, f_lo, f_hi;
	struct freq_bound r = { 0, UINT32_MAX };

	span(a, b, &lo, &mid, &hi);
	if (ticks < 2 || !lo || !mid)
		return r;
	r.hz = ticks * tsc_hz / mid;
	f_lo = (ticks - 1) * tsc_hz / hi;
	f_hi = (ticks + 1) * tsc_hz / lo;
	r.error_ppm = MAX(ppm_apart(f_lo, r.hz), ppm_apart(f_hi, r.hz));
	return r;
}

/* tsc_hz = cycles * counter_hz / ticks */
struct freq_bound tsc_freq_from_counter(const struct tsc_bracket *a, const struct tsc_bracket *b,
					uint64_t ticks, uint64_t counter_hz)
{
	uint64_t lo, mid, hi, f_lo, f_hi;
	struct freq_bound r = { 0, UINT32_MAX };

	span(a, b, &lo, &mid, &hi);
	if (ticks < 2 || !mid)
		return r;
	r.hz = mid * counter_hz / ticks;
	f_lo = lo * counter_hz / (ticks + 1);
	f_hi = hi * counter_hz / (ticks - 1);
	r.error_ppm = MAX(ppm_apart(f_lo, r.hz), ppm_apart(f_hi, r.hz));
	return r;
}

/* --- 1. what the CPU says ------------------------------------------------- */

static bool cpu_is_intel(void)
{
	unsigned int max, b, c, d;

	__cpuid(0, max, b, c, d);
	return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;	/* GenuineIntel */
}

uint32_t cpuid_core_crystal_hz(void)
{
	unsigned int den, num, crystal, d;

	if (!cpu_is_intel() || __get_cpuid_max(0, NULL) < 0x15)
		return 0;
	__cpuid(0x15, den, num, crystal, d);
	return crystal;
}

static bool from_cpuid(struct tsc_calibration *c)
{
	unsigned int max = __get_cpuid_max(0, NULL), den, num, crystal, d, base_mhz;

	if (!cpu_is_intel() || max < 0x15)
		return false;
	__cpuid(0x15, den, num, crystal, d);
	if (!den || !num)
		return false;
	if (crystal) {
		c->hz = (uint64_t)crystal * num / den;
		c->error_ppm = 0;
		scnprintf(c->how, sizeof(c->how), "CPUID 0x15: crystal %u Hz * %u / %u",
			  crystal, num, den);
		return true;
	}
	if (max < 0x16)
		return false;
	__cpuid(0x16, base_mhz, num, crystal, d);
	if (!base_mhz)
		return false;
	c->hz = (uint64_t)base_mhz * 1000000;
	c->error_ppm = ppm_apart(c->hz + 500000, c->hz);
	scnprintf(c->how, sizeof(c->how), "CPUID 0x16: base frequency %u MHz", base_mhz);
	return true;
}

/* --- 2. the ACPI PM timer --------------------------------------------------- */

static struct acpi_pm_timer pm_timer;

static uint32_t pm_read(void)
{
	return acpi_pm_timer_read(&pm_timer);
}

static bool from_pm_timer(uint64_t rsdp_phys, struct tsc_calibration *c, const char **why)
{
	uint32_t mask, min_ticks = (uint32_t)((uint64_t)ACPI_PM_TIMER_HZ * PM_MIN_US / 1000000);
	uint32_t max_ticks = (uint32_t)((uint64_t)ACPI_PM_TIMER_HZ * PM_MAX_US / 1000000);
	struct tsc_bracket a, b;
	struct freq_bound f = { 0, UINT32_MAX };
	uint32_t ticks;

	if (!acpi_pm_timer_find(rsdp_phys, &pm_timer, why))
		return false;
	mask = pm_timer.bits == 32 ? UINT32_MAX : 0xffffff;
	tsc_bracket_read(&a, pm_read);
	for (;;) {
		tsc_bracket_read(&b, pm_read);
		ticks = (b.count - a.count) & mask;
		if (ticks >= min_ticks) {
			f = tsc_freq_from_counter(&a, &b, ticks, ACPI_PM_TIMER_HZ);
			if (f.error_ppm <= PM_TARGET_PPM || ticks >= max_ticks)
				break;
		} else if (b.after - a.before > GIVE_UP_CYCLES) {
			*why = "the PM timer does not advance";
			return false;
		}
	}
	if (f.hz < TSC_HZ_MIN || f.hz > TSC_HZ_MAX) {
		*why = "the PM timer gives an implausible TSC";
		return false;
	}
	c->hz = f.hz;
	c->error_ppm = f.error_ppm;
	scnprintf(c->how, sizeof(c->how), "ACPI PM timer at io 0x%x (%u bits), %u ticks = %u us",
		  pm_timer.port, pm_timer.bits, ticks,
		  (uint32_t)((uint64_t)ticks * 1000000 / ACPI_PM_TIMER_HZ));
	return true;
}

/* --- 3. the PIT --------------------------------------------------------------- */

/*
 * One one-shot of PIT_TICKS: the start is bracketed around the write that
 * starts the count, the end between the last poll that saw it running
 * and the first that saw it done.
 */
static struct freq_bound pit_run(void)
{
	struct freq_bound none = { 0, UINT32_MAX };
	struct tsc_bracket start, end;

	start.before = arch_cycles();
	pit_oneshot_start(PIT_TICKS);
	start.after = arch_cycles();
	end.before = start.before;
	for (;;) {
		uint64_t before = arch_cycles();
		bool done = pit_oneshot_done();

		end.after = arch_cycles();
		if (done)
			break;
		end.before = before;
		if (end.after - start.before > GIVE_UP_CYCLES)
			return none;
	}
	return tsc_freq_from_counter(&start, &end, PIT_TICKS, PIT_HZ);
}

bool tsc_measure_pit(struct tsc_calibration *c)
{
	struct freq_bound runs[PIT_RUNS];

	for (unsigned int i = 0; i < PIT_RUNS; i++) {
		struct freq_bound v = pit_run();
		unsigned int j = i;

		if (!v.hz)
			return false;
		for (; j > 0 && runs[j - 1].hz > v.hz; j--)	/* insertion sort */
			runs[j] = runs[j - 1];
		runs[j] = v;
	}
	c->hz = runs[PIT_RUNS / 2].hz;
	c->error_ppm = runs[PIT_RUNS / 2].error_ppm;
	scnprintf(c->how, sizeof(c->how),
		  "PIT, median of %d runs of %d ms, spread %lu.%03lu-%lu.%03lu MHz",
		  PIT_RUNS, PIT_MS, runs[0].hz / 1000000, runs[0].hz / 1000 % 1000,
		  runs[PIT_RUNS - 1].hz / 1000000, runs[PIT_RUNS - 1].hz / 1000 % 1000);
	return true;
}

void tsc_calibration_measure(uint64_t rsdp_phys, struct tsc_calibration *c)
{
	const char *why = "";
	size_t n;

	memset(c, 0, sizeof(*c));
	if (from_cpuid(c) || from_pm_timer(rsdp_phys, c, &why))
		return;
	if (tsc_measure_pit(c)) {
		n = strlen(c->how);
		scnprintf(c->how + n, sizeof(c->how) - n, "; no PM timer: %s", why);
		return;
	}
	c->hz = 0;
}
