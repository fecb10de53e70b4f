/*
 * lib.avltree: the AVL tree of lib/avltree.h.
 *
 * Items carry an int key and live in a static array (no allocator
 * needed, so the suite runs anywhere). After every change the tree is
 * validated (parent links, heights, balance) and walked both ways, and the
 * keys it yields are compared with a reference kept on the side: a
 * presence table for sets of distinct keys, the insertion sequence for
 * duplicates. The random cases use a fixed seed, so a failure repeats.
 */
#include <lib/avltree.h>
#include <lib/ktest.h>

#define NITEMS	600

struct item {
	int key;
	unsigned int seq;		/* insertion order, for equal keys */
	struct avl_node node;
};

static struct item items[NITEMS];
static bool present[NITEMS];		/* the reference: key i is in the tree */

static uint64_t rnd_state;

static uint32_t rnd(void)
{
	uint64_t x = rnd_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rnd_state = x;
	return (uint32_t)(x >> 16);
}

static void reset(struct avl_root *root)
{
	root->node = NULL;
	for (int i = 0; i < NITEMS; i++) {
		items[i] = (struct item){ .key = i };
		present[i] = false;
	}
	rnd_state = 0x2545f4914f6cdd1dULL;
}

static struct item *item_of(struct avl_node *n)
{
	return avl_entry(n, struct item, node);
}

/* Equal keys go right: they come out in insertion order. */
static void insert(struct avl_root *root, struct item *it)
{
	struct avl_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < item_of(parent)->key ? &parent->left : &parent->right;
	}
	avl_insert(root, &it->node, parent, link);
}

static struct item *find(struct avl_root *root, int key)
{
	struct avl_node *n = root->node;

	while (n) {
		if (key == item_of(n)->key)
			return item_of(n);
		n = key < item_of(n)->key ? n->left : n->right;
	}
	return NULL;
}

/* The tallest an AVL tree of n nodes can be: N(h) = N(h-1) + N(h-2) + 1. */
static int max_avl_height(long n)
{
	long a = 0, b = 1;	/* fewest nodes for heights h-1 and h */
	int h = 1;

	if (n == 0)
		return 0;
	while (true) {
		long c = a + b + 1;	/* fewest nodes for height h + 1 */

		if (c > n)
			return h;
		a = b;
		b = c;
		h++;
	}
}

/* Structure, then both walks against the presence table. */
static void check_tree(struct ktest *t, struct avl_root *root)
{
	char msg[120];
	long n = avl_validate(root, msg, sizeof(msg)), want = 0;
	struct avl_node *p;
	int k = -1;

	if (n < 0)
		ktest_fail(t, "tree broken: %s", msg);
	ASSERT_GE(t, n, 0);
	for (int i = 0; i < NITEMS; i++)
		want += present[i];
	ASSERT_EQ(t, n, want);
	EXPECT_LE(t, avl_height(root), max_avl_height(n));

	for (p = avl_first(root); p; p = avl_next(p)) {
		int key = item_of(p)->key;

		while (++k < key)
			ASSERT_FALSE(t, present[k]);
		ASSERT_TRUE(t, present[k]);
	}
	while (++k < NITEMS)
		ASSERT_FALSE(t, present[k]);
	for (p = avl_last(root); p; p = avl_prev(p)) {
		while (--k > item_of(p)->key)
			ASSERT_FALSE(t, present[k]);
		ASSERT_EQ(t, k, item_of(p)->key);
	}
}

static void empty_tree(struct ktest *t)
{
	struct avl_root root = AVL_ROOT_INIT;
	char msg[80];

	EXPECT_TRUE(t, avl_empty(&root));
	EXPECT_NULL(t, avl_first(&root));
	EXPECT_NULL(t, avl_last(&root));
	EXPECT_EQ(t, avl_height(&root), 0);
	EXPECT_EQ(t, avl_validate(&root, msg, sizeof(msg)), 0);
}

static void single_node(struct ktest *t)
{
	struct avl_root root;

	reset(&root);
	insert(&root, &items[7]);
	present[7] = true;
	check_tree(t, &root);
	EXPECT_EQ(t, avl_height(&root), 1);
	EXPECT_TRUE(t, avl_first(&root) == &items[7].node);
	EXPECT_NULL(t, avl_next(&items[7].node));
	avl_erase(&root, &items[7].node);
	EXPECT_TRUE(t, avl_empty(&root));
}

static void ascending_inserts_stay_balanced(struct ktest *t)
{
	struct avl_root root;

	reset(&root);
	for (int i = 0; i < NITEMS; i++) {
		insert(&root, &items[i]);
		present[i] = true;
		check_tree(t, &root);
	}
	/* 600 nodes in sorted order: a plain BST would be 600 high */
	EXPECT_LE(t, avl_height(&root), max_avl_height(NITEMS));
}

static void descending_inserts_stay_balanced(struct ktest *t)
{
	struct avl_root root;

	reset(&root);
	for (int i = NITEMS - 1; i >= 0; i--) {
		insert(&root, &items[i]);
		present[i] = true;
		check_tree(t, &root);
	}
}

