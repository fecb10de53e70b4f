/*
 * The 8254 PIT's channel 2 as a one-shot stopwatch (arch/x86/pit.c),
 * used to calibrate the TSC. Channel 2 is the one whose gate and output
 * software can reach through port 0x61, so no interrupt is needed.
 */
#ifndef ARCH_X86_PIT_H
#define ARCH_X86_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ	1193182u	/* the PIT's input clock */

/* Start counting down `ticks` PIT clocks (1..65535). */
void pit_oneshot_start(uint16_t ticks);
/* Has the count reached zero? */
bool pit_oneshot_done(void);

#endif /* ARCH_X86_PIT_H */
