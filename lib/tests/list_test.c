/*
 * lib.list: the intrusive list operations of lib/list.h.
 *
 * Each case builds a list of `struct item`s on the stack and checks the
 * order of the values by walking it both ways (a broken prev link shows
 * up only on the way back).
 */
#include <lib/ktest.h>
#include <lib/list.h>

struct item {
	int value;
	struct list_head node;
};

#define NITEMS	5

static void init_items(struct item *items, int n)
{
	for (int i = 0; i < n; i++) {
		items[i].value = i;
		INIT_LIST_HEAD(&items[i].node);
	}
}

/*
 * Does the list hold exactly the values `want[0..n)`, in order, both
 * forwards and backwards?
 */
static bool list_is(const struct list_head *head, const int *want, int n)
{
	const struct list_head *p;
	int i = 0;

	for (p = head->next; p != head; p = p->next, i++) {
		if (i >= n || list_entry(p, struct item, node)->value != want[i])
			return false;
	}
	if (i != n)
		return false;
	for (p = head->prev; p != head; p = p->prev) {
		if (--i < 0 || list_entry(p, struct item, node)->value != want[i])
			return false;
	}
	return i == 0;
}

static void empty_list(struct ktest *t)
{
	LIST_HEAD(head);
	struct list_head dynamic;

	INIT_LIST_HEAD(&dynamic);
	EXPECT_TRUE(t, list_empty(&head));
	EXPECT_TRUE(t, list_empty(&dynamic));
	EXPECT_FALSE(t, list_is_singular(&head));
	EXPECT_EQ(t, list_count(&head), 0);
	EXPECT_TRUE(t, head.next == &head && head.prev == &head);
}

static void add_pushes_at_front(struct ktest *t)
{
	struct item items[3];
	LIST_HEAD(head);
	static const int want[] = { 2, 1, 0 };

	init_items(items, 3);
	for (int i = 0; i < 3; i++)
		list_add(&items[i].node, &head);
	EXPECT_TRUE(t, list_is(&head, want, 3));
	EXPECT_EQ(t, list_count(&head), 3);
}

static void add_tail_appends(struct ktest *t)
{
	struct item items[3];
	LIST_HEAD(head);
	static const int want[] = { 0, 1, 2 };

	init_items(items, 3);
	for (int i = 0; i < 3; i++)
		list_add_tail(&items[i].node, &head);
	EXPECT_TRUE(t, list_is(&head, want, 3));
	EXPECT_EQ(t, list_first_entry(&head, struct item, node)->value, 0);
}

static void singular(struct ktest *t)
{
	struct item items[2];
	LIST_HEAD(head);

	init_items(items, 2);
	list_add(&items[0].node, &head);
	EXPECT_TRUE(t, list_is_singular(&head));
	list_add(&items[1].node, &head);
	EXPECT_FALSE(t, list_is_singular(&head));
}

static void del_unlinks_and_poisons(struct ktest *t)
{
	struct item items[3];
	LIST_HEAD(head);
	static const int want[] = { 0, 2 };

	init_items(items, 3);
	for (int i = 0; i < 3; i++)
		list_add_tail(&items[i].node, &head);
	list_del(&items[1].node);
	EXPECT_TRUE(t, list_is(&head, want, 2));
	EXPECT_TRUE(t, items[1].node.next == LIST_POISON1);
	EXPECT_TRUE(t, items[1].node.prev == LIST_POISON2);
}

static void del_last_leaves_empty(struct ktest *t)
{
	struct item items[1];
	LIST_HEAD(head);

	init_items(items, 1);
	list_add(&items[0].node, &head);
	list_del(&items[0].node);
	EXPECT_TRUE(t, list_empty(&head));
	EXPECT_TRUE(t, head.prev == &head);
}

static void del_init_allows_reuse(struct ktest *t)
{
	struct item items[2];
	LIST_HEAD(head);
	static const int want[] = { 1, 0 };

	init_items(items, 2);
	list_add_tail(&items[0].node, &head);
	list_add_tail(&items[1].node, &head);
	list_del_init(&items[0].node);
	EXPECT_TRUE(t, list_empty(&items[0].node));
	list_del_init(&items[0].node);			/* twice is harmless */
	EXPECT_EQ(t, list_count(&head), 1);
	list_add_tail(&items[0].node, &head);
	EXPECT_TRUE(t, list_is(&head, want, 2));
}

static void move_and_move_tail(struct ktest *t)
{
	struct item items[NITEMS];
	LIST_HEAD(a);
	LIST_HEAD(b);
	static const int want_a[] = { 1, 2, 3 };
	static const int want_b[] = { 4, 0 };
	static const int want_a2[] = { 2, 3, 1 };

	init_items(items, NITEMS);
	for (int i = 0; i < NITEMS; i++)
		list_add_tail(&items[i].node, &a);
	list_move(&items[4].node, &b);
	list_move_tail(&items[0].node, &b);
	EXPECT_TRUE(t, list_is(&a, want_a, 3));
	EXPECT_TRUE(t, list_is(&b, want_b, 2));

	/* Moving within one list rotates it. */
	list_move_tail(&items[1].node, &a);
	EXPECT_TRUE(t, list_is(&a, want_a2, 3));
}

