"""The test tools without a .py name (tests/qemu-run, tests/labs,
tests/gdb-check, tests/test-all) loaded as modules, so that the unit
tests, and one tool using another's rules, call their functions."""

import importlib.machinery
import importlib.util
import sys


def load_script(path, name):
    """The script at path as a new module called name. It is registered
    in sys.modules under that name (dataclasses look their module up)."""
    loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
