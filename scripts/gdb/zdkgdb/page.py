"""zdk-page: one struct page decoded.

Reads the page through mm/sparse.c's section table (memmap.py): its
flags, zone, refcount, order and pfn, and for a device page its pgmap; for
a pfn without a memmap, the claimed pgmaps (pgmap_lookup.py)."""

import gdb

from .command import ZdkCommand, parse_number, split_args
from .errors import ZdkError
from .memmap import flag_names, max_pfn, page_address, page_zone, zone_name
from .memory import U64, as_int, value_at
from .pgmap_lookup import pgmap_covering, pgmap_name, pgmap_state_name


class ZdkPage(ZdkCommand):
    """A struct page decoded: flags, zone, refcount, order, pgmap.

Usage: zdk-page PFN
PFN: a number or a C expression. The page is found as __pfn_to_page()
finds it (mm/sparse.c's section table), so a pfn without a memmap (a
hole, a device range whose memmap was removed) is said to have none.
Flags are named from enum pageflags, the zone from enum zone_id."""

    command = "zdk-page"

    def run(self, arg):
        argv = split_args(arg, 1, 1, "zdk-page PFN")
        pfn = parse_number(argv[0], "PFN")
        limit = max_pfn()
        if not 0 <= pfn < limit:
            raise ZdkError(f"bad PFN {pfn:#x}: the memmap covers pfns 0 to {limit - 1:#x}")
        addr = page_address(pfn)
        if addr is None:
            raise ZdkError(f"pfn {pfn:#x}: no memmap ({no_memmap_reason(pfn)})")
        for line in page_lines(pfn, addr):
            gdb.write(line + "\n")


def no_memmap_reason(pfn):
    pgmap = pgmap_covering(pfn)
    if pgmap is None:
        return "not RAM, no device range"
    return (f"pgmap {pgmap_name(pgmap)} covers it, "
            f"{pgmap_state_name(int(pgmap['state']))}: its memmap is gone")


def page_lines(pfn, addr):
    page = value_at(addr, "struct page")
    flags = as_int(page["flags"])
    if flags == U64:
        raise ZdkError(f"pfn {pfn:#x}: memmap poison at {addr:#x} (never initialised, or removed)")
    zone = page_zone(flags)
    lines = [f"pfn {pfn:#x}: struct page at {addr:#x}",
             f"  flags {flags:#x} ({flag_names(flags)}), zone {zone} ({zone_name(zone)})",
             f"  refcount {int(page['_refcount'])}, order {int(page['order'])}"]
    if as_int(page["pfn"]) != pfn:
        lines.append(f"  page->pfn is {as_int(page['pfn']):#x}, not {pfn:#x}: a damaged memmap?")
    if zone_name(zone) == "device":
        lines.append("  " + device_page_text(page))
    return lines


def device_page_text(page):
    addr = as_int(page["pgmap"])
    if not addr:
        return "pgmap NULL (a device page without its pgmap?)"
    pgmap = page["pgmap"].dereference()
    return (f"pgmap {addr:#x} {pgmap_name(pgmap)} ({pgmap_state_name(int(pgmap['state']))}), "
            f"zone_device_data {as_int(page['zone_device_data']):#x}")
