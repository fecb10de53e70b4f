/*
 * Command-line parsing (see lib/cmdline.h for the syntax).
 *
 * One pass over the input: each argument is copied into cl->text with its
 * quotes removed and a NUL after it, then split in place at its first
 * '='. The copy can never outgrow the input: every argument but the last
 * gives up at least one separator byte for its NUL.
 */
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int parse_error(struct cmdline *cl, int err, const char *why, size_t pos)
{
	cl->error = why;
	cl->error_pos = pos;
	return err;
}

int cmdline_parse(struct cmdline *cl, const char *str)
{
	const char *in = str;
	char *out = cl->text;

	cl->nargs = 0;
	cl->error = NULL;
	cl->error_pos = 0;
	if (strnlen(str, CMDLINE_MAX_LEN) >= CMDLINE_MAX_LEN)
		return parse_error(cl, -E2BIG, "command line too long",
				   CMDLINE_MAX_LEN - 1);

	for (;;) {
		const char *start;
		char *arg, *eq;
		bool quoted = false;

		while (is_space(*in))
			in++;
		if (*in == '\0')
			return 0;
		start = in;
		if (cl->nargs == CMDLINE_MAX_ARGS)
			return parse_error(cl, -ENOSPC, "too many arguments",
					   start - str);

		arg = out;
		for (; *in && (quoted || !is_space(*in)); in++) {
			if (*in == '"')
				quoted = !quoted;
			else
				*out++ = *in;
		}
		*out++ = '\0';
		if (quoted)
			return parse_error(cl, -EINVAL, "unterminated quote",
					   start - str);

		eq = strchr(arg, '=');
		if (eq)
			*eq = '\0';
		if (arg[0] == '\0')
			return parse_error(cl, -EINVAL, "argument without a key",
					   start - str);
		cl->args[cl->nargs].key = arg;
		cl->args[cl->nargs].value = eq ? eq + 1 : NULL;
		cl->nargs++;
	}
}

static const struct cmdline_arg *find_last(const struct cmdline *cl,
					   const char *key)
{
	for (unsigned int i = cl->nargs; i-- > 0;) {
		if (strcmp(cl->args[i].key, key) == 0)
			return &cl->args[i];
	}
	return NULL;
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	const struct cmdline_arg *arg = find_last(cl, key);

	return arg ? arg->value : NULL;
}

bool cmdline_has_flag(const struct cmdline *cl, const char *key)
{
	const struct cmdline_arg *arg = find_last(cl, key);

	return arg && !arg->value;
}

int cmdline_get_bool(const struct cmdline *cl, const char *key, bool dflt,
		     bool *out)
{
	static const char *const yes[] = { "on", "1", "yes", "true" };
	static const char *const no[] = { "off", "0", "no", "false" };
	const struct cmdline_arg *arg = find_last(cl, key);

	*out = dflt;
	if (!arg)
		return 0;
	if (!arg->value) {
		*out = true;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(arg->value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(arg->value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Value of c as a digit in base (10 or 16), or -1. */
static int digit_value(char c, unsigned int base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned int)d < base ? d : -1;
}

/* log2 of the multiplier a size suffix stands for, or -1. */
static int suffix_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	default:            return -1;
	}
}

int parse_ulong(const char *s, unsigned long *out)
{
	const unsigned long max = ~0UL;
	unsigned int base = 10;
	unsigned long v = 0;
	const char *digits;
	int d, shift;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (digits = s; (d = digit_value(*s, base)) >= 0; s++) {
		if (v > (max - (unsigned long)d) / base)
			return -ERANGE;
		v = v * base + (unsigned long)d;
	}
	if (s == digits)
		return -EINVAL;

	shift = suffix_shift(*s);
	if (shift >= 0) {
		if (v > max >> shift)
			return -ERANGE;
		v <<= shift;
		s++;
	}
	if (*s != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}
