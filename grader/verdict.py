"""How a check reports its verdict: by raising one of these (a check that returns has passed)."""

from __future__ import annotations

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
TIMEOUT = "timeout"
NOT_ATTEMPTED = "not attempted"
STATUSES = (PASSED, FAILED, ERROR, TIMEOUT, NOT_ATTEMPTED)


class Verdict(Exception):
    """Raised inside a hidden check; the message is the feedback shown to the student."""

    status = FAILED


class Failed(Verdict):
    status = FAILED


class StudentError(Verdict):
    """The student's code raised, did not import, or ended its process."""

    status = ERROR


class StudentTimeout(Verdict):
    status = TIMEOUT


class NotAttempted(Verdict):
    """The function still raises NotImplementedError: the stub is untouched."""

    status = NOT_ATTEMPTED
