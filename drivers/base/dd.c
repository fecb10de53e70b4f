/*
 * Binding devices to drivers: probe, remove, and the devres release that
 * goes with each (Linux: drivers/base/dd.c, really_probe and
 * device_release_driver).
 *
 * The binding state machine (drivers/base/device.h) is the only lock a
 * binding holds while a driver's code runs: the caller that moves a
 * device from UNBOUND to PROBING, or from BOUND to REMOVING, under
 * devices_lock, owns the device's binding until it moves it on; anyone
 * else gets -EBUSY. probe() and remove() therefore run without any
 * spinlock held and may wait (a queue drain does), and never run twice at
 * once for one device.
 *
 * A probe either succeeds and leaves its devres on the device, or fails
 * and leaves nothing: every record it added is released, newest first,
 * before device_bind() returns its error.
 */
#include <drivers/base/devres.h>
#include <drivers/base/internal.h>
#include <kernel/wait.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <mm/slab.h>

/*
 * The state is written under devices_lock, with a release store: a
 * lockless reader (binding_settled(), device_state_text()) that loads it
 * with acquire also sees what the owner did before moving it on.
 */
#define WRITE_STATE(dev, s)	__atomic_store_n(&(dev)->state, (s), __ATOMIC_RELEASE)

static bool driver_matches(struct device *dev, struct device_driver *drv)
{
	return !dev->bus->match || dev->bus->match(dev, drv);
}

/* Under devices_lock: the driver called name on bus, or NULL. */
static struct device_driver *driver_find_locked(struct bus_type *bus, const char *name)
{
	struct device_driver *drv;

	list_for_each_entry(drv, &bus->drivers, node)
		if (!strcmp(drv->name, name))
			return drv;
	return NULL;
}

/* Under devices_lock: the first registered driver of dev's bus that matches. */
static struct device_driver *driver_first_match_locked(struct device *dev)
{
	struct device_driver *drv;

	list_for_each_entry(drv, &dev->bus->drivers, node)
		if (driver_matches(dev, drv))
			return drv;
	return NULL;
}

/*
 * Claim dev for a probe by drv (or the first match when drv_name is
 * NULL): UNBOUND -> PROBING. Returns the driver, or NULL with *err set.
 */
static struct device_driver *claim_for_probe(struct device *dev, const char *drv_name,
					     int *err, bool quiet)
{
	struct device_driver *drv = NULL;
	unsigned long flags;
	const char *bound_to = NULL;
	enum device_state state;
	bool registered;

	spin_lock_irqsave(&devices_lock, flags);
	state = dev->state;
	registered = dev->registered;
	if (!dev->registered) {
		*err = -ENODEV;
	} else if (dev->state != DEVICE_UNBOUND) {
		*err = -EBUSY;
		bound_to = dev->driver ? dev->driver->name : "?";
	} else {
		drv = drv_name ? driver_find_locked(dev->bus, drv_name)
			       : driver_first_match_locked(dev);
		if (!drv)
			*err = -ENOENT;
		else if (drv_name && !driver_matches(dev, drv))
			*err = -ENODEV;
	}
	if (drv && !*err) {
		WRITE_STATE(dev, DEVICE_PROBING);
		dev->driver = drv;
		drv->nbound++;
	} else {
		drv = NULL;
	}
	spin_unlock_irqrestore(&devices_lock, flags);

	if (drv || quiet)
		return drv;
	switch (*err) {
	case -ENODEV:
		if (drv_name && registered)
			pr_err("%s: driver %s does not match this device", dev->name, drv_name);
		else
			pr_err("%s: cannot bind: the device is not registered", dev->name);
		break;
	case -EBUSY:
		pr_err("%s: cannot bind: already %s (driver %s)", dev->name,
		       device_state_name(state), bound_to);
		break;
	case -ENOENT:
		if (drv_name)
			pr_err("%s: cannot bind: no driver '%s' on bus %s", dev->name,
			       drv_name, dev->bus->name);
		else
			pr_err("%s: cannot bind: no driver on bus %s matches it", dev->name,
			       dev->bus->name);
		break;
	}
	return NULL;
}

