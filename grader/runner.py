"""Run the hidden pytest checks in this process against outcomes from the sandbox.

The sandbox starts first, in a background thread, so the student's code runs while pytest is
imported here. Checks only see plain data from the sandbox; their verdicts are collected by a
small pytest plugin and returned as records. Nothing here prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader import cases as case_builder
from grader.course import Course, Exercise
from grader.judging import Judge
from grader.results import CheckResult, ExerciseResult, RunResult
from grader.sandbox import DEFAULT_TIMEOUT, SandboxRun
from grader.verdict import ERROR, PASSED, Verdict

# Third-party pytest plugins have no business in the judge, and loading them is slow. Set before
# pytest is imported; this module is imported only when checks run.
os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
import pytest  # noqa: E402

CHECKS_DIR = Path(__file__).with_name("checks")


class GraderError(Exception):
    """The checks themselves could not run (a broken installation, not the student's code)."""


def run_checks(
    course: Course,
    exercises: Sequence[Exercise],
    seed: int,
    timeout: float = DEFAULT_TIMEOUT,
    reference: Any = None,
) -> RunResult:
    """Grade `exercises` of the course's exercises/ folder; never runs student code here."""
    started = time.perf_counter()
    names = [ex.name for ex in exercises]
    cases = case_builder.build(names, seed)
    sandbox = SandboxRun(
        [c.call() for c in cases],
        course.exercises_dir,
        timeout=timeout,
        forbidden=[course.solutions_dir],
    )
    if reference is None:
        from grader.reference import SolutionReference

        reference = SolutionReference(course.solutions_dir)
    plugin = _Collector(lambda: Judge(cases, sandbox.result(), reference))
    _pytest_main([CHECKS_DIR / f"check_{name}.py" for name in names], plugin)
    return assemble(exercises, plugin.records, seed, time.perf_counter() - started)


def assemble(
    exercises: Sequence[Exercise],
    records: list[tuple[str, str, str, str]],
    seed: int,
    seconds: float,
) -> RunResult:
    """The run's result from the checks' records (exercise, title, status, message)."""
    results = []
    for ex in exercises:
        found = [r for r in records if r[0] == ex.name]
        if not found:
            raise GraderError(f"no hidden checks ran for {ex.name}")
        share = ex.points / len(found)
        checks = tuple(
            CheckResult(ex.name, title, status, message, share if status == PASSED else 0.0, share)
            for _, title, status, message in found
        )  # fmt: skip
        results.append(ExerciseResult(ex.name, checks, ex.points))
    return RunResult(seed, tuple(results), seconds)


def _pytest_main(files: list[Path], plugin: _Collector) -> None:
    args = [
        *map(str, files),
        "-c", os.devnull, "--rootdir", str(CHECKS_DIR), "-o", "python_files=check_*.py",
        "-s", "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:warnings",
        "-p", "no:doctest", "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:stepwise",
        "-p", "no:logging",
    ]  # fmt: skip
    code = pytest.main(args, plugins=[plugin])
    if plugin.internal:
        raise GraderError(plugin.internal)
    if code not in (0, 1):
        raise GraderError(f"the hidden checks could not run (pytest exit code {int(code)})")


class _Collector:
    """A pytest plugin: provides the `judge` fixture and records each check's verdict."""

    def __init__(self, make_judge: Any) -> None:
        self._make_judge = make_judge
        self.records: list[tuple[str, str, str, str]] = []
        self.internal = ""

    @pytest.fixture(scope="session")
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
        title = (item.obj.__doc__ or item.name).strip()
        if call.excinfo is None:
            self.records.append((exercise, title, PASSED, ""))
            return
        exc = call.excinfo.value
        if isinstance(exc, Verdict):
            self.records.append((exercise, title, exc.status, str(exc)))
        else:
            # A bug in a check is ours, not the student's: say so plainly, don't blame them.
            where = call.excinfo.traceback[-1]
            self.records.append((
                exercise, title, ERROR,
                f"internal error in the grader ({type(exc).__name__}: {exc} at "
                f"{Path(str(where.path)).name}:{where.lineno + 1}). Please report this.",
            ))  # fmt: skip
