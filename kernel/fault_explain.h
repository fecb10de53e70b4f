/*
 * Fault explainers: a subsystem that can tell what a faulting kernel
 * address was (a removed device memmap, a torn-down mapping...) registers
 * a function here, and the architecture's fatal-fault report asks each
 * one in turn, so the report names the cause without the architecture
 * knowing the subsystems (mm/memremap_graveyard.c registers one).
 *
 * An explainer runs on the dying CPU with interrupts off, maybe with any
 * lock held: it takes no lock, allocates nothing, and prints its
 * explanation with pr_emerg(); it returns true if it recognised addr.
 * The list is immutable (section fault_explainers, in rodata).
 */
#ifndef KERNEL_FAULT_EXPLAIN_H
#define KERNEL_FAULT_EXPLAIN_H

#include <lib/compiler.h>

struct fault_explainer {
	const char *name;
	bool (*explain)(unsigned long addr);
};

#define FAULT_EXPLAINER(var)						\
	static const struct fault_explainer *const __fault_explainer_##var \
		__used __section("fault_explainers") = &var

/* Ask every explainer about addr; true if one recognised it. */
bool fault_explain(unsigned long addr);

#endif /* KERNEL_FAULT_EXPLAIN_H */
