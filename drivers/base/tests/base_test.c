/*
 * drivers.base: the device model and devres, on a private test bus.
 *
 * Each case registers the bus "ktest-bus", its devices and drivers, and
 * takes them down again (a case that stopped half-way is cleaned up by
 * the next one's setup). The test driver's probe() takes a managed
 * allocation and then registers numbered actions that append their
 * number to log[]; remove() appends 100. So the order of teardown is read
 * from log[], and "nothing is left" is checked from the device's devres
 * count and the kmalloc objects in use. The error lines of the refusal
 * cases are expected in the log.
 */
#include <drivers/base/devres.h>
#include <drivers/base/internal.h>
#include <kernel/completion.h>
#include <kernel/kthread.h>
#include <lib/err.h>
#include <kernel/sched.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <mm/slab.h>

/* --- the fixture ------------------------------------------------------------------ */

static int log_buf[32];
static unsigned int nlog;

static void record(void *arg)
{
	if (nlog < ARRAY_SIZE(log_buf))
		log_buf[nlog] = (int)(uintptr_t)arg;
	nlog++;
}

#define LOG_IS(t, ...) do {						\
	const int __want[] = { __VA_ARGS__ };				\
	EXPECT_EQ(t, nlog, ARRAY_SIZE(__want));				\
	for (unsigned int __i = 0; __i < ARRAY_SIZE(__want) && __i < nlog; __i++) \
		EXPECT_EQ(t, log_buf[__i], __want[__i]);		\
} while (0)

static int probe_result;		/* what tprobe returns after its acquisitions */
static unsigned int probe_actions;	/* actions tprobe registers: 1..n */
static unsigned int removes;

static int tprobe(struct device *dev)
{
	int *mem = devm_kzalloc(dev, 200);

	if (!mem)
		return -ENOMEM;
	for (unsigned int i = 1; i <= probe_actions; i++) {
		int err = devm_add_action(dev, record, (void *)(uintptr_t)i);

		if (err)
			return err;
	}
	dev_set_drvdata(dev, mem);
	return probe_result;
}

static void tremove(struct device *dev)
{
	removes++;
	record((void *)100);
}

static bool tmatch(struct device *dev, struct device_driver *drv)
{
	return strcmp(drv->name, "nomatch") != 0;
}

static struct bus_type tbus = { .name = "ktest-bus", .match = tmatch };
static struct device_driver tdrv = { .name = "tdrv", .bus = &tbus,
				     .probe = tprobe, .remove = tremove };
static struct device_driver nomatch = { .name = "nomatch", .bus = &tbus,
					.probe = tprobe };

struct tdev {
	struct device dev;
	unsigned int id;
};

static unsigned int released[8];	/* release() calls per tdev id */
static struct tdev *tdevs[8];		/* created by this case */

static void tdev_release(struct device *dev)
{
	struct tdev *td = container_of(dev, struct tdev, dev);

	released[td->id]++;
	tdevs[td->id] = NULL;
	kfree(td);
}

/* A device "tdevN" on the test bus, initialised; added if `add`. */
static struct device *tdev_new(struct ktest *t, unsigned int id, bool add)
{
	struct tdev *td = kzalloc(sizeof(*td));

	ASSERT_NOT_NULL(t, td);
	td->id = id;
	device_initialize(&td->dev);
	device_set_name(&td->dev, "tdev%u", id);
	td->dev.bus = &tbus;
	td->dev.release = tdev_release;
	tdevs[id] = td;
	if (add)
		ASSERT_EQ(t, device_add(&td->dev), 0);
	return &td->dev;
}

/* The async driver: tprobe behind a gate the case opens. */
static struct completion gate;
static bool gate_ready;			/* gate initialised once */
static struct task_struct *async_prober;	/* (a) the task its probe ran in, once
						 * it has reached the gate */

static int async_tprobe(struct device *dev)
{
	device_set_progress(dev, "steps", 4);
	__atomic_fetch_add(&dev->progress.done, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&async_prober, current, __ATOMIC_RELEASE);	/* at the gate */
	wait_for_completion(&gate);
	return tprobe(dev);
}

static struct device_driver adrv = { .name = "adrv", .bus = &tbus, .probe = async_tprobe,
				     .remove = tremove, .probe_async = true };

