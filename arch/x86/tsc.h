/*
 * The TSC as the kernel's clock (arch/x86/tsc.c). The generic interface
 * is <lib/ktime.h>; this is the boot side.
 */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include <stdint.h>

/* Take "now" as time zero of ktime_get_ns(); first thing at boot. */
void tsc_mark_epoch(void);
/* Measure the TSC frequency against the PIT and print it. */
void tsc_calibrate(void);
/* Measured frequency in Hz, 0 before (or without) calibration. */
uint64_t tsc_hz(void);

#endif /* ARCH_X86_TSC_H */
