/* Host build: the C library's setjmp/longjmp stand in for the kernel's. */
#ifndef ASM_SETJMP_H
#define ASM_SETJMP_H

#include <setjmp.h>

typedef jmp_buf arch_jmp_buf;
#define arch_setjmp(buf)	setjmp(buf)
#define arch_longjmp(buf, v)	longjmp(buf, v)

#endif /* ASM_SETJMP_H */
