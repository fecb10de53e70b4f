/*
 * The device model: buses, devices, drivers, and who may touch what.
 * (Linux: include/linux/device.h, drivers/base/{core,dd,bus}.c; same names.)
 *
 * A *bus* (struct bus_type) groups devices of one kind with the drivers
 * that can run them. A *device* (struct device) is one thing the kernel
 * found (an NVDIMM region, say); a *driver* (struct device_driver) knows
 * how to run devices of its bus. Binding a device to a driver calls the
 * driver's probe(); unbinding calls remove(). Everything probe() acquires
 * is recorded on the device's *devres* list (drivers/base/devres.h) and
 * released last-in-first-out at unbind, or at once when probe() fails, so
 * a driver needs no hand-written error path or teardown.
 *
 * The life story of a device:
 *
 *  1. The creator allocates a structure that embeds a struct device,
 *     calls device_initialize() (refcount 1: the creator's reference),
 *     sets name, bus and release, then device_add(): the device is now
 *     on the device list (which takes a reference of its own) and, if its
 *     bus autoprobes, bound to the first matching driver.
 *  2. Anyone who keeps a pointer to it takes a reference: get_device(),
 *     put_device() when done. device_find("pmem0") returns one.
 *  3. While registered it may be bound and unbound any number of times:
 *     device_bind(dev, "pmem") / device_unbind(dev), the shell's `bind`
 *     and `unbind`, or implicitly when its driver is registered or
 *     unregistered. States: UNBOUND -> PROBING -> BOUND -> REMOVING ->
 *     UNBOUND; a failed probe goes PROBING -> UNBOUND with its devres
 *     released. PROBING and REMOVING belong to the one caller that set
 *     them: a second bind or unbind meanwhile fails with -EBUSY, so
 *     probe() and remove() never run concurrently for one device and no
 *     sleeping lock is needed.
 *  4. device_del() unbinds it and takes it off the list (dropping the
 *     list's reference); device_unregister() = device_del() + put_device()
 *     of the creator's reference.
 *  5. When the last reference is put, release(dev) runs, exactly once,
 *     and frees the structure. Until then the memory stays valid, so a
 *     holder may still call functions on an unregistered device: they
 *     fail cleanly (-ENODEV) instead of touching freed memory.
 *
 * Fields of struct device, and how they may be accessed (the letters:
 * docs/layout.md, "Field legends"):
 *   (i) set by the creator before device_add(); read-only afterwards
 *   (a) atomic read-modify-write only
 *   (L) under devices_lock (drivers/base/core.c), which guards the device
 *       list, every bus's driver list and every device's binding state
 *   (o) the owner's: the bind/unbind in progress owns it; written only by
 *       the caller that moved the state to PROBING or REMOVING (or BOUND's
 *       holder through the driver's own code); readable under (L)
 *   (L: devres_lock) under devres_lock, the device's own spinlock
 */
#ifndef DRIVERS_BASE_DEVICE_H
#define DRIVERS_BASE_DEVICE_H

#include <lib/compiler.h>
#include <lib/list.h>
#include <lib/spinlock.h>

#define DEVICE_NAME_MAX	24

struct device;
struct device_driver;

struct bus_type {
	const char *name;			/* (i) "nvdimm" */
	/* (i) may drv run dev? NULL: every driver of the bus matches */
	bool (*match)(struct device *dev, struct device_driver *drv);
	bool autoprobe;				/* (i) bind at add/register */
	/* (L) */
	struct list_head drivers;		/* its registered drivers */
	struct list_head node;			/* on the bus list */
	bool registered;
};

struct device_driver {
	const char *name;			/* (i) "pmem", unique on its bus */
	struct bus_type *bus;			/* (i) */
	/* 0 or a negative errno; on failure every devres is released */
	int (*probe)(struct device *dev);
	/* (i) autoprobe (device_add, driver_register) binds from the probe
	 * thread instead of the caller's (Linux: PROBE_PREFER_ASYNCHRONOUS);
	 * device_bind() is always synchronous */
	bool probe_async;
	/* optional; runs before the devres of the binding is released */
	void (*remove)(struct device *dev);
	/* (L) */
	struct list_head node;			/* on bus->drivers */
	bool registered;
	unsigned int nbound;			/* devices bound to it now */
};

enum device_state {
	DEVICE_UNBOUND,		/* registered, no driver */
	DEVICE_PROBING,		/* probe() running */
	DEVICE_BOUND,		/* a driver runs it */
	DEVICE_REMOVING,	/* remove() and the devres release running */
};

struct device {
	char name[DEVICE_NAME_MAX];		/* (i) "pmem0" */
	struct bus_type *bus;			/* (i) */
	void (*release)(struct device *dev);	/* (i) frees it; runs once */
	unsigned long refcount;			/* (a) see the life story */
	/* (L) */
	struct list_head node;			/* on the device list */
	bool registered;			/* between add and del */
	enum device_state state;		/* (L), stored atomically: lockless
						 * readers take it as a hint */
	struct device_driver *driver;		/* set in PROBING/BOUND/REMOVING */
	int last_probe_err;			/* of the last failed probe, or 0 */
	unsigned int nprobes;			/* successful probes so far */
	uint64_t probe_ns;			/* how long the last successful probe took */
	struct list_head probe_node;		/* on the async probe queue while queued */
	/* (a) how far a probe has got: written by the probing driver
	 * (device_set_progress(), then adds to done), read by anyone */
	struct {
		const char *what;		/* static text: "memmap" */
		unsigned long done, total;
	} progress;
	/* (o) the bound driver's private data; NULL when unbound */
	void *driver_data;
	/* (L: devres_lock) */
	spinlock_t devres_lock;
	struct list_head devres_head;		/* oldest first; released from the tail */
	unsigned int devres_count;
};

