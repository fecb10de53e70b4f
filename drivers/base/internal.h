/*
 * What the files of drivers/base share and nobody else needs.
 */
#ifndef DRIVERS_BASE_INTERNAL_H
#define DRIVERS_BASE_INTERNAL_H

#include <drivers/base/device.h>

/* Guards the lists and every device's binding state (core.c). */
extern spinlock_t devices_lock;

/*
 * Up to max registered devices of bus (NULL: all), each with a reference
 * the caller puts; returns how many there are (may exceed max).
 */
unsigned int device_snapshot_bus(struct bus_type *bus, struct device **out, unsigned int max);

/* A device drv is bound (or binding) to, with a reference; NULL if none. */
struct device *device_find_bound_to(struct device_driver *drv);

/*
 * dd.c: run the probe of a device claimed for drv (PROBING, driver set):
 * BOUND on success, UNBOUND with its devres released on failure.
 */
int driver_probe_claimed(struct device *dev, struct device_driver *drv);
/* dd.c: end a claim without probing (gone: "device" or "driver" went away): -ENODEV. */
void driver_probe_cancel(struct device *dev, struct device_driver *drv, const char *gone);
/* async_probe.c: the same from the probe thread; dev must be claimed. */
void driver_probe_async(struct device *dev);

/* dd.c: bind dev to the first matching driver (autoprobe); quiet if none. */
void device_attach(struct device *dev);
/* dd.c: unbind dev whatever its state, waiting out a bind in progress. */
void device_release_driver(struct device *dev);

#endif /* DRIVERS_BASE_INTERNAL_H */
