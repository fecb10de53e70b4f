/*
 * Shell commands of the device model:
 *
 *   devices          every registered device: bus, driver, state,
 *                    references, devres records, probes, last probe error
 *   devices DEV      one device, with its devres records newest first
 *                    (the order unbind will release them in)
 *   devices wait [SECONDS]
 *                    until no probe runs in the background (at most
 *                    SECONDS, default 60; ^C stops it), showing each
 *                    probe's progress every second
 *   bind DEV [DRV]   probe DEV with driver DRV (default: the first that
 *                    matches on its bus)
 *   unbind DEV [&]   remove DEV's driver, releasing its devres LIFO; with
 *                    &, from a kernel thread while the shell goes on
 *   unbind wait [SECONDS]
 *                    until that thread is done (at most SECONDS; ^C stops it)
 *
 * Kernel only (shell glue over drivers/base, which the host tests reach).
 */
#include <drivers/base/devres.h>
#include <kernel/completion.h>
#include <kernel/kthread.h>
#include <kernel/shell.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <asm/percpu.h>

#define MAX_LISTED	32
#define WAIT_DEFAULT_S	60		/* devices wait, unbind wait */
#define WAIT_MAX_S	3600

/* What the parsers take, and what `help devices` and `help unbind` describe. */
static const struct shell_keyword devices_keywords[] = { SHELL_WORD("wait"), {} };
static const struct shell_keyword unbind_keywords[] = { SHELL_WORD("wait"), {} };

static void print_row(const struct device_info *i)
{
	char err[24] = "-";

	if (i->last_probe_err)
		scnprintf(err, sizeof(err), "%s", errno_name(i->last_probe_err));
	kprintf("%-12s %-10s %-10s %-9s %4lu %6u %6u  %s\n", i->name, i->bus,
		i->driver ? i->driver : "-", device_state_name(i->state), i->refcount,
		i->devres_count, i->nprobes, err);
	if (i->state == DEVICE_PROBING && i->progress_what && i->progress_total)
		kprintf("             probing: %s %lu of %lu (%lu%%)\n", i->progress_what,
			MIN(i->progress_done, i->progress_total), i->progress_total,
			MIN(i->progress_done, i->progress_total) * 100 / i->progress_total);
	else if (i->state == DEVICE_PROBING)
		kprintf("             probing: %s\n", i->progress_what ? i->progress_what : "queued");
}

static struct device *find_or_complain(char **argv, const char *name)
{
	struct device *dev = device_find(name);

	if (!dev)
		kprintf("%s: no device '%s' (see 'devices')\n", argv[0], name);
	return dev;
}

static int show_one(char **argv, const char *name)
{
	struct device_info info[MAX_LISTED];
	const char *names[32];
	struct device *dev = find_or_complain(argv, name);
	unsigned int n;

	if (!dev)
		return 1;
	n = MIN(device_list_snapshot(info, MAX_LISTED), MAX_LISTED);
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(info[i].name, name))
			print_row(&info[i]);
	n = devres_names(dev, names, ARRAY_SIZE(names));
	kprintf("devres, newest first (released in this order at unbind): %u\n", n);
	for (unsigned int i = 0; i < MIN(n, ARRAY_SIZE(names)); i++)
		kprintf("  %2u %s\n", i, names[i]);
	put_device(dev);
	return 0;
}

static bool no_probe_pending(void *arg)
{
	return !device_probes_pending();
}

/* `devices wait [SECONDS]`: until no probe runs in the background. */
static int wait_probes(int argc, char **argv)
{
	unsigned long limit = WAIT_DEFAULT_S, waited;

	if (argc == 3 && !shell_number(argv, "SECONDS", argv[2], 1, WAIT_MAX_S, &limit))
		return 2;
	for (waited = 0; waited < limit; waited++) {
		struct device_info info[MAX_LISTED];
		unsigned int n;
		int err = shell_wait(no_probe_pending, NULL, 1000, NULL);

		if (!err) {
			kprintf("devices: no probe in progress\n");
			return 0;
		}
		if (err == -EINTR) {
			kprintf("devices wait: interrupted after %lu s (%u probe(s) left)\n",
				waited, device_probes_pending());
			return SHELL_INTERRUPTED;
		}
		n = MIN(device_list_snapshot(info, MAX_LISTED), MAX_LISTED);
		for (unsigned int i = 0; i < n; i++)
			if (info[i].state == DEVICE_PROBING)
				print_row(&info[i]);
	}
	kprintf("devices wait: probes still running after %lu s (%u left)\n", limit,
		device_probes_pending());
	return 1;
}

