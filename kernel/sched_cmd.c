/*
 * The `threads` shell command: every kernel thread with its CPU, state
 * and context switches, then each CPU's switch count and RCU's grace
 * periods. The task list is copied under its lock and printed after.
 */
#include <kernel/rcu_sched.h>
#include <kernel/sched.h>
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/printk.h>
#include <lib/string.h>

#define MAX_SHOWN	128

struct row {
	unsigned int id, cpu;
	int state;
	unsigned long switches;
	char name[TASK_NAME_LEN];
};

struct snapshot {
	struct row rows[MAX_SHOWN];
	unsigned int n, total;
};

static void take_row(struct task_struct *p, void *arg)
{
	struct snapshot *s = arg;
	struct row *r;

	if (s->total++ >= MAX_SHOWN)
		return;
	r = &s->rows[s->n++];
	r->id = p->id;
	r->cpu = p->cpu;
	r->state = __atomic_load_n(&p->state, __ATOMIC_RELAXED);
	r->switches = p->nr_switches;
	memcpy(r->name, p->name, sizeof(r->name));
}

static int cmd_threads(int argc, char **argv)
{
	static struct snapshot s;
	struct rcu_stats st;
	unsigned int cpu;

	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	s.n = s.total = 0;
	sched_for_each_task(take_row, &s);
	kprintf("  ID  CPU  STATE     SWITCHES  NAME\n");
	for (unsigned int i = 0; i < s.n; i++)
		kprintf("%4u  %3u  %-8s  %8lu  %s\n", s.rows[i].id, s.rows[i].cpu,
			task_state_name(s.rows[i].state), s.rows[i].switches,
			s.rows[i].name);
	if (s.total > s.n)
		kprintf("(%u more not shown)\n", s.total - s.n);
	for_each_online_cpu(cpu)
		kprintf("CPU %u: %lu context switches, %lu ticks\n", cpu,
			sched_nr_switches(cpu), cpu_ticks(cpu));
	rcu_get_stats(&st);
	kprintf("RCU: grace periods %lu started, %lu completed; CPUs %#llx; "
		"callbacks %lu pending, %lu invoked\n", st.gp_started,
		st.gp_completed, (unsigned long long)st.cpus, st.cbs_pending,
		st.cbs_invoked);
	return 0;
}
SHELL_COMMAND(threads, "", "list kernel threads, switches, RCU grace periods",
	      "takes no arguments; every thread (id, CPU, state, context switches, name), the\n"
	      "switches and ticks per CPU, the RCU grace periods so far\n"
	      "example: threads\n", cmd_threads);
