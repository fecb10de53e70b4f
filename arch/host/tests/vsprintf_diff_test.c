/*
 * arch.host.vsprintf_diff: lib/vsprintf.c against the host C library's
 * vsnprintf on random conversions.
 *
 * For the conversions both share (d i u x X o c s), with C99 semantics,
 * random flags, widths, precisions (literal or '*') and length modifiers
 * are formatted by both into equal buffers of a random size; the return
 * values and every byte of the buffers must agree. Only combinations the
 * C standard defines are generated (no '#' on %d, no '0' or precision on
 * %c, ...), so any difference is ours to explain. %p is left out: the C
 * library prints it differently by design.
 *
 * In this executable the name vsnprintf is lib/vsprintf.c's; the C
 * library's is found with dlsym(RTLD_NEXT) (possibly through the
 * sanitizer's interceptor, which calls it).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

#include <lib/ktest.h>
#include <lib/vsprintf.h>

#define ROUNDS		20000
#define BUF_SIZE	256
#define FMT_SIZE	48

typedef int (*vfmt_fn)(char *, size_t, const char *, va_list);

/* xorshift64*, constant seed: a failure repeats on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static int rng_below(int n)
{
	return (int)(rng() % (uint64_t)n);
}

/* The C type of the converted argument. */
enum arg_type { A_INT, A_LONG, A_LLONG, A_SIZE, A_PTRDIFF, A_INTMAX, A_STR };

/* One generated conversion with its arguments. */
struct conv {
	char fmt[FMT_SIZE];
	bool star_width, star_precision;
	int width, precision;		/* the '*' arguments */
	enum arg_type type;
	long long value;
	const char *str;
};

static const char *const strings[] = {
	"", "a", "hello", "hello, world", "0123456789abcdefghijklmnopqrstuvwxyz",
};

static void append(char *fmt, size_t *n, char c)
{
	fmt[(*n)++] = c;
	fmt[*n] = '\0';
}

static void append_number(char *fmt, size_t *n, int v)
{
	*n += (size_t)snprintf(fmt + *n, FMT_SIZE - *n, "%d", v);
}

/* A value that hits the interesting cases often: 0, small, extremes. */
static long long random_value(void)
{
	switch (rng_below(6)) {
	case 0:  return 0;
	case 1:  return rng_below(41) - 20;
	case 2:  return -__LONG_LONG_MAX__ - 1;
	case 3:  return (long long)(rng() >> rng_below(64));
	default: return (long long)rng();
	}
}

/* Length modifiers and the argument type each one reads. */
static const struct {
	const char *text;
	enum arg_type type;
} lengths[] = {
	{ "", A_INT }, { "hh", A_INT }, { "h", A_INT }, { "l", A_LONG },
	{ "ll", A_LLONG }, { "z", A_SIZE }, { "t", A_PTRDIFF }, { "j", A_INTMAX },
};

static void random_conv(struct conv *c)
{
	static const char convs[] = "diuxXocs";
	char conv = convs[rng_below(sizeof(convs) - 1)];
	bool integer = conv != 'c' && conv != 's';
	const char *flags;
	size_t n = 0;

	/* The flags the standard defines for this conversion. */
	if (conv == 'd' || conv == 'i' || conv == 'u')
		flags = "-0+ ";
	else if (integer)
		flags = "-0#";
	else
		flags = "-";

	c->fmt[0] = '\0';
	append(c->fmt, &n, '[');
	append(c->fmt, &n, '%');
	for (const char *f = flags; *f; f++) {
		if (rng_below(3) == 0)
			append(c->fmt, &n, *f);
	}

	c->star_width = false;
	c->width = c->precision = 0;
	switch (rng_below(3)) {
	case 1:
		append_number(c->fmt, &n, 1 + rng_below(25));
		break;
	case 2:
		c->star_width = true;
		c->width = rng_below(51) - 25;
		append(c->fmt, &n, '*');
		break;
	}

	c->star_precision = false;
	if (conv != 'c') {
		switch (rng_below(3)) {
		case 1:
			append(c->fmt, &n, '.');
			if (rng_below(4))
				append_number(c->fmt, &n, rng_below(25));
			break;
		case 2:
			c->star_precision = true;
			c->precision = rng_below(29) - 3;
			append(c->fmt, &n, '.');
			append(c->fmt, &n, '*');
			break;
		}
	}

	if (integer) {
		int l = rng_below(ARRAY_SIZE(lengths));

		for (const char *p = lengths[l].text; *p; p++)
			append(c->fmt, &n, *p);
		c->type = lengths[l].type;
		c->value = random_value();
	} else if (conv == 'c') {
		c->type = A_INT;
		c->value = 1 + rng_below(126);		/* a NUL would end the compare */
	} else {
		c->type = A_STR;
		c->str = strings[rng_below(ARRAY_SIZE(strings))];
	}
	append(c->fmt, &n, conv);
	append(c->fmt, &n, ']');
}

