/*
 * devm_memremap_pages() (drivers/base/devm_memremap.h).
 */
#include <drivers/base/device.h>
#include <drivers/base/devm_memremap.h>
#include <drivers/base/devres.h>
#include <lib/err.h>
#include <mm/memremap.h>

/* The devres record's name is this function's: "memremap_release". */
static void memremap_release(void *data)
{
	memunmap_pages(data);
}

void *devm_memremap_pages(struct device *dev, struct dev_pagemap *pgmap)
{
	void *virt;
	int err;

	if (!pgmap->name)
		pgmap->name = dev->name;
	virt = memremap_pages(pgmap);
	if (IS_ERR(virt))
		return virt;
	err = devm_add_action_or_reset(dev, memremap_release, pgmap);
	return err ? ERR_PTR(err) : virt;	/* on error the teardown ran */
}
