/*
 * Running the boot stages of kernel/boot_stage.h, in order.
 */
#include <kernel/boot_stage.h>
#include <lib/vsprintf.h>

extern const struct boot_stage *const __start_boot_stages[];
extern const struct boot_stage *const __stop_boot_stages[];

/* Does a come before b? By order, then by place in the section. */
static bool before(const struct boot_stage *const *a, const struct boot_stage *const *b)
{
	return (*a)->order < (*b)->order || ((*a)->order == (*b)->order && a < b);
}

enum verdict boot_stages_run(const struct cmdline *cl, char *detail, size_t size)
{
	const struct boot_stage *const *last = NULL;
	enum verdict v = VERDICT_PASS;

	detail[0] = '\0';
	/* few stages: pick the next one each time */
	for (;;) {
		const struct boot_stage *const *next = NULL;
		char mine[128] = "";
		enum verdict sv;

		for (const struct boot_stage *const *s = __start_boot_stages;
		     s < __stop_boot_stages; s++)
			if ((!last || before(last, s)) && (!next || before(s, next)))
				next = s;
		if (!next)
			break;
		last = next;
		sv = (*next)->run(cl, mine, sizeof(mine));
		if (sv != VERDICT_PASS && !mine[0])
			scnprintf(mine, sizeof(mine), "boot stage %s: %s", (*next)->name,
				  verdict_word(sv));
		/* every stage runs; the first that does not pass decides */
		if (v == VERDICT_PASS && (sv != VERDICT_PASS || mine[0]))
			scnprintf(detail, size, "%s", mine);
		if (v == VERDICT_PASS)
			v = sv;
	}
	if (!last)
		scnprintf(detail, size, "no boot stages in this build (KTEST=n)");
	return v;
}

void boot_stages_dying(const char *reason)
{
	for (const struct boot_stage *const *s = __start_boot_stages; s < __stop_boot_stages; s++)
		if ((*s)->dying)
			(*s)->dying(reason);
}
