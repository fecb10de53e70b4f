"""ZdkError: what a zdk-* command reports as one line (command.py does)."""


class ZdkError(Exception):
    """A problem worth one line to the user (no traceback)."""
