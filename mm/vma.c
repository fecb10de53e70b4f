/*
 * The regions of an address space, in an AVL tree keyed by start address
 * (lib/avltree.h).
 *
 * Regions never overlap, so ordering by start also orders them by end,
 * and "the first region that ends above addr" (find_vma) is one descent:
 * at each node, a region ending above addr is a candidate and the answer
 * can only be it or something to its left; a region ending at or below
 * addr sends the search right. O(log n) for n regions, and so is every
 * insert and removal.
 *
 * Everything here runs under the mm's mmap_lock: lookups with it held
 * either way, changes with it held for writing.
 */
#include <lib/bug.h>
#include <lib/errno.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vm_internal.h>
#include <asm/page.h>

static struct vm_area_struct *vma_of(struct avl_node *n)
{
	return n ? avl_entry(n, struct vm_area_struct, vm_node) : NULL;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct avl_node *n = mm->mm_vmas.node;
	struct vm_area_struct *best = NULL;

	while (n) {
		struct vm_area_struct *v = vma_of(n);

		if (v->vm_end > addr) {
			best = v;
			if (v->vm_start <= addr)
				break;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *v = find_vma(mm, addr);

	return v && v->vm_start <= addr ? v : NULL;
}

struct vm_area_struct *vma_first(struct mm_struct *mm)
{
	return vma_of(avl_first(&mm->mm_vmas));
}

struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	return vma_of(avl_next(&vma->vm_node));
}

bool vma_range_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);

	return !v || v->vm_start >= end;
}

/*
 * First fit from mmap_base: walk the regions from the first one ending
 * above the candidate, moving the candidate past each region in the way.
 */
unsigned long vma_find_gap(struct mm_struct *mm, unsigned long len, unsigned long align)
{
	unsigned long a = ALIGN_UP(mm->mmap_base, align);
	struct vm_area_struct *v = find_vma(mm, a);

	for (; v; v = vma_next(v)) {
		if (a + len <= v->vm_start)
			break;
		a = ALIGN_UP(MAX(a, v->vm_end), align);
	}
	if (a < mm->mmap_base || a + len < a || a + len > USER_ADDR_END)
		return 0;
	return a;
}

struct vm_area_struct *vma_alloc(struct mm_struct *mm, unsigned long start,
				 unsigned long end, unsigned long flags,
				 const struct vm_operations_struct *ops, void *priv)
{
	struct vm_area_struct *vma = kzalloc(sizeof(*vma));

	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = flags;
	vma->vm_ops = ops;
	vma->vm_private_data = priv;
	return vma;
}

int vma_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct avl_node **link = &mm->mm_vmas.node, *parent = NULL;

	if (!vma_range_free(mm, vma->vm_start, vma->vm_end))
		return -EEXIST;
	while (*link) {
		parent = *link;
		link = vma->vm_start < vma_of(parent)->vm_start ? &parent->left : &parent->right;
	}
	avl_insert(&mm->mm_vmas, &vma->vm_node, parent, link);
	mm->map_count++;
	return 0;
}

void vma_remove(struct mm_struct *mm, struct vm_area_struct *vma)
{
	avl_erase(&mm->mm_vmas, &vma->vm_node);
	mm->map_count--;
}

void vma_free(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	kfree(vma);
}

/*
 * The new piece starts at addr, so it sorts after vma and the tree stays
 * ordered once vma has shrunk; insert it after the shrink.
 */
struct vm_area_struct *vma_split(struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *tail;

	if (WARN(addr <= vma->vm_start || addr >= vma->vm_end || !IS_ALIGNED(addr, PAGE_SIZE),
		 "vma_split at 0x%lx outside 0x%lx-0x%lx", addr, vma->vm_start, vma->vm_end))
		return NULL;
	tail = vma_alloc(vma->vm_mm, addr, vma->vm_end, vma->vm_flags, vma->vm_ops,
			 vma->vm_private_data);
	if (!tail)
		return NULL;
	tail->vm_pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	vma->vm_end = addr;
	if (vma_insert(vma->vm_mm, tail)) {
		WARN(1, "vma_split: the tail 0x%lx-0x%lx overlaps", addr, tail->vm_end);
		vma->vm_end = tail->vm_end;
		kfree(tail);
		return NULL;
	}
	if (tail->vm_ops && tail->vm_ops->open)
		tail->vm_ops->open(tail);
	return tail;
}
