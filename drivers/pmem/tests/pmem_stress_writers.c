/*
 * pmem.stress's writer threads (drivers/pmem/tests/pmem_stress.h): each
 * owns STRESS_SECTORS sectors, writes them round-robin with generations
 * it never reuses, and reads each back before writing it again; what the
 * suite does with them is in pmem_bind_stress_test.c.
 */
#include <drivers/pmem/tests/pmem_stress.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/crc32.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/string.h>

struct stress_writer stress_writers[STRESS_MAX_WRITERS];
unsigned int nr_stress_writers;
struct pmem_device *stress_pmem;
int stress_unbound;

void stress_fill_sector(struct stress_sector *s, uint64_t sector, uint64_t gen, unsigned int cpu)
{
	s->magic = STRESS_MAGIC;
	s->sector = sector;
	s->gen = gen;
	s->cpu = cpu;
	pmem_test_pattern(s->fill, sizeof(s->fill), (sector << 32) ^ gen ^ 0x51);
	s->crc = crc32(0, s, offsetof(struct stress_sector, crc));
}

const char *stress_sector_problem(const struct stress_sector *s, uint64_t sector, unsigned int cpu)
{
	if (s->magic != STRESS_MAGIC)
		return "no magic";
	if (s->crc != crc32(0, s, offsetof(struct stress_sector, crc)))
		return "bad CRC";
	if (s->sector != sector)
		return "wrong sector number";
	if (s->cpu != cpu)
		return "wrong writer";
	return NULL;
}

/* In the writer, inside the queue's usage reference. */
static void writer_end_io(struct pmem_request *rq)
{
	struct stress_writer *w = rq->private;

	if (!rq->status && __atomic_load_n(&stress_unbound, __ATOMIC_ACQUIRE))
		w->ok_after_unbind++;
}

/* Submit one request for sector idx of w: its status. */
static int writer_io(struct stress_writer *w, unsigned int idx, void *buf, enum pmem_dir dir)
{
	w->rq = (struct pmem_request){
		.sector = w->base + idx, .count = 1, .buf = buf, .dir = dir,
		.end_io = writer_end_io, .private = w,
	};
	pmem_submit(stress_pmem, &w->rq);
	return w->rq.status;
}

/* Count an error (-ENODEV apart from the others), then back off. */
static void writer_error(struct stress_writer *w, int err)
{
	if (err == -ENODEV) {
		__atomic_fetch_add(&w->nr_refused, 1, __ATOMIC_RELAXED);
	} else if (!w->nr_other++) {
		w->first_other = err;
	}
	msleep(1);	/* retry after the rebind */
}

/*
 * Read sector idx back before overwriting it: it must hold the latest
 * generation that succeeded, even if the device was unbound and bound
 * again since. So every successful write is checked, not only the last.
 */
static int writer_check(struct stress_writer *w, unsigned int idx)
{
	int err = writer_io(w, idx, &w->rbuf, PMEM_READ);
	const char *why;

	if (err)
		return err;
	w->nr_checked++;
	why = stress_sector_problem(&w->rbuf, w->base + idx, w->cpu);
	if (!why && w->rbuf.gen != w->latest[idx])
		why = w->rbuf.gen < w->latest[idx] ? "lost write (older generation)" :
		      "a write that failed reached the device";
	if (why && !w->nr_bad++) {
		w->bad_why = why;
		w->bad_sector = w->base + idx;
		w->bad_gen = w->rbuf.gen;
		w->bad_expected = w->latest[idx];
	}
	return 0;
}

static int writer_fn(void *arg)
{
	struct stress_writer *w = arg;
	uint64_t deadline = ktime_get_ns() + (uint64_t)STRESS_WATCHDOG_MS * NSEC_PER_MSEC;
	unsigned int i = 0;
	int err;

	while (!kthread_should_stop()) {
		unsigned int idx = i % STRESS_SECTORS;
		uint64_t gen;

		if (ktime_get_ns() > deadline) {
			w->watchdog = true;
			return -ETIMEDOUT;
		}
		err = writer_check(w, idx);
		if (err) {
			writer_error(w, err);
			continue;
		}
		gen = w->next_gen++;	/* never reused: a refused write cannot match */
		stress_fill_sector(&w->buf, w->base + idx, gen, w->cpu);
		err = writer_io(w, idx, &w->buf, PMEM_WRITE);
		if (err) {
			writer_error(w, err);
			continue;
		}
		w->latest[idx] = gen;
		__atomic_fetch_add(&w->nr_ok, 1, __ATOMIC_RELAXED);
		i++;
	}
	return 0;
}

void stress_writers_init(void)
{
	unsigned int cpu;

	nr_stress_writers = 0;
	memset(stress_writers, 0, sizeof(stress_writers));
	for_each_online_cpu(cpu) {
		struct stress_writer *w = &stress_writers[nr_stress_writers];

		if (cpu == 0 || nr_stress_writers == STRESS_MAX_WRITERS)
			continue;
		w->cpu = cpu;
		w->base = STRESS_BASE + (uint64_t)nr_stress_writers * STRESS_SECTORS;
		w->next_gen = 1;
		nr_stress_writers++;
	}
}

int stress_writers_start(void)
{
	for (unsigned int n = 0; n < nr_stress_writers; n++) {
		struct task_struct *task = kthread_run_on(stress_writers[n].cpu, writer_fn, &stress_writers[n]);

		if (IS_ERR(task))
			return (int)PTR_ERR(task);
		stress_writers[n].task = task;
	}
	return 0;
}

unsigned int stress_writers_stop(void)
{
	unsigned int bad = 0;

	for (unsigned int n = 0; n < nr_stress_writers; n++) {
		if (!stress_writers[n].task)
			continue;
		if (kthread_stop(stress_writers[n].task))
			bad++;
		stress_writers[n].task = NULL;
	}
	return bad;
}

unsigned long stress_writers_sum(writer_field field)
{
	unsigned long sum = 0;

	for (unsigned int n = 0; n < nr_stress_writers; n++)
		sum += __atomic_load_n(field(&stress_writers[n]), __ATOMIC_RELAXED);
	return sum;
}


bool stress_writers_wait_past(writer_field field, const unsigned long *snap)
{
	uint64_t start = ktime_get_ns();

	for (unsigned int n = 0; n < nr_stress_writers; n++)
		while (__atomic_load_n(field(&stress_writers[n]), __ATOMIC_RELAXED) <= snap[n]) {
			if (ktime_get_ns() - start > STRESS_WAIT_NS)
				return false;
			msleep(1);
		}
	return true;
}

void stress_writers_snap(writer_field field, unsigned long *snap)
{
	for (unsigned int n = 0; n < nr_stress_writers; n++)
		snap[n] = __atomic_load_n(field(&stress_writers[n]), __ATOMIC_RELAXED);
}

