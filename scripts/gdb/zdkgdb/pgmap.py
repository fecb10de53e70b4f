"""zdk-pgmap: every claimed dev_pagemap and its reference count.

Reads mm/memremap_lookup.c's claimed[] and slots[], each struct
dev_pagemap, its percpu_ref (mm/percpu_ref.h) with every CPU's counter,
mm/memremap_modes.c's refs_names and teardown_names, and a live pgmap's
memmap in one piece per section, to count the pages in use."""

import struct

import gdb

from .command import ZdkCommand, split_args
from .layout import MEMREMAP_ALTMAP, PERCPU_COUNT_BIAS, PERCPU_REF_ATOMIC, PERCPU_REF_DEAD
from .memmap import section_of
from .memory import (as_int, field_offset, kernel_symbol, read_bytes, read_u64, signed64,
                     string_array, value_at)
from .percpu import nr_cpu_ids, per_cpu_address
from .pgmap_lookup import claimed_pgmaps, pgmap_name, pgmap_state_name


class ZdkPgmap(ZdkCommand):
    """Every dev_pagemap: range, state, teaching modes, reference count.

Usage: zdk-pgmap
Lists mm/memremap_lookup.c's claimed slots (live pgmaps and those being
torn down). The count is read in either percpu_ref mode: per-CPU, it is
(count - 2^63) plus every CPU's counter, each shown; atomic, it is count.
For a live pgmap the memmap is scanned for pages with refcount > 0, to
check refs = 1 + pages in use (modes refs=legacy|regression: a ref per
get, so no such check)."""

    command = "zdk-pgmap"

    def run(self, arg):
        split_args(arg, 0, 0, "zdk-pgmap")
        pgmaps = claimed_pgmaps()
        if not pgmaps:
            gdb.write("no dev_pagemap\n")
        for slot, addr, published in pgmaps:
            for line in pgmap_lines(slot, addr, published):
                gdb.write(line + "\n")


def pgmap_lines(slot, addr, published):
    pgmap = value_at(addr, "struct dev_pagemap")
    state = pgmap_state_name(int(pgmap["state"]))
    start, end = as_int(pgmap["start"]), as_int(pgmap["end"])
    pages = as_int(pgmap["nr_pages"])
    memmap = "on the device (altmap)" if as_int(pgmap["flags"]) & MEMREMAP_ALTMAP else "in RAM"
    refs, teardown = mode_names("refs_names"), mode_names("teardown_names")
    modes = pgmap["modes"]
    refs_mode = refs[int(modes["refs"])] if int(modes["refs"]) < len(refs) else "?"
    lines = [f"pgmap {pgmap_name(pgmap)} at {addr:#x}, slot {slot}: {state}"
             f"{', published' if published else ', not in the lookup'}",
             f"  range {start:#x}-{end:#x} ({(end - start + 1) >> 20} MiB), "
             f"first pfn {as_int(pgmap['pfn_first']):#x}, {pages} pages, memmap {memmap} "
             f"({as_int(pgmap['memmap_bytes']) >> 10} KiB)",
             f"  modes: zone_device.refs={refs_mode} memremap.teardown="
             f"{teardown[int(modes['teardown'])] if int(modes['teardown']) < len(teardown) else '?'}"]
    lines += ref_lines(pgmap["ref"])
    lines += usage_lines(pgmap, state, refs_mode)
    return lines


def mode_names(array):
    return string_array(kernel_symbol(array, "mm/memremap_modes.c"))


def ref_lines(ref):
    mode, count, atomic, counters = ref_reading(ref)
    if not counters:
        return [f"  ref: {mode}, count {count}"]
    per_cpu = ", ".join(f"CPU {cpu} {value}" for cpu, value in enumerate(counters))
    return [f"  ref: {mode}, count {count} = {atomic} (count - 2^63) + per-CPU "
            f"[{per_cpu}]"]


def ref_reading(ref):
    """(mode text, count, atomic part, [per-CPU counters]) of a percpu_ref.

    The bias (2^63) is in the atomic count in per-CPU mode, and in atomic
    mode too while a switch waits for its grace period (its callback adds
    the counters' sum and takes the bias out): then the value is the count
    less the bias plus the counters, as percpu_ref_sum() reads it."""
    ptr = as_int(ref["percpu_count_ptr"])
    count = as_int(ref["count"])
    template = ptr & ~(PERCPU_REF_ATOMIC | PERCPU_REF_DEAD)
    if ptr & PERCPU_REF_DEAD:
        mode = "atomic mode, killed"
    elif ptr & PERCPU_REF_ATOMIC:
        mode = "atomic mode"
    else:
        mode = "per-CPU mode"
    if signed64(count) >= -(1 << 62) or not template:
        return mode, signed64(count), signed64(count), []
    if ptr & (PERCPU_REF_ATOMIC | PERCPU_REF_DEAD):
        mode += ", switch in flight (the per-CPU counters not yet summed)"
    counters = [signed64(read_u64(per_cpu_address(template, cpu)))
                for cpu in range(nr_cpu_ids())]
    atomic = signed64(count - PERCPU_COUNT_BIAS)
    return mode, signed64(atomic + sum(counters)), atomic, counters


def usage_lines(pgmap, state, refs_mode):
    """The pages in use (a scan of the memmap, while there is one) against the count."""
    if state not in ("live", "dying", "waiting"):
        return [f"  count at the kill (pins left): {as_int(pgmap['count_at_kill'])}"]
    used = pages_in_use(pgmap)
    if state != "live":
        return [f"  count at the kill (pins left): {as_int(pgmap['count_at_kill'])}; pages "
                f"with refcount > 0 now: {'?' if used is None else used}"]
    if used is None:
        return ["  pages in use: memmap not readable"]
    if refs_mode != "single":
        return [f"  pages in use (refcount > 0): {used} (refs={refs_mode}: a ref per get)"]
    _, count, _, _ = ref_reading(pgmap["ref"])
    verdict = "holds" if count == 1 + used else f"BROKEN: {count} != 1 + {used}"
    return [f"  pages in use (refcount > 0): {used}; refs = 1 + pages in use: {verdict}"]


def pages_in_use(pgmap):
    """Pages of pgmap with refcount > 0, from a scan of its memmap (None if unreadable)."""
    first = as_int(pgmap["pfn_first"])
    left = as_int(pgmap["nr_pages"])
    size = gdb.lookup_type("struct page").sizeof
    ref_at = field_offset("struct page", "_refcount")
    used = 0
    pfn = first
    while left > 0:
        section = section_of(pfn)
        if not section or not section[1] <= pfn < section[1] + section[2]:
            return None
        memmap, sec_first, sec_pages = section
        run = min(left, sec_first + sec_pages - pfn)
        raw = read_bytes(memmap + (pfn - sec_first) * size, run * size)
        used += count_referenced(raw, size, ref_at)
        pfn += run
        left -= run
    return used


def count_referenced(raw, size, ref_at):
    """Struct pages in raw (size bytes each) whose _refcount is above zero."""
    return sum(1 for i in range(ref_at, len(raw), size)
               if struct.unpack_from("<i", raw, i)[0] > 0)
