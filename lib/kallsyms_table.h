/*
 * The layout of the kallsyms table: the contract between its producers
 * (scripts/kallsyms.py for the kernel, arch/host/kallsyms_table.c for the
 * host) and its one reader, lib/kallsyms.c. A producer includes this
 * header so that the compiler checks the types agree.
 *
 * Symbol i starts at kallsyms_addresses[i] and is kallsyms_sizes[i] bytes
 * long (0 when unknown: then only its first byte is matched); its name is
 * the NUL-terminated string at kallsyms_names + kallsyms_name_offsets[i].
 * Addresses are sorted ascending (equal addresses allowed), which the
 * lookup's binary search relies on. kallsyms_num may be 0.
 */
#ifndef LIB_KALLSYMS_TABLE_H
#define LIB_KALLSYMS_TABLE_H

#include <stdint.h>

extern const unsigned long kallsyms_num;
extern const unsigned long kallsyms_addresses[];
extern const unsigned long kallsyms_sizes[];
extern const uint32_t kallsyms_name_offsets[];
extern const char kallsyms_names[];

#endif /* LIB_KALLSYMS_TABLE_H */
