"""zdk-trace: the trace rings (lib/trace.h, lib/trace.c), merged by time.

Reads trace_rings (each CPU's ring in one piece per run of slots),
trace_mask, lib/trace.c's event_names, event_formats and phase_names, and
arch/x86/tsc.c's tsc_freq_hz and ns_mult to turn TSC values into ns."""

import struct

import gdb

from .command import ZdkCommand, parse_number, split_args
from .errors import ZdkError
from .memory import as_int, field_offset, kernel_symbol, read_bytes, signed64, string_array
from .percpu import nr_cpu_ids


class ZdkTrace(ZdkCommand):
    """The trace rings (lib/trace.h), merged by time: the last N events.

Usage: zdk-trace [N]      (default 50)
Reads every CPU's ring as `trace dump` does (lib/trace_dump.c), without
the guest's help, so it works on a hung machine. Event names, argument
formats and phase names are the kernel's own (lib/trace.c's
event_names, event_formats, phase_names). t= is nanoseconds of the TSC
as the kernel converts it (raw cycles before calibration). A slot being
written or already overwritten is counted, not shown."""

    command = "zdk-trace"

    def run(self, arg):
        argv = split_args(arg, 0, 1, "zdk-trace [N]")
        want = parse_number(argv[0], "N") if argv else 50
        if want < 1:
            raise ZdkError(f"bad N {want}: at least 1")
        for line in trace_lines(want):
            gdb.write(line + "\n")


def trace_lines(want):
    """The header, the last `want` events merged by time, the footer."""
    rings = kernel_symbol("trace_rings")
    names = string_array(kernel_symbol("event_names", "lib/trace.c"))
    formats = [event_format(f) for f in string_array(kernel_symbol("event_formats", "lib/trace.c"))]
    phases = string_array(kernel_symbol("phase_names", "lib/trace.c"))
    cpu_rings = [rings[cpu] for cpu in range(nr_cpu_ids())]
    if not any(as_int(ring["buf"]) for ring in cpu_rings):
        return ["trace: no ring yet (kernel/trace_setup.c gives them out at boot)"]
    events, bad = [], 0
    for ring in cpu_rings:
        found, skipped = ring_entries(ring, want)
        events += found
        bad += skipped
    shown = sorted(events, key=lambda e: e[0])[-want:]
    to_ns = tsc_to_ns()
    lines = [trace_header(cpu_rings, names, len(shown), to_ns)]
    lines += [event_line(ts, cpu, event, args, names, formats, phases, to_ns)
              for ts, cpu, event, args in shown]
    lines.append(f"trace: {len(shown)} shown; {bad} slot(s) among the last {want} of a ring "
                 "being written or overwritten")
    return lines


def trace_header(cpu_rings, names, shown, to_ns):
    """What the rings hold, lost and record."""
    held = lost = 0
    sizes = set()
    for ring in cpu_rings:
        written = as_int(ring["head"]) - as_int(ring["start"])
        size = as_int(ring["size"])
        held += min(written, size)
        lost += max(0, written - size)
        sizes.add(size)
    mask = as_int(kernel_symbol("trace_mask"))
    on = [names[i] for i in range(len(names)) if mask >> i & 1]
    which = f": {','.join(on)}" if 0 < len(on) < 6 else ""
    return (f"trace: {len(cpu_rings)} CPU ring(s) of {'/'.join(map(str, sorted(sizes)))} "
            f"entries, {held} held, {lost} overwritten; recording {len(on)} event(s){which}; "
            f"the last {shown}, t in {'ns' if to_ns else 'TSC cycles'}")


def ring_entries(ring, want):
    """The last `want` whole entries of one CPU's ring: [(ts, cpu, id, args)],
    and how many of those slots were being written or overwritten."""
    buf, head = as_int(ring["buf"]), as_int(ring["head"])
    size, start = as_int(ring["size"]), as_int(ring["start"])
    if not buf or not size:
        return [], 0
    first = max(start, head - size, head - want, 0)
    layout, esize = trace_layout()
    found, bad = [], 0
    index = first
    while index < head:
        slot = index & (size - 1)
        run = min(head - index, size - slot)
        raw = read_bytes(buf + slot * esize, run * esize)
        for k in range(run):
            entry = decode_entry(raw, k * esize, layout, index + k)
            if entry is None:
                bad += 1
            else:
                found.append(entry)
        index += run
    return found, bad


def trace_layout():
    """Offsets of struct trace_entry's fields (and "nargs", the length of
    its arg[] array), and its size."""
    names = ("seq", "ts", "id", "cpu", "arg")
    entry = gdb.lookup_type("struct trace_entry")
    layout = {n: field_offset("struct trace_entry", n) for n in names}
    layout["nargs"] = entry["arg"].type.sizeof // 8
    return layout, entry.sizeof


def decode_entry(raw, at, layout, index):
    """(ts, cpu, id, args) of the entry at raw[at:], None unless its
    sequence number says it is record `index`, whole."""
    seq, ts = struct.unpack_from("<QQ", raw, at + layout["seq"])[0], \
        struct.unpack_from("<Q", raw, at + layout["ts"])[0]
    if seq != index + 1:
        return None
    event, cpu = struct.unpack_from("<HH", raw, at + layout["id"])
    args = struct.unpack_from("<" + "Q" * layout["nargs"], raw, at + layout["arg"])
    return ts, cpu, event, args


def event_line(ts, cpu, event, args, names, formats, phases, to_ns):
    name = names[event] if event < len(names) else f"?{event}"
    spec = formats[event] if event < len(formats) else []
    text = " ".join(format_arg(n, k, args[i], phases)
                    for i, (n, k) in enumerate(spec[:len(args)]))
    t = to_ns(ts) if to_ns else ts
    return f"cpu={cpu} t={t} {name} {text}".rstrip()


def event_format(spec):
    """"pfn:x ref:d" -> [("pfn", "x"), ("ref", "d")]."""
    return [tuple(part.split(":", 1)) for part in spec.split() if ":" in part]


def format_arg(name, kind, value, phases):
    if kind == "x":
        return f"{name}={value:#x}"
    if kind == "d":
        return f"{name}={signed64(value)}"
    if kind == "u":
        return f"{name}={value}"
    if kind == "s":
        text = "".join(chr(b) if 32 < b < 127 else "?"
                       for b in value.to_bytes(8, "little").split(b"\0")[0])
        return f"{name}={text or '-'}"
    if kind == "p":
        return f"{name}={phases[value] if value < len(phases) else '?'}"
    return f"{name}={value:#x}"


def tsc_to_ns():
    """The kernel's conversion of a TSC value to ns (arch/x86/tsc.c), or None
    before calibration."""
    try:
        hz = as_int(kernel_symbol("tsc_freq_hz", "arch/x86/tsc.c"))
        mult = as_int(kernel_symbol("ns_mult", "arch/x86/tsc.c"))
    except ZdkError:
        return None
    return (lambda ts: (ts * mult) >> 32) if hz else None
