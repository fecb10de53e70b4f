/*
 * The TSC as the kernel's clock (arch/x86/tsc.c) and its calibration
 * (arch/x86/tsc_calibrate.c). The generic interface is <lib/ktime.h>;
 * this is the boot side.
 */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include <stdbool.h>
#include <stdint.h>

/* Take "now" as time zero of ktime_get_ns(); first thing at boot. */
void tsc_mark_epoch(void);
/*
 * Find the TSC frequency (tsc_calibrate.c: CPUID, else the ACPI PM timer
 * the FADT under rsdp_phys names, else the PIT), start the clock and
 * print the method and its error bound.
 */
void tsc_calibrate(uint64_t rsdp_phys);
/* Measured frequency in Hz, 0 before (or without) calibration. */
uint64_t tsc_hz(void);
/* The calibration's error bound, in parts per million. */
uint32_t tsc_error_ppm(void);

/*
 * A read of another counter between two reads of the TSC: the counter
 * was sampled at some TSC value in [before, after]. This struct and the
 * two below are plain values, each owned by the one caller that fills it
 * (no sharing, no lock).
 */
struct tsc_bracket {
	uint64_t before, after;
	uint32_t count;
};

/* Reads `read` between two TSC reads, the narrowest of a few tries. */
void tsc_bracket_read(struct tsc_bracket *b, uint32_t (*read)(void));

/*
 * The frequency of a counter that advanced `ticks` between two bracketed
 * reads of it, given the TSC's frequency (or, turned around, the TSC's
 * given the counter's): see tsc_calibrate.c.
 */
struct freq_bound {
	uint64_t hz;		/* from the brackets' midpoints */
	uint32_t error_ppm;	/* the true value is within hz +- this */
};
struct freq_bound tsc_freq_of_counter(const struct tsc_bracket *a, const struct tsc_bracket *b,
				      uint64_t ticks, uint64_t tsc_hz);
struct freq_bound tsc_freq_from_counter(const struct tsc_bracket *a, const struct tsc_bracket *b,
					uint64_t ticks, uint64_t counter_hz);

/* CPUID 0x15's core crystal in Hz on an Intel CPU that gives it, else 0. */
uint32_t cpuid_core_crystal_hz(void);

/* What tsc_calibrate.c found. */
struct tsc_calibration {
	uint64_t hz;		/* 0: every method failed */
	uint32_t error_ppm;
	char how[120];		/* the method and its window, for the log */
};
void tsc_calibration_measure(uint64_t rsdp_phys, struct tsc_calibration *c);
/* The PIT method alone (the fallback; a test compares it with the clock). */
bool tsc_measure_pit(struct tsc_calibration *c);

#endif /* ARCH_X86_TSC_H */
