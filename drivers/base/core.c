/*
 * The device model's registries and reference counts: buses, the device
 * list, get_device/put_device (drivers/base/device.h tells the life story).
 *
 * One spinlock, devices_lock, guards every list here and every device's
 * binding state; it is held only for list and state updates, never
 * across a driver's probe() or remove() or a devres release, which may
 * wait. Binding itself is drivers/base/dd.c.
 *
 * The reference count is a plain atomic (a kref): device_initialize()
 * gives the creator one reference, device_add() gives the device list
 * another, each dropped by its owner (device_unregister() drops both).
 * The put that reaches zero calls release(); the acq_rel decrements pair
 * with each other, so everything any holder did to the device happens
 * before release() frees it.
 */
#include <drivers/base/devres.h>
#include <drivers/base/internal.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

DEFINE_SPINLOCK(devices_lock);
static LIST_HEAD(bus_list);		/* (L: devices_lock) registered buses */
static LIST_HEAD(device_list);		/* (L: devices_lock) registered, oldest first */

/* --- buses ---------------------------------------------------------------------- */

static struct bus_type *bus_find_locked(const char *name)
{
	struct bus_type *bus;

	list_for_each_entry(bus, &bus_list, node)
		if (!strcmp(bus->name, name))
			return bus;
	return NULL;
}

int bus_register(struct bus_type *bus)
{
	unsigned long flags;

	if (!bus->name || !bus->name[0]) {
		pr_err("bus_register: a bus needs a name");
		return -EINVAL;
	}
	spin_lock_irqsave(&devices_lock, flags);
	if (bus_find_locked(bus->name)) {
		spin_unlock_irqrestore(&devices_lock, flags);
		pr_err("bus_register: bus '%s' is already registered", bus->name);
		return -EEXIST;
	}
	INIT_LIST_HEAD(&bus->drivers);
	list_add_tail(&bus->node, &bus_list);
	bus->registered = true;
	spin_unlock_irqrestore(&devices_lock, flags);
	return 0;
}

int bus_unregister(struct bus_type *bus)
{
	struct device *dev;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&devices_lock, flags);
	if (!bus->registered) {
		err = -EINVAL;
	} else if (!list_empty(&bus->drivers)) {
		err = -EBUSY;
	} else {
		list_for_each_entry(dev, &device_list, node)
			if (dev->bus == bus)
				err = -EBUSY;
	}
	if (!err) {
		list_del_init(&bus->node);
		bus->registered = false;
	}
	spin_unlock_irqrestore(&devices_lock, flags);
	if (err)
		pr_err("bus_unregister(%s): %s", bus->name, err == -EBUSY ?
		       "drivers or devices are still registered on it" : "not registered");
	return err;
}

/* --- reference counting -------------------------------------------------------------- */

struct device *get_device(struct device *dev)
{
	unsigned long old;

	if (!dev)
		return NULL;
	old = __atomic_fetch_add(&dev->refcount, 1, __ATOMIC_RELAXED);
	WARN(old == 0, "get_device(%s): refcount was 0, the device is being released "
	     "(from %pS)", dev->name, __builtin_return_address(0));
	return dev;
}

void put_device(struct device *dev)
{
	unsigned long left;

	if (!dev)
		return;
	left = __atomic_sub_fetch(&dev->refcount, 1, __ATOMIC_ACQ_REL);
	if (WARN((long)left < 0, "put_device(%s): refcount went below zero (%ld), from %pS",
		 dev->name, (long)left, __builtin_return_address(0)))
		return;
	if (left)
		return;
	if (WARN(!dev->release, "device %s has no release function: it leaks", dev->name))
		return;
	dev->release(dev);
}

unsigned long device_refcount(const struct device *dev)
{
	return __atomic_load_n(&dev->refcount, __ATOMIC_RELAXED);
}

/* --- registration --------------------------------------------------------------- */

void device_initialize(struct device *dev)
{
	__atomic_store_n(&dev->refcount, 1, __ATOMIC_RELAXED);
	INIT_LIST_HEAD(&dev->node);
	dev->registered = false;
	dev->state = DEVICE_UNBOUND;
	dev->driver = NULL;
	dev->last_probe_err = 0;
	INIT_LIST_HEAD(&dev->probe_node);
	memset(&dev->progress, 0, sizeof(dev->progress));
	dev->nprobes = 0;
	dev->probe_ns = 0;
	dev->driver_data = NULL;
	spin_lock_init(&dev->devres_lock);
	INIT_LIST_HEAD(&dev->devres_head);
	dev->devres_count = 0;
}

void device_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(dev->name, sizeof(dev->name), fmt, ap);
	va_end(ap);
}

static struct device *device_find_locked(const char *name)
{
	struct device *dev;

