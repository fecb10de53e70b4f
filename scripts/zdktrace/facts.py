"""facts: the numbers tests check in a timeline, and the summary a person reads.

Relies on a model.Model and the dump.Dump it came from (for its d=).
"""


def rel(m, t):
    return None if t is None else t - m.t0


def first_teardown(m):
    """The first teardown of the dump, or None."""
    return m.teardowns[0] if m.teardowns else None


def phase_time(td, phase):
    return None if td is None else td.time_of(phase)


def min_counts(m):
    """name -> the lowest count modelled (pgmaps sharing a name: the lowest of all)."""
    out = {}
    for pg in m.pgmaps.values():
        if pg.counts:
            low = min(v for _, v in pg.counts)
            out[pg.label] = min(low, out.get(pg.label, low))
    return out


def facts(m, dump):
    """What tests check, from the model: times relative to the first event; the
    wait and remove facts are the first teardown's (wait_begin_count: its
    wait_begin's value=, the count the wait started from); warn_lines: the
    line= of each warn, in time order (the text is in the serial log)."""
    td = first_teardown(m)
    unpin_times = [m.events[i].t_ns for i in m.unpins]
    return {
        "dump": dump.d,
        "events": len(m.events),
        "min_pgmap_count": min_counts(m),
        "wait_begin_ns": rel(m, phase_time(td, "wait_begin")),
        "wait_begin_count": None if td is None else td.value_of("wait_begin"),
        "wait_end_ns": rel(m, phase_time(td, "wait_end")),
        "remove_ns": rel(m, phase_time(td, "remove")),
        "last_unpin_ns": rel(m, max(unpin_times)) if unpin_times else None,
        "first_unpin_ns": rel(m, min(unpin_times)) if unpin_times else None,
        "release_ns": rel(m, m.releases[0][0]) if m.releases else None,
        "warnings": len(m.warns),
        "warn_lines": [m.events[i].args.get("line") for i in m.warns],
        "late_accesses": len(m.lates),
        "cpus": sorted({e.cpu for e in m.events}),
        "pin_cpus": sorted({p.cpu for p in m.pins}),
        "teardown_cpu": None if td is None else td.cpu,
    }


def summary(m, dump):
    """What the command line prints with no output option: a few lines."""
    f = facts(m, dump)
    names = ", ".join(f"{k} (min count {v})" for k, v in f["min_pgmap_count"].items()) or "none"
    lines = [f"dump d={dump.d}: {f['events']} events on CPUs {f['cpus']}",
             f"pgmaps: {names}",
             f"pins: {len(m.pins)}, unpins: {len(m.unpins)}, warnings: {f['warnings']}, "
             f"late accesses: {f['late_accesses']}"]
    if f["wait_begin_ns"] is not None:
        end = "not ended" if f["wait_end_ns"] is None else f"{f['wait_end_ns'] / 1e6:.3f} ms"
        lines.append(f"unbind wait: {f['wait_begin_ns'] / 1e6:.3f} ms .. {end} "
                     f"(CPU {f['teardown_cpu']})")
    return "\n".join(lines)
