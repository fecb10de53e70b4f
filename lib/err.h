/*
 * Errors in pointers: a function that returns an object or a reason it
 * could not (kthread_run_on(), say) returns either a valid pointer or a
 * negative errno cast to a pointer. The top 4095 addresses are never
 * valid objects (the kernel image ends below them), so
 *
 *   struct task_struct *t = kthread_run_on(1, fn, arg);
 *   if (IS_ERR(t))
 *           return PTR_ERR(t);       -ENODEV, -ENOMEM...
 *
 * Linux's ERR_PTR/IS_ERR/PTR_ERR, same values.
 */
#ifndef LIB_ERR_H
#define LIB_ERR_H

#include <lib/compiler.h>

#define MAX_ERRNO	4095

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return unlikely((unsigned long)ptr >= (unsigned long)-MAX_ERRNO);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

#endif /* LIB_ERR_H */
