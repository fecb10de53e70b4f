/*
 * Reading and writing the control registers (CR0, CR2, CR3, CR4).
 * For arch/x86: the fault report prints them, paging code will write them.
 */
#ifndef ASM_CTRLREGS_H
#define ASM_CTRLREGS_H

#include <stdint.h>

#define X86_CR0_WP	(1UL << 16)	/* supervisor writes honour R/O pages */
#define X86_CR4_PGE	(1UL << 7)
#define X86_CR4_OSFXSR	(1UL << 9)
#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_PCIDE	(1UL << 17)
#define X86_CR4_SMEP	(1UL << 20)
#define X86_CR4_SMAP	(1UL << 21)

#define DEFINE_CR_ACCESSORS(n)						\
static inline uint64_t read_cr##n(void)					\
{									\
	uint64_t v;							\
	__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v) :: "memory");	\
	return v;							\
}									\
static inline void write_cr##n(uint64_t v)				\
{									\
	__asm__ volatile("mov %0, %%cr" #n :: "r"(v) : "memory");	\
}

DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)

#undef DEFINE_CR_ACCESSORS

#endif /* ASM_CTRLREGS_H */
