/*
 * The boot command line, parsed once for everyone (boot_cmdline(),
 * lib/cmdline.h): the kernel's start, the memory options, the pmem
 * driver's and the teaching modes' parameters all read this one copy.
 *
 * `parsed` is written once, under `lock`, by the first caller (in the
 * kernel: start_kernel(), before any other CPU runs), then read-only;
 * `ready` is set with a release store after it and read with acquire.
 */
#include <lib/cmdline.h>
#include <lib/spinlock.h>
#include <asm/platform.h>

static struct cmdline parsed;		/* 3 KiB: once, then read-only */
static bool ready;			/* release/acquire */
static DEFINE_SPINLOCK(lock);		/* the first parse */

const struct cmdline *boot_cmdline(void)
{
	if (__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
		return &parsed;
	spin_lock(&lock);
	if (!ready) {
		/* an error leaves the arguments before it; cl->error says why */
		cmdline_parse(&parsed, arch_cmdline());
		__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	}
	spin_unlock(&lock);
	return &parsed;
}
