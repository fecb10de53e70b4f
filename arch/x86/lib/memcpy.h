/*
 * Choosing how memcpy() and memset() move bytes (arch/x86/lib/memcpy.c).
 */
#ifndef ARCH_X86_LIB_MEMCPY_H
#define ARCH_X86_LIB_MEMCPY_H

/* Pick the byte-string instructions if CPUID says they are fast. Once,
 * after cpu_features_init(); both paths are correct before it. */
void memcpy_init(void);

#endif /* ARCH_X86_LIB_MEMCPY_H */
