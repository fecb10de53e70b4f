/*
 * Host build: the word the ThreadSanitizer build's CPU fences do their
 * locked no-op on (arch/host/include/asm/barrier.h). Thread-local, so
 * the fence synchronises nobody in TSan's eyes, as a real fence would not.
 */
#include <asm/barrier.h>

#ifdef __SANITIZE_THREAD__
__thread int host_fence_word;
#endif
