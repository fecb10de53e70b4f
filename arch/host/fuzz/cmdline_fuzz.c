/*
 * cmdline: the kernel command-line parser (lib/cmdline.c: cmdline_parse,
 * cmdline_get, cmdline_has_flag, cmdline_get_bool) and the check of the
 * parsed arguments against the declared boot parameters
 * (lib/boot_param.c: boot_params_check).
 *
 * The input up to its first NUL byte is the command line (copied into a
 * heap block that ends with its NUL, so a read past it is an ASan
 * report); what follows that NUL, up to the next, is one more key to look
 * up.
 *
 * What must hold (lib/cmdline.h's promises):
 *   - the answer is 0, -E2BIG (exactly when the line is CMDLINE_MAX_LEN
 *     bytes or longer: nothing kept), -ENOSPC or -EINVAL, with ->error
 *     set exactly when it is not 0 and ->error_pos inside the line;
 *   - at most CMDLINE_MAX_ARGS arguments, each key non-empty and without
 *     '=', keys and values NUL-terminated strings inside ->text;
 *   - a line without quotes: the arguments are its white-space separated
 *     words, each split at its first '=';
 *   - any line that parsed: its arguments written back, each in quotes,
 *     parse to the same arguments;
 *   - cmdline_get, cmdline_has_flag and cmdline_get_bool answer for the
 *     last occurrence of a key, as a plain search of the arguments does;
 *   - boot_params_check counts the arguments that no BOOT_PARAM declares
 *     (boot_param_for_each lists them in strictly increasing name order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/host/fuzz/fuzz.h>
#include <lib/boot_param.h>
#include <lib/cmdline.h>
#include <lib/errno.h>

/* A few declared parameters (the target links only the code it needs). */
BOOT_PARAM(fuzz_quiet, "quiet", "flag", "the fuzz target's: a flag");
BOOT_PARAM(fuzz_loglevel, "loglevel", "0-7", "the fuzz target's: a number");
BOOT_PARAM(fuzz_ktest, "ktest", "globs", "the fuzz target's: a list");
BOOT_PARAM(fuzz_shell, "shell", "on|off", "the fuzz target's: a boolean");

static struct cmdline cl, again;	/* static: 1.5 KiB each */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool inside_text(const struct cmdline *c, const char *s)
{
	return s >= c->text && s < c->text + sizeof(c->text) &&
	       strnlen(s, c->text + sizeof(c->text) - s) < (size_t)(c->text + sizeof(c->text) - s);
}

static void check_args(const struct cmdline *c, const char *what)
{
	FUZZ_CHECK(c->nargs <= CMDLINE_MAX_ARGS, "%s: %u arguments", what, c->nargs);
	for (unsigned int i = 0; i < c->nargs; i++) {
		const struct cmdline_arg *a = &c->args[i];

		FUZZ_CHECK(a->key && inside_text(c, a->key) && a->key[0] && !strchr(a->key, '='),
			   "%s: argument %u: bad key", what, i);
		FUZZ_CHECK(!a->value || inside_text(c, a->value),
			   "%s: argument %u (key '%s'): the value is not inside the text", what, i,
			   a->key);
	}
}

/* The words of a line without quotes, compared with the arguments. */
static void check_words(const char *line)
{
	const char *p = line;
	unsigned int i = 0;

	for (;;) {
		const struct cmdline_arg *a;
		size_t n, klen;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		for (n = 0; p[n] && !is_space(p[n]); n++)
			;
		FUZZ_CHECK(i < cl.nargs, "word %u '%.*s' is no argument (%u arguments)", i,
			   (int)n, p, cl.nargs);
		a = &cl.args[i++];
		klen = strlen(a->key);
		FUZZ_CHECK(klen <= n && !memcmp(p, a->key, klen) &&
			   (a->value ? klen < n && p[klen] == '=' && strlen(a->value) == n - klen - 1 &&
			    !memcmp(p + klen + 1, a->value, n - klen - 1) : klen == n),
			   "word %u '%.*s' parsed as key '%s' value '%s'", i - 1, (int)n, p, a->key,
			   a->value ? a->value : "(none)");
		p += n;
	}
	FUZZ_CHECK(i == cl.nargs, "%u words, %u arguments", i, cl.nargs);
}

/* Write the arguments back, each quoted, and parse that: the same arguments. */
static void check_rendered(void)
{
	char line[CMDLINE_MAX_LEN + 64];
	size_t n = 0;
	int ret;

	line[0] = '\0';
	for (unsigned int i = 0; i < cl.nargs; i++) {
		const struct cmdline_arg *a = &cl.args[i];
		size_t need = strlen(a->key) + (a->value ? 1 + strlen(a->value) : 0) + 3;

		if (n + need >= sizeof(line))
			return;
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s\"%s%s%s\"", i ? " " : "",
				      a->key, a->value ? "=" : "", a->value ? a->value : "");
	}
	if (n >= CMDLINE_MAX_LEN)
		return;			/* the quotes made it too long */
	ret = cmdline_parse(&again, line);
	FUZZ_CHECK(ret == 0, "the arguments written back (%s) do not parse: %d %s", line, ret,
		   again.error);
	FUZZ_CHECK(again.nargs == cl.nargs, "%u arguments written back parse to %u", cl.nargs,
		   again.nargs);
	for (unsigned int i = 0; i < cl.nargs; i++) {
		const struct cmdline_arg *a = &cl.args[i], *b = &again.args[i];

		FUZZ_CHECK(!strcmp(a->key, b->key) && !a->value == !b->value &&
			   (!a->value || !strcmp(a->value, b->value)),
			   "argument %u: '%s'='%s' written back parses to '%s'='%s'", i, a->key,
			   a->value ? a->value : "(none)", b->key, b->value ? b->value : "(none)");
	}
}

