/*
 * Host build: the per-CPU areas of arch/host/include/asm/percpu.h and
 * the "SMP" of kernel/smp.h for host threads.
 *
 * The areas are a static array, one per NR_CPUS slot, laid out like the
 * kernel's (template copy, then the dynamic region at
 * PERCPU_DYNAMIC_OFFSET). A constructor fills them before main(), as the
 * kernel does (percpu_setup_areas(), mm/percpu.c), so
 * per_cpu() works for every slot from the start. HOST_NR_CPUS of them are
 * "online": host_cpu_enter() accepts those, and percpu_ref sums over them.
 *
 * smp_call_function_single() with `wait` runs the function in the
 * calling thread after moving it to the target slot, then moves it back:
 * a one-thread stand-in for an IPI that is enough to put a get on one CPU
 * and the matching put on another. Without `wait` it starts a detached
 * thread on the target slot, so that the caller and the "other CPU" run
 * at the same time, as in the kernel (the spinlock and atomic tests count
 * on that, and ThreadSanitizer then checks them). smp_call_function()
 * does the same for every slot but the caller's.
 */
#include <pthread.h>
#include <stdlib.h>

#include <kernel/smp.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <mm/percpu.h>
#include <asm/page.h>
#include <asm/percpu.h>

unsigned int nr_cpu_ids = HOST_NR_CPUS;
unsigned long __per_cpu_offset[NR_CPUS];
__thread unsigned int host_cpu;

/* Aligned so that the template, like the kernel's, starts on a boundary
 * that template addresses of aligned objects keep. */
DEFINE_PER_CPU(unsigned int, cpu_number) __aligned(64);

static char host_percpu_areas[NR_CPUS][PERCPU_AREA_SIZE] __aligned(PAGE_SIZE);

__attribute__((constructor)) static void host_percpu_init(void)
{
	percpu_setup_areas(host_percpu_areas, __start_zdk_percpu, __stop_zdk_percpu);
}

void host_cpu_enter(unsigned int cpu)
{
	if (cpu >= nr_cpu_ids)
		panic("host_cpu_enter(%u): only %u host CPUs", cpu, nr_cpu_ids);
	host_cpu = cpu;
}

unsigned int num_online_cpus(void)
{
	return nr_cpu_ids;
}

bool cpu_online(unsigned int cpu)
{
	return cpu < nr_cpu_ids;
}

struct host_call {
	unsigned int cpu;
	smp_call_func_t fn;
	void *info;
};

static void *host_call_thread(void *arg)
{
	struct host_call c = *(struct host_call *)arg;

	free(arg);
	host_cpu_enter(c.cpu);
	c.fn(c.info);
	return NULL;
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t fn, void *info,
			     bool wait)
{
	unsigned int home = host_cpu;
	struct host_call *c;
	pthread_attr_t attr;
	pthread_t thread;
	int err;

	if (!cpu_online(cpu))
		return -ENODEV;
	if (wait || cpu == home) {
		host_cpu_enter(cpu);
		fn(info);
		host_cpu_enter(home);
		return 0;
	}
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	*c = (struct host_call){ .cpu = cpu, .fn = fn, .info = info };
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&thread, &attr, host_call_thread, c);
	pthread_attr_destroy(&attr);
	if (err) {
		free(c);
		return -ENOMEM;
	}
	return 0;
}

int smp_call_function(smp_call_func_t fn, void *info, bool wait)
{
	unsigned int home = host_cpu;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		int err;

		if (cpu == home)
			continue;
		err = smp_call_function_single(cpu, fn, info, wait);
		if (err)
			return err;
	}
	return 0;
}

void smp_send_reschedule(unsigned int cpu)
{
}
