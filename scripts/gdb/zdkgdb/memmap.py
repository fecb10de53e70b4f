"""The memmap: pfn -> struct page as __pfn_to_page() finds it (mm/memmap.h,
mm/sparse.c's section table); a page's zone and flags (mm/page.h)."""

import gdb

from .layout import PAGE_SIZE, PFN_SECTION_SHIFT
from .memory import as_int, enum_names, enum_values, kernel_symbol, value_at


def section_table():
    """(section_roots, sections per root, number of sections)."""
    roots = kernel_symbol("section_roots", "mm/sparse.c")
    per_root = PAGE_SIZE // gdb.lookup_type("struct mem_section").sizeof
    first, last = roots.type.range()
    return roots, per_root, (last - first + 1) * per_root


def max_pfn():
    """The first pfn the section table cannot describe."""
    return section_table()[2] << PFN_SECTION_SHIFT


def section_of(pfn):
    """(memmap address, first pfn, pages) of pfn's section, or None."""
    roots, per_root, nr_sections = section_table()
    nr = pfn >> PFN_SECTION_SHIFT
    if nr >= nr_sections:
        return None
    root = as_int(roots[nr // per_root])
    if not root:
        return None
    ms_size = gdb.lookup_type("struct mem_section").sizeof
    ms = value_at(root + (nr % per_root) * ms_size, "struct mem_section")
    memmap = as_int(ms["memmap"])
    if not memmap:
        return None
    first = (nr << PFN_SECTION_SHIFT) + int(ms["start"])
    return memmap, first, int(ms["nr_pages"])


def page_address(pfn):
    """The address of pfn's struct page, or None (what __pfn_to_page does)."""
    section = section_of(pfn)
    if not section:
        return None
    memmap, first, pages = section
    if not first <= pfn < first + pages:
        return None
    return memmap + (pfn - first) * gdb.lookup_type("struct page").sizeof


def zone_shift():
    """(shift, mask) of the zone id in page->flags (mm/page.h: the top
    ZONE_ID_BITS bits, NR_ZONE_IDS = 1 << ZONE_ID_BITS)."""
    bits = (enum_values("enum zone_id")["NR_ZONE_IDS"] - 1).bit_length()
    return 64 - bits, (1 << bits) - 1


def page_zone(flags):
    shift, mask = zone_shift()
    return (flags >> shift) & mask


def zone_name(zone):
    """normal, device, or private (the ids zones claim at run time)."""
    values = enum_values("enum zone_id")
    if zone >= values.get("ZONE_PRIVATE_FIRST", 2):
        return "private"
    return enum_names("enum zone_id", "ZONE_").get(zone, "?")


def flag_names(flags):
    """"reserved|slab" for the PG_* bits of page->flags (unknown bits in hex)."""
    values = enum_values("enum pageflags")
    nr = values.get("NR_PAGEFLAGS", 0)
    names = [name[3:] for name, bit in sorted(values.items(), key=lambda kv: kv[1])
             if name.startswith("PG_") and flags >> bit & 1]
    other = flags & ((1 << zone_shift()[0]) - 1) & ~((1 << nr) - 1)
    if other:
        names.append(f"{other:#x}")
    return "|".join(names) or "none"
