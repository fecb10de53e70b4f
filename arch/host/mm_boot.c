/*
 * Host build: "RAM" for the memory manager, booted before main().
 *
 * The host has no physical memory, but its <asm/page.h> makes the direct
 * map the identity, so an ordinary heap block can pose as RAM at the
 * physical address of its own pointer. This constructor feeds one such
 * block to memblock (as arch_memblock_init does from the UEFI map in the
 * kernel) and runs the kernel's own mem_init(): the same memmap, buddy
 * allocator and kmalloc then serve the mm suites (and the mm benchmarks of
 * the host bench program).
 *
 * It runs before main() registers the console, so mem_init's figures stay
 * out of the KTAP stream (they are in the log ring).
 */
#include <stdio.h>
#include <stdlib.h>

#include <mm/mem_init.h>
#include <mm/memblock.h>
#include <asm/page.h>

#define HOST_RAM_SIZE	(64UL << 20)
#define HOST_RAM_ALIGN	(4UL << 20)	/* one order-10 block at the start */

void arch_memblock_init(void)
{
	void *ram = aligned_alloc(HOST_RAM_ALIGN, HOST_RAM_SIZE);

	if (!ram) {
		perror("zdk-host-tests: host RAM");
		exit(2);
	}
	memblock_add(virt_to_phys(ram), HOST_RAM_SIZE);
}

/*
 * The sanitizer builds (the test programs) are the debug builds; the
 * uninstrumented one (zdk-host-bench) measures the allocator as the kernel
 * runs it by default.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HOST_MM_DEBUG	true
#else
#define HOST_MM_DEBUG	false
#endif

__attribute__((constructor)) static void host_mem_boot(void)
{
	arch_memblock_init();
	mm_options.page_poison = HOST_MM_DEBUG;
	mm_options.slab_debug = HOST_MM_DEBUG;
	mem_init();
}
