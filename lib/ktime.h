/*
 * Time since boot. Implemented by the platform: arch/x86/tsc.c in the
 * kernel (calibrated TSC; 0 until calibration), arch/host/platform.c on
 * the host; mdelay() and the deadlines are lib/ktime.c, over those.
 */
#ifndef LIB_KTIME_H
#define LIB_KTIME_H

#include <stdint.h>

#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

uint64_t ktime_get_ns(void);
/* Busy-wait (no sleeping); for early code, drivers and tests. */
void udelay(uint64_t usecs);
void mdelay(uint64_t msecs);

/* Now + ms, saturating; and the whole ms left until a deadline (>= 1)
 * (lib/ktime.c). */
uint64_t deadline_after_ms(unsigned long ms);
long ms_left_until(uint64_t deadline_ns);

#endif /* LIB_KTIME_H */
