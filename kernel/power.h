/*
 * Leaving the machine on purpose: power-off and reboot, ACPI first, then
 * the platform's fallbacks. Neither returns.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <lib/compiler.h>

__noreturn void kernel_poweroff(void);
__noreturn void kernel_reboot(void);

#endif /* KERNEL_POWER_H */