static int cmd_devices(int argc, char **argv)
{
	struct device_info info[MAX_LISTED];
	unsigned int n;

	if (argc >= 2 && shell_keyword(devices_keywords, NULL, argv[1]) >= 0) {
		if (argc > 3)
			return shell_usage_error(argv, "wait takes at most SECONDS");
		return wait_probes(argc, argv);
	}
	if (argc > 2)
		return shell_usage_error(argv, "expected at most one device name");
	if (argc == 2)
		return show_one(argv, argv[1]);
	n = device_list_snapshot(info, MAX_LISTED);
	kprintf("%-12s %-10s %-10s %-9s %4s %6s %6s  %s\n", "DEVICE", "BUS", "DRIVER",
		"STATE", "REFS", "DEVRES", "PROBES", "LAST PROBE ERROR");
	for (unsigned int i = 0; i < MIN(n, MAX_LISTED); i++)
		print_row(&info[i]);
	if (n > MAX_LISTED)
		kprintf("... and %u more\n", n - MAX_LISTED);
	if (!n)
		kprintf("no devices registered\n");
	return 0;
}
SHELL_COMMAND_KEYWORDS(devices, "[DEV | wait [SECONDS]]",
	      "list devices with their driver and state; DEV: its devres; wait: for background probes",
	      "(nothing): every device: bus, driver, state, references, devres records, probes,\n"
	      "      the last probe's error; a probing device's progress\n"
	      "DEV: a device's name (pmem0, ...): its row and its devres records, newest first\n"
	      "      (the order unbind releases them in)\n"
	      "wait [SECONDS]: until no probe runs in the background, showing each probe's\n"
	      "      progress every second; Ctrl-C stops the wait\n"
	      "SECONDS: 1 to 3600 (default 60)\n"
	      "examples: devices; devices pmem0; devices wait 30\n", cmd_devices,
	      devices_keywords);

static int cmd_bind(int argc, char **argv)
{
	struct device *dev;
	int err;

	if (argc < 2 || argc > 3)
		return shell_usage_error(argv, "expected a device and optionally a driver");
	dev = find_or_complain(argv, argv[1]);
	if (!dev)
		return 1;
	err = device_bind(dev, argc == 3 ? argv[2] : NULL);
	if (err)
		kprintf("bind: %s: failed: %s%s\n", argv[1], errno_name(err),
			err == -EBUSY ? ": already bound or busy" :
			err == -ENOENT ? ": no such driver on its bus" :
			err == -ENODEV ? ": the driver does not match the device" :
			": the driver's probe failed");
	else
		kprintf("bind: %s: bound to %s\n", argv[1], dev->driver ? dev->driver->name : "?");
	put_device(dev);
	return err ? 1 : 0;
}
SHELL_COMMAND(bind, "DEV [DRV]", "probe device DEV with driver DRV (default: the first match)",
	      "DEV: a device's name, as 'devices' lists it (pmem0, ...)\n"
	      "DRV: a driver on DEV's bus (pmem for an NVDIMM's region); default: the first\n"
	      "      that matches\n"
	      "examples: bind pmem0; bind pmem0 pmem\n", cmd_bind);

/*
 * `unbind DEV &`: the unbind runs in a kernel thread and the shell stays
 * usable while the teardown waits (for pinned pages, say). One at a
 * time; the thread says when it is done and is reaped by the next
 * unbind command.
 */
static struct task_struct *bg_unbinder;	/* shell thread only */
static char bg_unbind_name[32];		/* its device: shell thread only */
/* completed by the thread as its last act (initialised before it starts) */
static struct completion bg_unbind_finished;

static void reap_bg_unbind(void)
{
	if (bg_unbinder && completion_done(&bg_unbind_finished)) {
		kthread_join(bg_unbinder);
		bg_unbinder = NULL;
	}
}

static void report_unbind(const char *name, int err, const char *how)
{
	if (err)
		kprintf("unbind: %s: failed%s: %s: %s\n", name, how, errno_name(err),
			err == -EINVAL ? "not bound" : "a bind or unbind is in progress");
	else
		kprintf("unbind: %s: unbound%s\n", name, how);
}

