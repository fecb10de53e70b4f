/*
 * start_kernel(): the generic half of boot. The architecture calls it once
 * its own setup is done: the kernel's GDT/IDT are live, the serial console
 * is registered with printk, the TSC is calibrated and interrupts are off.
 */
#ifndef KERNEL_MAIN_H
#define KERNEL_MAIN_H

#include <stdint.h>
#include <lib/compiler.h>

__noreturn void start_kernel(void);

/* Nanoseconds from the loader's entry to the boot stages (0 before). */
uint64_t kernel_ready_ns(void);

#endif /* KERNEL_MAIN_H */
