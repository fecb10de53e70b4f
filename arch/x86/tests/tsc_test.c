/*
 * "arch.x86.tsc": the calibration's frequency and error bound
 * (tsc_calibrate.c) on made-up readings whose answer is known, the ACPI
 * PM timer lookup on good and bad tables, and the calibrated clock
 * measured again against the PM timer. Nothing here asserts how long
 * anything took: the live case compares two clocks within the error
 * bounds that the readings themselves give.
 */
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <asm/page.h>
#include <asm/platform.h>
#include "../acpi_pm_timer.h"
#include "../tsc.h"

static struct tsc_bracket at(uint64_t before, uint64_t after, uint32_t count)
{
	return (struct tsc_bracket){ .before = before, .after = after, .count = count };
}

static void midpoints_give_the_frequency(struct ktest *t)
{
	/* 2,000,000 cycles over 3000 ticks of 1.5 MHz (2 ms): 1 GHz */
	struct tsc_bracket a = at(1000, 1200, 0), b = at(2001000, 2001200, 3000);
	struct freq_bound f = tsc_freq_from_counter(&a, &b, 3000, 1500000);

	EXPECT_EQ(t, f.hz, 1000000000);
}

static void one_tick_of_quantization_bounds_exact_reads(struct ktest *t)
{
	/* zero-width brackets: only the +-1 tick of 1000 is left, 1000 ppm */
	struct tsc_bracket a = at(0, 0, 0), b = at(1000000, 1000000, 1000);
	struct freq_bound f = tsc_freq_from_counter(&a, &b, 1000, 1000000);

	EXPECT_EQ(t, f.hz, 1000000000);
	EXPECT_UGE(t, f.error_ppm, 1000);
	EXPECT_ULT(t, f.error_ppm, 1003);
}

static void wider_brackets_widen_the_bound(struct ktest *t)
{
	/* brackets of 1000 cycles at each end of 1,000,000: the extremes lie
	 * half of each, 1000 cycles, beyond the midpoints: 1000 ppm more
	 * than the exact reads' 1000 */
	struct tsc_bracket a = at(0, 1000, 0), b = at(1000000, 1001000, 1000);
	struct freq_bound f = tsc_freq_from_counter(&a, &b, 1000, 1000000);

	EXPECT_UGE(t, f.error_ppm, 1995);
	EXPECT_ULT(t, f.error_ppm, 2010);
}

static void bound_covers_both_extremes(struct ktest *t)
{
	/* lopsided brackets: the far extreme decides */
	struct tsc_bracket a = at(0, 5000, 0), b = at(2000000, 2000100, 2000);
	struct freq_bound f = tsc_freq_from_counter(&a, &b, 2000, 1000000);
	uint64_t fastest = 2000100ULL * 1000000 / 1999;	/* most cycles, fewest ticks */
	uint64_t slowest = (2000000ULL - 5000) * 1000000 / 2001;

	EXPECT_TRUE(t, (fastest - f.hz) * 1000000 / f.hz <= f.error_ppm);
	EXPECT_TRUE(t, (f.hz - slowest) * 1000000 / f.hz <= f.error_ppm);
}

static void too_few_ticks_give_no_frequency(struct ktest *t)
{
	struct tsc_bracket a = at(0, 10, 0), b = at(1000000, 1000010, 1);
	struct freq_bound f = tsc_freq_from_counter(&a, &b, 1, 1000000);

	EXPECT_EQ(t, f.hz, 0);
	EXPECT_EQ(t, f.error_ppm, UINT32_MAX);
}

static void counter_frequency_from_the_tsc(struct ktest *t)
{
	/* 20,000,000 cycles of a 2 GHz TSC (10 ms) while a timer counted
	 * down 625,000: the LAPIC timer case, 62.5 MHz */
	struct tsc_bracket a = at(0, 0, 4000000000u), b = at(20000000, 20000000, 4000000000u - 625000);
	struct freq_bound f = tsc_freq_of_counter(&a, &b, a.count - b.count, 2000000000ULL);

	EXPECT_EQ(t, f.hz, 62500000);
	EXPECT_ULT(t, f.error_ppm, 10);
}

static void missing_rsdp_finds_no_pm_timer(struct ktest *t)
{
	struct acpi_pm_timer pm;
	const char *why = NULL;

	EXPECT_FALSE(t, acpi_pm_timer_find(0, &pm, &why));
	EXPECT_STREQ(t, why, "no RSDP");
	EXPECT_EQ(t, pm.port, 0);
}

static void bad_rsdp_checksum_finds_no_pm_timer(struct ktest *t)
{
	struct acpi_pm_timer pm;
	const char *why = NULL;
	char *rsdp = kmalloc(64);

	ASSERT_NOT_NULL(t, rsdp);
	memset(rsdp, 0, 64);
	memcpy(rsdp, "RSD PTR ", 8);
	rsdp[8] = 1;			/* the first 20 bytes no longer sum to 0 */
	EXPECT_FALSE(t, acpi_pm_timer_find(virt_to_phys(rsdp), &pm, &why));
	EXPECT_STREQ(t, why, "bad RSDP");
	kfree(rsdp);
}

