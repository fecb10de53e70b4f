"""What DWARF does not say: the kernel's macros, restated from its headers.

Each constant names the header (or .c file) it comes from; a change there
must be made here too.
"""

PAGE_SHIFT = 12                         # lib/page_defs.h
PAGE_SIZE = 1 << PAGE_SHIFT
DIRECT_MAP_BASE = 0xffff800000000000    # arch/x86/include/asm/page.h: phys P at BASE + P
SECTION_SIZE_BITS = 27                  # mm/memmap.h: 128 MiB sections
PFN_SECTION_SHIFT = SECTION_SIZE_BITS - PAGE_SHIFT
PERCPU_REF_ATOMIC = 1                   # mm/percpu_ref.h: low bits of percpu_count_ptr
PERCPU_REF_DEAD = 2
PERCPU_COUNT_BIAS = 1 << 63             # mm/percpu_ref.c: on `count` in per-CPU mode
PREEMPT_MASK = 0x0000ffff               # kernel/preempt.h
HARDIRQ_SHIFT = 16
HARDIRQ_MASK = 0x00ff0000

# arch/x86/include/asm/pgtable.h: the bits of an entry and where each means
# what its name says: "all" entries, "leaf" entries (bits 6, 8-11 are
# ignored in a table entry, 9-11 are zdk's software bits), "huge" leaves
# (PS, and PAT at bit 12, which is an address bit elsewhere), "4k" leaves
# (bit 7 is PAT there).
PTE_BITS = [
    (0, "present", "all"), (1, "write", "all"), (2, "user", "all"), (3, "pwt", "all"),
    (4, "pcd", "all"), (5, "accessed", "all"), (6, "dirty", "leaf"), (7, "huge", "huge"),
    (7, "pat", "4k"), (8, "global", "leaf"), (9, "special", "leaf"), (10, "devmap", "leaf"),
    (11, "protnone", "leaf"),
    (12, "pat", "huge"), (63, "nx", "all"),
]
PTE_PRESENT, PTE_WRITE, PTE_USER, PTE_HUGE, PTE_NX = 1 << 0, 1 << 1, 1 << 2, 1 << 7, 1 << 63
# a leaf of a PROT_NONE region: not present to the CPU, kept for the fault
PTE_PROTNONE = 1 << 11
PTE_ADDR_MASK = 0x000ffffffffff000
# arch/x86/include/asm/pgtable.h: the PAT as the power-on default leaves it
# (paging_init() keeps it).
PAT_TYPES = ["WB", "WT", "UC-", "UC", "WB", "WT", "UC-", "UC"]

# mm/memremap.h: a pgmap flag, the memmap on the device itself
MEMREMAP_ALTMAP = 0x1
