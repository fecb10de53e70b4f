"""model: the model builder, a dump's events replayed into what they did.

build_model() replays the events in time order (sorted by t=, then n=) and
keeps, per pgmap (keyed by its pgmap= address):
- its reference count: pgmap_setup and pgmap_count set it (and give the
  name; a pgmap_count is exact at the wait's start and when the wait
  gives up, a snapshot at `trace on`), pgmap_get/pgmap_put add/subtract
  nr, and for the pgmap's own percpu_ref: ref_kill subtracts the initial
  reference the kill drops, ref_confirm sets the exact count. A pgmap
  whose first event is neither setup nor count (the trace started late)
  starts from 0 and its track says "(relative)".
- which percpu_ref is its own. Rule: a pgmap_setup carrying ref= says so
  explicitly. Otherwise the kernel embeds the ref in struct dev_pagemap
  and memunmap_pages() records its `kill` phase right before
  percpu_ref_kill() on the same CPU, so a ref_kill whose nearest preceding
  teardown event on that CPU is a `kill` phase belongs to that phase's
  pgmap (if it has no ref yet). A pgmap the owner killed earlier gets no
  ref this way; its count is then corrected by the exact pgmap_count
  readings.
- its live device pages: those at a refcount above 0. Rule: a
  pgmap_setup's pages= are all live (every mode sets each device page to
  refcount 1 at setup; an old dump without pages= gives count - 1, which
  is 0 in the hooked modes); each page_free (a final put: the teardown's
  put loop, an unpin that drops a page to 0) removes one. Nothing adds
  one: a device page never comes back from 0 while its pgmap lives.
  page_get and page_put are not counted: a put to 0 is followed by its
  page_free, and a late put of a removed memmap's page (its count past
  the bias) by none. A page_free without a pgmap= is charged to the
  pgmap of another page_free of the same pfn, else to the only pgmap
  there is. Without a setup the live pages start at 0 and their track is
  marked "(relative)".
- its teardowns: the phases, the CPU that ran them, the wait.
- the pins: a gup_fast/gup_slow that got pages pinned the pfn of the first
  page_get on its CPU since that CPU's previous gup, unpin, dax_fault or
  teardown event (the kernel records the gets before the pin event), less
  the pages a gup_undo gave back (nr= of them from pfn=: all of a 2 MiB
  leaf's); failing that, the next page_get on that CPU. A pin is matched
  to the first later unpin of that pfn, or, if its pfn is not known, to
  the first later unmatched unpin.

Relies only on the events' fields (dump.Event: n, cpu, t_ns, name, args);
facts, chrome and svg read the Model it builds.
"""

from dataclasses import dataclass, field

FAMILIES = {
    "page": ("page_get", "page_put", "page_free"),
    "pgmap": ("pgmap_setup", "pgmap_get", "pgmap_put", "pgmap_count"),
    "ref": ("ref_kill", "ref_atomic", "ref_confirm", "ref_percpu", "ref_release"),
    "gup": ("gup_fast", "gup_slow", "gup_undo", "unpin"),
    "dax": ("dax_fault", "dax_zap"),
    "teardown": ("teardown",),
    "queue": ("queue_enter", "queue_exit", "queue_freeze"),
    "warn": ("warn", "late_access"),
}
FAMILY_OF = {name: fam for fam, names in FAMILIES.items() for name in names}
PIN_EVENTS = ("gup_fast", "gup_slow")
PIN_WINDOW_ENDS = ("gup_fast", "gup_slow", "unpin", "dax_fault", "teardown")


def family_of(name):
    return FAMILY_OF.get(name, "other")


@dataclass
class Pgmap:
    addr: int
    name: str | None = None
    ref: int | None = None
    count: int = 0
    relative: bool = False
    live: int = 0
    live_relative: bool = True
    counts: list = field(default_factory=list)   # (t_ns, count) at each change
    lives: list = field(default_factory=list)    # (t_ns, live pages) at each change

    @property
    def label(self):
        return self.name or f"{self.addr:#x}"

    @property
    def count_track(self):
        return f"pgmap {self.label} refs" + (" (relative)" if self.relative else "")

    @property
    def live_track(self):
        return f"{self.label} live pages" + (" (relative)" if self.live_relative else "")


@dataclass
class Teardown:
    pgmap: int
    cpu: int
    phases: list = field(default_factory=list)   # (phase, t_ns, value, event index)

    def time_of(self, phase):
        return next((t for p, t, _, _ in self.phases if p == phase), None)

    def value_of(self, phase):
        return next((v for p, _, v, _ in self.phases if p == phase), None)


@dataclass
class Pin:
    index: int            # into Model.events
    cpu: int
    t_ns: int
    pfn: int | None = None
    unpin: int | None = None   # index of the matched unpin event


