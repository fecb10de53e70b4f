"""check: check_trace(obj) validates any trace-event JSON against the format's
rules and returns the problems as strings.

Relies on nothing else here: it reads any producer's JSON, not only
chrome.to_chrome_trace()'s (the command line's --check, the tests).
"""

import math

THREAD_PHASES = set("BEXiIstfnbePOND")
KNOWN_PHASES = THREAD_PHASES | {"M", "C", "R"}


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def describe(i, ev):
    return f"event {i} ({ev.get('ph')!s} {ev.get('name')!r})"


def field_problems(i, ev):
    """Missing or mistyped fields of one event, by its phase."""
    ph, out = ev.get("ph"), []
    if not isinstance(ph, str) or ph not in KNOWN_PHASES:
        return [f"{describe(i, ev)}: unknown or missing ph"]
    need = ["name", "pid"]
    if ph != "M":
        need.append("ts")
    if ph in THREAD_PHASES or ev.get("name") in ("thread_name", "thread_sort_index"):
        need.append("tid")
    for key in need:
        if key not in ev:
            out.append(f"{describe(i, ev)}: no {key}")
    if "ts" in ev and not is_number(ev["ts"]):
        out.append(f"{describe(i, ev)}: ts is not a number")
    if ph == "X" and not (is_number(ev.get("dur")) and ev["dur"] >= 0):
        out.append(f"{describe(i, ev)}: X needs a numeric dur >= 0")
    if ph in ("i", "I") and ev.get("s", "t") not in ("g", "p", "t"):
        out.append(f"{describe(i, ev)}: instant scope s must be g, p or t")
    if ph in ("s", "t", "f") and "id" not in ev:
        out.append(f"{describe(i, ev)}: flow event without id")
    if ph == "C":
        args = ev.get("args")
        if not isinstance(args, dict) or not args:
            out.append(f"{describe(i, ev)}: counter without args")
        elif not all(is_number(v) for v in args.values()):
            out.append(f"{describe(i, ev)}: counter args must be numbers")
    if ph == "M" and not isinstance(ev.get("args"), dict):
        out.append(f"{describe(i, ev)}: metadata without args")
    return out


def track_of(ev):
    if ev.get("ph") == "C":
        return ("counter", ev.get("pid"), ev.get("name"))
    return ("thread", ev.get("pid"), ev.get("tid"))


def order_problems(events):
    """ts going backwards on a track, B/E out of stack order, flows without both ends."""
    out, last_ts, stacks, flows = [], {}, {}, {}
    for i, ev in enumerate(events):
        if not isinstance(ev, dict) or ev.get("ph") == "M" or not is_number(ev.get("ts")):
            continue
        track, ts, ph = track_of(ev), ev["ts"], ev.get("ph")
        if track in last_ts and ts < last_ts[track]:
            out.append(f"{describe(i, ev)}: ts {ts} before {last_ts[track]} on its track")
        last_ts[track] = max(ts, last_ts.get(track, ts))
        if ph == "B":
            stacks.setdefault(track, []).append((i, ev))
        elif ph == "E":
            stack = stacks.get(track)
            if not stack:
                out.append(f"{describe(i, ev)}: E with no open B on its track")
                continue
            j, begin = stack.pop()
            if ev.get("name") and ev.get("name") != begin.get("name"):
                out.append(f"{describe(i, ev)}: E closes {begin.get('name')!r} "
                           f"(event {j}) out of stack order")
        elif ph in ("s", "f"):
            key = (ev.get("cat"), ev.get("name"), ev.get("id"))
            flows.setdefault(key, {}).setdefault(ph, []).append(i)
    for stack in stacks.values():
        for j, begin in stack:
            out.append(f"{describe(j, begin)}: B with no matching E")
    for (_, name, fid), ends in flows.items():
        for have, lacks in (("s", "f"), ("f", "s")):
            if have in ends and lacks not in ends:
                out.append(f"flow {name!r} id {fid}: '{have}' without '{lacks}'")
    return out


def check_trace(obj):
    """Problems with a trace-event JSON object (or array): [] when it is valid."""
    if isinstance(obj, dict):
        events = obj.get("traceEvents")
        if not isinstance(events, list):
            return ["no traceEvents list"]
        unit = obj.get("displayTimeUnit", "ms")
        out = [] if unit in ("ms", "ns") else [f"displayTimeUnit {unit!r} is not ms or ns"]
    elif isinstance(obj, list):
        events, out = obj, []
    else:
        return ["not a JSON object or array"]
    for i, ev in enumerate(events):
        if not isinstance(ev, dict):
            out.append(f"event {i}: not an object")
            continue
        out.extend(field_problems(i, ev))
    out.extend(order_problems(events))
    return out