static void teardown(void)
{
	if (gate_ready)
		complete_all(&gate);	/* a case that stopped with its gate shut */
	wait_for_device_probe();
	if (adrv.registered)
		driver_unregister(&adrv);
	if (tdrv.registered)
		driver_unregister(&tdrv);
	if (nomatch.registered)
		driver_unregister(&nomatch);
	for (unsigned int i = 0; i < ARRAY_SIZE(tdevs); i++) {
		if (!tdevs[i])
			continue;
		if (tdevs[i]->dev.registered)
			device_unregister(&tdevs[i]->dev);
		else
			put_device(&tdevs[i]->dev);
	}
	if (tbus.registered)
		bus_unregister(&tbus);
	devres_inject_alloc_failures(0, 0);
}

static void setup(struct ktest *t, bool autoprobe)
{
	teardown();
	memset(released, 0, sizeof(released));
	nlog = 0;
	removes = 0;
	probe_result = 0;
	probe_actions = 3;
	init_completion(&gate);
	gate_ready = true;
	__atomic_store_n(&async_prober, NULL, __ATOMIC_RELAXED);
	tbus.autoprobe = autoprobe;
	ASSERT_EQ(t, bus_register(&tbus), 0);
}

static void count_inuse(struct kmem_cache *c, void *arg)
{
	*(unsigned long *)arg += c->nr_inuse;
}

/* kmalloc objects in use, all classes: a leak shows as a difference. */
static unsigned long kmalloc_inuse(void)
{
	unsigned long n = 0;

	kmem_cache_for_each(count_inuse, &n);
	return n;
}

/* --- cases ------------------------------------------------------------------------- */

static void bind_unbind_by_name(struct ktest *t)
{
	struct device *dev;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	ASSERT_EQ(t, driver_register(&tdrv), 0);
	EXPECT_EQ(t, dev->state, DEVICE_UNBOUND);	/* no autoprobe on this bus */

	ASSERT_EQ(t, device_bind(dev, "tdrv"), 0);
	EXPECT_EQ(t, dev->state, DEVICE_BOUND);
	EXPECT_TRUE(t, dev->driver == &tdrv);
	EXPECT_NOT_NULL(t, dev_get_drvdata(dev));
	EXPECT_EQ(t, dev->devres_count, 4);		/* memory + 3 actions */
	ASSERT_EQ(t, device_unbind(dev), 0);
	EXPECT_EQ(t, dev->state, DEVICE_UNBOUND);
	EXPECT_NULL(t, dev->driver);
	EXPECT_NULL(t, dev_get_drvdata(dev));
	EXPECT_EQ(t, dev->devres_count, 0);

	ASSERT_EQ(t, device_bind(dev, "tdrv"), 0);	/* and again */
	EXPECT_EQ(t, dev->nprobes, 2);
	EXPECT_EQ(t, device_unbind(dev), 0);
	EXPECT_EQ(t, removes, 2);
	teardown();
}

static void devres_released_lifo(struct ktest *t)
{
	struct device *dev;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	ASSERT_EQ(t, driver_register(&tdrv), 0);
	ASSERT_EQ(t, device_bind(dev, "tdrv"), 0);
	EXPECT_EQ(t, nlog, 0);				/* nothing released yet */
	nlog = 0;
	ASSERT_EQ(t, device_unbind(dev), 0);
	LOG_IS(t, 100, 3, 2, 1);		/* remove(), then newest first */
	teardown();
}

static void devres_names_newest_first(struct ktest *t)
{
	const char *names[8];
	struct device *dev;
	void *a, *b;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	a = devm_kzalloc(dev, 16);
	ASSERT_NOT_NULL(t, a);
	ASSERT_EQ(t, devm_add_action(dev, record, (void *)1), 0);
	b = devm_kzalloc(dev, 32);
	ASSERT_NOT_NULL(t, b);
	ASSERT_EQ(t, devres_names(dev, names, ARRAY_SIZE(names)), 3);
	EXPECT_STREQ(t, names[0], "devm_kzalloc");
	EXPECT_STREQ(t, names[1], "record");
	EXPECT_STREQ(t, names[2], "devm_kzalloc");
	devm_kfree(dev, a);				/* out of the middle */
	ASSERT_EQ(t, devres_names(dev, names, ARRAY_SIZE(names)), 2);
	EXPECT_STREQ(t, names[1], "record");
	EXPECT_EQ(t, devres_release_all(dev), 2);
	LOG_IS(t, 1);
	teardown();
}

