/*
 * Asking the fault explainers of kernel/fault_explain.h.
 */
#include <kernel/fault_explain.h>

extern const struct fault_explainer *const __start_fault_explainers[];
extern const struct fault_explainer *const __stop_fault_explainers[];

bool fault_explain(unsigned long addr)
{
	bool any = false;

	for (const struct fault_explainer *const *e = __start_fault_explainers;
	     e < __stop_fault_explainers; e++)
		any |= (*e)->explain(addr);
	return any;
}
