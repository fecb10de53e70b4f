/*
 * The AVL tree of lib/avltree.h: linking, unlinking, rotations, walking.
 *
 * Both updates end the same way: from the lowest node whose subtree
 * changed, walk up to the root; at each node recompute the height from
 * the children and, if the children's heights differ by two, rotate.
 * Walking all the way up (rather than stopping once a height is
 * unchanged) costs O(log n) either way and keeps one fix-up for both.
 *
 * The four cases of a node n that is two too high on the left (the right
 * is the mirror):
 *
 *   left-left:  n->left leans left or not at all  -> rotate n right
 *   left-right: n->left leans right              -> rotate n->left left,
 *                                                   then n right
 */
#include <lib/avltree.h>
#include <lib/vsprintf.h>

static inline int height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

static inline int balance(const struct avl_node *n)
{
	return height(n->left) - height(n->right);
}

static void update_height(struct avl_node *n)
{
	n->height = MAX(height(n->left), height(n->right)) + 1;
}

/* Make `new` take `old`'s place under `parent` (or at the root). */
static void replace_child(struct avl_root *root, struct avl_node *parent,
			  struct avl_node *old, struct avl_node *new)
{
	if (new)
		new->parent = parent;
	if (!parent)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/*
 *     n            l
 *    / \          / \
 *   l   c   ->   a   n
 *  / \              / \
 * a   b            b   c
 */
static struct avl_node *rotate_right(struct avl_root *root, struct avl_node *n)
{
	struct avl_node *l = n->left;

	n->left = l->right;
	if (l->right)
		l->right->parent = n;
	replace_child(root, n->parent, n, l);
	l->right = n;
	n->parent = l;
	update_height(n);
	update_height(l);
	return l;
}

static struct avl_node *rotate_left(struct avl_root *root, struct avl_node *n)
{
	struct avl_node *r = n->right;

	n->right = r->left;
	if (r->left)
		r->left->parent = n;
	replace_child(root, n->parent, n, r);
	r->left = n;
	n->parent = r;
	update_height(n);
	update_height(r);
	return r;
}

/* Restore balance at n; returns the root of what was n's subtree. */
static struct avl_node *rebalance(struct avl_root *root, struct avl_node *n)
{
	int b = balance(n);

	if (b > 1) {
		if (balance(n->left) < 0)
			rotate_left(root, n->left);
		return rotate_right(root, n);
	}
	if (b < -1) {
		if (balance(n->right) > 0)
			rotate_right(root, n->right);
		return rotate_left(root, n);
	}
	update_height(n);
	return n;
}

static void fixup_to_root(struct avl_root *root, struct avl_node *n)
{
	while (n)
		n = rebalance(root, n)->parent;
}

void avl_insert(struct avl_root *root, struct avl_node *node,
		struct avl_node *parent, struct avl_node **link)
{
	node->parent = parent;
	node->left = node->right = NULL;
	node->height = 1;
	*link = node;
	fixup_to_root(root, parent);
}

static struct avl_node *leftmost(struct avl_node *n)
{
	while (n->left)
		n = n->left;
	return n;
}

static struct avl_node *rightmost(struct avl_node *n)
{
	while (n->right)
		n = n->right;
	return n;
}

/*
 * A node with at most one child is replaced by that child. A node with
 * two is replaced by its successor (the leftmost node of its right
 * subtree, which has no left child): the successor is unlinked from where
 * it was and takes the node's place, children and height. The fix-up
 * starts where a subtree really got shorter.
 */
void avl_erase(struct avl_root *root, struct avl_node *node)
{
	struct avl_node *fix;

	if (!node->left || !node->right) {
		fix = node->parent;
		replace_child(root, node->parent, node, node->left ?: node->right);
	} else {
		struct avl_node *succ = leftmost(node->right);

		if (succ->parent == node) {
			fix = succ;		/* keeps its right subtree */
		} else {
			fix = succ->parent;
			fix->left = succ->right;
			if (succ->right)
				succ->right->parent = fix;
			succ->right = node->right;
			node->right->parent = succ;
		}
		succ->left = node->left;
		node->left->parent = succ;
		succ->height = node->height;
		replace_child(root, node->parent, node, succ);
	}
	fixup_to_root(root, fix);
}

struct avl_node *avl_first(const struct avl_root *root)
{
	return root->node ? leftmost(root->node) : NULL;
}

struct avl_node *avl_last(const struct avl_root *root)
{
	return root->node ? rightmost(root->node) : NULL;
}

struct avl_node *avl_next(const struct avl_node *n)
{
	if (n->right)
		return leftmost(n->right);
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct avl_node *avl_prev(const struct avl_node *n)
{
	if (n->left)
		return rightmost(n->left);
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}

/* Nodes under n, or -1 with msg filled. Recursion depth = tree height. */
static long validate(const struct avl_node *n, const struct avl_node *parent,
		     char *msg, size_t size)
{
	long l, r;

	if (!n)
		return 0;
	if (n->parent != parent) {
		snprintf(msg, size, "node %p: parent %p, expected %p",
			 (const void *)n, (const void *)n->parent, (const void *)parent);
		return -1;
	}
	l = validate(n->left, n, msg, size);
	if (l < 0)
		return -1;
	r = validate(n->right, n, msg, size);
	if (r < 0)
		return -1;
	if (n->height != MAX(height(n->left), height(n->right)) + 1) {
		snprintf(msg, size, "node %p: height %d, children %d and %d",
			 (const void *)n, n->height, height(n->left), height(n->right));
		return -1;
	}
	if (balance(n) > 1 || balance(n) < -1) {
		snprintf(msg, size, "node %p: out of balance by %d", (const void *)n, balance(n));
		return -1;
	}
	return l + r + 1;
}

long avl_validate(const struct avl_root *root, char *msg, size_t size)
{
	return validate(root->node, NULL, msg, size);
}
