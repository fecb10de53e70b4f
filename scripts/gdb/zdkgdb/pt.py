"""zdk-pt: the page-table walk of one virtual address (arch/x86/include/asm/pgtable.h).

Reads CR3 of the selected vCPU, or MM's pgd (a struct mm_struct *, or a
pgd such as kernel_pgd); each level's table through the direct map; the
struct page of the frame the walk ends on, and its pgmap's name."""

import gdb

from .command import ZdkCommand, parse_number, split_args
from .errors import ZdkError
from .layout import (PAGE_SHIFT, PAT_TYPES, PTE_ADDR_MASK, PTE_BITS, PTE_HUGE, PTE_NX,
                     PTE_PRESENT, PTE_PROTNONE, PTE_USER, PTE_WRITE)
from .memmap import page_address, page_zone, zone_name
from .memory import U64, as_int, phys_to_virt, read_u64, value_at
from .pgmap_lookup import pgmap_name

LEVEL_NAMES = {4: "PGD", 3: "PUD", 2: "PMD", 1: "PTE"}
LEVEL_SIZE_NAMES = {3: "1 GiB", 2: "2 MiB", 1: "4 KiB"}


class ZdkPt(ZdkCommand):
    """The page-table walk of one virtual address, each level's entry decoded.

Usage: zdk-pt ADDR [MM]
ADDR: a number or C expression. MM: an expression giving a struct
mm_struct * (e.g. 'drivers/pmem/dax_cmd.c'::pin_mm), or a pgd (a pte_t *,
e.g. kernel_pgd); without it, the tables CR3 of the selected vCPU points
to (`thread N` selects another). Each level prints its index, the entry,
its bits (present write user pwt pcd accessed dirty huge pat global,
zdk's software bits special and devmap, nx) and where it points; a leaf
gives the physical address, the cache type, the permissions of the whole
walk and what the kernel knows of the frame."""

    command = "zdk-pt"

    def run(self, arg):
        argv = split_args(arg, 1, 2, "zdk-pt ADDR [MM]")
        addr = parse_number(argv[0], "ADDR") & U64
        check_canonical(addr)
        if len(argv) == 2:
            table, what = mm_root(argv[1])
        else:
            cr3, thread = current_cr3()
            table = phys_to_virt(cr3 & PTE_ADDR_MASK)
            what = f"CR3 {cr3:#x} of gdb thread {thread}"
        lines = [f"{addr:#x} in {what}"]
        result = walk(addr, table, lines)
        lines.append(walk_result(addr, result))
        for line in lines:
            gdb.write(line + "\n")


def check_canonical(addr):
    top = addr >> 47
    if top not in (0, (1 << 17) - 1):
        raise ZdkError(f"{addr:#x} is not a canonical address (bits 63-47 must be equal)")


def current_cr3():
    """(CR3 of the selected vCPU, the gdb thread's number)."""
    try:
        cr3 = as_int(gdb.parse_and_eval("$cr3").cast(gdb.lookup_type("unsigned long")))
    except gdb.error as e:
        raise ZdkError(f"cannot read $cr3 ({e}); give an MM") from None
    return cr3, gdb.selected_thread().num


def mm_root(expr):
    """The top-level table of MM (a struct mm_struct *, or a pgd such as
    kernel_pgd) and a line that says which it is."""
    value = mm_value(expr)
    target = value.type.strip_typedefs().target().strip_typedefs()
    if target.code == gdb.TYPE_CODE_STRUCT and target.tag == "mm_struct":
        pgd = mm_pgd(value, expr)
        return pgd, f"mm {as_int(value):#x} ({expr}), pgd {pgd:#x}"
    if target.code == gdb.TYPE_CODE_INT and target.sizeof == 8:
        return as_int(value), f"pgd {as_int(value):#x} ({expr})"
    raise ZdkError(f"no such mm: {expr} points to {target}, not a struct mm_struct")


