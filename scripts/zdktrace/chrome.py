"""chrome: the model as Chrome trace-event JSON, for ui.perfetto.dev.

to_chrome_trace(): the Chrome trace-event JSON Object Format (ts in
microseconds from the first event; pid 1 "zdk", one thread per CPU):
instants for point events, a B/E slice per teardown with its phases
nested, counters for each pgmap's refs and live pages, global instants for
WARN and late accesses, and flows (s/f) from each pin to its unpin. Pins
and unpins are zero-length "X" slices rather than instants so that the
flow's ends have a slice to bind to in both Perfetto and chrome://tracing.

Relies on model (the Model, family_of, PIN_EVENTS) and on dump.is_hex_arg
for which arguments read as 0x strings; check.check_trace validates it.
"""

from .dump import is_hex_arg
from .model import PIN_EVENTS, family_of

PID = 1


def us(m, t):
    """Microseconds since the first event, at nanosecond resolution."""
    return round((t - m.t0) / 1000.0, 3)


def raw_args(e):
    """An event's values for "args": hex arguments as 0x strings, n= too."""
    out = {"n": e.n}
    for k, v in e.args.items():
        out[k] = f"{v:#x}" if isinstance(v, int) and v >= 0 and is_hex_arg(e.name, k) else v
    return out


def metadata_events(m, dump):
    cpus = set(e.cpu for e in m.events)
    if dump.begin and isinstance(dump.begin.get("cpus"), int):
        cpus |= set(range(dump.begin["cpus"]))
    out = [{"name": "process_name", "ph": "M", "pid": PID, "args": {"name": "zdk"}}]
    for cpu in sorted(cpus):
        out.append({"name": "thread_name", "ph": "M", "pid": PID, "tid": cpu,
                    "args": {"name": f"CPU {cpu}"}})
        out.append({"name": "thread_sort_index", "ph": "M", "pid": PID, "tid": cpu,
                    "args": {"sort_index": cpu}})
    return out


def event_name(m, e):
    """The name shown for a point event (WARN and late accesses say what they are)."""
    if e.name == "warn":
        return "WARN"
    if e.name == "late_access":
        what = "put" if e.args.get("put") else "get"
        return f"late {what} of a removed page"
    return e.name


def point_event(m, i, e):
    """One event as an instant (global for WARN and late accesses, a 0-length X for
    pins and unpins so flows can bind to them)."""
    ev = {"name": event_name(m, e), "cat": family_of(e.name), "ts": us(m, e.t_ns),
          "pid": PID, "tid": e.cpu, "args": raw_args(e)}
    if e.name in ("warn", "late_access"):
        ev.update(ph="i", s="g")
    elif e.name in PIN_EVENTS or e.name == "unpin":
        ev.update(ph="X", dur=0)
    else:
        ev.update(ph="i", s="t")
    return ev


def flow_events(m):
    """s/f pairs from each matched pin to its unpin, one id each."""
    out = []
    for k, pin in enumerate(m.pins, 1):
        if pin.unpin is None:
            continue
        e, u = m.events[pin.index], m.events[pin.unpin]
        args = {"pfn": f"{pin.pfn:#x}" if isinstance(pin.pfn, int) else None}
        out.append((pin.index, {"name": "pin", "cat": "gup", "ph": "s", "id": k,
                                "ts": us(m, e.t_ns), "pid": PID, "tid": e.cpu, "args": args}))
        out.append((pin.unpin, {"name": "pin", "cat": "gup", "ph": "f", "bp": "e", "id": k,
                                "ts": us(m, u.t_ns), "pid": PID, "tid": u.cpu, "args": args}))
    return out


def phase_slice_name(phase, value):
    return f"wait ({value} pinned)" if phase == "wait_begin" else phase


def teardown_slices(m, td):
    """B/E events of one teardown: the whole, and each phase until the next."""
    pg = m.pgmaps[td.pgmap]
    base = {"cat": "teardown", "pid": PID, "tid": td.cpu}
    outer = f"teardown {pg.label}"
    out, open_phase = [], None
    for phase, t, value, i in td.phases:
        args = raw_args(m.events[i])
        if not out:
            out.append(dict(base, name=outer, ph="B", ts=us(m, t), args=args))
        if open_phase is not None:
            out.append(dict(base, name=open_phase, ph="E", ts=us(m, t), args=args))
            open_phase = None
        if phase == "end":
            out.append(dict(base, name=outer, ph="E", ts=us(m, t), args=args))
            return out
        if phase != "wait_end":
            open_phase = phase_slice_name(phase, value)
            out.append(dict(base, name=open_phase, ph="B", ts=us(m, t), args=args))
    unfinished = {"unfinished": True}
    if open_phase is not None:
        out.append(dict(base, name=open_phase, ph="E", ts=us(m, m.t_last), args=unfinished))
    if out:
        out.append(dict(base, name=outer, ph="E", ts=us(m, m.t_last), args=unfinished))
    return out


def counter_events(m):
    out = []
    for pg in m.pgmaps.values():
        for t, v in pg.counts:
            out.append({"name": pg.count_track, "ph": "C", "ts": us(m, t), "pid": PID,
                        "args": {"refs": v}})
        for t, v in pg.lives:
            out.append({"name": pg.live_track, "ph": "C", "ts": us(m, t), "pid": PID,
                        "args": {"pages": v}})
    return out


def to_chrome_trace(m, dump):
    """The model as a Chrome trace-event JSON object (a dict, ready for json.dump)."""
    flows = {}
    for index, ev in flow_events(m):
        flows.setdefault(index, []).append(ev)
    timed = []
    for i, e in enumerate(m.events):
        if e.name != "teardown":
            timed.append(point_event(m, i, e))
        timed.extend(flows.get(i, []))
    timed.extend(counter_events(m))
    for td in m.teardowns:
        timed.extend(teardown_slices(m, td))
    timed.sort(key=lambda ev: ev["ts"])      # stable: ties keep their logical order
    meta = {"source": "zdk trace dump", "dump": dump.d, "events": len(m.events),
            "first_event_t_ns": m.t0}
    if dump.end:
        meta.update(overwritten=dump.end.get("overwritten"), skipped=dump.end.get("skipped"))
    return {"traceEvents": metadata_events(m, dump) + timed, "displayTimeUnit": "ns",
            "metadata": meta}