/* --- buses and drivers ---------------------------------------------------- */

/* 0, or -EEXIST if a bus of that name is registered. */
int bus_register(struct bus_type *bus);
/* Every driver of the bus must be unregistered first (-EBUSY otherwise). */
int bus_unregister(struct bus_type *bus);

/*
 * Register drv on its bus; with autoprobe, bind it to every unbound
 * device that matches (a probe failure is logged, the device stays
 * unbound). 0, -EEXIST for a duplicate name, -EINVAL for no bus.
 */
int driver_register(struct device_driver *drv);
/* Unbind every device it runs, then take it off its bus. */
void driver_unregister(struct device_driver *drv);

/* --- devices -------------------------------------------------------------- */

void device_initialize(struct device *dev);
/* name from a format: "pmem%u" */
__printf(2, 3) void device_set_name(struct device *dev, const char *fmt, ...);
/*
 * Put dev on the device list and, if its bus autoprobes, bind it. 0,
 * -EEXIST if the name is taken, -EINVAL without a name, bus or release.
 */
int device_add(struct device *dev);
void device_del(struct device *dev);
static inline int device_register(struct device *dev)
{
	device_initialize(dev);
	return device_add(dev);
}
void device_unregister(struct device *dev);

/* Take a reference; dev must already be referenced by the caller. */
struct device *get_device(struct device *dev);
/* Drop one; the last one runs release(). NULL is ignored. */
void put_device(struct device *dev);
/* The reference count now (for tests and `devices`). */
unsigned long device_refcount(const struct device *dev);

/* The registered device called name, with a reference; NULL if none. */
struct device *device_find(const char *name);

/*
 * Bind dev to the driver called drv_name on its bus (NULL: the first
 * driver that matches). 0 when probe() succeeded; otherwise nothing of
 * the attempt is left (devres released) and the error says why:
 *   -ENODEV  dev is not registered, or the driver does not match it
 *   -ENOENT  no driver of that name on dev's bus (or none matches)
 *   -EBUSY   dev is already bound, or a bind/unbind of it is running
 *   other    probe()'s own error
 * Each failure is logged with the device and driver names.
 */
int device_bind(struct device *dev, const char *drv_name);
/*
 * remove(), then release every devres LIFO; -EINVAL if dev is not bound,
 * -EBUSY if a bind/unbind of it is running.
 */
int device_unbind(struct device *dev);

/*
 * Asynchronous probes (struct device_driver.probe_async): the device is
 * PROBING from the moment it is queued; one kernel thread, started on
 * first use, probes the queue in order. Whoever needs every device bound
 * (the boot's self-tests and benchmarks) waits for the queue to empty:
 * wait_for_device_probe() sleeps until no async probe is queued or
 * running, printing what it waits for every 10 s. device_wait_probe()
 * waits for one device's bind or unbind to end, at most timeout_ms
 * (0: 30 s): 0, or -ETIMEDOUT.
 */
void wait_for_device_probe(void);
/* The same, giving up after timeout_ms: 0, or -ETIMEDOUT. */
int wait_for_device_probe_timeout(unsigned int timeout_ms);
int device_wait_probe(struct device *dev, unsigned int timeout_ms);
/* Async probes queued or running now. */
unsigned int device_probes_pending(void);

/*
 * The probing driver says what it is doing and how much of it there is;
 * it then adds to dev->progress.done (atomically) as it goes. `what` is
 * static text. Cleared when the probe ends.
 */
void device_set_progress(struct device *dev, const char *what, unsigned long total);

/* Snapshot of a device's binding, for display (states change at once). */
struct device_info {
	char name[DEVICE_NAME_MAX];
	const char *bus, *driver;	/* driver NULL when unbound */
	enum device_state state;
	int last_probe_err;
	unsigned int nprobes, devres_count;
	unsigned long refcount;
	uint64_t probe_ns;
	const char *progress_what;	/* NULL: no progress reported */
	unsigned long progress_done, progress_total;
};
/*
 * Fill info[] with up to max registered devices in registration order;
 * returns how many there are (may exceed max).
 */
unsigned int device_list_snapshot(struct device_info *info, unsigned int max);
const char *device_state_name(enum device_state s);
/*
 * The binding state in words, for messages: "bound", "not bound",
 * "still probing (memmap 37%, 24576 of 65536)", "still probing (queued)",
 * "being unbound". Returns buf.
 */
const char *device_state_text(struct device *dev, char *buf, size_t size);

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

/* Log lines prefixed with the device's name. */
#define dev_err(dev, fmt, ...)  pr_err("%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) pr_warn("%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) pr_info("%s: " fmt, (dev)->name, ##__VA_ARGS__)

#endif /* DRIVERS_BASE_DEVICE_H */
