/*
 * What the rest of arch/x86 asks the bring-up (arch/x86/smpboot.c).
 */
#ifndef ARCH_X86_SMPBOOT_H
#define ARCH_X86_SMPBOOT_H

#include <stdint.h>

enum cpu_state {
	CPU_ABSENT,		/* no CPU has this number */
	CPU_BOOTING,		/* INIT-SIPI-SIPI sent, not online yet */
	CPU_ONLINE,
	CPU_FAILED,		/* did not come up in time; parked with INIT */
};

/* The APIC id of CPU `cpu` (valid for cpu < nr_cpu_ids). */
uint32_t cpu_apic_id(unsigned int cpu);
enum cpu_state cpu_state(unsigned int cpu);
/* For a failed CPU: the last bring-up step it reported, as words. */
const char *cpu_failed_step(unsigned int cpu);
/* The CPU number with this APIC id, or -1. */
int cpu_of_apic_id(uint32_t apic_id);

/* Called from the AP's first kernel instruction (trampoline.asm). */
__attribute__((noreturn)) void ap_start_kernel(unsigned int cpu);

#endif /* ARCH_X86_SMPBOOT_H */
