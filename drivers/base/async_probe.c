/*
 * Asynchronous probes (drivers/base/device.h): a queue of devices already
 * claimed for a probe (state PROBING, driver set) and one kernel thread
 * that binds them in order (Linux: async_schedule_dev() from
 * __driver_attach/__device_attach, and wait_for_device_probe()).
 *
 * The life of a queued probe: the autoprobe path claims the device, takes
 * a reference for the queue and puts it on `queue`; the thread takes it
 * off, runs the probe exactly as device_bind() would (so a failure leaves
 * nothing behind), drops the reference and counts the probe finished. `pending` counts queued plus running probes: it is
 * raised before a device is queued and lowered after its probe has ended,
 * so wait_for_device_probe() cannot miss one.
 *
 * If the thread cannot be started (no memory), the caller probes the
 * device itself: slower, never lost.
 */
#include <drivers/base/internal.h>
#include <kernel/kthread.h>
#include <kernel/wait.h>
#include <lib/bug.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/printk.h>

static DEFINE_SPINLOCK(probe_lock);
static LIST_HEAD(queue);			/* (L: probe_lock) devices to probe */
static struct task_struct *prober;		/* (L: probe_lock) the thread, once started */
static bool starting;				/* (L: probe_lock) a caller is starting it */
static unsigned int pending;			/* (a) queued + running probes */
static DECLARE_WAIT_QUEUE_HEAD(queue_wq);	/* the thread sleeps here when idle */
static DECLARE_WAIT_QUEUE_HEAD(settled_wq);	/* wait_for_device_probe() sleeps here */

unsigned int device_probes_pending(void)
{
	return __atomic_load_n(&pending, __ATOMIC_ACQUIRE);
}

void device_set_progress(struct device *dev, const char *what, unsigned long total)
{
	__atomic_store_n(&dev->progress.done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&dev->progress.total, total, __ATOMIC_RELAXED);
	__atomic_store_n(&dev->progress.what, what, __ATOMIC_RELEASE);
}

static struct device *dequeue(void)
{
	struct device *dev = NULL;
	unsigned long flags;

	spin_lock_irqsave(&probe_lock, flags);
	if (!list_empty(&queue)) {
		dev = list_first_entry(&queue, struct device, probe_node);
		list_del_init(&dev->probe_node);
	}
	spin_unlock_irqrestore(&probe_lock, flags);
	return dev;
}

static bool queue_nonempty(void)
{
	unsigned long flags;
	bool busy;

	spin_lock_irqsave(&probe_lock, flags);
	busy = !list_empty(&queue);
	spin_unlock_irqrestore(&probe_lock, flags);
	return busy;
}

/*
 * Probe a claimed device and account for it (the queue's reference goes).
 * A device deleted, or a driver unregistered, while it waited in the
 * queue is not probed: its claim ends with -ENODEV at once.
 */
static void probe_one(struct device *dev)
{
	struct device_driver *drv = dev->driver;
	const char *gone = NULL;
	unsigned long flags;

	spin_lock_irqsave(&devices_lock, flags);
	if (!dev->registered)
		gone = "device";
	else if (!drv->registered)
		gone = "driver";
	spin_unlock_irqrestore(&devices_lock, flags);
	if (!gone)
		driver_probe_claimed(dev, drv);
	else
		driver_probe_cancel(dev, drv, gone);
	put_device(dev);
	if (__atomic_sub_fetch(&pending, 1, __ATOMIC_ACQ_REL) == 0)
		wake_up_all(&settled_wq);
}

/* The probe thread: never exits; sleeps while the queue is empty. */
static int prober_thread(void *arg)
{
	for (;;) {
		struct device *dev;

		wait_event(queue_wq, queue_nonempty());
		while ((dev = dequeue()))
			probe_one(dev);
	}
	return 0;
}

void driver_probe_async(struct device *dev)
{
	struct task_struct *t;
	unsigned long flags;
	bool start;

	get_device(dev);
	__atomic_add_fetch(&pending, 1, __ATOMIC_ACQ_REL);
	spin_lock_irqsave(&probe_lock, flags);
	list_add_tail(&dev->probe_node, &queue);
	start = !prober && !starting;
	if (start)
		starting = true;
	spin_unlock_irqrestore(&probe_lock, flags);
	if (!start) {
		wake_up_all(&queue_wq);		/* the thread, or its starter, takes it */
		return;
	}

	t = kthread_run(prober_thread, NULL);
	spin_lock_irqsave(&probe_lock, flags);
	starting = false;
	if (!IS_ERR(t))
		prober = t;
	spin_unlock_irqrestore(&probe_lock, flags);
	if (!IS_ERR(t)) {
		wake_up_all(&queue_wq);
		return;
	}
	pr_warn("%s: cannot start the probe thread (%ld); probing here", dev->name, PTR_ERR(t));
	while ((dev = dequeue()))
		probe_one(dev);
}

int wait_for_device_probe_timeout(unsigned int timeout_ms)
{
	return wait_event_timeout(settled_wq, device_probes_pending() == 0, timeout_ms)
	       ? 0 : -ETIMEDOUT;
}

void wait_for_device_probe(void)
{
	while (wait_for_device_probe_timeout(10 * 1000)) {
		struct device_info info[8];
		unsigned int n = device_list_snapshot(info, ARRAY_SIZE(info));

		for (unsigned int i = 0; i < MIN(n, ARRAY_SIZE(info)); i++)
			if (info[i].state == DEVICE_PROBING)
				pr_info("waiting for %s's probe: %s %lu of %lu", info[i].name,
					info[i].progress_what ? info[i].progress_what : "queued",
					info[i].progress_done, info[i].progress_total);
	}
}
