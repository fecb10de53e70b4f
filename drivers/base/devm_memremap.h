/*
 * devm_memremap_pages(): a device's ZONE_DEVICE range whose teardown is
 * one of its devres records. The range's core is mm/memremap.h
 * (memremap_pages(), memunmap_pages()), which knows nothing of devices;
 * this wrapper names the pgmap after the device (unless the owner named
 * it) and registers memunmap_pages() to run at unbind, in devres order
 * (after the records added later, before those added earlier).
 */
#ifndef DRIVERS_BASE_DEVM_MEMREMAP_H
#define DRIVERS_BASE_DEVM_MEMREMAP_H

struct device;
struct dev_pagemap;

/*
 * memremap_pages(pgmap), then a devres record that tears it down at
 * unbind. The address of the range, or an ERR_PTR: memremap_pages()'s
 * errors, or -ENOMEM if the record cannot be added (the range is torn
 * down again first).
 */
void *devm_memremap_pages(struct device *dev, struct dev_pagemap *pgmap);

#endif /* DRIVERS_BASE_DEVM_MEMREMAP_H */
