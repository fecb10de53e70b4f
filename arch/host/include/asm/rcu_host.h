/*
 * Host build: what arch/host/rcu.c adds to kernel/rcu.h.
 *
 * The shim has two read sides (arch/host/rcu.c says why): "membarrier",
 * whose rcu_read_lock() is a plain store and whose synchronize_rcu()
 * calls membarrier(2), and "exchange", whose rcu_read_lock() is a locked
 * exchange: the fallback where the kernel has no private expedited
 * membarrier, and every ThreadSanitizer build. The choice is made once,
 * before main().
 */
#ifndef ASM_RCU_HOST_H
#define ASM_RCU_HOST_H

/* HOST_TSAN: this is a ThreadSanitizer build (gcc's macro, or clang's). */
#if defined(__SANITIZE_THREAD__)
#define HOST_TSAN	1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HOST_TSAN	1
#endif
#endif

/* "membarrier" or "exchange": the read side this process uses. */
const char *rcu_host_read_side(void);

#endif /* ASM_RCU_HOST_H */