static void splice_init_prepends(struct ktest *t)
{
	struct item items[NITEMS];
	LIST_HEAD(from);
	LIST_HEAD(to);
	static const int want[] = { 0, 1, 2, 3, 4 };

	init_items(items, NITEMS);
	for (int i = 0; i < 3; i++)
		list_add_tail(&items[i].node, &from);
	for (int i = 3; i < NITEMS; i++)
		list_add_tail(&items[i].node, &to);
	list_splice_init(&from, &to);
	EXPECT_TRUE(t, list_empty(&from));
	EXPECT_TRUE(t, list_is(&to, want, NITEMS));
}

static void splice_init_empty_and_into_empty(struct ktest *t)
{
	struct item items[2];
	LIST_HEAD(from);
	LIST_HEAD(to);
	static const int want[] = { 0, 1 };

	init_items(items, 2);
	list_splice_init(&from, &to);			/* empty into empty */
	EXPECT_TRUE(t, list_empty(&to));
	list_add_tail(&items[0].node, &from);
	list_add_tail(&items[1].node, &from);
	list_splice_init(&from, &to);
	EXPECT_TRUE(t, list_empty(&from));
	EXPECT_TRUE(t, list_is(&to, want, 2));
	list_splice_init(&from, &to);			/* empty into full */
	EXPECT_TRUE(t, list_is(&to, want, 2));
}

static void for_each_visits_in_order(struct ktest *t)
{
	struct item items[NITEMS];
	LIST_HEAD(head);
	struct list_head *pos;
	struct item *it;
	int n = 0;

	init_items(items, NITEMS);
	for (int i = 0; i < NITEMS; i++)
		list_add_tail(&items[i].node, &head);
	list_for_each(pos, &head) {
		EXPECT_EQ(t, list_entry(pos, struct item, node)->value, n);
		n++;
	}
	EXPECT_EQ(t, n, NITEMS);
	n = 0;
	list_for_each_entry(it, &head, node) {
		EXPECT_TRUE(t, it == &items[n]);
		n++;
	}
	EXPECT_EQ(t, n, NITEMS);
}

static void for_each_on_empty_runs_zero_times(struct ktest *t)
{
	LIST_HEAD(head);
	struct item *it, *tmp;
	int n = 0;

	list_for_each_entry(it, &head, node)
		n++;
	list_for_each_entry_safe(it, tmp, &head, node)
		n++;
	EXPECT_EQ(t, n, 0);
}

static void for_each_safe_allows_deletion(struct ktest *t)
{
	struct item items[NITEMS];
	LIST_HEAD(head);
	struct item *it, *tmp;
	static const int want[] = { 1, 3 };
	int visited = 0;

	init_items(items, NITEMS);
	for (int i = 0; i < NITEMS; i++)
		list_add_tail(&items[i].node, &head);
	/* Delete the even ones as we pass them; poisoned links must not
	 * derail the walk. */
	list_for_each_entry_safe(it, tmp, &head, node) {
		visited++;
		if (it->value % 2 == 0)
			list_del(&it->node);
	}
	EXPECT_EQ(t, visited, NITEMS);
	EXPECT_TRUE(t, list_is(&head, want, 2));
}

static void count_tracks_changes(struct ktest *t)
{
	struct item items[NITEMS];
	LIST_HEAD(head);

	init_items(items, NITEMS);
	for (int i = 0; i < NITEMS; i++) {
		list_add(&items[i].node, &head);
		EXPECT_EQ(t, list_count(&head), i + 1);
	}
	for (int i = 0; i < NITEMS; i++) {
		list_del(&items[i].node);
		EXPECT_EQ(t, list_count(&head), NITEMS - 1 - i);
	}
}

static const struct ktest_case list_cases[] = {
	KTEST_CASE(empty_list, "LIST_HEAD and INIT_LIST_HEAD make an empty list pointing at itself"),
	KTEST_CASE(add_pushes_at_front, "list_add inserts after the head (stack order)"),
	KTEST_CASE(add_tail_appends, "list_add_tail inserts before the head (queue order)"),
	KTEST_CASE(singular, "list_is_singular is true for exactly one element"),
	KTEST_CASE(del_unlinks_and_poisons, "list_del unlinks the node and poisons its links"),
	KTEST_CASE(del_last_leaves_empty, "deleting the only element leaves a proper empty list"),
	KTEST_CASE(del_init_allows_reuse, "list_del_init leaves an empty node that can be re-added"),
	KTEST_CASE(move_and_move_tail, "list_move/list_move_tail relink to the front/back of a list"),
	KTEST_CASE(splice_init_prepends, "list_splice_init puts a list in front of another, in order"),
	KTEST_CASE(splice_init_empty_and_into_empty, "splicing empty lists and into an empty list"),
	KTEST_CASE(for_each_visits_in_order, "list_for_each(_entry) visit every element in order"),
	KTEST_CASE(for_each_on_empty_runs_zero_times, "the walkers do nothing on an empty list"),
	KTEST_CASE(for_each_safe_allows_deletion, "list_for_each_entry_safe survives deleting the current element"),
	KTEST_CASE(count_tracks_changes, "list_count follows adds and deletes"),
	{}
};
KTEST_SUITE(list_suite, "lib.list", list_cases);