static int call(vfmt_fn fn, char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = fn(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* Pass the '*' arguments that the format asks for, then v. */
#define CALL_WITH(fn, buf, size, c, v)					\
	((c)->star_width && (c)->star_precision ?			\
		call(fn, buf, size, (c)->fmt, (c)->width, (c)->precision, v) : \
	 (c)->star_width ? call(fn, buf, size, (c)->fmt, (c)->width, v) : \
	 (c)->star_precision ? call(fn, buf, size, (c)->fmt, (c)->precision, v) : \
	 call(fn, buf, size, (c)->fmt, v))

static int format_with(vfmt_fn fn, char *buf, size_t size, const struct conv *c)
{
	switch (c->type) {
	case A_INT:     return CALL_WITH(fn, buf, size, c, (int)c->value);
	case A_LONG:    return CALL_WITH(fn, buf, size, c, (long)c->value);
	case A_LLONG:   return CALL_WITH(fn, buf, size, c, c->value);
	case A_SIZE:    return CALL_WITH(fn, buf, size, c, (size_t)c->value);
	case A_PTRDIFF: return CALL_WITH(fn, buf, size, c, (ptrdiff_t)c->value);
	case A_INTMAX:  return CALL_WITH(fn, buf, size, c, (intmax_t)c->value);
	default:        return CALL_WITH(fn, buf, size, c, c->str);
	}
}

static void random_conversions_match_libc(struct ktest *t)
{
	static const size_t sizes[] = { 0, 1, 2, 5, 16, BUF_SIZE };
	vfmt_fn libc_vsnprintf = (vfmt_fn)dlsym(RTLD_NEXT, "vsnprintf");
	static char mine[BUF_SIZE], theirs[BUF_SIZE];
	struct conv c;

	ASSERT_NOT_NULL(t, libc_vsnprintf);
	ASSERT_TRUE(t, libc_vsnprintf != vsnprintf);
	for (int r = 0; r < ROUNDS; r++) {
		size_t size = sizes[rng_below(ARRAY_SIZE(sizes))];
		int n_mine, n_theirs;

		random_conv(&c);
		memset(mine, '~', sizeof(mine));
		memset(theirs, '~', sizeof(theirs));
		n_mine = format_with(vsnprintf, mine, size, &c);
		n_theirs = format_with(libc_vsnprintf, theirs, size, &c);
		if (n_mine != n_theirs || memcmp(mine, theirs, sizeof(mine)) != 0) {
			mine[BUF_SIZE - 1] = theirs[BUF_SIZE - 1] = '\0';
			ktest_fail(t, "format \"%s\" size %zu value %lld width %d precision %d:"
				   " ours %d \"%s\", libc %d \"%s\"", c.fmt, size, c.value,
				   c.width, c.precision, n_mine, mine, n_theirs, theirs);
			return;
		}
	}
}

static const struct ktest_case vsprintf_diff_cases[] = {
	KTEST_CASE(random_conversions_match_libc,
		   "random d/i/u/x/X/o/c/s conversions format as the C library's do, truncation included"),
	{}
};
KTEST_SUITE(vsprintf_diff_suite, "arch.host.vsprintf_diff", vsprintf_diff_cases);