	list_for_each_entry(dev, &device_list, node)
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

int device_add(struct device *dev)
{
	unsigned long flags;
	const char *why = NULL;
	int err = -EINVAL;

	if (!dev->name[0])
		why = "no name";
	else if (!dev->bus || !dev->bus->registered)
		why = "its bus is not registered";
	else if (!dev->release)
		why = "no release function (who would free it?)";
	if (why) {
		pr_err("device_add(%s): %s", dev->name[0] ? dev->name : "?", why);
		return err;
	}
	spin_lock_irqsave(&devices_lock, flags);
	if (device_find_locked(dev->name)) {
		spin_unlock_irqrestore(&devices_lock, flags);
		pr_err("device_add(%s): a device of that name is already registered", dev->name);
		return -EEXIST;
	}
	get_device(dev);			/* the list's reference */
	list_add_tail(&dev->node, &device_list);
	dev->registered = true;
	spin_unlock_irqrestore(&devices_lock, flags);

	if (dev->bus->autoprobe)
		device_attach(dev);
	return 0;
}

void device_del(struct device *dev)
{
	unsigned long flags;
	unsigned int left;

	spin_lock_irqsave(&devices_lock, flags);
	if (WARN(!dev->registered, "device_del(%s): not registered", dev->name)) {
		spin_unlock_irqrestore(&devices_lock, flags);
		return;
	}
	dev->registered = false;		/* no new bind from now on */
	spin_unlock_irqrestore(&devices_lock, flags);

	device_release_driver(dev);

	spin_lock_irqsave(&devices_lock, flags);
	list_del_init(&dev->node);
	spin_unlock_irqrestore(&devices_lock, flags);
	/* Records added outside a binding (by the bus) go with the device. */
	left = devres_release_all(dev);
	if (left)
		pr_info("%s: released %u devres record%s at removal", dev->name, left,
			left == 1 ? "" : "s");
	put_device(dev);			/* the list's reference */
}

void device_unregister(struct device *dev)
{
	device_del(dev);
	put_device(dev);			/* the creator's reference */
}

struct device *device_find(const char *name)
{
	struct device *dev;
	unsigned long flags;

	spin_lock_irqsave(&devices_lock, flags);
	dev = device_find_locked(name);
	if (dev)
		get_device(dev);
	spin_unlock_irqrestore(&devices_lock, flags);
	return dev;
}

struct device *device_find_bound_to(struct device_driver *drv)
{
	struct device *dev, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&devices_lock, flags);
	list_for_each_entry(dev, &device_list, node) {
		if (dev->driver == drv) {
			found = get_device(dev);
			break;
		}
	}
	spin_unlock_irqrestore(&devices_lock, flags);
	return found;
}

unsigned int device_snapshot_bus(struct bus_type *bus, struct device **out, unsigned int max)
{
	struct device *dev;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&devices_lock, flags);
	list_for_each_entry(dev, &device_list, node) {
		if (bus && dev->bus != bus)
			continue;
		if (n < max)
			out[n] = get_device(dev);
		n++;
	}
	spin_unlock_irqrestore(&devices_lock, flags);
	return n;
}

unsigned int device_list_snapshot(struct device_info *info, unsigned int max)
{
	struct device *dev;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&devices_lock, flags);
	list_for_each_entry(dev, &device_list, node) {
		if (n < max) {
			struct device_info *i = &info[n];

			strlcpy(i->name, dev->name, sizeof(i->name));
			i->bus = dev->bus->name;
			i->driver = dev->driver ? dev->driver->name : NULL;
			i->state = dev->state;
			i->last_probe_err = dev->last_probe_err;
			i->nprobes = dev->nprobes;
			i->devres_count = dev->devres_count;
			i->refcount = device_refcount(dev);
			i->probe_ns = dev->probe_ns;
			i->progress_what = __atomic_load_n(&dev->progress.what, __ATOMIC_RELAXED);
			i->progress_done = __atomic_load_n(&dev->progress.done, __ATOMIC_RELAXED);
			i->progress_total = __atomic_load_n(&dev->progress.total, __ATOMIC_RELAXED);
		}
		n++;
	}
	spin_unlock_irqrestore(&devices_lock, flags);
	return n;
}

const char *device_state_name(enum device_state s)
{
	switch (s) {
	case DEVICE_UNBOUND:	return "unbound";
	case DEVICE_PROBING:	return "probing";
	case DEVICE_BOUND:	return "bound";
	case DEVICE_REMOVING:	return "removing";
	}
	return "?";
}

const char *device_state_text(struct device *dev, char *buf, size_t size)
{
	enum device_state state = __atomic_load_n(&dev->state, __ATOMIC_ACQUIRE);
	const char *what = __atomic_load_n(&dev->progress.what, __ATOMIC_ACQUIRE);
	unsigned long done = __atomic_load_n(&dev->progress.done, __ATOMIC_RELAXED);
	unsigned long total = __atomic_load_n(&dev->progress.total, __ATOMIC_RELAXED);

	switch (state) {
	case DEVICE_BOUND:
		scnprintf(buf, size, "bound");
		break;
	case DEVICE_UNBOUND:
		scnprintf(buf, size, "not bound");
		break;
	case DEVICE_REMOVING:
		scnprintf(buf, size, "being unbound");
		break;
	case DEVICE_PROBING:
		if (what && total)
			scnprintf(buf, size, "still probing (%s %lu%%, %lu of %lu)", what,
				  MIN(done, total) * 100 / total, MIN(done, total), total);
		else
			scnprintf(buf, size, "still probing (%s)", what ? what : "queued");
		break;
	}
	return buf;
}
