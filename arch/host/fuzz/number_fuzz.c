/*
 * number: parse_ulong() (lib/cmdline.c), the number parser of the
 * command line and the shell.
 *
 * The input up to its first NUL byte is the string (in a heap block
 * ending with its NUL: a read past it is an ASan report). Its first 8
 * bytes, read as a number, are also written out in every form
 * parse_ulong() takes and parsed back.
 *
 * What must hold (lib/cmdline.h):
 *   - the string is accepted exactly when it is decimal digits, or 0x/0X
 *     and hex digits, then at most one of K M G k m g, and the value fits
 *     an unsigned long; then the value is the digits' value shifted by
 *     10, 20 or 30; a reference parser here decides both;
 *   - a refused string leaves *out alone, and says -EINVAL or -ERANGE
 *     (-ERANGE only if its digits, with their suffix, do not fit);
 *   - no trailing junk is ever accepted;
 *   - accepted decimal or hex input round-trips: printed back (without
 *     its leading zeros) it is the input;
 *   - any value printed as "%lu", "0x%lx", "0X%lX" (and with K/M/G when
 *     it is a multiple) parses back to itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/host/fuzz/fuzz.h>
#include <lib/cmdline.h>
#include <lib/errno.h>

#define SENTINEL	0x5a5a5a5a5a5a5a5aUL

static int digit(char c, unsigned int base)
{
	int d = c >= '0' && c <= '9' ? c - '0' :
		c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;

	return d < (int)base ? d : -1;
}

/*
 * The reference: does s follow the grammar (*grammar), and does its
 * number fit (*fits, and *value)? Overflow is judged with 128-bit
 * arithmetic, independently of the parser's own checks.
 */
static void reference(const char *s, bool *grammar, bool *fits, unsigned long *value)
{
	unsigned int base = 10, shift = 0;
	unsigned __int128 v = 0;
	const char *p = s;
	bool big = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;

	for (; digit(*p, base) >= 0; p++) {
		v = v * base + (unsigned)digit(*p, base);
		if (v > ~0UL)
			big = true, v = (unsigned __int128)~0UL + 1;	/* saturate */
	}
	if (p != digits && *p && strchr("KkMmGg", *p)) {
		shift = *p == 'K' || *p == 'k' ? 10 : *p == 'M' || *p == 'm' ? 20 : 30;
		p++;
	}
	v <<= shift;
	*grammar = p != digits && !*p;
	*fits = !big && v <= ~0UL;
	*value = (unsigned long)v;
}

static void check_string(const char *s)
{
	unsigned long out = SENTINEL, want;
	bool grammar, fits;
	int ret = parse_ulong(s, &out);

	reference(s, &grammar, &fits, &want);
	if (grammar && fits) {
		FUZZ_CHECK(ret == 0 && out == want, "parse_ulong(\"%s\"): %d, %lu; expected 0, %lu",
			   s, ret, out, want);
	} else {
		FUZZ_CHECK(ret == -EINVAL || ret == -ERANGE,
			   "parse_ulong(\"%s\") = %d (%lu), but it %s", s, ret, out,
			   grammar ? "does not fit" : "is no number");
		FUZZ_CHECK(out == SENTINEL, "parse_ulong(\"%s\") refused it (%d) but wrote %lu", s,
			   ret, out);
		FUZZ_CHECK(ret == -EINVAL || !fits, "parse_ulong(\"%s\") = -ERANGE, but it fits", s);
		FUZZ_CHECK(!grammar || ret == -ERANGE, "parse_ulong(\"%s\") = %d, expected -ERANGE",
			   s, ret);
	}
	if (ret)
		return;

	/* Round trip: no suffix, printed back without leading zeros. */
	char back[32];
	const char *digits = s;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	size_t n = strlen(s);

	if (strchr("KkMmGg", s[n - 1]))
		return;
	if (hex)
		digits += 2;
	while (digits[0] == '0' && digits[1])
		digits++;
	snprintf(back, sizeof(back), hex ? "%lx" : "%lu", out);
	FUZZ_CHECK(!strcasecmp(back, digits), "parse_ulong(\"%s\") = %lu, printed back '%s'", s,
		   out, back);
}

static void check_value(unsigned long v)
{
	static const char *const forms[] = { "%lu", "0x%lx", "0X%lX", "0x%lX", "00%lu" };
	static const char suffix[] = "KMGkmg";
	char s[40];
	unsigned long out;
	int ret;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(s, sizeof(s), forms[i], v);
		out = SENTINEL;
		ret = parse_ulong(s, &out);
		FUZZ_CHECK(ret == 0 && out == v, "parse_ulong(\"%s\") = %d, %lu; expected %lu", s,
			   ret, out, v);
	}
	for (size_t i = 0; i < 6; i++) {
		unsigned int shift = 10 * (i % 3 + 1);

		snprintf(s, sizeof(s), "%lu%c", v >> shift, suffix[i]);
		out = SENTINEL;
		ret = parse_ulong(s, &out);
		FUZZ_CHECK(ret == 0 && out == (v >> shift << shift),
			   "parse_ulong(\"%s\") = %d, %lu; expected %lu", s, ret, out,
			   v >> shift << shift);
		snprintf(s, sizeof(s), "%lu%c", v, suffix[i]);
		out = SENTINEL;
		ret = parse_ulong(s, &out);
		FUZZ_CHECK(v > ~0UL >> shift ? ret == -ERANGE && out == SENTINEL :
			   ret == 0 && out == v << shift,
			   "parse_ulong(\"%s\") = %d, %lu", s, ret, out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = strnlen((const char *)data, size);
	char *s = malloc(len + 1);
	unsigned long v = 0;

	FUZZ_CHECK(s, "out of memory");
	memcpy(s, data, len);
	s[len] = '\0';
	check_string(s);
	free(s);

	memcpy(&v, data, size < sizeof(v) ? size : sizeof(v));
	check_value(v);
	return 0;
}
