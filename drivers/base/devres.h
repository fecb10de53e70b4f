/*
 * devres: resources managed for a device's binding.
 * (Linux: include/linux/device/devres.h, drivers/base/devres.c.)
 *
 * A driver's probe() acquires things in order: memory, a mapping, a
 * queue... Each acquisition pushes a *devres* record on the device's list
 * with the function that undoes it. At unbind, after remove(), or at once
 * when probe() fails, the records are popped and released newest first:
 * last-in-first-out, which is the reverse of acquisition, which is the
 * only safe order (the queue that uses the mapping goes before the
 * mapping). A driver written this way has no error path and no teardown
 * code, only a sequence of acquisitions.
 *
 *   p = devm_kzalloc(dev, sizeof(*p));         freed at unbind
 *   err = devm_add_action_or_reset(dev, unmap_it, p);
 *   if (err)                                    unmap_it(p) has already run
 *           return err;
 *
 * Record lifetime: allocated by devres_alloc() (or the devm_ helpers),
 * owned by the caller until devres_add() puts it on the list, then owned
 * by the list (under dev->devres_lock) until a release pops it, calls its
 * release function outside the lock (it may wait: draining a queue does)
 * and frees it. devm_kfree()/devm_remove_action() take one off early.
 *
 * Records may be added to a device that is not bound (a bus may do so);
 * whatever is left is released when the device is deleted.
 */
#ifndef DRIVERS_BASE_DEVRES_H
#define DRIVERS_BASE_DEVRES_H

#include <drivers/base/device.h>

typedef void (*dr_release_t)(struct device *dev, void *res);

/*
 * A record with `size` bytes of zeroed data for the caller; the pointer
 * returned is the data. name says what it is (for `devices DEV` and the
 * leak warnings). NULL if out of memory.
 */
void *__devres_alloc(dr_release_t release, size_t size, const char *name);
#define devres_alloc(release, size) __devres_alloc(release, size, #release)
/* Free a record that was never added. */
void devres_free(void *res);
/* Push it on dev's list: from now on it is released with the binding. */
void devres_add(struct device *dev, void *res);
/*
 * Pop every record newest first and release it; returns how many. Called
 * by the core at unbind, after a failed probe and at device_del().
 */
unsigned int devres_release_all(struct device *dev);

/* Records on dev's list, newest first, into names[] (up to max); returns the count. */
unsigned int devres_names(struct device *dev, const char **names, unsigned int max);

/* --- managed memory and actions ---------------------------------------------- */

/* Zeroed memory freed at unbind; NULL if out of memory. */
void *devm_kzalloc(struct device *dev, size_t size);
/* Free it now; a pointer devm_kzalloc(dev) did not return is a WARN. */
void devm_kfree(struct device *dev, void *p);

/*
 * Run action(data) at unbind. 0, or -ENOMEM (nothing registered: the
 * caller must undo what the action would have).
 */
int __devm_add_action(struct device *dev, void (*action)(void *), void *data,
		      const char *name);
#define devm_add_action(dev, action, data) \
	__devm_add_action(dev, action, data, #action)

/* The same, but if it cannot be registered, run action(data) at once and
 * return the error: the caller never has to undo by hand. */
static inline int __devm_add_action_or_reset(struct device *dev, void (*action)(void *),
					     void *data, const char *name)
{
	int err = __devm_add_action(dev, action, data, name);

	if (err)
		action(data);
	return err;
}
#define devm_add_action_or_reset(dev, action, data) \
	__devm_add_action_or_reset(dev, action, data, #action)

/* Forget the registration without running it (0, or -ENOENT with a WARN). */
int devm_remove_action(struct device *dev, void (*action)(void *), void *data);
/* Take it off the list and run it now (0, or -ENOENT with a WARN). */
int devm_release_action(struct device *dev, void (*action)(void *), void *data);

/*
 * For tests: after `after` more successful devres allocations, the next
 * `n` fail as if memory ran out, so error paths (devm_add_action_or_reset's
 * reset, a probe failing half-way) can be provoked. Not thread-safe: one
 * test at a time. (0, 0) turns it off.
 */
void devres_inject_alloc_failures(unsigned int after, unsigned int n);

#endif /* DRIVERS_BASE_DEVRES_H */
