"""Shared terminal output for `grader` and `quiz`: encoding fallbacks, colour, errors.

The public API is small and meant to stay stable:

- `labkit.console.Console(stream)`: `text(s)`, `write(s)`, `print(s)`, `style(s, name)`,
  `color`, `unicode`; and `labkit.console.eof_key()`.
- `labkit.errors.LabError(message, hint=..., exit_code=...)` and
  `labkit.errors.report_error(prog, exc, stream) -> int`.
"""

__version__ = "0.1.0"  # the one version number of grader, quiz and labkit (pyproject reads it)

from labkit.console import Console, eof_key
from labkit.errors import LabError, report_error

__all__ = ["Console", "LabError", "__version__", "eof_key", "report_error"]
