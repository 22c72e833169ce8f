"""One exception base and one error printer for every command of the course.

Library code raises `LabError` (or a subclass) with what happened and, separately, what to do
(`hint`); only a command-line entry point calls `report_error`, which prints
`prog: error: <message>. <hint>.` and returns the exit status to use.
"""

from __future__ import annotations

from typing import TextIO

from labkit.console import Console

EXIT_USAGE = 2  # usage or configuration error, as argparse uses


class LabError(Exception):
    """An error to show a user as one line: what happened, then what to do about it.

    `exit_code` defaults to 2 (usage or configuration); subclasses may set their own.
    """

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return _sentence(self.message) + (f" {_sentence(self.hint)}" if self.hint else "")


def report_error(prog: str, exc: BaseException, stream: TextIO) -> int:
    """Print `prog: error: ...` for `exc` on `stream`; return the exit status for it.

    Exceptions that are not LabErrors are shown by their message (an OSError by its
    `strerror` and file name) with exit status 2, so no traceback reaches a user.
    """
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        text = _sentence(exc.strerror + where)
    else:
        text = _sentence(str(exc) or type(exc).__name__)
    console = stream if isinstance(stream, Console) else Console(stream, color=False)
    console.print(f"{prog}: error: {text}")
    return int(getattr(exc, "exit_code", EXIT_USAGE))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", ":")) else text + "."
