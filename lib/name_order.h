/*
 * Registries in linker sections (shell commands, boot parameters) are
 * arrays of pointers to structures whose first member is their name.
 * for_each_by_name() visits such an array in name order, each entry once
 * (entries with the same name: the first only). A selection over the
 * array, O(n^2): such registries hold a few dozen entries.
 */
#ifndef LIB_NAME_ORDER_H
#define LIB_NAME_ORDER_H

void for_each_by_name(const void *const *start, const void *const *stop,
		      void (*fn)(const void *entry, void *arg), void *arg);

#endif /* LIB_NAME_ORDER_H */
