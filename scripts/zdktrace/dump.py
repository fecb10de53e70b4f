"""dump: the parse stage, a serial log's `@trace` lines to dumps of events.

The serial log's lines are searched for "@trace " anywhere (a prompt may
precede it). Each line's CRC-32 (zlib's) over the text from '@' up to the
" ~" must match, else the line is reported with its line number and
dropped. Lines group into dumps by d= (a new begin line starts a new dump,
so a reboot's d=1 does not merge with the last). A dump is complete when
its begin and end lines are there, its n= run 0..events-1 without a gap,
its end line's overwritten and skipped are both 0 (an entry lost to a
full ring, or still being written as the dump passed, is missing) and it
has no stopped= (the dump was stopped, by Ctrl-C, before its last entry). Events
become Event(n, cpu, t_ns, name, args): values are ints (0x.. hexadecimal
or signed decimal) or strings (name=pmem0, phase=wait_begin; "-" is the
kernel's empty name).

Relies on the line format alone (docs/tracing.md, lib/trace_dump.c); the
other modules read its Event and Dump, chrome its is_hex_arg.
"""

import re
import zlib
from dataclasses import dataclass, field
from typing import NamedTuple

TRACE_MARK = "@trace "
LINE_RE = re.compile(r"^(@trace .*?) ~([0-9a-fA-F]{8})\s*$")
INT_RE = re.compile(r"^-?(?:0[xX][0-9a-fA-F]+|[0-9]+)$")

# the arguments the kernel prints in hexadecimal (lib/trace_events.h, kind x), per
# event: "ref" is a percpu_ref's address in ref_* but a page's count in page_*
HEX_ARGS = {
    "page_get": {"pfn"}, "page_put": {"pfn"}, "page_free": {"pfn", "pgmap"},
    "pgmap_setup": {"pgmap", "ref"}, "pgmap_get": {"pgmap"}, "pgmap_put": {"pgmap"},
    "pgmap_count": {"pgmap"}, "ref_kill": {"ref"}, "ref_atomic": {"ref"},
    "ref_confirm": {"ref"}, "ref_percpu": {"ref"}, "ref_release": {"ref"},
    "gup_fast": {"addr"}, "gup_slow": {"addr"}, "gup_undo": {"pfn", "addr"},
    "unpin": {"pfn"}, "dax_fault": {"addr", "pfn"}, "dax_zap": {"map", "bytes"},
    "teardown": {"pgmap"}, "queue_enter": {"queue"}, "queue_exit": {"queue"},
    "queue_freeze": {"queue"}, "warn": {"at"}, "late_access": {"pfn"},
}
HEX_NAMES = {"pfn", "pgmap", "addr", "map", "bytes", "queue", "at"}   # an unknown event's


def is_hex_arg(event, arg):
    """Does the kernel print this event's argument in hexadecimal?"""
    return arg in HEX_ARGS.get(event, HEX_NAMES)


class TimelineError(Exception):
    """The input cannot give a timeline (no dump, an incomplete dump...)."""


class Event(NamedTuple):
    n: int
    cpu: int
    t_ns: int
    name: str
    args: dict


@dataclass
class Dump:
    d: int
    first_line: int
    begin: dict | None = None
    end: dict | None = None
    events: list = field(default_factory=list)


def find_trace_text(line):
    """The "@trace ..." part of a serial line, or None."""
    at = line.find(TRACE_MARK)
    return None if at < 0 else line[at:].rstrip("\r\n")


def split_crc(text):
    """(body, None) for a line whose CRC matches, else (None, why)."""
    m = LINE_RE.match(text)
    if not m:
        return None, "no ' ~CRC' at its end (truncated?)"
    body, crc = m.group(1), int(m.group(2), 16)
    actual = zlib.crc32(body.encode("utf-8", "surrogateescape"))
    if actual != crc:
        return None, f"CRC mismatch (line says {crc:08x}, text gives {actual:08x})"
    return body, None


def parse_value(text):
    """An argument's value: int for 0x.. or decimal (signed), else the string."""
    if not INT_RE.match(text):
        return text
    neg = text.startswith("-")
    digits = text[1:] if neg else text
    v = int(digits, 16) if digits[:2] in ("0x", "0X") else int(digits)
    return -v if neg else v


def parse_fields(tokens):
    """NAME=VALUE tokens to a dict of parsed values."""
    out = {}
    for tok in tokens:
        key, sep, value = tok.partition("=")
        if not sep or not key:
            raise ValueError(f"not NAME=VALUE: {tok!r}")
        out[key] = parse_value(value)
    return out


def parse_body(body):
    """One verified line: (d, "begin"|"end"|"event", fields or Event)."""
    tokens = body.split()
    if len(tokens) < 3 or tokens[0] != "@trace" or not tokens[1].startswith("d="):
        raise ValueError("not '@trace d=N ...'")
    d = int(tokens[1][2:])
    if tokens[2] in ("begin", "end"):
        return d, tokens[2], parse_fields(tokens[3:])
    head = [tok.partition("=") for tok in tokens[2:5]]
    if (len(tokens) < 6 or [k for k, _, _ in head] != ["n", "cpu", "t"]
            or not all(v.isdigit() for _, _, v in head)):
        raise ValueError("an event needs n=, cpu=, t= (decimal) and a name")
    n, cpu, t = (int(v) for _, _, v in head)
    return d, "event", Event(n, cpu, t, tokens[5], parse_fields(tokens[6:]))


