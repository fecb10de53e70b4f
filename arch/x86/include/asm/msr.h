/*
 * Model-specific registers: rdmsr/wrmsr and the few MSRs arch/x86 uses.
 * For arch/x86 only.
 */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include <stdint.h>

#define MSR_EFER	0xc0000080	/* extended feature enables */
#define EFER_NXE	(1ULL << 11)	/* honour the NX bit in page tables */

#define MSR_PAT		0x00000277	/* page attribute table: 8 memory types */

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

#endif /* ASM_MSR_H */