static void devm_kzalloc_is_zeroed(struct ktest *t)
{
	struct device *dev;
	unsigned char *p;
	unsigned int nonzero = 0;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	p = devm_kzalloc(dev, 1000);
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, (uintptr_t)p % 16, 0);
	for (unsigned int i = 0; i < 1000; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(t, nonzero, 0);
	memset(p, 0xab, 1000);				/* all of it is ours */
	teardown();
}

static void add_action_or_reset_runs_on_failure(struct ktest *t)
{
	struct device *dev;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	devres_inject_alloc_failures(0, 1);
	EXPECT_EQ(t, devm_add_action_or_reset(dev, record, (void *)7), -ENOMEM);
	LOG_IS(t, 7);					/* ran at once */
	EXPECT_EQ(t, dev->devres_count, 0);
	EXPECT_EQ(t, devm_add_action_or_reset(dev, record, (void *)8), 0);
	LOG_IS(t, 7);					/* registered, not run */
	EXPECT_EQ(t, devres_release_all(dev), 1);
	LOG_IS(t, 7, 8);
	teardown();
}

static void probe_failure_releases_everything(struct ktest *t)
{
	unsigned long before;
	struct device *dev;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	ASSERT_EQ(t, driver_register(&tdrv), 0);
	before = kmalloc_inuse();
	probe_result = -EIO;
	EXPECT_EQ(t, device_bind(dev, "tdrv"), -EIO);
	LOG_IS(t, 3, 2, 1);				/* no remove(): it never bound */
	EXPECT_EQ(t, dev->state, DEVICE_UNBOUND);
	EXPECT_NULL(t, dev->driver);
	EXPECT_EQ(t, dev->last_probe_err, -EIO);
	EXPECT_EQ(t, dev->devres_count, 0);
	EXPECT_EQ(t, kmalloc_inuse(), before);
	probe_result = 0;				/* a later probe may succeed */
	EXPECT_EQ(t, device_bind(dev, "tdrv"), 0);
	EXPECT_EQ(t, dev->last_probe_err, 0);
	teardown();
}

static void probe_out_of_memory_midway(struct ktest *t)
{
	unsigned long before;
	struct device *dev;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	ASSERT_EQ(t, driver_register(&tdrv), 0);
	before = kmalloc_inuse();
	probe_actions = 5;
	/* memory, actions 1 and 2 succeed; action 3 finds no memory */
	devres_inject_alloc_failures(3, 1);
	EXPECT_EQ(t, device_bind(dev, "tdrv"), -ENOMEM);
	LOG_IS(t, 2, 1);
	EXPECT_EQ(t, dev->state, DEVICE_UNBOUND);
	EXPECT_EQ(t, dev->devres_count, 0);
	EXPECT_EQ(t, kmalloc_inuse(), before);
	teardown();
}

static void refcount_release_runs_once(struct ktest *t)
{
	struct device *dev;

	setup(t, false);
	dev = tdev_new(t, 1, true);
	EXPECT_EQ(t, device_refcount(dev), 2);		/* creator + device list */
	get_device(dev);
	get_device(dev);
	EXPECT_EQ(t, device_refcount(dev), 4);
	device_unregister(dev);				/* drops both of its own */
	EXPECT_EQ(t, device_refcount(dev), 2);
	EXPECT_EQ(t, released[1], 0);			/* holders keep it alive */
	EXPECT_EQ(t, device_bind(dev, "tdrv"), -ENODEV);	/* but not usable */
	put_device(dev);
	EXPECT_EQ(t, released[1], 0);
	put_device(dev);				/* the last one */
	EXPECT_EQ(t, released[1], 1);
	EXPECT_NULL(t, tdevs[1]);
	teardown();
	EXPECT_EQ(t, released[1], 1);
}

static void unknown_names_clear_errors(struct ktest *t)
{
	struct device *dev, *dup;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	ASSERT_EQ(t, driver_register(&tdrv), 0);
	ASSERT_EQ(t, driver_register(&nomatch), 0);
	EXPECT_NULL(t, device_find("no-such-device"));
	EXPECT_EQ(t, device_bind(dev, "no-such-driver"), -ENOENT);
	EXPECT_EQ(t, device_bind(dev, "nomatch"), -ENODEV);
	EXPECT_EQ(t, device_unbind(dev), -EINVAL);	/* not bound */
	EXPECT_EQ(t, dev->state, DEVICE_UNBOUND);
	ASSERT_EQ(t, device_bind(dev, "tdrv"), 0);
	EXPECT_EQ(t, device_bind(dev, "tdrv"), -EBUSY);	/* already bound */
	EXPECT_EQ(t, driver_register(&tdrv), -EEXIST);
	dup = tdev_new(t, 2, false);
	device_set_name(dup, "tdev0");
	EXPECT_EQ(t, device_add(dup), -EEXIST);
	EXPECT_EQ(t, removes, 0);
	teardown();
}

