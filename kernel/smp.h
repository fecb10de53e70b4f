/*
 * SMP as generic code sees it: which CPUs run, and running a function on
 * other CPUs.
 *
 *   nr_cpu_ids              (lib/percpu_defs.h) CPU numbers in use: 0 .. nr_cpu_ids-1
 *                           are the CPUs the firmware lists as usable; 1 until
 *                           smp_boot_cpus() sets it, before any other CPU runs
 *   num_online_cpus()       CPUs running kernel code now
 *   cpu_online(cpu)         is `cpu` one of them? (CPU 0, the boot CPU, always)
 *   for_each_online_cpu(cpu)
 *
 *   smp_call_function_single(cpu, fn, info, wait)
 *           run fn(info) on `cpu`, in its interrupt context (interrupts
 *           masked there, so fn must be short and must not wait for
 *           another CPU); on the calling CPU itself it is a plain call with
 *           interrupts masked. With `wait`, return once fn has run;
 *           without, return at once (fn runs soon; info must stay valid
 *           until then). 0; -ENODEV if `cpu` is not online; -ENOMEM if
 *           an asynchronous call cannot get its few bytes.
 *   smp_call_function(fn, info, wait)
 *           the same on every online CPU except the caller's; 0 or -ENOMEM.
 *   smp_send_reschedule(cpu)
 *           interrupt `cpu` so that it runs scheduler_ipi() (kernel/cpu.h).
 *
 * Rules for callers: call with interrupts enabled when another CPU is
 * involved and `wait` is set. A CPU waiting with interrupts off cannot
 * answer the other CPU's call to it, so two of them calling each other
 * would wait forever; the calls WARN (once) when asked to wait with
 * interrupts off. Never call from fn itself.
 *
 * How the IPIs work (per-CPU call queues, one vector for all calls) is in
 * kernel/smp.c and docs/smp.md. Implementations: kernel/smp.c over the
 * architecture's bring-up and IPIs (arch/x86/smpboot.c, apic.c); on the
 * host, arch/host/percpu.c, where a host "CPU" is a slot a thread runs
 * on: a waited call runs fn in the calling thread moved to slot `cpu`, an
 * asynchronous one in a new thread on that slot.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <lib/compiler.h>
#include <asm/percpu.h>

typedef void (*smp_call_func_t)(void *info);

unsigned int num_online_cpus(void);
bool cpu_online(unsigned int cpu);

#define for_each_online_cpu(cpu)					\
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++)			\
		if (!cpu_online(cpu)) {} else

int smp_call_function_single(unsigned int cpu, smp_call_func_t fn, void *info,
			     bool wait);
int smp_call_function(smp_call_func_t fn, void *info, bool wait);
void smp_send_reschedule(unsigned int cpu);

/*
 * Bring every CPU the firmware lists up (the boot CPU's LAPIC and timer
 * first), report the ones that do not come, and return with interrupts
 * enabled on the boot CPU. start_kernel calls it once, after ACPI and the
 * page allocator are up (arch/x86/smpboot.c).
 */
void smp_boot_cpus(void);

/* --- for the architecture (kernel/smp.c) ------------------------------ */

/* Before any other CPU starts: CPUs 0..possible-1 may come online. */
void smp_prepare_cpus(unsigned int possible);
/* A CPU marks itself online, ready for calls (interrupts may still be off). */
void set_cpu_online(unsigned int cpu);
/* The call-function IPI arrived: run this CPU's queued calls. */
void smp_call_function_interrupt(void);
/* Calls this CPU has run for others since boot. */
unsigned long smp_calls_handled(unsigned int cpu);

/* The architecture sends the two IPIs (arch/x86/ipi.c). */
void arch_send_call_function_ipi(unsigned int cpu);
void arch_send_reschedule_ipi(unsigned int cpu);

#endif /* KERNEL_SMP_H */
