"""The pytest plugin through which the hidden checks get their judge and report verdicts."""

from __future__ import annotations

import traceback
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
        exc = None if call.excinfo is None else call.excinfo.value
        record = verdict_record(item.module.EX, title(item.obj, item.name), exc)
        if isinstance(exc, NoReference):
            # No reference means no verdict at all: stop the run, don't fail the student.
            self.internal = str(exc)
        self.records.append(record)


def title(function: Any, name: str) -> str:
    """A check's feedback line: its docstring on one line, whatever its layout (Python 3.13
    strips a docstring's indentation and earlier versions keep it)."""
    return " ".join((function.__doc__ or name).split())


def verdict_record(exercise: str, title: str, exc: BaseException | None) -> Record:
    """The record of a check that returned (exc None) or raised `exc`."""
    if exc is None:
        return Record(exercise, title, PASSED)
    if isinstance(exc, Verdict):
        return Record(exercise, title, exc.status, str(exc))
    # A bug in a check is ours, not the student's: say so plainly, don't blame them.
    where = traceback.extract_tb(exc.__traceback__)[-1:]
    at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
    return Record(
        exercise, title, ERROR,
        f"internal error in the grader ({type(exc).__name__}: {exc}{at}). Please report this.",
    )  # fmt: skip
