/*
 * The ACPI power-management timer (arch/x86/acpi_pm_timer.c): a free
 * running counter at 3.579545 MHz, 24 or 32 bits wide, in the I/O port
 * the FADT names. The TSC is calibrated against it at boot, before the
 * ACPI tables are scanned, so it finds the FADT on its own.
 */
#ifndef ARCH_X86_ACPI_PM_TIMER_H
#define ARCH_X86_ACPI_PM_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_PM_TIMER_HZ	3579545u

/* Filled once by acpi_pm_timer_find(), read-only afterwards. */
struct acpi_pm_timer {
	uint16_t port;		/* 0: none */
	uint8_t bits;		/* 24 or 32 */
};

/*
 * Finds the timer through the RSDP (XSDT, else RSDT, then the FADT),
 * checking each checksum; reads physical memory through the direct map,
 * so it runs while the loader's map of [0, 4 GiB) is still in place.
 * Returns false, with a reason in *why, when there is no usable timer.
 */
bool acpi_pm_timer_find(uint64_t rsdp_phys, struct acpi_pm_timer *t, const char **why);
/* The current count; the upper bits of a 24-bit timer are zero. */
uint32_t acpi_pm_timer_read(const struct acpi_pm_timer *t);

#endif /* ARCH_X86_ACPI_PM_TIMER_H */