def add_to_dumps(dumps, current, lineno, d, kind, payload):
    """File one parsed line into its dump (a begin line opens a new one)."""
    dump = current.get(d)
    if kind == "begin" or dump is None:
        dump = Dump(d, lineno)
        dumps.append(dump)
        current[d] = dump
    if kind == "begin":
        dump.begin = payload
    elif kind == "end":
        dump.end = payload
    else:
        dump.events.append(payload)


def parse_log(lines):
    """Every dump in a serial log, and the problems with its @trace lines.

    Returns (dumps in log order, ["line N: why"]). Bad lines are dropped.
    """
    dumps, current, problems = [], {}, []
    for lineno, line in enumerate(lines, 1):
        text = find_trace_text(line)
        if text is None:
            continue
        body, why = split_crc(text)
        if body is None:
            problems.append(f"line {lineno}: {why}: dropped")
            continue
        try:
            d, kind, payload = parse_body(body)
        except ValueError as err:
            problems.append(f"line {lineno}: {err}: dropped")
            continue
        add_to_dumps(dumps, current, lineno, d, kind, payload)
    return dumps, problems


def ranges_text(numbers):
    """[3, 4, 5, 9] -> "3..5, 9"."""
    parts, run = [], []
    for v in sorted(numbers):
        if run and v == run[-1] + 1:
            run.append(v)
            continue
        if run:
            parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}..{run[-1]}")
        run = [v]
    if run:
        parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}..{run[-1]}")
    return ", ".join(parts)


def missing_events(dump):
    """What is wrong with a dump's n= sequence (empty when it is 0..events-1)."""
    seen = [e.n for e in dump.events]
    expected = dump.end.get("events") if dump.end else None
    top = expected if isinstance(expected, int) else (max(seen) + 1 if seen else 0)
    present = set(seen)
    out = []
    gaps = [n for n in range(top) if n not in present]
    if gaps:
        out.append(f"{len(gaps)} event line(s) missing: n={ranges_text(gaps)}")
    extra = sorted(n for n in present if n >= top or n < 0)
    if extra:
        out.append(f"event line(s) beyond the end line's events={top}: n={ranges_text(extra)}")
    if len(seen) != len(present):
        out.append("duplicate n= lines")
    return out


def incomplete_reasons(dump):
    """Why a dump is not complete: [] when it is."""
    out = []
    if dump.begin is None:
        out.append("no begin line")
    if dump.end is None:
        out.append("no end line")
    out.extend(missing_events(dump))
    end = dump.end or {}
    lost = end.get("overwritten", 0)
    if lost:
        out.append(f"overwritten={lost}: events lost to a full ring (a bigger trace.size=)")
    skipped = end.get("skipped", 0)
    if skipped:
        out.append(f"skipped={skipped}: events still being written as the dump passed "
                   "(dump again once the activity has stopped)")
    if "stopped" in end:
        out.append(f"stopped={end['stopped']}: the dump was stopped (Ctrl-C) with that many "
                   "entries unread")
    return out


def select_dump(dumps, number=None, allow_incomplete=False, notes=None):
    """The dump to draw: d=number (its last occurrence) or the last complete one.

    Raises TimelineError saying what is missing unless allow_incomplete.
    Notes for the user (e.g. a newer incomplete dump passed over) are
    appended to notes.
    """
    notes = [] if notes is None else notes
    if not dumps:
        raise TimelineError("no @trace dump in the log (run `trace dump` in the shell)")
    if number is not None:
        chosen = [x for x in dumps if x.d == number]
        if not chosen:
            have = ", ".join(str(x.d) for x in dumps)
            raise TimelineError(f"no dump d={number} in the log (dumps: {have})")
        return checked_dump(chosen[-1], allow_incomplete, notes)
    complete = [x for x in dumps if not incomplete_reasons(x)]
    if complete and not allow_incomplete:
        if complete[-1] is not dumps[-1]:
            notes.append(f"dump d={dumps[-1].d} is incomplete "
                         f"({'; '.join(incomplete_reasons(dumps[-1]))}); "
                         f"using d={complete[-1].d}")
        return complete[-1]
    return checked_dump(dumps[-1], allow_incomplete, notes)


def checked_dump(dump, allow_incomplete, notes):
    """dump itself if complete (or allowed), else TimelineError naming the gaps."""
    reasons = incomplete_reasons(dump)
    if reasons and not allow_incomplete:
        raise TimelineError(f"dump d={dump.d} (from line {dump.first_line}) is incomplete: "
                            + "; ".join(reasons))
    if reasons:
        notes.append(f"dump d={dump.d} is incomplete, drawn anyway: " + "; ".join(reasons))
    return dump
