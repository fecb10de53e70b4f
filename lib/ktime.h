/*
 * Time since boot. Implemented by the platform: arch/x86/tsc.c in the
 * kernel (calibrated TSC; 0 until calibration), the host shim in tests.
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

#endif /* LIB_KTIME_H */
