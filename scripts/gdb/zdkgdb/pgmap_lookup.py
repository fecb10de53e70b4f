"""The claimed dev_pagemaps, live or being torn down (mm/memremap.h,
mm/memremap_lookup.c's claimed[] and slots[]): which, their names and states."""

from .layout import PAGE_SHIFT
from .memory import as_int, c_string, enum_names, kernel_symbol, value_at


def claimed_pgmaps():
    """[(slot, address, published)] of every claimed pgmap, live or being torn down."""
    claimed = kernel_symbol("claimed", "mm/memremap_lookup.c")
    slots = kernel_symbol("slots", "mm/memremap_lookup.c")
    first, last = claimed.type.range()
    found = []
    for i in range(first, last + 1):
        addr = as_int(claimed[i])
        if addr:
            found.append((i, addr, as_int(slots[i]) == addr))
    return found


def pgmap_name(pgmap):
    return c_string(pgmap["name"], default="pgmap")


def pgmap_state_name(state):
    return enum_names("enum pgmap_state", "PGMAP_").get(state, f"?{state}")


def pgmap_covering(pfn):
    """The claimed pgmap whose range holds pfn, as a gdb.Value, or None."""
    for _, addr, _ in claimed_pgmaps():
        pgmap = value_at(addr, "struct dev_pagemap")
        if as_int(pgmap["start"]) >> PAGE_SHIFT <= pfn <= as_int(pgmap["end"]) >> PAGE_SHIFT:
            return pgmap
    return None