/* The lookups against a plain search for the last occurrence of key. */
static void check_lookup(const char *key)
{
	static const char *const yes[] = { "on", "1", "yes", "true" };
	static const char *const no[] = { "off", "0", "no", "false" };
	const struct cmdline_arg *last = NULL;
	const char *v = cmdline_get(&cl, key);
	bool flag = cmdline_has_flag(&cl, key), b, want = false;
	int ret, want_ret = -EINVAL;

	for (unsigned int i = 0; i < cl.nargs; i++)
		if (!strcmp(cl.args[i].key, key))
			last = &cl.args[i];
	FUZZ_CHECK(v == (last ? last->value : NULL), "cmdline_get('%s') is not the last value",
		   key);
	FUZZ_CHECK(flag == (last && !last->value), "cmdline_has_flag('%s') is %d", key, flag);

	for (int dflt = 0; dflt < 2; dflt++) {
		ret = cmdline_get_bool(&cl, key, dflt, &b);
		if (!last || !last->value) {
			want_ret = 0;
			want = last ? true : dflt;
		} else {
			want_ret = -EINVAL;
			want = dflt;
			for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
				if (!strcmp(last->value, yes[i]))
					want_ret = 0, want = true;
				if (!strcmp(last->value, no[i]))
					want_ret = 0, want = false;
			}
		}
		FUZZ_CHECK(ret == want_ret && b == want,
			   "cmdline_get_bool('%s', %d): %d and %d, expected %d and %d", key, dflt,
			   ret, b, want_ret, want);
	}
}

/* The declared names, as boot_param_for_each() lists them. */
static const char *names[256];
static unsigned int nnames;

static void add_name(const struct boot_param *p, void *arg)
{
	FUZZ_CHECK(!nnames || strcmp(names[nnames - 1], p->name) < 0,
		   "boot_param_for_each: '%s' after '%s'", p->name, names[nnames - 1]);
	FUZZ_CHECK(nnames < ARRAY_SIZE(names), "more than %zu boot parameters",
		   ARRAY_SIZE(names));
	names[nnames++] = p->name;
}

static bool declared(const char *key)
{
	for (unsigned int i = 0; i < nnames; i++)
		if (!strcmp(names[i], key))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = strnlen((const char *)data, size);
	char *line = malloc(len + 1), *key = NULL;
	unsigned int unknown = 0;
	int ret;

	FUZZ_CHECK(line, "out of memory");
	memcpy(line, data, len);
	line[len] = '\0';
	if (len < size) {
		size_t klen = strnlen((const char *)data + len + 1, size - len - 1);

		key = malloc(klen + 1);
		FUZZ_CHECK(key, "out of memory");
		memcpy(key, data + len + 1, klen);
		key[klen] = '\0';
	}

	ret = cmdline_parse(&cl, line);
	FUZZ_CHECK(ret == 0 || ret == -E2BIG || ret == -ENOSPC || ret == -EINVAL,
		   "cmdline_parse() returned %d", ret);
	FUZZ_CHECK((ret == 0) == (cl.error == NULL), "returned %d with error '%s'", ret,
		   cl.error ? cl.error : "(none)");
	FUZZ_CHECK((ret == -E2BIG) == (len >= CMDLINE_MAX_LEN),
		   "returned %d for %zu bytes", ret, len);
	FUZZ_CHECK(ret != -E2BIG || cl.nargs == 0, "too long, but kept %u arguments", cl.nargs);
	FUZZ_CHECK(ret == 0 || cl.error_pos < (len ? len : 1),
		   "error '%s' at %zu of %zu bytes", cl.error, cl.error_pos, len);
	check_args(&cl, "parse");
	if (ret == 0 && !strchr(line, '"'))
		check_words(line);
	if (ret == 0)
		check_rendered();

	for (unsigned int i = 0; i < cl.nargs; i++)
		check_lookup(cl.args[i].key);
	if (key)
		check_lookup(key);

	nnames = 0;
	boot_param_for_each(add_name, NULL);
	FUZZ_CHECK(declared("quiet") && declared("shell"), "the target's own parameters are not listed");
	for (unsigned int i = 0; i < cl.nargs; i++) {
		const struct boot_param *p = boot_param_find(cl.args[i].key);

		FUZZ_CHECK(!p == !declared(cl.args[i].key) && (!p || !strcmp(p->name, cl.args[i].key)),
			   "boot_param_find('%s') disagrees with boot_param_for_each()",
			   cl.args[i].key);
		unknown += !p;
	}
	FUZZ_CHECK(boot_params_check(&cl) == unknown, "boot_params_check() is not %u", unknown);

	free(line);
	free(key);
	return 0;
}
