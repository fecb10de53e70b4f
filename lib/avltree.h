/*
 * An intrusive AVL tree: a sorted set with O(log n) insert, erase and
 * search, for anything that must be found by a key (the VMAs of an
 * address space, by address: mm/vma.c).
 *
 * Intrusive like lib/list.h: the element embeds a `struct avl_node` and
 * is found from it with avl_entry(). The tree knows nothing of keys; the
 * caller searches (it knows how to compare) and tells the tree where the
 * new node goes, as Linux's rbtree does:
 *
 *   struct avl_node **link = &root->node, *parent = NULL;
 *   while (*link) {
 *           parent = *link;
 *           link = key < avl_entry(parent, struct thing, node)->key ?
 *                  &parent->left : &parent->right;
 *   }
 *   avl_insert(root, &thing->node, parent, link);
 *
 * Balance: every node records the height of its subtree, and the heights
 * of a node's two subtrees differ by at most one. After an insert or an
 * erase the path to the root is walked back up, each height recomputed
 * and each node that is out of balance by two fixed with one or two
 * rotations. A tree of n nodes is then at most 1.44 log2(n + 2) high,
 * which is what makes a search O(log n).
 *
 * Rules: the tree's owner serialises every use (a lock, or a single
 * thread); nothing here is safe for lockless readers. A node is in at most
 * one tree; after avl_erase() its links are stale until it is inserted
 * again.
 */
#ifndef LIB_AVLTREE_H
#define LIB_AVLTREE_H

#include <lib/compiler.h>

struct avl_node {
	struct avl_node *parent;
	struct avl_node *left;		/* smaller keys */
	struct avl_node *right;		/* larger (or equal) keys */
	int height;			/* of the subtree rooted here; a leaf is 1 */
};

struct avl_root {
	struct avl_node *node;		/* NULL: empty */
};

#define AVL_ROOT_INIT		{ NULL }
#define avl_entry(ptr, type, member)	container_of(ptr, type, member)

static inline bool avl_empty(const struct avl_root *root)
{
	return root->node == NULL;
}

/*
 * Link `node` at *link, a NULL child pointer of `parent` (NULL for an
 * empty tree, link = &root->node) that the caller's search ended on, and
 * rebalance.
 */
void avl_insert(struct avl_root *root, struct avl_node *node,
		struct avl_node *parent, struct avl_node **link);

/* Unlink `node` (which must be in this tree) and rebalance. */
void avl_erase(struct avl_root *root, struct avl_node *node);

/* In-order walking; NULL past either end. */
struct avl_node *avl_first(const struct avl_root *root);
struct avl_node *avl_last(const struct avl_root *root);
struct avl_node *avl_next(const struct avl_node *node);
struct avl_node *avl_prev(const struct avl_node *node);

/* Height of the tree (0 when empty). */
static inline int avl_height(const struct avl_root *root)
{
	return root->node ? root->node->height : 0;
}

/*
 * Check the structure: parent links, recorded heights, balance. Returns
 * the number of nodes, or -1 with the first problem described in msg.
 * (Order is the caller's to check: walk with avl_next().)
 */
long avl_validate(const struct avl_root *root, char *msg, size_t size);

#endif /* LIB_AVLTREE_H */
