/*
 * The boot-parameter registry (lib/boot_param.h): a lookup over the
 * "boot_params" section, and the check of a parsed command line.
 */
#include <lib/boot_param.h>
#include <lib/name_order.h>
#include <lib/printk.h>
#include <lib/string.h>

extern const struct boot_param *const __start_boot_params[] __attribute__((weak));
extern const struct boot_param *const __stop_boot_params[] __attribute__((weak));

const struct boot_param *boot_param_find(const char *name)
{
	for (const struct boot_param *const *p = __start_boot_params;
	     p < __stop_boot_params; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

struct visit {
	void (*fn)(const struct boot_param *p, void *arg);
	void *arg;
};

static void visit_param(const void *entry, void *arg)
{
	struct visit *v = arg;

	v->fn(entry, v->arg);
}

void boot_param_for_each(void (*fn)(const struct boot_param *p, void *arg), void *arg)
{
	struct visit v = { fn, arg };

	_Static_assert(__builtin_offsetof(struct boot_param, name) == 0,
		       "for_each_by_name() reads the name first");
	for_each_by_name((const void *const *)__start_boot_params,
			 (const void *const *)__stop_boot_params, visit_param, &v);
}

bool boot_param_default(const struct boot_param *p, char *buf, size_t size)
{
	const char *at = strstr(p->values, "(default");
	size_t len;

	if (!at || !size)
		return false;
	at += strlen("(default");
	if (*at == ':')
		at++;
	while (*at == ' ')
		at++;
	len = strcspn(at, ")");
	if (!len || at[len] != ')')
		return false;
	strlcpy(buf, at, MIN(size, len + 1));
	return true;
}

unsigned int boot_params_check(const struct cmdline *cl)
{
	unsigned int unknown = 0;

	for (unsigned int i = 0; i < cl->nargs; i++) {
		if (boot_param_find(cl->args[i].key))
			continue;
		pr_warn("cmdline: unknown parameter '%s'%s%s: ignored (the shell's 'cmdline' "
			"lists the known ones)", cl->args[i].key, cl->args[i].value ? "=" : "",
			cl->args[i].value ? cl->args[i].value : "");
		unknown++;
	}
	return unknown;
}
