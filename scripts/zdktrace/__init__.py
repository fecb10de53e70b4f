"""zdktrace: a zdk `trace dump` read, modelled and drawn (scripts/timeline.py is its command line).

Design. Four stages, parse, model, output and check, each a handful of
small functions, usable from the command line or imported
(tests/test_timeline.py does); a module each, its docstring giving its rules:

  dump    parse: the log's @trace lines, their CRCs, dumps, events, completeness
  model   the model builder: pgmaps, their counts and live pages, teardowns, pins
  facts   what tests check, from the model (and the command line's summary)
  chrome  output: the model as Chrome trace-event JSON (Perfetto)
  svg     output: the model as an SVG picture
  check   check_trace: any trace-event JSON against the format's rules
"""