def mm_value(expr):
    """MM evaluated: a non-NULL pointer (a bare number is taken as a struct mm_struct *)."""
    try:
        value = gdb.parse_and_eval(expr)
    except gdb.error as e:
        raise ZdkError(f"no such mm: {expr}: {e}") from None
    code = value.type.strip_typedefs().code
    if code == gdb.TYPE_CODE_INT:
        value = value.cast(gdb.lookup_type("struct mm_struct").pointer())
    elif code != gdb.TYPE_CODE_PTR:
        raise ZdkError(f"no such mm: {expr} is a {value.type}, not a struct mm_struct *")
    if as_int(value) == 0:
        raise ZdkError(f"no such mm: {expr} is NULL")
    return value


def mm_pgd(mm, expr):
    try:
        pgd = as_int(mm["pgd"])
    except gdb.MemoryError:
        raise ZdkError(f"no such mm: nothing readable at {as_int(mm):#x} ({expr})") from None
    if not pgd:
        raise ZdkError(f"no such mm: {expr} has no pgd")
    return pgd


def walk(addr, table, lines):
    """Walk from the top-level table at virtual address table; append a line
    per level; return (phys, level, leaf entry, permissions) or None."""
    write = user = True
    nx = False
    for level in (4, 3, 2, 1):
        index = addr >> level_shift(level) & 511
        entry = read_u64(table + index * 8)
        text = f"  {LEVEL_NAMES[level]}[{index:3d}] {entry:#018x}"
        if not entry & PTE_PRESENT:
            if entry & PTE_PROTNONE and (level == 1 or entry & PTE_HUGE):
                lines.append(f"{text}  not present to the CPU: a PROT_NONE leaf of "
                             f"{entry & PTE_ADDR_MASK:#x} ({entry_flags(entry, level)}); "
                             "an access faults")
            else:
                lines.append(text + "  not present")
            return None
        write, user = write and bool(entry & PTE_WRITE), user and bool(entry & PTE_USER)
        nx = nx or bool(entry & PTE_NX)
        if is_leaf(entry, level):
            size = 1 << level_shift(level)
            base = entry & PTE_ADDR_MASK & ~(size - 1)
            lines.append(f"{text}  {entry_flags(entry, level)}  "
                         f"-> {LEVEL_SIZE_NAMES[level]} page {base:#x} ({cache_type(entry, level)})")
            return base + (addr & (size - 1)), level, entry, (write, user, nx)
        lines.append(f"{text}  {entry_flags(entry, level)}  -> table {entry & PTE_ADDR_MASK:#x}")
        table = phys_to_virt(entry & PTE_ADDR_MASK)
    return None


def level_shift(level):
    return PAGE_SHIFT + 9 * (level - 1)


def is_leaf(entry, level):
    return level == 1 or (level in (2, 3) and entry & PTE_HUGE)


def entry_flags(entry, level):
    """The names of the bits set in an entry of `level`, as that level reads them."""
    leaf = is_leaf(entry, level)
    kinds = {"all"} | ({"leaf", "4k" if level == 1 else "huge"} if leaf else set())
    return " ".join(name for bit, name, kind in PTE_BITS if kind in kinds and entry >> bit & 1)


def cache_type(entry, level):
    pat_bit = 7 if level == 1 else 12
    index = (entry >> 3 & 1) | (entry >> 4 & 1) << 1 | (entry >> pat_bit & 1) << 2
    return PAT_TYPES[index]


def walk_result(addr, result):
    if result is None:
        return f"  => {addr:#x} is not mapped"
    phys, level, entry, (write, user, nx) = result
    access = "read-write" if write else "read-only"
    who = "user" if user else "kernel only"
    run = "no execute" if nx else "executable"
    return (f"  => phys {phys:#x} (pfn {phys >> PAGE_SHIFT:#x}: "
            f"{describe_frame(phys >> PAGE_SHIFT)}); {access}, {who}, {run}")


def describe_frame(pfn):
    """What the kernel knows of a frame: its zone, refcount and pgmap."""
    page = page_address(pfn)
    if page is None:
        return "no struct page"
    p = value_at(page, "struct page")
    flags = as_int(p["flags"])
    if flags == U64:
        return "memmap poison"
    text = f"zone {zone_name(page_zone(flags))}, refcount {int(p['_refcount'])}"
    if zone_name(page_zone(flags)) == "device" and as_int(p["pgmap"]):
        text += f", pgmap {pgmap_name(p['pgmap'].dereference())}"
    return text
