/*
 * Assertions and warnings that explain themselves.
 *
 * Every report names the condition, the file:line, the caller (symbolised
 * with %pS) and whatever values the message adds; pass the values that
 * explain the failure (pfn, refcount, flags...), not just "bad state".
 *
 *   WARN_ON(cond)            report once per call, return cond, carry on
 *   WARN(cond, fmt, ...)     same with a message
 *   WARN_ON_ONCE(cond)       report only the first time this site fires
 *   BUG_ON(cond)             report and panic
 *   panic(fmt, ...)          print, dump a backtrace, end the run
 *
 * panic() belongs to the platform (kernel/panic.c in the kernel, the host
 * shim in tests): in the kernel it reports a running self-test as failed
 * and ends the QEMU run with the crash verdict.
 *
 * A warning also tells the self-test harness, so a test can assert that a
 * warning fired (ktest_warn_count()).
 */
#ifndef LIB_BUG_H
#define LIB_BUG_H

#include <lib/compiler.h>

__noreturn __printf(1, 2) void panic(const char *fmt, ...);

__printf(4, 5) void __warn(const char *file, int line, unsigned long caller,
			   const char *fmt, ...);
/* Warnings issued since boot (the harness samples it around a test). */
unsigned long warn_count(void);
/*
 * Who is running, for the warning line: the self-test harness sets a
 * function that writes "self-test SUITE.CASE" into buf (returning true)
 * while a case runs, so a provoked warning says where it comes from.
 * Set once, before any case runs; NULL by default (the product alone).
 */
void warn_set_context(bool (*fn)(char *buf, size_t size));

#define WARN(cond, fmt, ...) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		__warn(__FILE__, __LINE__, _THIS_IP_, fmt, ##__VA_ARGS__); \
	unlikely(__c);							\
})

#define WARN_ON(cond)	WARN(cond, "WARN_ON(%s)", #cond)

#define WARN_ONCE(cond, fmt, ...) ({					\
	static bool __warned;						\
	bool __c = !!(cond);						\
	if (unlikely(__c) && !__warned) {				\
		__warned = true;					\
		__warn(__FILE__, __LINE__, _THIS_IP_, fmt, ##__VA_ARGS__); \
	}								\
	unlikely(__c);							\
})

#define WARN_ON_ONCE(cond) WARN_ONCE(cond, "WARN_ON_ONCE(%s)", #cond)

#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
} while (0)

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

#endif /* LIB_BUG_H */
