/*
 * devres: the records behind devm_* (drivers/base/devres.h).
 *
 * A record is one kmalloc: a header (list node, release function, name,
 * data size) followed by the caller's data, 16-byte aligned. The caller
 * only ever sees the data pointer; the header is found from it by
 * subtraction. Records hang on dev->devres_head in the order they were
 * added; devres_release_all() takes them from the tail, one at a time,
 * dropping devres_lock before each release function runs, since a release
 * may wait (a queue drain). A release that added a record to the device
 * being released would be a bug; the loop would simply release it next.
 *
 * Actions (devm_add_action) are records whose data is {action, arg} and
 * whose release calls action(arg); devm_kzalloc records release nothing
 * (freeing the record frees the memory).
 */
#include <kernel/fault_inject.h>
#include <stddef.h>

#include <drivers/base/devres.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <mm/slab.h>

struct devres_node {
	struct list_head entry;		/* (L: devres_lock) on dev->devres_head */
	dr_release_t release;		/* (i) */
	const char *name;		/* (i) "pmem_unmap", "devm_kzalloc" */
	size_t size;			/* (i) data bytes */
};

struct devres {
	struct devres_node node;
	uint8_t data[] __aligned(16);
};

/* Tests only (one test at a time): skip, then fail. */
static unsigned int inject_skip, inject_count;

void devres_inject_alloc_failures(unsigned int after, unsigned int n)
{
	inject_skip = after;
	inject_count = n;
}

static bool injected_failure(void)
{
	if (likely(!inject_count))
		return false;
	if (inject_skip) {
		inject_skip--;
		return false;
	}
	inject_count--;
	return true;
}

static struct devres *to_devres(void *data)
{
	return (struct devres *)((uint8_t *)data - offsetof(struct devres, data));
}

FAULT_POINT(fp_devres, "devres record");

void *__devres_alloc(dr_release_t release, size_t size, const char *name)
{
	struct devres *dr;

	if (injected_failure() || should_fail(&fp_devres))
		return NULL;
	dr = kzalloc(sizeof(*dr) + size);
	if (!dr)
		return NULL;
	INIT_LIST_HEAD(&dr->node.entry);
	dr->node.release = release;
	dr->node.name = name;
	dr->node.size = size;
	return dr->data;
}

void devres_free(void *res)
{
	struct devres *dr;

	if (!res)
		return;
	dr = to_devres(res);
	WARN(!list_empty(&dr->node.entry), "devres_free(%p) of record '%s' still on a "
	     "device's list, from %pS", res, dr->node.name, __builtin_return_address(0));
	kfree(dr);
}

void devres_add(struct device *dev, void *res)
{
	struct devres *dr = to_devres(res);
	unsigned long flags;

	spin_lock_irqsave(&dev->devres_lock, flags);
	list_add_tail(&dr->node.entry, &dev->devres_head);
	dev->devres_count++;
	spin_unlock_irqrestore(&dev->devres_lock, flags);
}

/* Pop the newest record, or NULL. */
static struct devres *devres_pop(struct device *dev)
{
	struct devres *dr = NULL;
	unsigned long flags;

	spin_lock_irqsave(&dev->devres_lock, flags);
	if (!list_empty(&dev->devres_head)) {
		dr = list_entry(dev->devres_head.prev, struct devres, node.entry);
		list_del_init(&dr->node.entry);
		dev->devres_count--;
	}
	spin_unlock_irqrestore(&dev->devres_lock, flags);
	return dr;
}

unsigned int devres_release_all(struct device *dev)
{
	unsigned int n = 0;
	struct devres *dr;

	while ((dr = devres_pop(dev))) {
		if (dr->node.release)
			dr->node.release(dev, dr->data);
		kfree(dr);
		n++;
	}
	return n;
}

unsigned int devres_names(struct device *dev, const char **names, unsigned int max)
{
	unsigned int n = 0;
	unsigned long flags;
	struct list_head *pos;

	spin_lock_irqsave(&dev->devres_lock, flags);
	for (pos = dev->devres_head.prev; pos != &dev->devres_head; pos = pos->prev) {
		if (n < max)
			names[n] = list_entry(pos, struct devres, node.entry)->node.name;
		n++;
	}
	spin_unlock_irqrestore(&dev->devres_lock, flags);
	return n;
}

/*
 * Take off the list the newest record with this release function whose
 * data satisfies match(data, arg); NULL if none.
 */
static struct devres *devres_remove(struct device *dev, dr_release_t release,
				    bool (*match)(void *data, void *arg), void *arg)
{
	struct devres *found = NULL;
	unsigned long flags;
	struct list_head *pos;

	spin_lock_irqsave(&dev->devres_lock, flags);
	for (pos = dev->devres_head.prev; pos != &dev->devres_head; pos = pos->prev) {
		struct devres *dr = list_entry(pos, struct devres, node.entry);

		if (dr->node.release == release && match(dr->data, arg)) {
			list_del_init(&dr->node.entry);
			dev->devres_count--;
			found = dr;
			break;
		}
	}
	spin_unlock_irqrestore(&dev->devres_lock, flags);
	return found;
}

/* --- managed memory -------------------------------------------------------------- */

static void devm_kmalloc_release(struct device *dev, void *res)
{
	/* the memory is the record's data: freeing the record frees it */
}

void *devm_kzalloc(struct device *dev, size_t size)
{
	void *p = __devres_alloc(devm_kmalloc_release, size, "devm_kzalloc");

	if (p)
		devres_add(dev, p);
	return p;
}

static bool same_data(void *data, void *arg)
{
	return data == arg;
}

void devm_kfree(struct device *dev, void *p)
{
	struct devres *dr;

	if (!p)
		return;
	dr = devres_remove(dev, devm_kmalloc_release, same_data, p);
	if (WARN(!dr, "devm_kfree(%s, %p): not memory devm_kzalloc() gave this device, "
		 "from %pS", dev->name, p, __builtin_return_address(0)))
		return;
	kfree(dr);
}

/* --- actions ------------------------------------------------------------------------ */

struct action_devres {
	void (*action)(void *);
	void *data;
};

static void devm_action_release(struct device *dev, void *res)
{
	struct action_devres *a = res;

	a->action(a->data);
}

int __devm_add_action(struct device *dev, void (*action)(void *), void *data,
		      const char *name)
{
	struct action_devres *a = __devres_alloc(devm_action_release, sizeof(*a), name);

	if (!a) {
		pr_err("%s: cannot register devres action %s: out of memory", dev->name, name);
		return -ENOMEM;
	}
	a->action = action;
	a->data = data;
	devres_add(dev, a);
	return 0;
}

static bool same_action(void *res, void *arg)
{
	struct action_devres *a = res, *want = arg;

	return a->action == want->action && a->data == want->data;
}

static struct devres *action_remove(struct device *dev, void (*action)(void *),
				    void *data, const char *what)
{
	struct action_devres want = { action, data };
	struct devres *dr = devres_remove(dev, devm_action_release, same_action, &want);

	WARN(!dr, "%s(%s, %ps, %p): no such action registered", what, dev->name,
	     action, data);
	return dr;
}

int devm_remove_action(struct device *dev, void (*action)(void *), void *data)
{
	struct devres *dr = action_remove(dev, action, data, "devm_remove_action");

	if (!dr)
		return -ENOENT;
	kfree(dr);
	return 0;
}

int devm_release_action(struct device *dev, void (*action)(void *), void *data)
{
	struct devres *dr = action_remove(dev, action, data, "devm_release_action");

	if (!dr)
		return -ENOENT;
	action(data);
	kfree(dr);
	return 0;
}
