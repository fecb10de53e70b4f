/*
 * Time from the TSC.
 *
 * tsc_calibrate() learns the frequency once at boot (tsc_calibrate.c:
 * from CPUID, the ACPI PM timer or the PIT, with an error bound) and
 * prints how. Cycles become nanoseconds by a multiply and a shift, ns =
 * cycles * mult >> 32 with mult = 10^9 * 2^32 / hz, computed once: no
 * division on the read path and no overflow for centuries of uptime.
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
#include "tsc.h"

/* Used by udelay() before calibration: faster than any real TSC. */
#define TSC_HZ_UPPER_BOUND	10000000000ULL

static uint64_t tsc_epoch;
static uint64_t tsc_freq_hz;		/* written once, release; 0 = not yet */
static uint32_t tsc_freq_error_ppm;	/* written once, before tsc_freq_hz */
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

uint32_t tsc_error_ppm(void)
{
	return tsc_freq_error_ppm;
}

void tsc_calibrate(uint64_t rsdp_phys)
{
	uint64_t t0 = arch_cycles(), us;
	struct tsc_calibration c;

	tsc_calibration_measure(rsdp_phys, &c);
	if (!c.hz) {
		pr_err("tsc: no reference clock answered (no CPUID frequency, no PM timer, "
		       "PIT channel 2 did not count down); no calibrated clock (timestamps stay 0)");
		return;
	}
	ns_mult = (NSEC_PER_SEC << 32) / c.hz;
	tsc_freq_error_ppm = c.error_ppm;
	__atomic_store_n(&tsc_freq_hz, c.hz, __ATOMIC_RELEASE);
	us = cycles_to_ns(arch_cycles() - t0) / 1000;
	pr_info("tsc: %lu.%03lu MHz +- %u ppm (%s; took %lu.%03lu ms)",
		c.hz / 1000000, c.hz / 1000 % 1000, c.error_ppm, c.how, us / 1000, us % 1000);
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
