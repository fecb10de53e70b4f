/*
 * The kernel command line, split into arguments.
 *
 *   ktest=mm.*,percpu_ref* shell=off loglevel=7 quiet "key=a b"
 *
 * Arguments are separated by white space. Double quotes group: white
 * space inside them does not split, and the quote characters themselves
 * are dropped, so `"key=a b"` and `key="a b"` both give key "key" with
 * value "a b". An argument with an '=' is key=value (split at the first
 * '='; the value may be empty); one without is a bare flag (value NULL).
 * When a key appears more than once, the last occurrence wins.
 *
 * cmdline_parse() copies what it keeps into the struct, so the source
 * string may go away afterwards; the struct is fixed-size (no allocator
 * needed at boot) and is read-only once parsed.
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <lib/compiler.h>

#define CMDLINE_MAX_LEN		1024	/* bytes of input, NUL included */
#define CMDLINE_MAX_ARGS	64

struct cmdline_arg {
	const char *key;	/* never empty */
	const char *value;	/* NULL for a bare flag */
};

struct cmdline {
	char text[CMDLINE_MAX_LEN];	/* the arguments, unquoted, NUL-split */
	struct cmdline_arg args[CMDLINE_MAX_ARGS];
	unsigned int nargs;
	const char *error;		/* why the last parse failed, or NULL */
	size_t error_pos;		/* where in the input it failed */
};

/*
 * Parse str into cl. Returns 0, or on failure a negative error with
 * cl->error and cl->error_pos set; the arguments before the bad one are
 * kept, so a caller may report the error and go on with them:
 *   -E2BIG   the string is CMDLINE_MAX_LEN bytes or longer (nothing kept)
 *   -ENOSPC  more than CMDLINE_MAX_ARGS arguments
 *   -EINVAL  an unterminated quote, or an argument with an empty key
 */
int cmdline_parse(struct cmdline *cl, const char *str);

/* Value of the last occurrence of key; NULL if absent or a bare flag. */
const char *cmdline_get(const struct cmdline *cl, const char *key);
/* Is the last occurrence of key a bare flag (`quiet`)? */
bool cmdline_has_flag(const struct cmdline *cl, const char *key);
/*
 * A boolean option: on/off, 1/0, yes/no, true/false, or a bare flag for
 * true. Sets *out and returns 0; an absent key gives dflt. Any other
 * value sets *out = dflt and returns -EINVAL.
 */
int cmdline_get_bool(const struct cmdline *cl, const char *key, bool dflt,
		     bool *out);

/*
 * An unsigned number: decimal, or hex with 0x/0X, optionally followed by
 * K, M or G (also lower case) for KiB, MiB, GiB. Returns 0 and sets *out,
 * or returns -EINVAL (empty, no digits, trailing characters) or -ERANGE
 * (does not fit in unsigned long) leaving *out alone.
 */
int parse_ulong(const char *s, unsigned long *out);

/*
 * The loader's command line (arch_cmdline()), parsed at the first call
 * and shared from then on (lib/boot_cmdline.c). If it did not parse
 * whole, ->error says why and the arguments before the bad one are kept.
 */
const struct cmdline *boot_cmdline(void);

#endif /* LIB_CMDLINE_H */
