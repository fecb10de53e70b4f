/*
 * glob_match(): the shell-style matcher (lib/glob.h).
 *
 * '*' matches any run of characters (also none), '?' exactly one, and
 * every other character itself. There are no classes and no escapes.
 *
 * The matcher walks pattern and string once, left to right. When it meets
 * a '*' it remembers where (star) and how much of the string that star
 * has swallowed so far (resume); on a mismatch it lets the last star take
 * one more character and retries from just after it. Earlier stars never
 * need to be revisited, because the last star can absorb anything they
 * could, so the loop is iterative and uses O(1) memory.
 */
#include <stddef.h>
#include <lib/glob.h>

bool glob_match(const char *pattern, const char *str)
{
	const char *star = NULL;	/* last '*' seen in pattern */
	const char *resume = NULL;	/* str position matched after it */
	const char *p = pattern, *s = str;

	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	/* The string is used up: only stars may remain in the pattern. */
	while (*p == '*')
		p++;
	return *p == '\0';
}
