/*
 * The kernel thread on CPU 1 of suite pgmap.modes
 * (drivers/pmem/tests/dax_modes_test.c); the weak defaults in
 * drivers/pmem/tests/zone_device_test.c make the host build skip.
 */
#include <kernel/kthread.h>
#include <lib/err.h>

int dax_test_run_on_cpu1(int (*fn)(void *), void *arg, void **handle);
int dax_test_join(void *handle);

int dax_test_run_on_cpu1(int (*fn)(void *), void *arg, void **handle)
{
	struct task_struct *t = kthread_run_on(1, fn, arg);

	if (IS_ERR(t))
		return (int)PTR_ERR(t);
	*handle = t;
	return 0;
}

int dax_test_join(void *handle)
{
	return kthread_join(handle);
}
