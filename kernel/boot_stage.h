/*
 * Boot stages: work that start_kernel() runs once the platform is up
 * (memory, scheduler, ACPI tables, the other CPUs, pmem devices) and
 * before it prints the run's verdict.
 *
 * The kernel defines none itself. A build with the self-test harness
 * (KTEST=y, the default) links four: the self-tests selected by `ktest=`
 * and the benchmarks selected by `bench=` (kernel/tests/boot_stages.c),
 * the soak (`soak=`) and the power-cut writer and checker
 * (`powercut.write=`, `powercut.check=`), in
 * drivers/pmem/tests/kernel/. They register with BOOT_STAGE(), a pointer in the section
 * boot_stages, so start_kernel() names no test code and a KTEST=n build
 * simply has no stages.
 *
 * Order: by `order`, lowest first (equal orders: in link order). Every
 * stage runs. The run's verdict is the first stage
 * verdict that is not PASS (with its detail), else PASS with the detail
 * of the last stage that gave one. When the run dies (die(): a panic or
 * a fatal exception), each stage's `dying` hook, if any, is called once
 * so it can finish what it was printing.
 *
 * Everything here is immutable: the stages are const, in rodata.
 */
#ifndef KERNEL_BOOT_STAGE_H
#define KERNEL_BOOT_STAGE_H

#include <stddef.h>
#include <lib/compiler.h>
#include <kernel/verdict.h>

struct cmdline;

struct boot_stage {
	const char *name;
	int order;
	/* Run; return the verdict the stage deserves, with a detail (which
	 * may stay empty on PASS). */
	enum verdict (*run)(const struct cmdline *cl, char *detail, size_t size);
	/* The run is dying with `reason`; NULL if nothing to finish. */
	void (*dying)(const char *reason);
};

#define BOOT_STAGE(var)							\
	static const struct boot_stage *const __boot_stage_##var	\
		__used __section("boot_stages") = &var

/* Run every stage (start_kernel()); the verdict as above, in *detail. */
enum verdict boot_stages_run(const struct cmdline *cl, char *detail, size_t size);
/* Tell every stage the run is dying (die()). */
void boot_stages_dying(const char *reason);

#endif /* KERNEL_BOOT_STAGE_H */
