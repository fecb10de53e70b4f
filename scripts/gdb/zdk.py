"""zdk.py: gdb commands for looking at a running (or hung) zdk kernel.

    (gdb) source scripts/gdb/zdk.py       (make gdb's gdbinit does this)
    (gdb) help user-defined                the commands, one line each

  zdk-dmesg [N]        the kernel log ring (lib/printk.c), the last N lines
  zdk-page PFN         a struct page decoded: flags, zone, refcount, pgmap
  zdk-pgmap            every dev_pagemap: range, state, reference count
  zdk-pt ADDR [MM]     the page-table walk of ADDR, each level's entry decoded
  zdk-cpus             per CPU: the vCPU's RIP, current thread, preempt count, RCU
  zdk-trace [N]        the last N events of the trace rings, merged by time

This is the file gdb sources; the commands are the package beside it,
scripts/gdb/zdkgdb/ (its __init__.py gives the design and the modules).
This file puts its own folder on sys.path, so it works from any directory,
imports the package and registers the commands. Sourced again, it imports
the package afresh: an edited module takes effect, as it did when the
commands were one file.
"""

import os
import sys

import gdb

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
for name in [m for m in sys.modules if m == "zdkgdb" or m.startswith("zdkgdb.")]:
    del sys.modules[name]

from zdkgdb.cpus import ZdkCpus          # noqa: E402 (sys.path first)
from zdkgdb.dmesg import ZdkDmesg        # noqa: E402
from zdkgdb.page import ZdkPage          # noqa: E402
from zdkgdb.pgmap import ZdkPgmap        # noqa: E402
from zdkgdb.pt import ZdkPt              # noqa: E402
from zdkgdb.trace import ZdkTrace        # noqa: E402

COMMANDS = (ZdkDmesg, ZdkPage, ZdkPgmap, ZdkPt, ZdkCpus, ZdkTrace)

for command in COMMANDS:
    command()
gdb.write("zdk: gdb helpers loaded: " + ", ".join(c.command for c in COMMANDS)
          + " (help zdk-NAME)\n")