/*
 * Those waiting for some device's bind or unbind to end (a release of
 * its driver that found it PROBING or REMOVING); woken whenever any
 * device leaves those states.
 */
static DECLARE_WAIT_QUEUE_HEAD(binding_settled_wq);

/* The owner of a PROBING or REMOVING state ends it: back to UNBOUND. */
static void finish_unbound(struct device *dev, struct device_driver *drv, int err)
{
	unsigned long flags;

	spin_lock_irqsave(&devices_lock, flags);
	WRITE_STATE(dev, DEVICE_UNBOUND);
	dev->driver = NULL;
	dev->driver_data = NULL;
	dev->last_probe_err = err;
	drv->nbound--;
	spin_unlock_irqrestore(&devices_lock, flags);
	wake_up_all(&binding_settled_wq);
}

void driver_probe_cancel(struct device *dev, struct device_driver *drv, const char *gone)
{
	/* before the claim ends: whoever waits for it may free what we name */
	pr_info("%s: queued probe of driver %s not run: the %s went away", dev->name,
		drv->name, gone);
	finish_unbound(dev, drv, -ENODEV);
}

int driver_probe_claimed(struct device *dev, struct device_driver *drv)
{
	unsigned long flags;
	unsigned int released;
	uint64_t t0 = ktime_get_ns();
	int err;

	err = drv->probe(dev);
	__atomic_store_n(&dev->progress.what, NULL, __ATOMIC_RELAXED);	/* probe over */
	if (err) {
		released = devres_release_all(dev);
		finish_unbound(dev, drv, err);
		pr_err("%s: probe of driver %s failed: %d (%s); released %u devres record%s",
		       dev->name, drv->name, err, errno_name(err), released,
		       released == 1 ? "" : "s");
		return err;
	}
	spin_lock_irqsave(&devices_lock, flags);
	WRITE_STATE(dev, DEVICE_BOUND);
	dev->last_probe_err = 0;
	dev->nprobes++;
	dev->probe_ns = ktime_get_ns() - t0;
	spin_unlock_irqrestore(&devices_lock, flags);
	wake_up_all(&binding_settled_wq);
	pr_info("%s: bound to driver %s (probe took %llu.%03llu ms)", dev->name, drv->name,
		(unsigned long long)(dev->probe_ns / 1000000),
		(unsigned long long)(dev->probe_ns / 1000 % 1000));
	return 0;
}

int device_bind(struct device *dev, const char *drv_name)
{
	struct device_driver *drv;
	int err = 0;

	drv = claim_for_probe(dev, drv_name, &err, false);
	if (!drv)
		return err;
	return driver_probe_claimed(dev, drv);
}

/* Autoprobe: now, or from the probe thread if the driver prefers that. */
static void autoprobe_claimed(struct device *dev, struct device_driver *drv)
{
	if (drv->probe_async)
		driver_probe_async(dev);
	else
		driver_probe_claimed(dev, drv);
}

void device_attach(struct device *dev)
{
	struct device_driver *drv;
	int err = 0;

	drv = claim_for_probe(dev, NULL, &err, true);
	if (drv)
		autoprobe_claimed(dev, drv);
}

/* BOUND -> REMOVING -> UNBOUND, by the caller that claimed it. */
static void unbind_claimed(struct device *dev, struct device_driver *drv)
{
	unsigned int released;

	if (drv->remove)
		drv->remove(dev);
	released = devres_release_all(dev);
	finish_unbound(dev, drv, 0);
	pr_info("%s: unbound from driver %s; released %u devres record%s", dev->name,
		drv->name, released, released == 1 ? "" : "s");
}

/* Claim a bound dev for unbinding: 0, -EINVAL (not bound) or -EBUSY. */
static int claim_for_unbind(struct device *dev, struct device_driver **drv)
{
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&devices_lock, flags);
	if (dev->state == DEVICE_BOUND) {
		WRITE_STATE(dev, DEVICE_REMOVING);
		*drv = dev->driver;
	} else {
		err = dev->state == DEVICE_UNBOUND ? -EINVAL : -EBUSY;
	}
	spin_unlock_irqrestore(&devices_lock, flags);
	return err;
}

