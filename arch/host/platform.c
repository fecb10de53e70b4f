/*
 * Host build: the platform services generic code expects from the kernel
 * (time, delays, panic, the asm/platform.h calls), done with the C
 * library so the generic code runs as an ordinary process.
 *
 * panic() prints its message through printk like the kernel does, dumps
 * the stack, lets the harness close the KTAP output (ktest_crash) and
 * exits with status 2, the host's "crash" verdict.
 */
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <lib/bug.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/platform.h>

#define HOST_EXIT_CRASH	2

uint64_t ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void udelay(uint64_t usecs)
{
	uint64_t end = ktime_get_ns() + usecs * NSEC_PER_USEC;

	while (ktime_get_ns() < end)
		cpu_relax();
}

void panic(const char *fmt, ...)
{
	static int panicking;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	/* A panic while panicking: say so and leave at once. */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		fprintf(stderr, "panic during panic: %s\n", msg);
		_exit(HOST_EXIT_CRASH);
	}
	pr_emerg("Kernel panic: %s", msg);
	dump_stack();
	ktest_crash(msg);
	fflush(stdout);
	exit(HOST_EXIT_CRASH);
}

void arch_halt_forever(void)
{
	pr_emerg("arch_halt_forever() on the host: exiting");
	fflush(stdout);
	exit(HOST_EXIT_CRASH);
}

uint64_t direct_map_size(void)
{
	return 0;
}

bool phys_in_direct_map(uint64_t phys, uint64_t size)
{
	return false;
}

/* --- asm/platform.h -------------------------------------------------- */

int arch_console_getc(void)
{
	return -1;
}

int arch_console_trygetc(void)
{
	return -1;
}

void arch_debug_exit(uint32_t code)
{
	fflush(stdout);
	exit((int)(code & 0xff));
}

void arch_reboot(void)
{
	fflush(stdout);
	exit(0);
}

void acpi_os_write_port(uint16_t port, uint32_t value, unsigned int width_bits)
{
}

uint32_t acpi_os_read_port(uint16_t port, unsigned int width_bits)
{
	return 0;
}

const char *arch_cmdline(void)
{
	return "";
}

uint64_t arch_rsdp_phys(void)
{
	return 0;
}

uint64_t arch_loader_ns(void)
{
	return 0;
}

uint64_t arch_boot_tsc_ns(uint64_t tsc)
{
	return tsc;	/* the host's arch_cycles() already counts ns */
}

/*
 * The C library's unwinder, to stderr so the KTAP stream on stdout stays
 * clean; frames show as module+offset (addr2line -e turns them into
 * lines).
 */
void dump_stack(void)
{
	void *frames[32];
	int n = backtrace(frames, 32);

	fflush(stdout);
	fprintf(stderr, "Call trace:\n");
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
}

void dump_stack_from(unsigned long fp, unsigned long ip)
{
	printk_level(LOGLEVEL_EMERG, "  ip %pS (frame walk from fp %#lx not done on the host)",
		     (void *)ip, fp);
	dump_stack();
}
