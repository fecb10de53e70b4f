"""ZdkCommand, the base of the zdk-* commands: their arguments parsed, every
error turned into one line."""

import gdb

from .errors import ZdkError
from .memory import as_int, inferior


class ZdkCommand(gdb.Command):
    """Base of the zdk-* commands: parse the arguments, turn every error
    into one line."""

    command = None

    def __init__(self):
        super().__init__(self.command, gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        try:
            inferior()          # every command reads the live machine
            self.run(arg.strip())
        except ZdkError as e:
            raise gdb.GdbError(f"{self.command}: {e}") from None
        except gdb.MemoryError as e:
            raise gdb.GdbError(f"{self.command}: cannot read memory: {e}") from None
        except gdb.error as e:
            raise gdb.GdbError(f"{self.command}: {e}") from None
        except Exception as e:      # a kernel these helpers do not know yet: one line
            raise gdb.GdbError(f"{self.command}: {type(e).__name__}: {e} "
                               "(does scripts/gdb/zdk.py match this kernel?)") from None

    def run(self, arg):
        """The command itself, given the rest of its line."""
        raise NotImplementedError


def split_args(arg, least, most, usage):
    """The words of arg, at least `least`, at most `most` of them: the last
    one takes the rest of the line, so it may be an expression with spaces
    or quotes ('drivers/pmem/dax_cmd.c'::pin_mm)."""
    words = arg.split(None, most - 1) if most else arg.split()
    if not least <= len(words) <= most:
        raise ZdkError(f"usage: {usage}")
    return words


def parse_number(text, what):
    """A number (or any C expression that gives one) typed by the user."""
    try:
        return as_int(gdb.parse_and_eval(text))
    except (gdb.error, ValueError) as e:
        raise ZdkError(f"bad {what} '{text}': {e}") from None
