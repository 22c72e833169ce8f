"""The pytest plugin through which the hidden checks get their judge and report verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.judge.judging import Judge
from grader.judge.reference import NoReference
from grader.verdict import ERROR, PASSED, Status, Verdict

COLLECTOR = pytest.StashKey["Collector"]()


@dataclass(frozen=True)
class Record:
    """One hidden check's verdict: the feedback line (title), its status and message."""

    exercise: str
    title: str
    status: Status
    message: str = ""


class Collector:
    """A pytest plugin: hands the checks their judge (see checks/conftest.py) and records each
    check's verdict."""

    def __init__(self, make_judge: Any) -> None:
        self._make_judge = make_judge
        self.records: list[Record] = []
        self.internal = ""

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[COLLECTOR] = self

    def judge(self) -> Judge:
        # Waits here for the sandbox, which has been running since before pytest started.
        return self._make_judge()

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.internal = f"the hidden checks failed to load: {report.longreprtext[-2000:]}"

    def pytest_runtest_makereport(self, item: Any, call: Any) -> None:
        if call.when != "call" and call.excinfo is None:
            return
        exercise = item.module.EX
        # One line, whatever the docstring's layout: Python 3.13 strips a docstring's
        # indentation and earlier versions keep it, which changed the feedback's text.
        title = " ".join((item.obj.__doc__ or item.name).split())
        if call.excinfo is None:
            self.records.append(Record(exercise, title, PASSED))
            return
        exc = call.excinfo.value
        if isinstance(exc, NoReference):
            # No reference means no verdict at all: stop the run, don't fail the student.
            self.internal = str(exc)
        if isinstance(exc, Verdict):
            self.records.append(Record(exercise, title, exc.status, str(exc)))
        else:
            # A bug in a check is ours, not the student's: say so plainly, don't blame them.
            where = call.excinfo.traceback[-1]
            self.records.append(Record(
                exercise, title, ERROR,
                f"internal error in the grader ({type(exc).__name__}: {exc} at "
                f"{Path(str(where.path)).name}:{where.lineno + 1}). Please report this.",
            ))  # fmt: skip