@dataclass
class Model:
    events: list                                  # sorted by (t, n)
    t0: int = 0
    t_last: int = 0
    pgmaps: dict = field(default_factory=dict)    # addr -> Pgmap, in order of appearance
    ref_owner: dict = field(default_factory=dict)  # ref addr -> pgmap addr
    teardowns: list = field(default_factory=list)
    pins: list = field(default_factory=list)
    unpins: list = field(default_factory=list)    # event indexes
    releases: list = field(default_factory=list)  # (t_ns, pgmap addr)
    warns: list = field(default_factory=list)     # event indexes
    lates: list = field(default_factory=list)     # event indexes
    unmodelled: list = field(default_factory=list)  # events lacking an argument the model needs


def set_point(series, t, value):
    """Append (t, value) to a step series unless the value is unchanged."""
    if not series or series[-1][1] != value:
        series.append((t, value))


def pfn_owners(events):
    """pfn -> pgmap address, from every page_free of the dump."""
    return {e.args["pfn"]: e.args["pgmap"] for e in events
            if e.name == "page_free" and isinstance(e.args.get("pfn"), int)
            and isinstance(e.args.get("pgmap"), int) and e.args["pgmap"]}


class MissingArgument(Exception):
    """An event without an argument its model needs: left out of the model."""


