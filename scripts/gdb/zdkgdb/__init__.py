"""zdkgdb: the zdk-* gdb commands, a module each (scripts/gdb/zdk.py, the file
gdb sources, imports them and registers them).

Design. Everything is read from the guest's memory while gdb holds it
stopped; nothing runs in the guest (no function is called, no breakpoint
is set), so the commands are as safe on a hung machine as on a healthy
one, and `detach` lets the machine go on as if nothing had happened.
Symbols, struct layouts and enum names come from the kernel's DWARF
(build/kernel.elf): a field that moves, a page flag or an event added to
the kernel is followed without touching these files. File-scope statics
are named as gdb names them, 'lib/printk.c'::log_buf (with the bare name
as a fallback, should the file be renamed). What DWARF does not hold
(macros: page-table bits, the direct map's base, percpu_ref's mode bits
and bias, the preempt count's fields) is restated in layout.py next to
the header it comes from. Bulk data (the log ring, a memmap, the trace
rings) is read in one piece with read_memory and decoded in Python;
single objects go through gdb.Value.

Errors (a bad PFN, no such mm, a kernel without trace rings, memory gdb
cannot read) end the command with one line, "zdk-NAME: what went wrong",
never with a Python traceback.

The commands, each module's docstring saying what it reads:
  dmesg         zdk-dmesg
  page          zdk-page
  pgmap         zdk-pgmap
  pt            zdk-pt
  cpus          zdk-cpus
  trace         zdk-trace
What they share:
  command       ZdkCommand, their base: the arguments, every error as one line
  errors        ZdkError, a problem worth one line to the user
  memory        reading the guest: memory, symbols, file-scope statics,
                types and enums from DWARF, the direct map
  layout        what DWARF does not say: the kernel's macros, restated
  percpu        per-CPU variables: a CPU's copy of one
  memmap        pfn -> struct page (mm/sparse.c), its zone and flags
  pgmap_lookup  the claimed dev_pagemaps (mm/memremap_lookup.c): which,
                their names and states
"""