static int bg_unbind_thread(void *arg)
{
	struct device *dev = arg;
	int err = device_unbind(dev);

	report_unbind(dev->name, err, " (in the background)");
	put_device(dev);
	complete_all(&bg_unbind_finished);
	return err;
}

static int unbind_in_background(char **argv, struct device *dev)
{
	struct task_struct *t;

	if (bg_unbinder) {
		put_device(dev);
		return shell_usage_error(argv, "a background unbind is still running");
	}
	init_completion(&bg_unbind_finished);
	/* on the shell's CPU, where a foreground unbind would run */
	t = kthread_run_on(smp_processor_id(), bg_unbind_thread, dev);
	if (IS_ERR(t)) {
		kprintf("unbind: %s: no thread for the background: %s\n", argv[1],
			errno_name((int)PTR_ERR(t)));
		put_device(dev);
		return 1;
	}
	bg_unbinder = t;
	strlcpy(bg_unbind_name, argv[1], sizeof(bg_unbind_name));
	kprintf("unbind: %s: unbinding in the background (`devices`, `pgmap` show it)\n",
		argv[1]);
	return 0;
}

static bool bg_unbind_done(void *arg)
{
	return completion_done(&bg_unbind_finished);
}

/* `unbind wait [SECONDS]`: until the background unbind has finished. */
static int wait_bg_unbind(int argc, char **argv)
{
	unsigned long secs = WAIT_DEFAULT_S, waited;
	char what[96];
	int err;

	if (argc == 3 && !shell_number(argv, "SECONDS", argv[2], 1, WAIT_MAX_S, &secs))
		return 2;
	if (!bg_unbinder) {
		kprintf("unbind: no background unbind to wait for\n");
		return 0;
	}
	if (shell_holds(bg_unbind_name, what, sizeof(what))) {
		kprintf("unbind wait: refused: the unbind of %s waits for the shell itself: %s\n",
			bg_unbind_name, what);
		return 1;
	}
	err = shell_wait(bg_unbind_done, NULL, secs * 1000, &waited);
	if (err) {
		kprintf("unbind wait: %safter %lu ms: %s is still unbinding ('pgmap', "
			"'devices %s' show what it waits for)\n",
			err == -EINTR ? "interrupted " : "", waited, bg_unbind_name, bg_unbind_name);
		return err == -EINTR ? SHELL_INTERRUPTED : 1;
	}
	reap_bg_unbind();
	kprintf("unbind: %s: the background unbind has finished\n", bg_unbind_name);
	return 0;
}

static int cmd_unbind(int argc, char **argv)
{
	struct device *dev;
	char what[96];
	int err;

	if ((argc == 2 || argc == 3) && shell_keyword(unbind_keywords, NULL, argv[1]) >= 0)
		return wait_bg_unbind(argc, argv);
	reap_bg_unbind();
	if (argc != 2 && !(argc == 3 && !strcmp(argv[2], "&")))
		return shell_usage_error(argv, "expected one device name, then & to run it "
					 "in the background");
	dev = find_or_complain(argv, argv[1]);
	if (!dev)
		return 1;
	if (argc == 3)
		return unbind_in_background(argv, dev);
	if (shell_holds(dev->name, what, sizeof(what))) {
		kprintf("unbind: %s: refused: the unbind would wait for the shell itself: %s; "
			"or run 'unbind %s &'\n", argv[1], what, argv[1]);
		put_device(dev);
		return 1;
	}
	err = device_unbind(dev);
	report_unbind(argv[1], err, "");
	put_device(dev);
	return err ? 1 : 0;
}
SHELL_COMMAND_KEYWORDS(unbind, "DEV [&] | wait [SECONDS]", "remove device DEV's driver, releasing its devres "
	      "last-in-first-out; &: from a kernel thread; wait: for that thread",
	      "DEV: a device's name, as 'devices' lists it (pmem0, ...); refused in the\n"
	      "      foreground while the shell's own pin holds pages of it (it would wait for\n"
	      "      the shell)\n"
	      "&: unbind from a kernel thread while the shell goes on; it says when it is done\n"
	      "      (one at a time)\n"
	      "wait [SECONDS]: wait for that thread to finish; Ctrl-C stops the wait\n"
	      "SECONDS: 1 to 3600 (default 60)\n"
	      "examples: unbind pmem0; unbind pmem0 &; unbind wait 10\n", cmd_unbind,
	      unbind_keywords);
