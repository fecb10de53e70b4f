/*
 * Host build: an empty kallsyms table (layout in lib/kallsyms_table.h).
 * The host has no symbol table of its own to offer, so every lookup fails
 * and %pS prints plain hex. Each array holds one unused entry only
 * because C has no empty arrays; kallsyms_num says there are none.
 */
#include <lib/kallsyms_table.h>

const unsigned long kallsyms_num = 0;
const unsigned long kallsyms_addresses[1];
const unsigned long kallsyms_sizes[1];
const uint32_t kallsyms_name_offsets[1];
const char kallsyms_names[1];
