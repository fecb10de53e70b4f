/*
 * Host build: kernel/completion.h for host threads. The count is the
 * kernel's; where the kernel sleeps on the wait queue, a host thread
 * yields its CPU and looks again (the host has no scheduler to sleep in,
 * as in arch/host/rwsem.c). The lock is the wait queue's spinlock.
 */
#include <sched.h>
#include <time.h>
#include <kernel/completion.h>

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

void reinit_completion(struct completion *c)
{
	spin_lock(&c->wait.lock);
	c->done = 0;
	spin_unlock(&c->wait.lock);
}

void complete(struct completion *c)
{
	spin_lock(&c->wait.lock);
	if (c->done != COMPLETE_ALL)
		c->done++;
	spin_unlock(&c->wait.lock);
}

void complete_all(struct completion *c)
{
	spin_lock(&c->wait.lock);
	c->done = COMPLETE_ALL;
	spin_unlock(&c->wait.lock);
}

bool try_wait_for_completion(struct completion *c)
{
	bool got;

	spin_lock(&c->wait.lock);
	got = c->done != 0;
	if (got && c->done != COMPLETE_ALL)
		c->done--;
	spin_unlock(&c->wait.lock);
	return got;
}

bool completion_done(struct completion *c)
{
	bool done;

	spin_lock(&c->wait.lock);
	done = c->done != 0;
	spin_unlock(&c->wait.lock);
	return done;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void wait_for_completion(struct completion *c)
{
	while (!try_wait_for_completion(c))
		sched_yield();
}

long wait_for_completion_timeout(struct completion *c, unsigned long timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		uint64_t now;

		if (try_wait_for_completion(c)) {
			now = now_ms();
			return now < deadline ? (long)(deadline - now) : 1;
		}
		if (now_ms() >= deadline)
			return 0;
		sched_yield();
	}
}
