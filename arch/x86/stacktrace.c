/*
 * Frame-pointer backtraces.
 *
 * The kernel is built with frame pointers, so every function that calls
 * another starts with push %rbp; mov %rsp, %rbp: rbp points at a
 * two-word record {the caller's rbp, the return address}, and these
 * records chain up the stack until the zero frame entry.asm plants under
 * x86_start().
 *
 * A trace is printed after something went wrong, so nothing on the stack
 * is trusted: each frame pointer must be 8-byte aligned, lie on a stack
 * the kernel knows, and be above the previous one (stacks grow down, so
 * callers' frames are higher; this also rules out loops). The walk stops
 * at a zero frame pointer or return address, at a frame that fails these
 * checks, or after MAX_FRAMES lines.
 *
 * After an exception the interrupted function may not have a frame yet
 * (or at all: gcc gives leaf functions none), so dump_stack_regs() first
 * recovers its return address from the top of the stack.
 *
 * Return addresses are looked up one byte back: a call to a noreturn
 * function may be the last instruction of its caller, and its return
 * address then already belongs to the next function.
 */
#include <lib/compiler.h>
#include <lib/kallsyms.h>
#include <lib/printk.h>
#include <kernel/kstack.h>
#include <asm/platform.h>
#include "stack_guard.h"
#include "stacktrace.h"

#define MAX_FRAMES	32

struct frame {
	const struct frame *next;	/* the caller's saved rbp */
	unsigned long ret;		/* return address into the caller */
};

/* linker.ld: the kernel's data and bss */
extern char __data_start[], __data_end[];

/*
 * The static stacks: the boot stack (entry.asm) and the IST stacks
 * (gdt.c), all in .bss, each above an unmapped guard page that a frame
 * pointer must not lead into (after an overflow rsp points there). And
 * the kernel threads' stacks (kernel/kstack.h), asked of their allocator.
 */
static bool on_known_stack(unsigned long fp)
{
	if (kstack_contains(fp, sizeof(struct frame)))
		return true;
	return fp >= (unsigned long)__data_start &&
	       fp + sizeof(struct frame) <= (unsigned long)__data_end &&
	       !stack_guard_page(fp) && !stack_guard_page(fp + sizeof(struct frame) - 1);
}

static void print_frame(unsigned long addr, bool return_address)
{
	unsigned long where = return_address ? addr - 1 : addr;
	unsigned long offset, size;
	const char *name = kallsyms_lookup(where, &offset, &size);

	if (!name) {
		pr_emerg(" [<%016lx>] ?", addr);
		return;
	}
	offset += addr - where;
	pr_emerg(" [<%016lx>] %s+0x%lx/0x%lx", addr, name, offset, size);
}

/* Print the return addresses of the frame chain from fp up; prev bounds it below. */
static void walk_frames(unsigned long fp, unsigned long prev, int depth)
{
	for (; depth < MAX_FRAMES && fp; depth++) {
		const struct frame *f = (const struct frame *)fp;

		if (!IS_ALIGNED(fp, 8) || fp <= prev || !on_known_stack(fp)) {
			pr_emerg(" (frame pointer 0x%lx is not on a known stack: "
				 "trace ends)", fp);
			return;
		}
		if (!f->ret)
			return;
		print_frame(f->ret, true);
		prev = fp;
		fp = (unsigned long)f->next;
	}
}

void dump_stack_from(unsigned long fp, unsigned long ip)
{
	pr_emerg("Call trace:");
	print_frame(ip, false);
	walk_frames(fp, 0, 1);
}

/* Starts at the caller: dump_stack itself is of no interest. */
__noinline void dump_stack(void)
{
	const struct frame *f = __builtin_frame_address(0);

	dump_stack_from((unsigned long)f->next, f->ret);
}

/*
 * How far the function containing ip had got with its frame: gcc's
 * prologue is push %rbp (55); mov %rsp,%rbp (48 89 e5). Leaf functions
 * often have none, and an address outside the kernel's text (a call
 * through a bad pointer) has none either.
 */
enum frame_state { FRAME_NONE, FRAME_RBP_PUSHED, FRAME_SET_UP };

static enum frame_state frame_state_at(unsigned long ip)
{
	static const uint8_t prologue[] = { 0x55, 0x48, 0x89, 0xe5 };
	unsigned long offset, size;
	const uint8_t *code;

	if (!kallsyms_lookup(ip, &offset, &size) || size < sizeof(prologue))
		return FRAME_NONE;
	code = (const uint8_t *)(ip - offset);
	for (unsigned int i = 0; i < sizeof(prologue); i++)
		if (code[i] != prologue[i])
			return FRAME_NONE;
	if (offset == 0)
		return FRAME_NONE;
	return offset < sizeof(prologue) ? FRAME_RBP_PUSHED : FRAME_SET_UP;
}

void dump_stack_regs(const struct pt_regs *regs)
{
	enum frame_state state = frame_state_at(regs->rip);
	unsigned long slot = regs->rsp + (state == FRAME_RBP_PUSHED ? 8 : 0);
	int depth = 1;

	pr_emerg("Call trace:");
	print_frame(regs->rip, false);

	/*
	 * Without a frame of its own, the interrupted function's return
	 * address is on top of its stack (for a leaf that pushed nothing,
	 * which is what gcc makes of frameless leaves); rbp is still the
	 * caller's frame. Printed only if it points into kernel text.
	 */
	if (state != FRAME_SET_UP && IS_ALIGNED(slot, 8) && on_known_stack(slot)) {
		unsigned long ret = *(const unsigned long *)slot;
		unsigned long offset, size;

		if (kallsyms_lookup(ret - 1, &offset, &size)) {
			print_frame(ret, true);
			depth++;
		}
	}
	walk_frames(regs->rbp, 0, depth);
}
