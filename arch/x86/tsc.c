/*
 * Time from the TSC, calibrated against the PIT.
 *
 * Calibration runs CALIBRATE_RUNS one-shots of CALIBRATE_MS on PIT
 * channel 2, counts TSC cycles across each, and keeps the median (one run
 * disturbed by the host, as happens under TCG, cannot skew it).
 *
 * Cycles become nanoseconds by a multiply and a shift, ns = cycles * mult
 * >> 32 with mult = 10^9 * 2^32 / hz, computed once: no division on the
 * read path and no overflow for centuries of uptime.
 *
 * ktime_get_ns() counts from the epoch taken at kernel entry and reads 0
 * until calibration is done. Before it, udelay() still delays at least as
 * long as asked by assuming a TSC faster than any real one.
 *
 * The TSC is taken to tick at a constant rate (QEMU's does; CPUID's
 * invariant-TSC bit is printed by cpufeature.c for real machines).
 */
#include <lib/compiler.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <asm/cpu.h>
#include <asm/platform.h>
#include "pit.h"
#include "tsc.h"

#define CALIBRATE_MS		5
#define CALIBRATE_RUNS		3
#define CALIBRATE_TICKS		(PIT_HZ * CALIBRATE_MS / 1000)
/* Give up on a run after this many cycles: 1 s even at 10 GHz. */
#define CALIBRATE_GIVE_UP	10000000000ULL
/* Used by udelay() before calibration: faster than any real TSC. */
#define TSC_HZ_UPPER_BOUND	10000000000ULL

static uint64_t tsc_epoch;
static uint64_t tsc_freq_hz;
static uint64_t ns_mult;		/* ns = cycles * ns_mult >> 32 */

static uint64_t cycles_to_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * ns_mult) >> 32);
}

void tsc_mark_epoch(void)
{
	tsc_epoch = arch_cycles();
}

uint64_t tsc_hz(void)
{
	return tsc_freq_hz;
}

/* TSC frequency from one PIT one-shot, or 0 if the PIT never finished. */
static uint64_t measure_once(void)
{
	uint64_t start, now;

	pit_oneshot_start(CALIBRATE_TICKS);
	start = arch_cycles();
	do {
		now = arch_cycles();
		if (now - start > CALIBRATE_GIVE_UP)
			return 0;
	} while (!pit_oneshot_done());

	return (now - start) * PIT_HZ / CALIBRATE_TICKS;
}

static uint64_t median(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return v[n / 2];
}

void tsc_calibrate(void)
{
	uint64_t runs[CALIBRATE_RUNS];
	uint64_t hz;

	for (unsigned int i = 0; i < CALIBRATE_RUNS; i++) {
		runs[i] = measure_once();
		if (!runs[i]) {
			pr_err("tsc: PIT channel 2 did not count down; "
			       "no calibrated clock (timestamps stay 0)");
			return;
		}
	}
	hz = median(runs, CALIBRATE_RUNS);

	ns_mult = (NSEC_PER_SEC << 32) / hz;
	__atomic_store_n(&tsc_freq_hz, hz, __ATOMIC_RELEASE);
	pr_info("tsc: %lu.%03lu MHz (median of %d runs of %d ms against the PIT, "
		"spread %lu.%03lu-%lu.%03lu MHz)",
		hz / 1000000, hz / 1000 % 1000, CALIBRATE_RUNS, CALIBRATE_MS,
		runs[0] / 1000000, runs[0] / 1000 % 1000,
		runs[CALIBRATE_RUNS - 1] / 1000000,
		runs[CALIBRATE_RUNS - 1] / 1000 % 1000);
}

uint64_t ktime_get_ns(void)
{
	if (!__atomic_load_n(&tsc_freq_hz, __ATOMIC_ACQUIRE))
		return 0;
	return cycles_to_ns(arch_cycles() - tsc_epoch);
}

uint64_t arch_boot_tsc_ns(uint64_t tsc)
{
	if (!__atomic_load_n(&tsc_freq_hz, __ATOMIC_ACQUIRE))
		return 0;
	return cycles_to_ns(tsc);
}

void udelay(uint64_t usecs)
{
	uint64_t hz = tsc_freq_hz ? tsc_freq_hz : TSC_HZ_UPPER_BOUND;
	uint64_t cycles = usecs * (hz / 1000) / 1000;
	uint64_t start = arch_cycles();

	while (arch_cycles() - start < cycles)
		cpu_relax();
}