int device_unbind(struct device *dev)
{
	struct device_driver *drv;
	int err = claim_for_unbind(dev, &drv);

	if (err == -EINVAL)
		pr_err("%s: cannot unbind: not bound to a driver", dev->name);
	else if (err)
		pr_err("%s: cannot unbind: a bind or unbind of it is in progress", dev->name);
	else
		unbind_claimed(dev, drv);
	return err;
}

static bool binding_settled(struct device *dev)
{
	/* Pairs with WRITE_STATE(): a settled state comes with what the
	 * binding did before (a caller that acts re-reads it under the lock). */
	int state = __atomic_load_n(&dev->state, __ATOMIC_ACQUIRE);

	return state != DEVICE_PROBING && state != DEVICE_REMOVING;
}

/*
 * A bind or unbind in progress on another CPU ends by itself (probe and
 * remove do not wait for us): sleep until it has, with a generous limit
 * and a WARN.
 */
static void wait_binding_settled(struct device *dev)
{
	if (device_wait_probe(dev, 0))
		WARN(1, "%s: a bind/unbind has been running for 30 s; giving up the wait",
		     dev->name);
}

int device_wait_probe(struct device *dev, unsigned int timeout_ms)
{
	if (!wait_event_timeout(binding_settled_wq, binding_settled(dev),
				timeout_ms ? timeout_ms : 30 * 1000))
		return -ETIMEDOUT;
	return 0;
}

void device_release_driver(struct device *dev)
{
	struct device_driver *drv;
	int err;

	for (;;) {
		err = claim_for_unbind(dev, &drv);
		if (err != -EBUSY)
			break;
		wait_binding_settled(dev);
	}
	if (!err)
		unbind_claimed(dev, drv);
}

/* --- drivers ------------------------------------------------------------------------ */

int driver_register(struct device_driver *drv)
{
	struct bus_type *bus = drv->bus;
	struct device **devs = NULL;
	unsigned long flags;
	unsigned int n = 0, max;

	if (!bus || !bus->registered || !drv->name || !drv->probe) {
		pr_err("driver_register(%s): needs a name, a probe and a registered bus",
		       drv->name ? drv->name : "?");
		return -EINVAL;
	}
	spin_lock_irqsave(&devices_lock, flags);
	if (driver_find_locked(bus, drv->name)) {
		spin_unlock_irqrestore(&devices_lock, flags);
		pr_err("driver_register(%s): bus %s already has a driver of that name",
		       drv->name, bus->name);
		return -EEXIST;
	}
	list_add_tail(&drv->node, &bus->drivers);
	drv->registered = true;
	drv->nbound = 0;
	spin_unlock_irqrestore(&devices_lock, flags);

	if (!bus->autoprobe)
		return 0;
	/* Bind every unbound matching device registered so far. */
	max = device_snapshot_bus(bus, NULL, 0);
	if (max)
		devs = kmalloc(max * sizeof(*devs));
	if (devs)
		n = MIN(device_snapshot_bus(bus, devs, max), max);
	else if (max)
		pr_err("driver_register(%s): out of memory listing %u devices; not probing",
		       drv->name, max);
	for (unsigned int i = 0; i < n; i++) {
		int err = 0;

		if (driver_matches(devs[i], drv) &&
		    claim_for_probe(devs[i], drv->name, &err, true))
			autoprobe_claimed(devs[i], drv);
		put_device(devs[i]);
	}
	kfree(devs);
	return 0;
}

void driver_unregister(struct device_driver *drv)
{
	struct device *dev;
	unsigned long flags;

	spin_lock_irqsave(&devices_lock, flags);
	if (WARN(!drv->registered, "driver_unregister(%s): not registered", drv->name)) {
		spin_unlock_irqrestore(&devices_lock, flags);
		return;
	}
	/* Off the bus first: no new bind can pick it. */
	list_del_init(&drv->node);
	drv->registered = false;
	spin_unlock_irqrestore(&devices_lock, flags);

	/* Then unbind whatever it still runs, waiting out binds in progress. */
	while ((dev = device_find_bound_to(drv))) {
		device_release_driver(dev);
		put_device(dev);
	}
}
