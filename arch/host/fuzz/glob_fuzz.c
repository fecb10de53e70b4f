/*
 * glob: glob_match() (lib/glob.c), what `ktest=`, `bench=` and their
 * shell commands select by.
 *
 * The input is a pattern, a NUL byte and a string (each at most
 * MAX_LEN bytes: the reference below is quadratic), each copied into a
 * heap block ending with its NUL, so a read past either is an ASan report.
 *
 * What must hold (lib/glob.h): glob_match() agrees with a reference
 * matcher written the textbook way (dynamic programming over pattern and
 * string prefixes: '*' any run, also none; '?' exactly one character;
 * everything else itself); and on every input: a string without '*' and
 * '?' matches itself, "*" matches everything, a pattern that matches
 * still matches with a '*' added before or after it, and the empty
 * pattern matches only the empty string.
 */
#include <stdlib.h>
#include <string.h>

#include <arch/host/fuzz/fuzz.h>
#include <lib/glob.h>

#define MAX_LEN		512

static bool reference(const char *p, const char *s)
{
	size_t np = strlen(p), ns = strlen(s);
	static bool row[MAX_LEN + 2], next[MAX_LEN + 2];

	/* row[j]: does p[0..i) match s[0..j)? */
	row[0] = true;
	for (size_t j = 1; j <= ns; j++)
		row[j] = false;
	for (size_t i = 1; i <= np; i++) {
		char c = p[i - 1];

		next[0] = c == '*' && row[0];
		for (size_t j = 1; j <= ns; j++)
			next[j] = c == '*' ? row[j] || next[j - 1] :
				  (c == '?' || c == s[j - 1]) && row[j - 1];
		memcpy(row, next, ns + 1);
	}
	return row[ns];
}

static char *copy(const uint8_t *data, size_t size, size_t *used)
{
	size_t len = strnlen((const char *)data, size);
	char *s;

	*used = len < size ? len + 1 : len;
	if (len > MAX_LEN)
		len = MAX_LEN;
	s = malloc(len + 1);
	FUZZ_CHECK(s, "out of memory");
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

static char *joined(const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
	char *s = malloc(na + nb + nc + 1);

	FUZZ_CHECK(s, "out of memory");
	memcpy(s, a, na);
	memcpy(s + na, b, nb);
	memcpy(s + na + nb, c, nc + 1);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t used;
	char *pattern = copy(data, size, &used);
	char *str = copy(data + used, size - used, &used);
	bool got = glob_match(pattern, str), want = reference(pattern, str);
	char *before = joined("*", pattern, ""), *after = joined("", pattern, "*");

	FUZZ_CHECK(got == want, "glob_match(\"%s\", \"%s\") = %d, expected %d", pattern, str,
		   got, want);
	FUZZ_CHECK(glob_match("*", str) && glob_match("*", pattern),
		   "\"*\" does not match \"%s\" or \"%s\"", str, pattern);
	FUZZ_CHECK(glob_match("", str) == !str[0], "the empty pattern and \"%s\"", str);
	if (!strpbrk(str, "*?"))
		FUZZ_CHECK(glob_match(str, str), "\"%s\" does not match itself", str);
	if (!strpbrk(pattern, "*?"))
		FUZZ_CHECK(glob_match(pattern, pattern), "\"%s\" does not match itself", pattern);
	if (got)
		FUZZ_CHECK(glob_match(before, str) && glob_match(after, str),
			   "\"%s\" matches \"%s\", but \"%s\" or \"%s\" does not", pattern, str,
			   before, after);
	free(before);
	free(after);
	free(pattern);
	free(str);
	return 0;
}
