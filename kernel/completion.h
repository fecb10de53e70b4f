/*
 * Completions: "this has happened", counted, for one or many waiters.
 *
 *   struct completion done;
 *   init_completion(&done);
 *   ... hand &done to another thread or CPU ...
 *   wait_for_completion(&done);          other side: complete(&done);
 *
 * `done` counts completions not yet consumed: complete() adds one and
 * wakes one waiter, which consumes it; complete_all() makes it infinite
 * and wakes every waiter, present and future (reinit_completion() before
 * reusing it). wait_for_completion_timeout(c, ms) returns 0 if ms
 * milliseconds passed without a completion, else the milliseconds left
 * (at least 1).
 *
 * Waiting is for process context (might_sleep() warns otherwise);
 * complete() and complete_all() may be called from anywhere, interrupts
 * included. Everything the completer wrote before complete() is visible
 * to the waiter after its wait returns: both sides take c->wait.lock,
 * the completer to count, the waiter to consume (that lock is the pair).
 *
 * Life: the completion must outlive every complete() and wait on it; a
 * completion on the waiter's stack is fine when the waiter is the one
 * that returns last (complete() is done with it once it drops the lock).
 */
#ifndef KERNEL_COMPLETION_H
#define KERNEL_COMPLETION_H

#include <lib/compiler.h>
#include <kernel/wait.h>

#define COMPLETE_ALL	(~0U)

struct completion {
	unsigned int done;		/* (wait.lock) or COMPLETE_ALL */
	wait_queue_head_t wait;		/* exclusive waiters */
};

void init_completion(struct completion *c);
void reinit_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
long wait_for_completion_timeout(struct completion *c, unsigned long timeout_ms);
/* Consume a completion if one is there, without waiting. */
bool try_wait_for_completion(struct completion *c);
/* Is a completion there (after complete_all(): always)? Consumes none;
 * what the completer wrote before is visible after a true answer. */
bool completion_done(struct completion *c);

#endif /* KERNEL_COMPLETION_H */
