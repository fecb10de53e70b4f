"""svg: the model as a self-contained SVG picture.

to_svg(): one lane per CPU (dense runs of page events folded into one bar,
other events as ticks merged per pixel), the unbind's wait as a bar, the
pgmap counts below (min/max per pixel column; a signed log scale when they
exceed 50), a time axis in ms.

Relies on model (the Model, family_of, PIN_EVENTS).
"""

import math
from dataclasses import dataclass, field
from html import escape

from .model import PIN_EVENTS, family_of

SVG_W, SVG_H = 900, 360
X0, X1 = 64, 884                      # the time axis' pixel span
LANES_TOP, LANES_BOTTOM = 48, 196
PLOT_TOP, PLOT_BOTTOM = 212, 312
AXIS_Y = 320
FONT = "font-family=\"sans-serif\""
COLOURS = {"page": "#4c72b0", "pgmap": "#55a868", "ref": "#8172b2", "gup": "#dd8452",
           "dax": "#937860", "teardown": "#333333", "queue": "#64b5cd", "warn": "#d62728",
           "other": "#999999"}
LINE_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b")
DENSE = {"page_get", "page_put", "page_free", "pgmap_get", "pgmap_put"}
RUN_MIN = 32                          # consecutive page events drawn as one bar
CHAR_W = 5.5                          # estimated width of a 9 px character


@dataclass
class Lane:
    cpu: int
    top: float
    height: float
    rows: list = field(default_factory=lambda: [[], [], []])   # label extents per row

    @property
    def mid(self):
        return self.top + self.height * 0.55

    def row_y(self, row):
        return (self.mid - 10, self.mid - 20, self.mid + 18)[row]


class TimeScale:
    """ns since boot to x pixels over [X0, X1]."""

    def __init__(self, t0, t1):
        self.t0, self.span = t0, max(t1 - t0, 1)

    def x(self, t):
        return X0 + (t - self.t0) / self.span * (X1 - X0)


def fmt(v):
    """A coordinate with one decimal, without a trailing .0."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def text(x, y, s, size=9, anchor="start", fill="#222", extra=""):
    return (f'<text x="{fmt(x)}" y="{fmt(y)}" font-size="{size}" {FONT} '
            f'text-anchor="{anchor}" fill="{fill}"{extra}>{escape(s)}</text>')


def make_lanes(cpus):
    h = min(64.0, (LANES_BOTTOM - LANES_TOP) / max(len(cpus), 1))
    return {cpu: Lane(cpu, LANES_TOP + k * h, h) for k, cpu in enumerate(cpus)}


def place_label(lane, x, s, fill="#222", rows=(0, 1, 2)):
    """An SVG text for s near x in the first free row of the lane, or None."""
    w = len(s) * CHAR_W
    left = x + 2 if x + 2 + w <= X1 else x - 2 - w
    for row in rows:
        if all(left + w + 3 < a or left > b + 3 for a, b in lane.rows[row]):
            lane.rows[row].append((left, left + w))
            return text(left, lane.row_y(row), s, fill=fill)
    return None


def dense_runs(events):
    """Split one CPU's events into runs of >= RUN_MIN page events and the rest."""
    runs, rest, cur = [], [], []
    for e in events + [None]:
        if e is not None and e.name in DENSE:
            cur.append(e)
            continue
        if len(cur) >= RUN_MIN:
            runs.append(cur)
        else:
            rest.extend(cur)
        cur = []
        if e is not None:
            rest.append(e)
    return runs, rest


def run_label(run):
    """What a folded run mostly is: final puts (the teardown's put loop records
    page_free + pgmap_put per page), unpins' puts or GUP's gets."""
    frees = sum(e.name == "page_free" for e in run)
    puts = sum(e.name == "page_put" for e in run)
    gets = sum(e.name == "page_get" for e in run)
    if frees and frees >= max(puts, gets):
        return f"{frees} pages freed"
    if puts >= gets and puts:
        return f"{puts} page puts"
    if gets:
        return f"{gets} page gets"
    return f"{len(run)} page events"