static void find_takes_a_reference(struct ktest *t)
{
	struct device *dev, *found;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	found = device_find("tdev0");
	EXPECT_TRUE(t, found == dev);
	EXPECT_EQ(t, device_refcount(dev), 3);
	put_device(found);
	EXPECT_EQ(t, device_refcount(dev), 2);
	teardown();
}

static void autoprobe_binds_both_ways(struct ktest *t)
{
	struct device *early, *late;

	setup(t, true);
	early = tdev_new(t, 0, true);
	EXPECT_EQ(t, early->state, DEVICE_UNBOUND);	/* no driver yet */
	ASSERT_EQ(t, driver_register(&tdrv), 0);
	EXPECT_EQ(t, early->state, DEVICE_BOUND);	/* bound at driver_register */
	late = tdev_new(t, 1, true);
	EXPECT_EQ(t, late->state, DEVICE_BOUND);	/* bound at device_add */
	EXPECT_TRUE(t, late->driver == &tdrv);
	teardown();
}

/* Conditions the cases below wait for, each read as its writer publishes it. */
static bool device_gone(const void *dev)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(&devices_lock, flags);
	gone = !((const struct device *)dev)->registered;
	spin_unlock_irqrestore(&devices_lock, flags);
	return gone;
}

static bool driver_gone(const void *drv)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(&devices_lock, flags);
	gone = !((const struct device_driver *)drv)->registered;
	spin_unlock_irqrestore(&devices_lock, flags);
	return gone;
}

static bool prober_at_gate(const void *unused)
{
	return __atomic_load_n(&async_prober, __ATOMIC_ACQUIRE) != NULL;
}

/* Until done(arg): sleep 1 ms at a time on dev's binding; false after 100 s (a watchdog). */
static bool wait_until(bool (*done)(const void *arg), const void *arg, struct device *dev)
{
	for (unsigned long waits = 0; !done(arg); waits++) {
		if (waits >= 100000)
			return false;
		device_wait_probe(dev, 1);
	}
	return true;
}

static void async_probe_runs_in_the_background(struct ktest *t)
{
	struct device *dev;
	char text[64];

	setup(t, true);
	ASSERT_EQ(t, driver_register(&adrv), 0);
	dev = tdev_new(t, 0, true);
	/* device_add returned with the probe parked at the gate: PROBING */
	EXPECT_EQ(t, dev->state, DEVICE_PROBING);
	EXPECT_EQ(t, device_probes_pending(), 1);
	EXPECT_EQ(t, device_bind(dev, "adrv"), -EBUSY);
	EXPECT_EQ(t, device_unbind(dev), -EBUSY);
	EXPECT_EQ(t, wait_for_device_probe_timeout(10), -ETIMEDOUT);	/* the gate is shut */
	complete_all(&gate);
	wait_for_device_probe();
	EXPECT_EQ(t, dev->state, DEVICE_BOUND);
	EXPECT_EQ(t, device_probes_pending(), 0);
	/* not the caller's task */
	EXPECT_TRUE(t, async_prober && async_prober != current);
	EXPECT_STREQ(t, device_state_text(dev, text, sizeof(text)), "bound");
	teardown();
}

static void async_probe_shows_progress(struct ktest *t)
{
	struct device *dev;
	char text[64];

	setup(t, true);
	ASSERT_EQ(t, driver_register(&adrv), 0);
	dev = tdev_new(t, 0, true);
	/* the probe has said "1 of 4 steps" once it reaches the gate */
	ASSERT_TRUE(t, wait_until(prober_at_gate, NULL, dev));
	EXPECT_STREQ(t, device_state_text(dev, text, sizeof(text)),
		     "still probing (steps 25%, 1 of 4)");
	complete_all(&gate);
	ASSERT_EQ(t, device_wait_probe(dev, 0), 0);
	/* cleared when the probe ends, before the state settles */
	EXPECT_NULL(t, __atomic_load_n(&dev->progress.what, __ATOMIC_RELAXED));
	teardown();
}