static struct acpi_pm_timer live;

static uint32_t live_read(void)
{
	return acpi_pm_timer_read(&live);
}

static void find_live_timer(struct ktest *t)
{
	const char *why = "";

	if (!acpi_pm_timer_find(arch_rsdp_phys(), &live, &why))
		ktest_skip(t, "no ACPI PM timer here: %s", why);
}

static void pm_timer_advances(struct ktest *t)
{
	uint32_t mask, a, b;

	find_live_timer(t);
	mask = live.bits == 32 ? UINT32_MAX : 0xffffff;
	a = live_read();
	udelay(100);
	b = live_read();
	EXPECT_TRUE(t, live.bits == 24 || live.bits == 32);
	EXPECT_UGE(t, (b - a) & mask, 2);	/* 100 us is 358 ticks */
}

static void clock_agrees_with_the_pm_timer(struct ktest *t)
{
	struct tsc_bracket a, b;
	struct freq_bound f;
	uint64_t hz = tsc_hz(), diff, allowed;

	find_live_timer(t);
	ASSERT_TRUE(t, hz != 0);
	tsc_bracket_read(&a, live_read);
	udelay(2000);
	tsc_bracket_read(&b, live_read);
	f = tsc_freq_from_counter(&a, &b, (b.count - a.count) & (live.bits == 32 ? UINT32_MAX : 0xffffff),
				  ACPI_PM_TIMER_HZ);
	diff = f.hz > hz ? f.hz - hz : hz - f.hz;
	allowed = ((uint64_t)f.error_ppm + tsc_error_ppm()) * (hz / 1000000) + hz / 1000000;
	ktest_log(t, "calibrated %lu Hz +- %u ppm, again %lu Hz +- %u ppm", hz, tsc_error_ppm(),
		f.hz, f.error_ppm);
	EXPECT_TRUE(t, diff <= allowed);
}

#define PIT_JUDGE_PPM	20000	/* runs that agree to 2% say something */

static void pit_fallback_agrees_with_the_clock(struct ktest *t)
{
	struct tsc_calibration c;
	uint64_t hz = tsc_hz(), diff;

	ASSERT_TRUE(t, hz != 0);
	ASSERT_TRUE(t, tsc_measure_pit(&c));
	diff = c.hz > hz ? c.hz - hz : hz - c.hz;
	ktest_log(t, "calibrated %lu Hz +- %u ppm, PIT %lu Hz +- %u ppm (%s)", hz,
		  tsc_error_ppm(), c.hz, c.error_ppm, c.how);
	/*
	 * The PIT's bound is the spread of its runs, not a bracket: when a
	 * busy host stalls the emulated PIT, the runs disagree (seen: 1373 to
	 * 6172 MHz) and there is nothing to judge the clock by.
	 */
	if (c.error_ppm > PIT_JUDGE_PPM)
		ktest_skip(t, "the PIT's runs disagree by %u ppm (over %u): a busy host, nothing "
			   "to judge by", c.error_ppm, PIT_JUDGE_PPM);
	EXPECT_TRUE(t, diff <= ((uint64_t)c.error_ppm + tsc_error_ppm() + 1) * (hz / 1000000));
}

static struct ktest_case tsc_cases[] = {
	KTEST_CASE(midpoints_give_the_frequency, "the frequency comes from the brackets' midpoints"),
	KTEST_CASE(one_tick_of_quantization_bounds_exact_reads, "exact reads still carry one counter tick of doubt at each end"),
	KTEST_CASE(wider_brackets_widen_the_bound, "every cycle of bracket width adds to the bound"),
	KTEST_CASE(bound_covers_both_extremes, "the fastest and the slowest frequency the readings allow lie within the bound"),
	KTEST_CASE(too_few_ticks_give_no_frequency, "fewer than 2 ticks give no frequency and no bound"),
	KTEST_CASE(counter_frequency_from_the_tsc, "the LAPIC timer's clock follows from a down-count and the TSC"),
	KTEST_CASE(missing_rsdp_finds_no_pm_timer, "no RSDP means no PM timer, and says so"),
	KTEST_CASE(bad_rsdp_checksum_finds_no_pm_timer, "an RSDP with a bad checksum is not followed"),
	KTEST_CASE(pm_timer_advances, "the FADT's PM timer is 24 or 32 bits and counts"),
	KTEST_CASE(clock_agrees_with_the_pm_timer, "the TSC measured again against the PM timer agrees within both bounds"),
	KTEST_CASE(pit_fallback_agrees_with_the_clock, "the PIT fallback measures the same TSC within both bounds"),
	{}
};
KTEST_SUITE(tsc_suite, "arch.x86.tsc", tsc_cases);
