"""Per-CPU data: nr_cpu_ids, and a CPU's copy of a DEFINE_PER_CPU variable
(its template address + __per_cpu_offset[cpu], docs/percpu.md)."""

import gdb

from .memory import U64, as_int, kernel_symbol


def nr_cpu_ids():
    return as_int(kernel_symbol("nr_cpu_ids"))


def per_cpu_offset(cpu):
    return as_int(kernel_symbol("__per_cpu_offset")[cpu])


def per_cpu_address(template, cpu):
    """The address of CPU cpu's copy of a per-CPU template address."""
    return (template + per_cpu_offset(cpu)) & U64


def per_cpu_var(name, cpu, file=None):
    """CPU cpu's copy of a DEFINE_PER_CPU variable, as a gdb.Value."""
    var = kernel_symbol(name, file)
    addr = per_cpu_address(as_int(var.address), cpu)
    return gdb.Value(addr).cast(var.type.pointer()).dereference()
