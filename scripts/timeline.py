#!/usr/bin/env python3
"""timeline.py: a zdk `trace dump` to a Perfetto timeline, an SVG picture and facts.

The command line of the package beside it, scripts/zdktrace/ (its
__init__.py lists the stages: parse, model, output, check).

Usage:
    timeline.py LOG [--dump N] [--allow-incomplete] [--json OUT] [--svg OUT]
                [--title TEXT] [--check] [--facts]
LOG "-" reads standard input. With no output option a summary is printed.
Exit status: 0 ok, 1 bad or incomplete input or a failed check, 2 usage
(including a LOG that cannot be read).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))   # zdktrace, from any cwd

from zdktrace.check import check_trace  # noqa: E402
from zdktrace.chrome import to_chrome_trace  # noqa: E402
from zdktrace.dump import TimelineError, parse_log, select_dump  # noqa: E402
from zdktrace.facts import facts, summary  # noqa: E402
from zdktrace.model import build_model  # noqa: E402
from zdktrace.svg import to_svg  # noqa: E402


def read_lines(path):
    if path == "-":
        return sys.stdin.read().splitlines()
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def parse_args(argv):
    p = argparse.ArgumentParser(description="A zdk `trace dump` to Perfetto JSON, SVG and facts.")
    p.add_argument("log", help="the serial log (- for standard input)")
    p.add_argument("--dump", type=int, metavar="N",
                   help="use dump d=N (default: the last complete one)")
    p.add_argument("--allow-incomplete", action="store_true",
                   help="draw an incomplete dump instead of refusing it")
    p.add_argument("--json", metavar="OUT", help="write Chrome trace-event JSON (Perfetto)")
    p.add_argument("--svg", metavar="OUT", help="write an SVG picture")
    p.add_argument("--title", help="the SVG's title")
    p.add_argument("--check", action="store_true", help="validate the JSON produced; exit 1 if bad")
    p.add_argument("--facts", action="store_true", help="print facts as JSON (for tests)")
    return p.parse_args(argv)


def write_text(path, content):
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)


def run(opts):
    """Everything after the arguments parsed: returns the exit status."""
    try:
        lines = read_lines(opts.log)
    except OSError as err:
        print(f"timeline: cannot read {opts.log}: {err.strerror}", file=sys.stderr)
        return 2
    dumps, problems = parse_log(lines)
    for p in problems:
        print(f"timeline: {p}", file=sys.stderr)
    notes = []
    try:
        dump = select_dump(dumps, opts.dump, opts.allow_incomplete, notes)
    except TimelineError as err:
        print(f"timeline: {err}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"timeline: {note}", file=sys.stderr)
    m = build_model(dump.events)
    status = 0
    if opts.json or opts.check:
        trace = to_chrome_trace(m, dump)
        if opts.json:
            write_text(opts.json, json.dumps(trace, separators=(",", ":")) + "\n")
        if opts.check:
            bad = check_trace(trace)
            for p in bad:
                print(f"timeline: check: {p}", file=sys.stderr)
            status = 1 if bad else status
    if opts.svg:
        write_text(opts.svg, to_svg(m, opts.title or f"zdk trace d={dump.d}"))
    if opts.facts:
        print(json.dumps(facts(m, dump), indent=1))
    if not (opts.json or opts.svg or opts.facts or opts.check):
        print(summary(m, dump))
    return status


def main(argv=None):
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
