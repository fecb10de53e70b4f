/*
 * The boot parameters the kernel knows. Each is declared with
 * BOOT_PARAM next to the code that reads it, into the "boot_params"
 * linker section (immutable, in rodata), so this list is never out of
 * date and nothing central names them. At boot every argument of the
 * command line is looked up here: one that nothing declares is named in
 * a warning (a typo like `page_posion=on` would otherwise be ignored
 * without a word), and the shell's `cmdline` lists them all.
 */
#ifndef LIB_BOOT_PARAM_H
#define LIB_BOOT_PARAM_H

#include <lib/cmdline.h>
#include <lib/compiler.h>

struct boot_param {
	const char *name;		/* the key: "page_poison", "ktest.repeat" */
	const char *values;		/* what it takes, and its default */
	const char *help;		/* one line */
};

#define BOOT_PARAM(id_, name_, values_, help_)				\
	static const struct boot_param __boot_param_##id_ = {		\
		.name = name_, .values = values_, .help = help_,	\
	};								\
	static const struct boot_param *const __boot_param_ptr_##id_	\
		__used __section("boot_params") = &__boot_param_##id_

/* The declared parameter called name, or NULL. */
const struct boot_param *boot_param_find(const char *name);
/* Each declared parameter, in name order. */
void boot_param_for_each(void (*fn)(const struct boot_param *p, void *arg), void *arg);
/*
 * p's default, as its `values` text states it ("on|off (default off)",
 * "N (default: none)"): copied into buf (size bytes) and true, or false if
 * the text names none (a flag, a parameter that is off unless given).
 */
bool boot_param_default(const struct boot_param *p, char *buf, size_t size);
/* Warn about each argument of cl that no BOOT_PARAM declares; how many. */
unsigned int boot_params_check(const struct cmdline *cl);

#endif /* LIB_BOOT_PARAM_H */