static void async_probe_failure_leaves_nothing(struct ktest *t)
{
	unsigned long before;
	struct device *dev;

	setup(t, true);
	ASSERT_EQ(t, driver_register(&adrv), 0);
	complete_all(&gate);
	tdev_new(t, 0, true);		/* the probe thread exists from here on */
	wait_for_device_probe();
	nlog = 0;
	probe_result = -EIO;
	before = kmalloc_inuse();
	dev = tdev_new(t, 1, true);	/* one object: the tdev */
	wait_for_device_probe();
	EXPECT_EQ(t, dev->state, DEVICE_UNBOUND);
	EXPECT_EQ(t, dev->last_probe_err, -EIO);
	EXPECT_EQ(t, dev->devres_count, 0);
	LOG_IS(t, 3, 2, 1);			/* the probe's actions, undone LIFO */
	EXPECT_EQ(t, kmalloc_inuse(), before + 1);
	teardown();
}

static int del_device(void *arg)
{
	device_del(arg);
	return 0;
}

static void queued_probe_of_deleted_device_not_run(struct ktest *t)
{
	struct device *first, *queued;
	struct task_struct *deleter;

	setup(t, true);
	ASSERT_EQ(t, driver_register(&adrv), 0);
	first = tdev_new(t, 0, true);		/* its probe waits at the gate */
	queued = tdev_new(t, 1, true);		/* queued behind it */
	EXPECT_EQ(t, queued->state, DEVICE_PROBING);
	get_device(queued);			/* device_del drops the list's */
	deleter = kthread_run(del_device, queued);
	ASSERT_FALSE(t, IS_ERR(deleter));
	/* the deleter has taken it off (registered false) and waits for its claim */
	ASSERT_TRUE(t, wait_until(device_gone, queued, queued));
	complete_all(&gate);
	EXPECT_EQ(t, kthread_join(deleter), 0);
	wait_for_device_probe();
	EXPECT_EQ(t, first->state, DEVICE_BOUND);
	EXPECT_EQ(t, queued->state, DEVICE_UNBOUND);	/* not probed: cancelled */
	EXPECT_EQ(t, queued->last_probe_err, -ENODEV);
	EXPECT_EQ(t, queued->nprobes, 0);
	put_device(queued);
	teardown();
}

static int unregister_adrv(void *arg)
{
	driver_unregister(&adrv);
	return 0;
}

static void queued_probe_of_unregistered_driver_not_run(struct ktest *t)
{
	struct device *first, *queued;
	struct task_struct *unregisterer;

	setup(t, true);
	ASSERT_EQ(t, driver_register(&adrv), 0);
	first = tdev_new(t, 0, true);		/* its probe waits at the gate */
	queued = tdev_new(t, 1, true);		/* queued behind it */
	ASSERT_TRUE(t, wait_until(prober_at_gate, NULL, first));
	unregisterer = kthread_run(unregister_adrv, NULL);
	ASSERT_FALSE(t, IS_ERR(unregisterer));
	/* the driver is off its bus; driver_unregister waits for its devices */
	ASSERT_TRUE(t, wait_until(driver_gone, &adrv, queued));
	complete_all(&gate);
	EXPECT_EQ(t, kthread_join(unregisterer), 0);
	wait_for_device_probe();
	EXPECT_EQ(t, first->nprobes, 1);		/* probed, then unbound by the unregister */
	EXPECT_EQ(t, first->state, DEVICE_UNBOUND);
	EXPECT_EQ(t, queued->state, DEVICE_UNBOUND);	/* not probed: cancelled */
	EXPECT_EQ(t, queued->last_probe_err, -ENODEV);
	EXPECT_EQ(t, queued->nprobes, 0);
	teardown();
}

static void driver_unregister_unbinds(struct ktest *t)
{
	struct device *a, *b;

	setup(t, true);
	ASSERT_EQ(t, driver_register(&tdrv), 0);
	a = tdev_new(t, 0, true);
	b = tdev_new(t, 1, true);
	ASSERT_EQ(t, a->state, DEVICE_BOUND);
	ASSERT_EQ(t, b->state, DEVICE_BOUND);
	nlog = 0;
	driver_unregister(&tdrv);
	EXPECT_EQ(t, removes, 2);
	LOG_IS(t, 100, 3, 2, 1, 100, 3, 2, 1);
	EXPECT_EQ(t, a->state, DEVICE_UNBOUND);
	EXPECT_EQ(t, b->state, DEVICE_UNBOUND);
	EXPECT_EQ(t, device_bind(a, "tdrv"), -ENOENT);	/* gone from the bus */
	teardown();
}