def important_label(m, e):
    """The label an important event gets on its lane, or None."""
    if e.name in PIN_EVENTS:
        return "pin" if isinstance(e.args.get("got"), int) and e.args["got"] > 0 else "pin failed"
    if e.name == "unpin":
        return "unpin"
    if e.name == "teardown" and e.args.get("phase") in ("kill", "remove"):
        return e.args["phase"]
    if e.name == "ref_release" and e.args.get("ref") in m.ref_owner:
        return "release"
    if e.name == "warn":
        return "WARN"
    if e.name == "late_access":
        return "late access"
    return None


LABEL_PRIORITY = {"WARN": 0, "late access": 0, "kill": 1, "release": 1, "remove": 2,
                  "unpin": 3, "pin": 3, "pin failed": 4}


TICK_ORDER = ("other", "page", "pgmap", "ref", "queue", "dax", "teardown", "gup", "warn")


def lane_ticks(lane, events, scale):
    """One path per family: a tick per pixel column that has events."""
    cols = {}
    for e in events:
        cols.setdefault(family_of(e.name), set()).add(round(scale.x(e.t_ns)))
    out = []
    for fam, xs in sorted(cols.items(), key=lambda item: TICK_ORDER.index(item[0])):
        half = 10 if fam == "warn" else 6
        d = "".join(f"M{fmt(x)} {fmt(lane.mid - half)}V{fmt(lane.mid + half)}" for x in sorted(xs))
        width = 1.5 if fam in ("warn", "gup", "teardown") else 1
        out.append(f'<path d="{d}" stroke="{COLOURS[fam]}" stroke-width="{width}" fill="none"/>')
    return out


def wait_bars(m, lanes, scale):
    """The unbind's wait: a bar on the teardown CPU's lane, labelled."""
    out = []
    for td in m.teardowns:
        begin, end = td.time_of("wait_begin"), td.time_of("wait_end")
        lane = lanes.get(td.cpu)
        if begin is None or lane is None:
            continue
        x0, x1 = scale.x(begin), scale.x(end if end is not None else m.t_last)
        waited = (td.value_of("wait_begin") or 0) != 0 or end is None
        out.append(f'<rect x="{fmt(x0)}" y="{fmt(lane.mid - 5)}" width="{fmt(max(x1 - x0, 2))}" '
                   f'height="10" fill="#ff9f1c" fill-opacity="0.45" stroke="#c77700">'
                   f'<title>teardown of {escape(m.pgmaps[td.pgmap].label)}: wait</title></rect>')
        label = place_label(lane, x0, "unbind waits" if waited else "no wait", fill="#8a4b00",
                            rows=(2, 0, 1))
        if label:
            out.append(label)
    return out


def lane_svg(m, lanes, scale):
    """Lane backgrounds, dense-run bars, ticks and labels for every CPU."""
    out, labels, by_cpu = [], [], {}
    for e in m.events:
        by_cpu.setdefault(e.cpu, []).append(e)
    for k, lane in enumerate(lanes.values()):
        fill = "#f4f4f4" if k % 2 == 0 else "#ebebeb"
        out.append(f'<rect x="{X0}" y="{fmt(lane.top)}" width="{X1 - X0}" '
                   f'height="{fmt(lane.height)}" fill="{fill}"/>')
        out.append(text(8, lane.mid + 3, f"CPU {lane.cpu}", size=11, fill="#333"))
    out.extend(wait_bars(m, lanes, scale))
    for cpu, events in by_cpu.items():
        lane = lanes[cpu]
        runs, rest = dense_runs(events)
        for run in runs:
            x0, x1 = scale.x(run[0].t_ns), scale.x(run[-1].t_ns)
            out.append(f'<rect x="{fmt(x0)}" y="{fmt(lane.mid - 4)}" '
                       f'width="{fmt(max(x1 - x0, 2))}" '
                       f'height="8" fill="{COLOURS["page"]}" fill-opacity="0.6"/>')
            labels.append((5, x0, lane, run_label(run), "#23466e"))
        out.extend(lane_ticks(lane, rest, scale))
        for e in rest:
            s = important_label(m, e)
            if s:
                fill = COLOURS["warn"] if e.name in ("warn", "late_access") else "#222"
                labels.append((LABEL_PRIORITY.get(s, 4), scale.x(e.t_ns), lane, s, fill))
    labels.sort(key=lambda item: (item[0], item[1]))
    for _, x, lane, s, fill in labels:
        placed = place_label(lane, x, s, fill)
        if placed:
            out.append(placed)
    return out


