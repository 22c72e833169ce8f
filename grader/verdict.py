"""How a check reports its verdict: by raising one of these (a check that returns has passed)."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """A check's status. A str, so it compares, prints and serialises as its word."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_ATTEMPTED = "not attempted"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


PASSED, FAILED, ERROR = Status.PASSED, Status.FAILED, Status.ERROR
TIMEOUT, NOT_ATTEMPTED = Status.TIMEOUT, Status.NOT_ATTEMPTED


class Verdict(Exception):
    """Raised inside a hidden check; the message is the feedback shown to the student."""

    status: Status = FAILED


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
