/*
 * glob_match(): shell-style matching of a name against one pattern ('*'
 * any run of characters, also none; '?' exactly one; no classes, no
 * escapes). What `ktest=`, `bench=` and their shell commands select by.
 */
#ifndef LIB_GLOB_H
#define LIB_GLOB_H

#include <stdbool.h>

bool glob_match(const char *pattern, const char *str);

#endif /* LIB_GLOB_H */