class CountScale:
    """Count values to y pixels of the plot: linear, or signed log beyond 50."""

    def __init__(self, lo, hi):
        self.log = max(abs(lo), abs(hi)) > 50
        self.lo, self.hi = self.f(min(lo, 0)), self.f(max(hi, 1))
        if lo < 0:      # room below zero to see a negative count
            self.lo = min(self.lo, -0.2 * (self.hi - self.lo))

    def f(self, v):
        return math.copysign(math.log10(1 + abs(v)), v) if self.log else float(v)

    def y(self, v):
        return PLOT_BOTTOM - (self.f(v) - self.lo) / (self.hi - self.lo) * (PLOT_BOTTOM - PLOT_TOP)

    def ticks(self, lo, hi):
        if not self.log:
            return sorted({0, hi} | ({lo} if lo < 0 else set()))
        out, p = [0], 1
        while p <= hi:
            out.append(p)
            p *= 100
        if lo < 0:
            out.append(lo)
        return out


def step_path(series, scale, cs, t_end):
    """A step path of (t, v), at most four points per pixel column (min/max kept)."""
    cols = []                           # [x, first, lo, hi, last]
    for t, v in series:
        x = round(scale.x(t))
        if cols and cols[-1][0] == x:
            c = cols[-1]
            c[2], c[3], c[4] = min(c[2], v), max(c[3], v), v
        else:
            cols.append([x, v, v, v, v])
    d = []
    for k, (x, first, lo, hi, last) in enumerate(cols):
        d.append(f"M{x} {fmt(cs.y(first))}" if k == 0 else f"H{x}V{fmt(cs.y(first))}")
        for v in (lo, hi, last):
            d.append(f"V{fmt(cs.y(v))}")
    d.append(f"H{fmt(scale.x(t_end))}")
    return "".join(d)


def count_plot(m, scale):
    """The pgmap counts as step lines: below zero in red, the minimum labelled."""
    series = [pg for pg in m.pgmaps.values() if pg.counts]
    if not series:
        return [text(X0, (PLOT_TOP + PLOT_BOTTOM) / 2, "no pgmap count in this dump", fill="#777")]
    values = [v for pg in series for _, v in pg.counts]
    lo, hi = min(values), max(values)
    cs = CountScale(lo, hi)
    zero = cs.y(0)
    out = [f'<clipPath id="below"><rect x="{X0}" y="{fmt(zero + 1.5)}" width="{X1 - X0}" '
           f'height="{fmt(PLOT_BOTTOM - zero + 2)}"/></clipPath>',
           f'<rect x="{X0}" y="{PLOT_TOP}" width="{X1 - X0}" height="{PLOT_BOTTOM - PLOT_TOP}" '
           f'fill="none" stroke="#ddd"/>']
    used = []
    for v in cs.ticks(lo, hi):
        if all(abs(cs.y(v) - y) >= 9 for y in used):
            used.append(cs.y(v))
            out.append(text(X0 - 4, cs.y(v) + 3, str(v), anchor="end", fill="#555"))
    x = X0
    caption = "pgmap references" + (" (signed log scale)" if cs.log else "") + ":"
    out.append(text(x, PLOT_TOP - 4, caption, fill="#333"))
    x += len(caption) * CHAR_W + 6
    out.append(f'<line x1="{X0}" y1="{fmt(zero)}" x2="{X1}" y2="{fmt(zero)}" stroke="#888" '
               f'stroke-dasharray="4 3"/>')
    for k, pg in enumerate(series):
        d = step_path(pg.counts, scale, cs, m.t_last)
        colour = LINE_COLOURS[k % len(LINE_COLOURS)]
        out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        out.append(f'<path d="{d}" fill="none" stroke="#d62728" stroke-width="2" '
                   f'clip-path="url(#below)"/>')
        out.append(text(x, PLOT_TOP - 4, pg.count_track, fill=colour))
        x += len(pg.count_track) * CHAR_W + 10
        out.extend(min_marker(pg, scale, cs))
    return out


