/*
 * CPU features found with CPUID at boot (arch/x86/cpufeature.c).
 *
 * Detected once, before anything asks; read-only afterwards. Code that
 * can use a feature asks cpu_has() and keeps a fallback: the set differs
 * between QEMU's TCG (`-cpu max`) and real hardware under KVM.
 */
#ifndef ASM_CPUFEATURE_H
#define ASM_CPUFEATURE_H

#include <stdbool.h>
#include <stdint.h>

enum cpu_feature {
	X86_FEATURE_ERMS,		/* fast `rep movsb` / `rep stosb` */
	X86_FEATURE_FSRM,		/* fast short `rep movsb` */
	X86_FEATURE_CLFLUSH,
	X86_FEATURE_CLFLUSHOPT,
	X86_FEATURE_CLWB,
	X86_FEATURE_SMEP,
	X86_FEATURE_SMAP,
	X86_FEATURE_NX,
	X86_FEATURE_GBPAGES,		/* 1 GiB pages */
	X86_FEATURE_INVARIANT_TSC,
	X86_FEATURE_X2APIC,
	X86_FEATURE_PCID,
	X86_FEATURE_RDTSCP,
	X86_FEATURE_FSGSBASE,
	X86_FEATURE_PGE,		/* global pages */
	X86_FEATURE_PAT,		/* page attribute table */
	X86_FEATURE_COUNT
};

/* Bit f set <=> feature f present. Written once by cpu_features_init(). */
extern uint32_t x86_cpu_features;

static inline bool cpu_has(enum cpu_feature f)
{
	return x86_cpu_features & (1u << f);
}

/* The feature's name as /proc/cpuinfo spells it ("erms", "clwb"...). */
const char *cpu_feature_name(enum cpu_feature f);

/* Bytes flushed by one CLFLUSH/CLFLUSHOPT/CLWB (CPUID.1:EBX[15:8] * 8). */
unsigned int cpu_clflush_size(void);

/* Run CPUID, fill the feature set, print it on one line. */
void cpu_features_init(void);

#endif /* ASM_CPUFEATURE_H */