static void unregister_bound_device(struct ktest *t)
{
	unsigned long before = kmalloc_inuse();
	struct device *dev;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	ASSERT_EQ(t, driver_register(&tdrv), 0);
	ASSERT_EQ(t, device_bind(dev, "tdrv"), 0);
	nlog = 0;
	device_unregister(dev);
	LOG_IS(t, 100, 3, 2, 1);
	EXPECT_EQ(t, released[0], 1);
	teardown();
	EXPECT_EQ(t, kmalloc_inuse(), before);
}

static void devm_kfree_of_foreign_memory_warns(struct ktest *t)
{
	unsigned long w = ktest_warnings(t);
	struct device *dev;
	int local;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	devm_kfree(dev, &local);
	EXPECT_EQ(t, ktest_warnings(t), w + 1);
	EXPECT_EQ(t, devm_remove_action(dev, record, (void *)5), -ENOENT);
	EXPECT_EQ(t, ktest_warnings(t), w + 2);
	teardown();
}

static void remove_and_release_action(struct ktest *t)
{
	struct device *dev;

	setup(t, false);
	dev = tdev_new(t, 0, true);
	ASSERT_EQ(t, devm_add_action(dev, record, (void *)1), 0);
	ASSERT_EQ(t, devm_add_action(dev, record, (void *)2), 0);
	ASSERT_EQ(t, devm_add_action(dev, record, (void *)3), 0);
	EXPECT_EQ(t, devm_remove_action(dev, record, (void *)2), 0);	/* forgotten */
	EXPECT_EQ(t, devm_release_action(dev, record, (void *)1), 0);	/* run now */
	LOG_IS(t, 1);
	EXPECT_EQ(t, devres_release_all(dev), 1);
	LOG_IS(t, 1, 3);
	teardown();
}

static const struct ktest_case base_cases[] = {
	KTEST_CASE(bind_unbind_by_name, "bind and unbind by name, twice; state and driver follow"),
	KTEST_CASE(devres_released_lifo, "unbind runs remove(), then the devres newest first"),
	KTEST_CASE(devres_names_newest_first, "the devres list reads newest first; devm_kfree takes one out"),
	KTEST_CASE(devm_kzalloc_is_zeroed, "devm_kzalloc gives aligned zeroed memory"),
	KTEST_CASE(add_action_or_reset_runs_on_failure, "an action that cannot be registered runs at once"),
	KTEST_CASE(probe_failure_releases_everything, "a failed probe leaves no devres, no memory, no binding"),
	KTEST_CASE(probe_out_of_memory_midway, "a probe that runs out of devres memory half-way unwinds"),
	KTEST_CASE(refcount_release_runs_once, "release runs once, at the last put, not at unregister"),
	KTEST_CASE(unknown_names_clear_errors, "unknown device/driver, mismatch, double bind: distinct errors"),
	KTEST_CASE(find_takes_a_reference, "device_find returns a reference the caller puts"),
	KTEST_CASE(autoprobe_binds_both_ways, "autoprobe binds at driver_register and at device_add"),
	KTEST_CASE(async_probe_runs_in_the_background,
		   "an async driver's probe runs in another task; the device is PROBING till then"),
	KTEST_CASE(async_probe_shows_progress, "a probing device tells how far its probe has got"),
	KTEST_CASE(async_probe_failure_leaves_nothing, "a failed async probe unwinds like a sync one"),
	KTEST_CASE(queued_probe_of_deleted_device_not_run,
		   "a device deleted while its async probe is queued is not probed"),
	KTEST_CASE(queued_probe_of_unregistered_driver_not_run,
		   "a device whose driver is unregistered while its probe is queued is not probed"),
	KTEST_CASE(driver_unregister_unbinds, "unregistering a driver unbinds each of its devices"),
	KTEST_CASE(unregister_bound_device, "unregistering a bound device unbinds, releases, frees"),
	KTEST_CASE(devm_kfree_of_foreign_memory_warns, "freeing what devres does not hold warns"),
	KTEST_CASE(remove_and_release_action, "devm_remove_action forgets, devm_release_action runs now"),
	{}
};
KTEST_SUITE(base_suite, "drivers.base", base_cases);