class ModelBuilder:
    """Replays events in time order into a Model; one on_<event> per event it models."""

    def __init__(self, events):
        self.m = Model(events=sorted(events, key=lambda e: (e.t_ns, e.n)))
        if self.m.events:
            self.m.t0 = self.m.events[0].t_ns
            self.m.t_last = self.m.events[-1].t_ns
        self.owners = pfn_owners(events)
        self.last_teardown = {}      # cpu -> (phase, pgmap addr)
        self.open_teardown = {}      # pgmap addr -> Teardown
        self.window = {}             # cpu -> [pfn] of page_gets since the last pin boundary
        self.undone = {}             # cpu -> {pfn} given back in that window
        self.waiting_pin = {}        # cpu -> Pin still looking for its pfn

    def build(self):
        for i, e in enumerate(self.m.events):
            self.track_pin_window(i, e)
            handler = getattr(self, "on_" + e.name, None)
            try:
                if handler:
                    handler(i, e)
            except MissingArgument:
                self.m.unmodelled.append(i)
        match_pins(self.m)
        return self.m

    # pgmaps and their counts

    def pgmap(self, addr, t, seen_by="other"):
        """The Pgmap at addr, made on first sight: its count starts at 0 and is
        relative unless seen_by is "setup" or "count" (which set it); its live
        pages start at 0, relative, unless seen_by is "setup"."""
        if not isinstance(addr, int):
            raise MissingArgument("pgmap")
        pg = self.m.pgmaps.get(addr)
        if pg is None:
            pg = Pgmap(addr, relative=seen_by not in ("setup", "count"))
            self.m.pgmaps[addr] = pg
            if pg.relative:
                set_point(pg.counts, t, 0)
            if seen_by != "setup":
                set_point(pg.lives, t, 0)
        return pg

    def set_count(self, pg, t, value):
        pg.count = value
        set_point(pg.counts, t, value)

    def set_live(self, pg, t, value):
        pg.live = value
        set_point(pg.lives, t, value)

    def set_name(self, pg, name):
        if isinstance(name, str) and name not in ("", "-"):
            pg.name = name
        elif isinstance(name, int):
            pg.name = str(name)

    def on_pgmap_setup(self, i, e):
        pg = self.pgmap(e.args.get("pgmap"), e.t_ns, seen_by="setup")
        self.set_name(pg, e.args.get("name"))
        count = e.args.get("count", 1)
        self.set_count(pg, e.t_ns, count)
        if not pg.lives:
            pg.live_relative = False
        pages = e.args.get("pages")
        if not isinstance(pages, int):          # an old dump: 1 + pages, or 1 when hooked
            pages = count - 1 if isinstance(count, int) else 0
        self.set_live(pg, e.t_ns, max(pages, 0))
        if isinstance(e.args.get("ref"), int):
            pg.ref = e.args["ref"]
            self.m.ref_owner[pg.ref] = pg.addr

    def on_pgmap_count(self, i, e):
        pg = self.pgmap(e.args.get("pgmap"), e.t_ns, seen_by="count")
        self.set_name(pg, e.args.get("name"))
        self.set_count(pg, e.t_ns, e.args.get("count", pg.count))

    def on_pgmap_get(self, i, e):
        pg = self.pgmap(e.args.get("pgmap"), e.t_ns)
        self.set_count(pg, e.t_ns, pg.count + e.args.get("nr", 1))

    def on_pgmap_put(self, i, e):
        pg = self.pgmap(e.args.get("pgmap"), e.t_ns)
        self.set_count(pg, e.t_ns, pg.count - e.args.get("nr", 1))

    # the pgmap's own percpu_ref

    def ref_pgmap(self, e):
        addr = self.m.ref_owner.get(e.args.get("ref"))
        return None if addr is None else self.m.pgmaps.get(addr)

    def on_ref_kill(self, i, e):
        ref = e.args.get("ref")
        phase, addr = self.last_teardown.get(e.cpu, (None, None))
        if ref not in self.m.ref_owner and phase == "kill":
            pg = self.m.pgmaps[addr]
            if pg.ref is None:
                pg.ref = ref
                self.m.ref_owner[ref] = addr
        pg = self.ref_pgmap(e)
        if pg is not None:
            self.set_count(pg, e.t_ns, pg.count - 1)   # the kill puts the initial ref

    def on_ref_confirm(self, i, e):
        pg = self.ref_pgmap(e)
        if pg is not None and isinstance(e.args.get("count"), int):
            self.set_count(pg, e.t_ns, e.args["count"])

    def on_ref_release(self, i, e):
        pg = self.ref_pgmap(e)
        if pg is not None:
            self.m.releases.append((e.t_ns, pg.addr))

    # device pages

    def page_pgmap(self, pfn, t):
        addr = self.owners.get(pfn)
        if addr is None and len(self.m.pgmaps) == 1:
            addr = next(iter(self.m.pgmaps))
        return None if addr is None else self.pgmap(addr, t)

    def on_page_free(self, i, e):
        addr = e.args.get("pgmap")
        pg = self.pgmap(addr, e.t_ns) if addr else self.page_pgmap(e.args.get("pfn"), e.t_ns)
        if pg is not None:
            self.set_live(pg, e.t_ns, pg.live - 1)

    # teardowns

    def on_teardown(self, i, e):
        phase, addr = e.args.get("phase"), e.args.get("pgmap")
        self.pgmap(addr, e.t_ns)
        self.last_teardown[e.cpu] = (phase, addr)
        td = self.open_teardown.get(addr)
        if td is None or phase == "begin":
            td = Teardown(addr, e.cpu)
            self.m.teardowns.append(td)
            self.open_teardown[addr] = td
        td.phases.append((phase, e.t_ns, e.args.get("value"), i))
        if phase == "end":
            del self.open_teardown[addr]

    # pins, unpins, warnings

    def track_pin_window(self, i, e):
        """Note the page_gets and gup_undos a pin on this CPU may have taken."""
        if e.name == "page_get":
            waiting = self.waiting_pin.pop(e.cpu, None)
            if waiting is not None:
                waiting.pfn = e.args.get("pfn")
            else:
                self.window.setdefault(e.cpu, []).append(e.args.get("pfn"))
        elif e.name == "gup_undo":
            pfn, nr = e.args.get("pfn"), e.args.get("nr", 1)
            pfns = range(pfn, pfn + max(nr, 1)) if isinstance(pfn, int) and isinstance(nr, int) \
                else [pfn]
            self.undone.setdefault(e.cpu, set()).update(pfns)
        elif e.name in PIN_WINDOW_ENDS and e.name not in PIN_EVENTS:
            self.reset_window(e.cpu)

    def reset_window(self, cpu):
        self.window.pop(cpu, None)
        self.undone.pop(cpu, None)
        self.waiting_pin.pop(cpu, None)

    def on_pin(self, i, e):
        undone = self.undone.get(e.cpu, set())
        taken = [p for p in self.window.get(e.cpu, []) if p not in undone]
        self.reset_window(e.cpu)
        got = e.args.get("got", 0)
        if not isinstance(got, int) or got <= 0:
            return
        pin = Pin(i, e.cpu, e.t_ns, taken[0] if taken else None)
        self.m.pins.append(pin)
        if pin.pfn is None:
            self.waiting_pin[e.cpu] = pin

    on_gup_fast = on_pin
    on_gup_slow = on_pin

    def on_unpin(self, i, e):
        self.m.unpins.append(i)

    def on_warn(self, i, e):
        self.m.warns.append(i)

    def on_late_access(self, i, e):
        self.m.lates.append(i)


class NextUnpin:
    """The first unpin of a list after a given event not yet taken. Pins ask in
    the order of their events, so the position only moves forward."""

    def __init__(self, unpins):
        self.unpins, self.at = unpins, 0

    def after(self, index, taken):
        while self.at < len(self.unpins) and (self.unpins[self.at] <= index
                                              or self.unpins[self.at] in taken):
            self.at += 1
        return self.unpins[self.at] if self.at < len(self.unpins) else None


def match_pins(m):
    """Pair each pin with its unpin: same pfn first, else the next free one."""
    taken, anyone, by_pfn = set(), NextUnpin(m.unpins), {}
    for u in m.unpins:
        by_pfn.setdefault(m.events[u].args.get("pfn"), []).append(u)
    same = {pfn: NextUnpin(us) for pfn, us in by_pfn.items()}
    for pin in m.pins:
        if pin.pfn is not None:
            choice = same[pin.pfn].after(pin.index, taken) if pin.pfn in same else None
        else:
            choice = anyone.after(pin.index, taken)
        if choice is not None:
            pin.unpin = choice
            taken.add(choice)


def build_model(events):
    """The Model of a dump's events (see the module docstring for the rules)."""
    return ModelBuilder(events).build()