/* Keys in the order 0, n-1, 1, n-2, ...: zig-zags force double rotations. */
static void zigzag_inserts(struct ktest *t)
{
	struct avl_root root;

	reset(&root);
	for (int i = 0; i < NITEMS / 2; i++) {
		insert(&root, &items[i]);
		insert(&root, &items[NITEMS - 1 - i]);
		present[i] = present[NITEMS - 1 - i] = true;
		check_tree(t, &root);
	}
}

static void random_inserts_and_erases(struct ktest *t)
{
	struct avl_root root;

	reset(&root);
	for (int step = 0; step < 4 * NITEMS; step++) {
		int k = rnd() % NITEMS;

		if (present[k]) {
			avl_erase(&root, &items[k].node);
			present[k] = false;
		} else {
			insert(&root, &items[k]);
			present[k] = true;
		}
		check_tree(t, &root);
	}
}

static void erase_root_repeatedly(struct ktest *t)
{
	struct avl_root root;

	reset(&root);
	for (int i = 0; i < NITEMS; i++) {
		insert(&root, &items[i]);
		present[i] = true;
	}
	while (!avl_empty(&root)) {
		present[item_of(root.node)->key] = false;
		avl_erase(&root, root.node);	/* always the two-children case */
		check_tree(t, &root);
	}
}

static void erase_in_order_and_reverse(struct ktest *t)
{
	struct avl_root root;

	reset(&root);
	for (int i = 0; i < NITEMS; i++) {
		insert(&root, &items[i]);
		present[i] = true;
	}
	for (int i = 0; i < NITEMS; i += 2) {		/* evens, upwards */
		avl_erase(&root, &items[i].node);
		present[i] = false;
		check_tree(t, &root);
	}
	for (int i = NITEMS - 1; i >= 0; i -= 2) {	/* odds, downwards */
		avl_erase(&root, &items[i].node);
		present[i] = false;
		check_tree(t, &root);
	}
	EXPECT_TRUE(t, avl_empty(&root));
}

static void search_finds_every_key(struct ktest *t)
{
	struct avl_root root;

	reset(&root);
	for (int i = 0; i < NITEMS; i += 3) {
		insert(&root, &items[i]);
		present[i] = true;
	}
	for (int k = 0; k < NITEMS; k++) {
		struct item *it = find(&root, k);

		if (present[k])
			EXPECT_TRUE(t, it == &items[k]);
		else
			EXPECT_NULL(t, it);
	}
}

static void equal_keys_keep_insertion_order(struct ktest *t)
{
	struct avl_root root;
	struct avl_node *p;
	unsigned int seq = 0;
	char msg[80];

	reset(&root);
	for (int i = 0; i < 64; i++) {
		items[i].key = i % 4;
		items[i].seq = i;
		insert(&root, &items[i]);
	}
	EXPECT_EQ(t, avl_validate(&root, msg, sizeof(msg)), 64);
	/* key 0 items (seq 0, 4, 8...), then key 1 items (1, 5, ...) ... */
	for (p = avl_first(&root); p; p = avl_next(p), seq++)
		EXPECT_EQ(t, item_of(p)->seq, (seq % 16) * 4 + seq / 16);
	EXPECT_EQ(t, seq, 64);
}

static void validate_reports_damage(struct ktest *t)
{
	struct avl_root root;
	char msg[120] = "";

	reset(&root);
	for (int i = 0; i < 8; i++)
		insert(&root, &items[i]);
	root.node->height += 1;
	EXPECT_EQ(t, avl_validate(&root, msg, sizeof(msg)), -1);
	EXPECT_TRUE(t, strstr(msg, "height") != NULL);
	root.node->height -= 1;
	root.node->left->parent = NULL;
	EXPECT_EQ(t, avl_validate(&root, msg, sizeof(msg)), -1);
	EXPECT_TRUE(t, strstr(msg, "parent") != NULL);
}

static const struct ktest_case avltree_cases[] = {
	KTEST_CASE(empty_tree, "an empty tree has no first/last node, height 0, 0 nodes"),
	KTEST_CASE(single_node, "one node is its own first, has height 1, and erases to empty"),
	KTEST_CASE(ascending_inserts_stay_balanced,
		   "600 sorted inserts stay within the AVL height bound at every step"),
	KTEST_CASE(descending_inserts_stay_balanced, "the mirror case: reverse-sorted inserts"),
	KTEST_CASE(zigzag_inserts, "alternating low/high keys exercise the double rotations"),
	KTEST_CASE(random_inserts_and_erases,
		   "2400 random inserts/erases match a reference set after every step"),
	KTEST_CASE(erase_root_repeatedly, "erasing the root (two children) until empty stays valid"),
	KTEST_CASE(erase_in_order_and_reverse, "erasing evens upwards then odds downwards"),
	KTEST_CASE(search_finds_every_key, "a keyed descent finds exactly the keys inserted"),
	KTEST_CASE(equal_keys_keep_insertion_order, "equal keys go right: in-order = insertion order"),
	KTEST_CASE(validate_reports_damage, "avl_validate names a wrong height and a wrong parent"),
	{}
};
KTEST_SUITE(avltree_suite, "lib.avltree", avltree_cases);
