/*
 * Intrusive doubly-linked circular lists.
 *
 * A list is a `struct list_head` (the head) embedded in its owner; each
 * element embeds its own `struct list_head` (the node) and is found from
 * it with list_entry(). An empty list is a head that points at itself, so
 * no operation needs a NULL check and insertion and removal are O(1).
 *
 * Rules:
 *  - A list has an owner, and the owner's lock (or, before the object is
 *    published, the sole thread that builds it) guards the head and every
 *    node on it. Walking, adding and removing all need that lock; nothing
 *    here is safe for lock-free readers, with one exception: every store
 *    to a `next` that may be a head's is a relaxed atomic one, so a reader
 *    without the lock may peek whether a list is empty (with an atomic
 *    load: waitqueue_active(), kernel/wait.c). The answer is a hint that
 *    orders nothing; the peeker pairs its own barriers.
 *  - A node is on at most one list at a time. list_del() poisons the
 *    node's links so a use after removal faults at a recognisable address
 *    (LIST_POISON1/2); use list_del_init() if the node may be tested with
 *    list_empty() or removed again later.
 *  - Removing the element you stand on while walking needs
 *    list_for_each_entry_safe(); every other change during a walk is a bug.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <lib/compiler.h>

struct list_head {
	struct list_head *next, *prev;
};

/* Non-canonical addresses: any access through them faults at once. */
#define LIST_POISON1	((struct list_head *)0xdead000000000100UL)
#define LIST_POISON2	((struct list_head *)0xdead000000000200UL)

#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)		struct list_head name = LIST_HEAD_INIT(name)

/* A head's `next`, for the lock-free peek (see above). */
#define __list_set_next(node, to) \
	__atomic_store_n(&(node)->next, (to), __ATOMIC_RELAXED)

static inline void INIT_LIST_HEAD(struct list_head *head)
{
	__list_set_next(head, head);
	head->prev = head;
}

/* Link `node` between two neighbours that are next to each other. */
static inline void __list_link(struct list_head *node, struct list_head *prev,
			       struct list_head *next)
{
	next->prev = node;
	node->next = next;
	node->prev = prev;
	__list_set_next(prev, node);
}

/* Join prev and next, dropping whatever was between them. */
static inline void __list_unlink(struct list_head *prev, struct list_head *next)
{
	next->prev = prev;
	__list_set_next(prev, next);
}

/* Add node right after head (a stack push). */
static inline void list_add(struct list_head *node, struct list_head *head)
{
	__list_link(node, head, head->next);
}

/* Add node right before head, i.e. at the end (a queue push). */
static inline void list_add_tail(struct list_head *node, struct list_head *head)
{
	__list_link(node, head->prev, head);
}

/* Remove node from its list and poison its links. */
static inline void list_del(struct list_head *node)
{
	__list_unlink(node->prev, node->next);
	node->next = LIST_POISON1;
	node->prev = LIST_POISON2;
}

/* Remove node from its list and make it an empty list of its own. */
static inline void list_del_init(struct list_head *node)
{
	__list_unlink(node->prev, node->next);
	INIT_LIST_HEAD(node);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

/* Exactly one element? */
static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

/* Take node off its list and add it after head. */
static inline void list_move(struct list_head *node, struct list_head *head)
{
	__list_unlink(node->prev, node->next);
	list_add(node, head);
}

/* Take node off its list and add it at the end of head's list. */
static inline void list_move_tail(struct list_head *node, struct list_head *head)
{
	__list_unlink(node->prev, node->next);
	list_add_tail(node, head);
}

/*
 * Move every element of `from` to the front of `to`, in order, and leave
 * `from` empty.
 */
static inline void list_splice_init(struct list_head *from, struct list_head *to)
{
	struct list_head *first = from->next, *last = from->prev;

	if (list_empty(from))
		return;
	first->prev = to;
	last->next = to->next;
	to->next->prev = last;
	__list_set_next(to, first);
	INIT_LIST_HEAD(from);
}

/* The element of `type` whose `member` is the node ptr. */
#define list_entry(ptr, type, member)	container_of(ptr, type, member)

/* The first element; the list must not be empty. */
#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)

#define __list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)

/* Walk the nodes: `pos` is a struct list_head *. */
#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

/* Walk the elements: `pos` is a pointer to the element type. */
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_entry((head)->next, __typeof__(*(pos)), member);	\
	     &pos->member != (head);					\
	     pos = __list_next_entry(pos, member))

/* Same, but `pos` may be removed (or freed) inside the loop: `tmp` holds
 * the next element before the body runs. */
#define list_for_each_entry_safe(pos, tmp, head, member)		\
	for (pos = list_entry((head)->next, __typeof__(*(pos)), member),	\
	     tmp = __list_next_entry(pos, member);			\
	     &pos->member != (head);					\
	     pos = tmp, tmp = __list_next_entry(tmp, member))

/* Number of elements: O(n), for tests and diagnostics. */
static inline size_t list_count(const struct list_head *head)
{
	size_t n = 0;

	for (const struct list_head *p = head->next; p != head; p = p->next)
		n++;
	return n;
}

#endif /* LIB_LIST_H */
