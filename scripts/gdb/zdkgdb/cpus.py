"""zdk-cpus: what each CPU runs, and its part in RCU.

Reads each vCPU's GS base and RIP (a gdb thread each), __per_cpu_offset,
the per-CPU cpu_number, current_task (its struct task), __preempt_count
and __need_resched, and kernel/rcu.c's rcu_state and rcu_data; a RIP is
named by gdb's symbols and line table."""

import gdb

from .command import ZdkCommand, split_args
from .layout import HARDIRQ_MASK, HARDIRQ_SHIFT, PREEMPT_MASK
from .memory import as_int, enum_names, inferior, kernel_symbol
from .percpu import nr_cpu_ids, per_cpu_offset, per_cpu_var


class ZdkCpus(ZdkCommand):
    """Per CPU: its vCPU's RIP, current thread, preempt count and RCU state.

Usage: zdk-cpus
For each of nr_cpu_ids CPUs: the gdb thread of its vCPU (found by its
GS base, the CPU's per-CPU offset) and where it is; the per-CPU
current_task, __preempt_count and __need_resched; its part in RCU
(kernel/rcu.c: a preempt-disabled CPU may be in a read-side section;
whether it owes the running grace period a quiescent state). The global
grace-period numbers come first."""

    command = "zdk-cpus"

    def run(self, arg):
        split_args(arg, 0, 0, "zdk-cpus")
        rcu_state = kernel_symbol("rcu_state")
        gdb.write(f"RCU: gp_started {as_int(rcu_state['gp_started'])}, gp_completed "
                  f"{as_int(rcu_state['gp_completed'])}, gp_needed "
                  f"{as_int(rcu_state['gp_needed'])}, qs_pending "
                  f"{as_int(rcu_state['qs_pending']):#x}, cpus {as_int(rcu_state['cpus']):#x}\n")
        threads = thread_of_cpu()
        for cpu in range(nr_cpu_ids()):
            for line in cpu_lines(cpu, threads.get(cpu), rcu_state):
                gdb.write(line + "\n")
        for line in other_vcpu_lines(set(t.num for t in threads.values())):
            gdb.write(line + "\n")


def thread_of_cpu():
    """{zdk CPU number: gdb thread} by each vCPU's GS base, which holds its
    per-CPU offset (arch/x86/include/asm/percpu.h)."""
    offsets = {per_cpu_offset(cpu): cpu for cpu in range(nr_cpu_ids())}
    found = {}
    for thread in inferior().threads():
        gs = register_of(thread, "gs_base")
        if gs in offsets:
            found[offsets[gs]] = thread
    return found


def cpu_lines(cpu, thread, rcu_state):
    count = as_int(per_cpu_var("__preempt_count", cpu))
    number = as_int(per_cpu_var("cpu_number", cpu))
    resched = as_int(per_cpu_var("__need_resched", cpu))
    head = f"CPU {cpu}"
    if number != cpu:
        head += f" (its cpu_number says {number}!)"
    if thread is None:
        head += ": no vCPU has its GS base (not started, or GS changed)"
    else:
        pc = register_of(thread, "rip")
        head += f": gdb thread {thread.num}, RIP {pc:#x} {where(pc)}" if pc is not None \
            else f": gdb thread {thread.num}, RIP unreadable"
    return [head,
            f"  current {task_text(per_cpu_var('current_task', cpu))}",
            f"  preempt_count {preempt_text(count)}, need_resched {resched}",
            f"  RCU: {rcu_text(cpu, count, rcu_state)}"]


def register_of(thread, name):
    """A register of another thread (vCPU), or None; the user's thread and
    frame are selected again after."""
    selected = gdb.selected_thread()
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        frame = None
    try:
        thread.switch()
        return as_int(gdb.newest_frame().read_register(name).cast(
            gdb.lookup_type("unsigned long")))
    except gdb.error:
        return None
    finally:
        if selected is not None:
            selected.switch()
        if frame is not None and frame.is_valid():
            frame.select()


def where(pc):
    """'symbol+34 in inlined_function at file.h:13' for a code address."""
    text = gdb.execute(f"info symbol {pc:#x}", to_string=True).strip()
    symbol = "?"
    if " in section " in text:
        name = text.split(" in section ")[0]
        symbol = name.replace(" + ", "+")
    line = gdb.find_pc_line(pc)
    block = gdb_block(pc)
    inline = ""
    if block is not None and block.function is not None and \
            not symbol.startswith(block.function.name + "+") and symbol != block.function.name:
        inline = f" in {block.function.name}"
    if line.symtab is not None:
        return f"{symbol}{inline} at {line.symtab.filename}:{line.line}"
    return symbol + inline


def gdb_block(pc):
    try:
        block = gdb.block_for_pc(pc)
    except RuntimeError:
        return None
    while block is not None and block.function is None:
        block = block.superblock
    return block


def other_vcpu_lines(known):
    """The vCPUs no CPU claimed (an AP in the firmware or the trampoline)."""
    lines = []
    for thread in sorted(inferior().threads(), key=lambda t: t.num):
        if thread.num in known:
            continue
        pc, gs = register_of(thread, "rip"), register_of(thread, "gs_base")
        place = f"RIP {pc:#x} {where(pc)}" if pc is not None else "RIP unreadable"
        gs_text = f"{gs:#x}" if gs is not None else "?"
        lines.append(f"gdb thread {thread.num}: no zdk CPU (GS base {gs_text}), {place}")
    return lines


def preempt_text(count):
    depth, hardirq = count & PREEMPT_MASK, (count & HARDIRQ_MASK) >> HARDIRQ_SHIFT
    if not count:
        return "0 (preemptible)"
    parts = []
    if depth:
        parts.append(f"preempt_disable depth {depth}")
    if hardirq:
        parts.append(f"in interrupt (hardirq depth {hardirq})")
    return f"{count:#x} ({', '.join(parts) or 'other bits'})"


def rcu_text(cpu, count, rcu_state):
    """The CPU's part in the current grace period."""
    started, completed = as_int(rcu_state["gp_started"]), as_int(rcu_state["gp_completed"])
    pending = as_int(rcu_state["qs_pending"])
    rdp = kernel_symbol("rcu_data")[cpu]
    reader = "in a read-side section (or another non-preemptible one)" \
        if count & PREEMPT_MASK else "outside read-side sections"
    if started == completed:
        owes = "no GP running"
    elif pending >> cpu & 1:
        owes = f"owes GP {started} a QS"
    else:
        owes = f"has reported its QS for GP {started}"
    return (f"{reader}; {owes}; last reported GP {as_int(rdp['qs_gp'])}; "
            f"{as_int(rdp['n_cbs'])} callback(s) queued")


def task_text(task_ptr):
    if as_int(task_ptr) == 0:
        return "none (before sched_init)"
    task = task_ptr.dereference()
    states = enum_names("enum task_state", "TASK_")
    name = task["name"].string(length=task["name"].type.sizeof).split("\0")[0]
    idle = ", idle thread" if as_int(task["flags"]) & 1 else ""
    return (f"#{as_int(task['id'])} \"{name}\" ({states.get(as_int(task['state']), '?')}"
            f"{idle}) at {as_int(task_ptr):#x}")