def min_marker(pg, scale, cs):
    t, v = min(pg.counts, key=lambda p: p[1])
    x, y = scale.x(t), cs.y(v)
    fill = "#d62728" if v < 0 else "#555"
    anchor = "start" if x < X1 - 80 else "end"
    dx = 4 if anchor == "start" else -4
    dy = -4 if y - 4 > PLOT_TOP + 8 else 11
    return [f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="2.5" fill="{fill}"/>',
            text(x + dx, y + dy, f"min {v}", anchor=anchor, fill=fill)]


def nice_step(span):
    raw = span / 8
    mag = 10 ** math.floor(math.log10(raw))
    return next(k * mag for k in (1, 2, 5, 10) if k * mag >= raw)


def time_axis(m, scale):
    """The axis under everything: ms since the first event."""
    span_ms = scale.span / 1e6
    step = nice_step(span_ms)
    decimals = max(0, -math.floor(math.log10(step)))
    out = [f'<line x1="{X0}" y1="{AXIS_Y}" x2="{X1}" y2="{AXIS_Y}" stroke="#333"/>']
    k = 0
    while k * step <= span_ms * (1 + 1e-9):
        x = X0 + k * step / span_ms * (X1 - X0)
        out.append(f'<line x1="{fmt(x)}" y1="{AXIS_Y}" x2="{fmt(x)}" y2="{AXIS_Y + 4}" '
                   f'stroke="#333"/>')
        out.append(text(x, AXIS_Y + 14, f"{k * step:.{decimals}f}", anchor="middle", fill="#333"))
        k += 1
    out.append(text(X1, AXIS_Y + 30, "time (ms since the first event)", anchor="end", fill="#333"))
    return out


def legend():
    out, x = [], X0
    for fam in ("page", "pgmap", "ref", "gup", "dax", "teardown", "queue", "warn"):
        out.append(f'<rect x="{x}" y="31" width="8" height="8" fill="{COLOURS[fam]}"/>')
        out.append(text(x + 11, 39, fam, fill="#333"))
        x += 16 + len(fam) * CHAR_W
    out.append(f'<rect x="{fmt(x)}" y="31" width="14" height="8" fill="#ff9f1c" '
               f'fill-opacity="0.45" '
               f'stroke="#c77700"/>')
    out.append(text(x + 17, 39, "wait", fill="#333"))
    return out


def to_svg(m, title="zdk trace"):
    """The model as a self-contained SVG document (a string)."""
    cpus = sorted({e.cpu for e in m.events}) or [0]
    lanes = make_lanes(cpus)
    scale = TimeScale(m.t0, m.t_last)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_W}" height="{SVG_H}" '
             f'viewBox="0 0 {SVG_W} {SVG_H}">',
             f'<rect width="{SVG_W}" height="{SVG_H}" fill="white"/>',
             text(X0, 20, title, size=14, extra=' font-weight="bold"')]
    parts += legend()
    parts += lane_svg(m, lanes, scale)
    parts += count_plot(m, scale)
    parts += time_axis(m, scale)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
